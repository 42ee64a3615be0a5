/**
 * `JobLostError`: a BullMQ job that its Future can no longer hear from.
 *
 * @module
 */

/**
 * Raised from a {@link BullMQExecutor} job's Future when the job is gone from Redis without
 * finishing (Redis restarted without persistence, the key was evicted or deleted, or someone
 * removed the job), or could not be added at all. The job may or may not have run: retry it
 * only if it is idempotent. `cause` holds Redis's error when there was one.
 *
 * @example
 * ```ts
 * try {
 *   yield* runInExecutor(executor, work.task("resize"), image);
 * } catch (error) {
 *   if (error instanceof JobLostError) yield* runInExecutor(executor, work.task("resize"), image); // resize is idempotent
 *   else throw error;
 * }
 * ```
 */
export class JobLostError extends Error {
  static {
    this.prototype.name = "JobLostError";
  }
}
