/**
 * `wait`: asyncio's `wait`: wait for some or all of a set of futures, with a time limit,
 * without cancelling anything and without throwing on timeout.
 *
 * @module
 */

import { Future } from "../core/future.js";
import { suspend } from "../core/instruction.js";
import type { Instruction, Wait } from "../core/instruction.js";
import type { TimerHandle } from "../core/handle.js";
import { getRunningLoop } from "../core/running.js";
import type { Waiter } from "../core/waiter.js";
import { checkTimeoutMs, futuresOf } from "./future-set.js";
import { describeReceived } from "../core/received.js";

/**
 * When {@link wait} returns: when every future is done (`"ALL_COMPLETED"`, the default), when
 * any is (`"FIRST_COMPLETED"`), or when any fails with an error, cancellation excluded
 * (`"FIRST_EXCEPTION"`; if none fails it waits for all).
 *
 * @example
 * ```ts
 * const returnWhen: ReturnWhen = "FIRST_EXCEPTION";
 * ```
 */
export type ReturnWhen = "ALL_COMPLETED" | "FIRST_COMPLETED" | "FIRST_EXCEPTION";

/**
 * Options of {@link wait}.
 *
 * @example
 * ```ts
 * const options: WaitOptions = { timeoutMs: 500, returnWhen: "FIRST_COMPLETED" };
 * const { done, pending } = yield* wait(tasks, options);
 * ```
 */
export interface WaitOptions {
  /** The longest time to wait, in milliseconds; `null` or absent: no limit; `<= 0` (negative means "now"): look without waiting. */
  readonly timeoutMs?: number | null;
  /** When to return; default `"ALL_COMPLETED"`. */
  readonly returnWhen?: ReturnWhen;
}

/**
 * What {@link wait} returns: the futures that are done and those that are not, at the moment
 * it returned. `done` lists them in input order.
 *
 * @typeParam F - the futures' type.
 * @example
 * ```ts
 * const result: WaitResult<Task<number>> = yield* wait(tasks, { returnWhen: "FIRST_COMPLETED" });
 * for (const task of result.done) console.log(task.result());
 * ```
 */
export interface WaitResult<F> {
  /** The futures that are done (fulfilled, failed or cancelled). */
  readonly done: Set<F>;
  /** The futures still pending. */
  readonly pending: Set<F>;
}

const RETURN_WHEN: readonly ReturnWhen[] = ["ALL_COMPLETED", "FIRST_COMPLETED", "FIRST_EXCEPTION"];

/**
 * Waits until the futures (or tasks) satisfy `returnWhen`, or until `timeoutMs` has passed,
 * and returns which are done and which are pending. It never cancels a future and never
 * throws on timeout: on timeout, it returns what it has. A future listed twice counts once.
 * If the condition already holds (or `timeoutMs <= 0`), it returns without suspending.
 *
 * As asyncio's `wait`, `"FIRST_EXCEPTION"` looks at the errors of the futures that are done,
 * which marks them as retrieved (no "exception was never retrieved" report for them).
 *
 * **Cancellation:** cancelling the waiting task withdraws the wait: the futures are not
 * touched (unlike `yield* future`, which cancels the future it waits for), the timer is
 * cancelled, and `CancelledError` is raised.
 *
 * @throws TypeError if `futures` is not an iterable of Futures or Tasks (an Operation must be
 *   started first: `createTask(op)`), or for an option of the wrong type; RangeError for an
 *   empty input, an unknown `returnWhen` or a NaN `timeoutMs`. Thrown when the operation
 *   starts.
 * @example
 * ```ts
 * const tasks = urls.map((url) => createTask(fetchPage(url)));
 * const { done, pending } = yield* wait(tasks, { timeoutMs: 5000, returnWhen: "FIRST_COMPLETED" });
 * for (const task of pending) task.cancel(); // wait() itself never cancels
 * ```
 */
