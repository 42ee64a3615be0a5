/**
 * `sleep` and `yieldNow`: the two ways to wait for time.
 *
 * @module
 */

import type { Instruction } from "./instruction.js";
import type { Operation } from "./operation.js";
import { _keepMaps } from "./exemplars.js";
import { SleepInstruction, YIELD_NOW } from "./instruction.js";

/**
 * Waits `delayMs` milliseconds of loop time, then returns `value`. `delayMs <= 0` waits exactly
 * one pass and arms no timer. Never resumes early on virtual time; on real time at most 1 ms
 * early (host timer rounding).
 *
 * **Cancellation:** the timer is cancelled and `CancelledError` is raised at once (on the next
 * pass).
 *
 * @throws TypeError for a non-number delay, RangeError for NaN (raised when the operation
 *   starts).
 * @example
 * ```ts
 * const answer = yield* sleep(100, 42); // 42, 100 ms later
 * ```
 */
export function sleep(delayMs: number): Generator<Instruction, void, unknown>;
export function sleep<T>(delayMs: number, value: T): Generator<Instruction, T, unknown>;
export function* sleep<T>(delayMs: number, value?: T): Generator<Instruction, T | undefined, unknown> {
  if (typeof delayMs !== "number") {
    throw new TypeError(`sleep() needs a number of milliseconds: received ${delayMs === null ? "null" : typeof delayMs}`);
  }
  if (Number.isNaN(delayMs)) {
    throw new RangeError("sleep() needs a finite number of milliseconds: received NaN");
  }
  return (yield new SleepInstruction(delayMs, value)) as T | undefined;
}

/**
 * Gives way to every other ready task and callback for exactly one pass (asyncio's
 * `sleep(0)`).
 *
 * **Cancellation:** if the task's scope is cancelled (before or during the pass), it raises
 * `CancelledError`.
 *
 * @example
 * ```ts
 * for (const item of bigList) {
 *   process(item);
 *   yield* yieldNow(); // let the others run
 * }
 * ```
 */
export function yieldNow(): Operation<void> {
  return new YieldNowIterator();
}

const YIELD_RESULT: IteratorResult<Instruction, void> = Object.freeze({ done: false, value: YIELD_NOW });
const DONE_RESULT: IteratorResult<Instruction, void> = Object.freeze({ done: true, value: undefined });

/**
 * Discussion: `yieldNow()` is the hottest operation there is (a busy task calls it in a loop),
 * so it is a two-state iterator with shared, frozen results instead of a generator: one tiny
 * allocation per call instead of a generator object and two result objects.
 */
class YieldNowIterator implements Iterator<Instruction, void, unknown> {
  #yielded = false;

  next(): IteratorResult<Instruction, void> {
    if (this.#yielded) return DONE_RESULT;
    this.#yielded = true;
    return YIELD_RESULT;
  }

  throw(error: unknown): IteratorResult<Instruction, void> {
    throw error;
  }

  return(): IteratorResult<Instruction, void> {
    this.#yielded = true;
    return DONE_RESULT;
  }

  [Symbol.iterator](): this {
    return this;
  }
}

_keepMaps(new YieldNowIterator()); // see exemplars.ts
