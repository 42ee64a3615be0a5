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

  /**
   * @param reason - why (see {@link CancelReason}); default an explicit cancellation.
   * @param options - `cause`: the error behind it (an `AbortError` from `fromAbortable()`).
   */
  constructor(reason: CancelReason = { source: "explicit" }, options?: ErrorOptions) {
    super(undefined, options);
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

/**
 * Raised by `putNowait()` on a full queue, and by an executor's `submit()` when its job queue
 * holds `maxQueue` jobs (`runInExecutor()` waits for room instead).
 *
 * @example
 * ```ts
 * try {
 *   queue.putNowait(event);
 * } catch (error) {
 *   if (!(error instanceof QueueFull)) throw error;
 *   dropped++; // shed load instead of waiting
 * }
 * ```
 */
export class QueueFull extends Error {
  static {
    this.prototype.name = "QueueFull";
  }
}

/**
 * Raised by an executor that can take no more work: `submit()` after `shutdown()`, and the
 * jobs that were still waiting when a pool broke (its worker initializer failed, or a worker
 * could not start). `cause` says why, when the pool broke.
 *
 * @example
 * ```ts
 * try {
 *   yield* runInExecutor(pool, hash, data);
 * } catch (error) {
 *   if (error instanceof BrokenExecutorError) console.log("the pool is gone:", error.cause);
 *   else throw error;
 * }
 * ```
 */
export class BrokenExecutorError extends Error {
  static {
    this.prototype.name = "BrokenExecutorError";
  }
}

/**
 * Raised for a job whose worker died while running it: `process.exit()` in the work function,
 * an uncaught error in one of its timers, memory beyond `resourceLimits`, a killed child process.
 * The pool replaces the worker; other jobs are not affected.
 *
 * @example
 * ```ts
 * try {
 *   yield* runInExecutor(pool, risky, input);
 * } catch (error) {
 *   if (error instanceof WorkerExitedError) console.log(`worker exited: code ${error.exitCode}, signal ${error.signal}`);
 *   else throw error;
 * }
 * ```
 */
export class WorkerExitedError extends Error {
  static {
    this.prototype.name = "WorkerExitedError";
  }
  /** The worker's exit code, or null when a signal ended it. */
  readonly exitCode: number | null;
  /** The signal that ended a child process (`"SIGKILL"` ...), or null. */
  readonly signal: string | null;

  /**
   * @param message - what happened, naming the job.
   * @param exitCode - the exit code, or null.
   * @param signal - the signal, or null.
   * @param options - `cause`: the uncaught error that ended the worker, when known.
   */
  constructor(message: string, exitCode: number | null, signal: string | null, options?: { cause?: unknown }) {
    super(message, options);
    this.exitCode = exitCode;
    this.signal = signal;
  }
}

/**
 * Raised when a resource is broken by the other side: a connection reset by its peer, a pipe
 * whose reader went away. It is not the caller's mistake, and retrying on the same resource
 * will not help. `cause` holds the host's error (Node's `ECONNRESET`, `EPIPE` ...) when there
 * is one.
 *
 * @example
 * ```ts
 * try {
 *   const line = yield* reader.readLine();
 * } catch (error) {
 *   if (error instanceof BrokenResourceError) console.log("peer went away:", error.cause);
 *   else throw error;
 * }
 * ```
 */
export class BrokenResourceError extends Error {
  static {
    this.prototype.name = "BrokenResourceError";
  }
}
