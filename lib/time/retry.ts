/**
 * `retry`: run an Operation again after it fails, with exponential backoff, on loop time.
 *
 * @module
 */

import { CancelledError } from "../core/errors.js";
import type { Instruction } from "../core/instruction.js";
import { checkOperation, isOperation } from "../core/operation.js";
import type { Operation } from "../core/operation.js";
import { describeReceived } from "../core/received.js";
import { sleep } from "./sleep.js";

/**
 * How long {@link retry} waits between attempts: `initialMs` after the first failure, then
 * `factor` times longer each time, at most `maxMs`; `jitter` takes up to that fraction off at
 * random (so that many clients do not retry in step).
 *
 * @example
 * ```ts
 * const backoff: Backoff = { initialMs: 200, factor: 3, maxMs: 10_000, jitter: 0.5 };
 * ```
 */
export interface Backoff {
  /** The wait after the first failure, in milliseconds. Default 100. */
  readonly initialMs?: number;
  /** How much longer each wait is than the one before (≥ 1). Default 2. */
  readonly factor?: number;
  /** The longest wait, in milliseconds. Default 30,000. */
  readonly maxMs?: number;
  /** The fraction (0 to 1) of each wait that may be taken off at random. Default 0: exact waits. */
  readonly jitter?: number;
}

/**
 * Options of {@link retry}.
 *
 * @example
 * ```ts
 * const options: RetryOptions = { attempts: 5, backoff: { initialMs: 50 }, retryIf: (error) => isTransient(error) };
 * ```
 */
export interface RetryOptions {
  /** How many times to run the Operation in all (≥ 1, or `Infinity`). Default 3. */
  readonly attempts?: number;
  /** The waits between attempts; see {@link Backoff}. */
  readonly backoff?: Backoff;
  /**
   * Whether to try again after `error` (the `attempt`-th failure, from 1). Default: every
   * error. A `CancelledError` is never retried, whatever this says.
   */
  readonly retryIf?: (error: unknown, attempt: number) => boolean;
  /** The source of the jitter, a function returning numbers in [0, 1). Default `Math.random`; pass a seeded one for repeatable tests. */
  readonly random?: () => number;
}

/**
 * Runs `op` until it succeeds, at most `attempts` times, waiting with exponential backoff
 * between attempts (on loop time, so a test on `VirtualSelector` runs the waits in no time and
 * exactly); returns its value. When the attempts are used up, or `retryIf` says no, the last
 * error is raised.
 *
 * **Cancellation:** is never retried: a cancellation during an attempt or during a backoff
 * wait ends the retry at once with `CancelledError`.
 *
 * @param op - a function returning a fresh Operation for each attempt (a generator object runs
 *   only once, so it is refused when more than one attempt is allowed), or a reusable Operation.
 * @param options - see {@link RetryOptions}.
 * @throws the last error; TypeError / RangeError for bad arguments.
 * @example
 * ```ts
 * const page = yield* retry(() => fetchPage(url), { attempts: 5, backoff: { initialMs: 200, jitter: 0.5 } });
 * ```
 */
export function* retry<T>(op: (() => Operation<T>) | Operation<T>, options: RetryOptions = {}): Generator<Instruction, T, unknown> {
  const { attempts, initialMs, factor, maxMs, jitter, retryIf, random } = checkRetryOptions(op, options);
  for (let attempt = 1; ; attempt++) {
    try {
      const operation = typeof op === "function" ? op() : op;
      if (operation !== op) checkOperation("the function given to retry()", operation);
      return yield* operation;
    } catch (error) {
      if (error instanceof CancelledError || attempt >= attempts || !retryIf(error, attempt)) throw error;
      const delayMs = Math.min(maxMs, initialMs * factor ** (attempt - 1));
      yield* sleep(delayMs * (1 - jitter * random()));
    }
  }
}

interface CheckedRetryOptions {
  readonly attempts: number;
  readonly initialMs: number;
  readonly factor: number;
  readonly maxMs: number;
  readonly jitter: number;
  readonly retryIf: (error: unknown, attempt: number) => boolean;
  readonly random: () => number;
}

function checkRetryOptions(op: unknown, options: RetryOptions): CheckedRetryOptions {
  if (typeof op !== "function" && !isOperation(op)) {
    throw new TypeError(`retry() needs an Operation or a function returning one: received ${describeReceived(op)}`);
  }
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- a JavaScript caller can pass anything
  if (typeof options !== "object" || options === null)
    throw new TypeError(`retry() needs an options object: received ${describeReceived(options)}`);
  const { attempts = 3, backoff = {}, retryIf = always, random = Math.random } = options;
  if (typeof attempts !== "number" || !(attempts === Number.POSITIVE_INFINITY || (Number.isInteger(attempts) && attempts >= 1))) {
    throw new RangeError(`retry() needs options.attempts as an integer ≥ 1 or Infinity: received ${describeReceived(attempts)}`);
  }
  if (attempts > 1 && typeof op !== "function" && isGeneratorObject(op)) {
    throw new TypeError(
      "retry() was given a generator object, which runs only once: pass a function returning a fresh one, retry(() => work())",
    );
  }
  if (typeof retryIf !== "function")
    throw new TypeError(`retry() needs options.retryIf as a function: received ${describeReceived(retryIf)}`);
  if (typeof random !== "function") throw new TypeError(`retry() needs options.random as a function: received ${describeReceived(random)}`);
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- a JavaScript caller can pass anything
  if (typeof backoff !== "object" || backoff === null)
    throw new TypeError(`retry() needs options.backoff as an object: received ${describeReceived(backoff)}`);
  const { initialMs = 100, factor = 2, maxMs = 30_000, jitter = 0 } = backoff;
  checkNumber("backoff.initialMs", initialMs, 0, Number.POSITIVE_INFINITY);
  checkNumber("backoff.factor", factor, 1, Number.POSITIVE_INFINITY);
  checkNumber("backoff.maxMs", maxMs, 0, Number.POSITIVE_INFINITY);
  checkNumber("backoff.jitter", jitter, 0, 1);
  return { attempts, initialMs, factor, maxMs, jitter, retryIf, random };
}

function checkNumber(name: string, value: unknown, least: number, most: number): void {
  if (typeof value !== "number") throw new TypeError(`retry() needs options.${name} as a number: received ${describeReceived(value)}`);
  if (!(value >= least && value <= most)) throw new RangeError(`retry() needs options.${name} from ${least} to ${most}: received ${value}`);
}

function isGeneratorObject(op: unknown): boolean {
  const candidate = op as { next?: unknown; [Symbol.iterator]?: unknown };
  const iterate = candidate[Symbol.iterator];
  return typeof candidate.next === "function" && typeof iterate === "function" && iterate.call(op) === op;
}

function always(): boolean {
  return true;
}