export function* wait<F extends Future<unknown>>(
  futures: Iterable<F>,
  options: WaitOptions = {},
): Generator<Instruction, WaitResult<F>, unknown> {
  const all = futuresOf("wait()", futures);
  if (all.size === 0) {
    throw new RangeError("wait() needs at least one Future or Task: received none; there is nothing to wait for");
  }
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- a JavaScript caller can pass anything
  if (typeof options !== "object" || options === null) {
    throw new TypeError(`wait() needs an options object as its second argument: received ${describeReceived(options)}`);
  }
  const timeoutMs = checkTimeoutMs("wait()", options.timeoutMs);
  const returnWhen = options.returnWhen ?? "ALL_COMPLETED";
  if (typeof returnWhen !== "string") {
    throw new TypeError(`wait() needs returnWhen as a string: received ${typeof returnWhen}`);
  }
  if (!RETURN_WHEN.includes(returnWhen)) {
    throw new RangeError(
      `wait() got an unknown returnWhen ${JSON.stringify(returnWhen)}: use one of ${RETURN_WHEN.map((r) => `"${r}"`).join(", ")}`,
    );
  }
  if (timeoutMs === null || timeoutMs > 0) {
    const watch = new Watch(all, returnWhen, timeoutMs);
    if (!watch.satisfied()) yield* suspend<void>(watch);
  }
  // Usually every future is done by now: the distinct futures, in input order, are `done` as
  // they are (a second Set of 50k entries cost ~5% of a cancel-and-wait of 50k tasks).
  if (everyDone(all)) return { done: all, pending: new Set<F>() };
  const done = new Set<F>();
  const pending = new Set<F>();
  for (const future of all) (future.done() ? done : pending).add(future);
  return { done, pending };
}

/** One wait() call: the condition, the done callbacks and the timer. */
class Watch<F extends Future<unknown>> implements Wait<void> {
  readonly description: string;
  readonly #futures: Set<F>;
  readonly #returnWhen: ReturnWhen;
  readonly #timeoutMs: number | null;
  // Invariant: while parked, either undefined (the timer fired, or none was asked for) or
  // the armed timer; callbacks are registered on every future not yet done.
  #timer: TimerHandle | undefined = undefined;
  #waiter: Waiter<void> | undefined = undefined;
  #remaining = 0; // futures not done, while parked
  readonly #onDone = (future: Future<unknown>): void => {
    if (this.#waiter === undefined) return;
    this.#remaining--;
    if (this.#remaining === 0 || this.#returnWhen === "FIRST_COMPLETED" || (this.#returnWhen === "FIRST_EXCEPTION" && hasError(future))) {
      this.#finish();
    }
  };
  readonly #onTimeout = (): void => {
    this.#timer = undefined;
    this.#finish();
  };

  constructor(futures: Set<F>, returnWhen: ReturnWhen, timeoutMs: number | null) {
    this.#futures = futures;
    this.#returnWhen = returnWhen;
    this.#timeoutMs = timeoutMs;
    this.description = `wait(${futures.size} futures, ${returnWhen}${timeoutMs === null ? "" : `, ${timeoutMs} ms`})`;
  }

  /** The futures waited for (for call graphs). */
  awaiting(): Iterable<Future<unknown>> {
    return this.#futures;
  }

  /** True if `returnWhen` already holds, so there is no need to wait. */
  satisfied(): boolean {
    let pending = 0;
    let done = 0;
    for (const future of this.#futures) {
      if (!future.done()) pending++;
      else if (this.#returnWhen === "FIRST_EXCEPTION" && hasError(future)) return true;
      else done++;
    }
    return pending === 0 || (this.#returnWhen === "FIRST_COMPLETED" && done > 0);
  }

  park(waiter: Waiter<void>): void {
    this.#waiter = waiter;
    for (const future of this.#futures) {
      if (future.done()) continue;
      this.#remaining++;
      future.addDoneCallback(this.#onDone);
    }
    if (this.#timeoutMs !== null) this.#timer = getRunningLoop().callLater(this.#timeoutMs, this.#onTimeout);
  }

  abort(_waiter: Waiter<void>): boolean {
    this.#cleanUp();
    return true;
  }

  #finish(): void {
    const waiter = this.#waiter;
    this.#cleanUp();
    waiter?.wake(undefined);
  }

  /** Removes every callback and the timer: nothing of this wait outlives it. */
  #cleanUp(): void {
    this.#waiter = undefined;
    this.#timer?.cancel();
    this.#timer = undefined;
    for (const future of this.#futures) if (!future.done()) future.removeDoneCallback(this.#onDone);
  }
}

function everyDone(futures: Iterable<Future<unknown>>): boolean {
  for (const future of futures) if (!future.done()) return false;
  return true;
}

/** True if a done future failed with an error (a cancellation does not count). */
function hasError(future: Future<unknown>): boolean {
  if (future.cancelled()) return false;
  try {
    future.result();
    return false;
  } catch {
    return true;
  }
}
