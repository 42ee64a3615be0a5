/**
 * The errors of `Queue`, `LifoQueue` and `PriorityQueue`.
 *
 * @module
 */

/**
 * Raised by `getNowait()` on an empty queue (that is not shut down).
 *
 * @example
 * ```ts
 * try {
 *   handle(queue.getNowait());
 * } catch (error) {
 *   if (!(error instanceof QueueEmpty)) throw error;
 * }
 * ```
 */
export class QueueEmpty extends Error {
  static {
    this.prototype.name = "QueueEmpty";
  }
}

// QueueFull lives with the kernel's errors: an executor's bounded job queue raises it too.
export { QueueFull } from "../core/errors.js";

/**
 * Raised by a queue after `shutdown()` (Python 3.13's `QueueShutDown`): by `put()` and
 * `putNowait()` at once, by `get()` and `getNowait()` once the queue is empty (at once after
 * `shutdown(true)`), and in every task that was waiting in `put()` or `get()` when the queue was
 * shut down.
 *
 * @example
 * ```ts
 * for (;;) {
 *   let job: Job;
 *   try {
 *     job = yield* jobs.get();
 *   } catch (error) {
 *     if (error instanceof QueueShutDown) return; // no more work
 *     throw error;
 *   }
 *   yield* run(job);
 * }
 * ```
 */
export class QueueShutDown extends Error {
  static {
    this.prototype.name = "QueueShutDown";
  }
}
