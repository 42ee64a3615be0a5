/**
 * `sleep` and `yieldNow`: the two ways to wait for time.
 *
 * @module
 */

import type { Instruction } from "../core/instruction.js";
import type { Operation } from "../core/operation.js";
import { _keepMaps } from "../core/exemplars.js";
import { SleepInstruction, YIELD_NOW } from "../core/instruction.js";
import { describeReceived } from "../core/received.js";

/**
 * Waits `delayMs` milliseconds of loop time, then returns `value`. `delayMs <= 0` waits exactly
 * one pass and arms no timer: a negative delay means "now", as in asyncio (`sleep(-5)` is
 * `sleep(0)`). Never resumes early on virtual time; on real time at most 1 ms early (host timer
 * rounding).
 *
 * **Cancellation:** the timer is cancelled and `CancelledError` is raised at once (on the next
 * pass).
 *
 * @param delayMs - how long to wait, in milliseconds of loop time; `<= 0`: one pass.
 * @throws TypeError for a non-number delay, RangeError for NaN (raised when the operation
 *   starts).
 * @example
 * ```ts
 * const answer = yield* sleep(100, 42); // 42, 100 ms later
 * ```
 */
export function sleep(delayMs: number): Operation<void>;
export function sleep<T>(delayMs: number, value: T): Operation<T>;
export function sleep<T>(delayMs: number, value?: T): Operation<T | undefined> {
  return new SleepOperation<T | undefined>(delayMs, value);
}

/**
 * Discussion: a program with 100k sleeping tasks holds 100k sleeps, so `sleep()` is a small
 * two-state iterator rather than a generator (whose object and frame are several times larger,
 * and whose resume costs more). It is not itself an instruction: `yield sleep(10)` without the
 * star must stay a diagnosed mistake, so the instruction is a separate, smaller object.
 */
class SleepOperation<T> implements Operation<T>, Iterator<Instruction, T, unknown> {
  readonly #delayMs: number;
  readonly #value: T;
  #started = false;

  constructor(delayMs: number, value: T) {
    this.#delayMs = delayMs;
    this.#value = value;
  }

  next(): IteratorResult<Instruction, T> {
    if (this.#started) return { done: true, value: this.#value }; // resumed after the wait
    this.#started = true;
    const delayMs: unknown = this.#delayMs;
    if (typeof delayMs !== "number") {
      throw new TypeError(`sleep() needs a number of milliseconds: received ${describeReceived(delayMs)}`);
    }
    if (Number.isNaN(delayMs)) throw new RangeError("sleep() needs a finite number of milliseconds: received NaN");
    return { done: false, value: new SleepInstruction(delayMs, this.#value) };
  }

  throw(error: unknown): IteratorResult<Instruction, T> {
    this.#started = true;
    throw error;
  }

  return(value?: unknown): IteratorResult<Instruction, T> {
    this.#started = true;
    return { done: true, value: value as T };
  }

  [Symbol.iterator](): this {
    return this;
  }
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

_keepMaps(new YieldNowIterator(), new SleepOperation(0, undefined)); // see exemplars.ts
