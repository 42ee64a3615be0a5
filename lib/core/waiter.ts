/**
 * Waiter: the ticket a parked task hands to a primitive through {@link Wait.park}.
 *
 * Late completions are dropped by identity: a waiter settles once, and only while its task is
 * still parked on it. A `wake` that arrives after the task was cancelled (and its wait
 * withdrawn) returns `false`, so the primitive knows to hand its item or grant to someone else
 * (this is how "cancel right after hand-off" stays lossless).
 *
 * @module
 */

import type { Wait } from "./instruction.js";
import type { Task } from "./task.js";

/**
 * A parked task's ticket. Call {@link Waiter.wake} or {@link Waiter.fail} once to resume it.
 *
 * @typeParam T - the value the task resumes with.
 * @example
 * ```ts
 * park(waiter) { this.waiters.push(waiter); }
 * // later, when an item arrives:
 * while (this.waiters.length > 0) if (this.waiters.shift()!.wake(item)) return; // handed over
 * this.items.push(item); // nobody took it
 * ```
 */
export class Waiter<T> {
  /** @internal */
  readonly _task: Task<unknown>;
  /** @internal */
  readonly _wait: Wait<T>;
  #pending = true;

  /** @internal Created by the kernel when a task parks on a Wait. */
  constructor(task: Task<unknown>, wait: Wait<T>) {
    this._task = task;
    this._wait = wait;
  }

  /** True while the task is parked on this waiter and can still be woken. */
  get pending(): boolean {
    return this.#pending;
  }

  /** The task parked on this waiter. */
  get task(): Task<unknown> {
    return this._task;
  }

  /**
   * Resumes the task with `value` (on the next pass).
   *
   * @returns `false` if the waiter was already settled or withdrawn: the value was not taken.
   */
  wake(value: T): boolean {
    if (!this.#pending) return false;
    this.#pending = false;
    return this._task._resumeFromWaiter(this, false, value);
  }

  /**
   * Resumes the task by throwing `error` into it (on the next pass).
   *
   * @returns `false` if the waiter was already settled or withdrawn.
   */
  fail(error: unknown): boolean {
    if (!this.#pending) return false;
    this.#pending = false;
    return this._task._resumeFromWaiter(this, true, error);
  }

  /** @internal The task was cancelled: withdraw (true) or let the wait finish (false). */
  _abort(): boolean {
    const wait = this._wait;
    let withdrawn = true;
    if (wait.abort !== undefined) {
      try {
        withdrawn = wait.abort(this);
      } catch (error) {
        // A broken primitive must not break the cancellation that called it: withdraw.
        this._task._loop.callExceptionHandler({
          message: `abort() of wait ${this._wait.description} threw; the wait was withdrawn`,
          exception: error,
          task: this._task,
        });
      }
    }
    // A primitive that woke the waiter from inside abort() handed it something: that is a
    // refusal, whatever it returned (otherwise the value would be lost).
    if (!this.#pending) return false;
    if (withdrawn) this.#pending = false;
    return withdrawn;
  }
}
