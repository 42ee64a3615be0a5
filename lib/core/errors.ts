/**
 * The error classes of yieldio. Each says when it is raised. Wrong argument types throw the
 * built-in `TypeError`, out-of-range values `RangeError`; these classes are for what callers
 * catch.
 *
 * @module
 */

import type { CancelReason } from "./cancel-reason.js";
import { formatCancelReason } from "./cancel-reason.js";

/**
 * Raised inside a coroutine at a suspension point when the cancel scope around it (or its
 * task) has been cancelled. Cancellation is level-triggered: catching this error does not end
 * the cancellation, the next suspension inside the cancelled scope raises it again.
 *
 * Do not swallow it: let it propagate so that the scope that caused it can absorb it.
 *
 * @example
 * ```ts
 * try {
 *   yield* sleep(1000);
 * } catch (error) {
 *   if (error instanceof CancelledError) console.log("cancelled:", error.reason.source);
 *   throw error;
 * }
 * ```
 */
export class CancelledError extends Error {
  /** Why the cancellation happened, as data (its source, message and task). */
  readonly reason: CancelReason;
  #message: string | undefined;

  constructor(reason: CancelReason = { source: "explicit" }) {
    super();
    this.reason = reason;
  }

  /**
   * Rendered from {@link CancelledError.reason} on first read: most cancellations are absorbed
   * by their scope without anyone reading the message.
   */
  override get message(): string {
    return (this.#message ??= formatCancelReason(this.reason));
  }

  static {
    this.prototype.name = "CancelledError";
  }
}

/**
 * Raised by {@link timeout}, {@link timeoutAt} and {@link waitFor} when the deadline passed
 * before the body finished. Its `cause` is the `CancelledError` that unwound the body.
 *
 * @example
 * ```ts
 * try {
 *   yield* timeout(100, fetchAll());
 * } catch (error) {
 *   if (error instanceof TimeoutError) console.log("too slow");
 *   else throw error;
 * }
 * ```
 */
export class TimeoutError extends Error {
  static {
    this.prototype.name = "TimeoutError";
  }
}

/**
 * Raised when an object is used in a state that does not allow the call: reading the result of
 * a pending future, setting the result of a finished one, running a loop that is closed,
 * awaiting one's own task, rescheduling a finished timeout.
 *
 * @example
 * ```ts
 * const future = loop.createFuture<number>();
 * future.result(); // throws InvalidStateError: the future is still pending
 * ```
 */
export class InvalidStateError extends Error {
  static {
    this.prototype.name = "InvalidStateError";
  }
}
