/**
 * Argument checks shared by `wait` and `asCompleted`, which watch Futures and Tasks that are
 * already running (they never start an Operation themselves).
 *
 * @module
 */

import { Future } from "../core/future.js";
import { isOperation } from "../core/operation.js";
import { describeReceived } from "../core/received.js";

/**
 * @internal The distinct futures of `futures`, in input order.
 *
 * @throws TypeError for anything but an iterable of Futures and Tasks, naming the likely
 *   mistake (a single Task, an Operation that was never started, a Promise).
 */
export function futuresOf<F extends Future<unknown>>(where: string, futures: Iterable<F>): Set<F> {
  if (futures instanceof Future) {
    throw new TypeError(
      `${where} needs an iterable of Futures or Tasks: received a single ${futures._describe()}; pass a list: ${where.slice(0, -2)}([task])`,
    );
  }
  if (Object.prototype.toString.call(futures) === "[object Generator]") {
    throw new TypeError(
      `${where} was given a generator object (an Operation): it waits for Futures or Tasks that are already running; start the operation first: createTask(op); if the generator yields Futures, pass them as an Array: [...generator]`,
    );
  }
  if (typeof (futures as { [Symbol.iterator]?: unknown } | null)?.[Symbol.iterator] !== "function") {
    throw new TypeError(`${where} needs an iterable of Futures or Tasks: received ${describeReceived(futures)}`);
  }
  const set = new Set<F>();
  let index = 0;
  for (const future of futures) {
    if (!(future instanceof Future)) throw notAFuture(where, future, index);
    set.add(future);
    index++;
  }
  return set;
}

function notAFuture(where: string, value: unknown, index: number): TypeError {
  const at = `at position ${index}`;
  if (typeof (value as { then?: unknown } | null)?.then === "function") {
    return new TypeError(`${where} was given a Promise ${at}: it waits for Futures or Tasks; use createTask(fromPromise(promise))`);
  }
  if (isOperation(value)) {
    return new TypeError(
      `${where} was given an Operation ${at}, not a Future or Task: start it first with createTask(op); to run operations and wait for all, use gather()`,
    );
  }
  return new TypeError(`${where} needs Futures or Tasks: received ${describeReceived(value)} ${at}`);
}

/**
 * @internal A `timeoutMs` option: `null` (or absent) for none, else a number of ms.
 *
 * @throws TypeError for a non-number, RangeError for NaN.
 */
export function checkTimeoutMs(where: string, timeoutMs: unknown): number | null {
  if (timeoutMs === undefined || timeoutMs === null) return null;
  if (typeof timeoutMs !== "number")
    throw new TypeError(`${where} needs timeoutMs as a number of ms or null: received ${typeof timeoutMs}`);
  if (Number.isNaN(timeoutMs)) throw new RangeError(`${where} needs timeoutMs as a number of ms or null: received NaN`);
  return timeoutMs === Number.POSITIVE_INFINITY ? null : timeoutMs;
}
