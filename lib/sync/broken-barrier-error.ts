/**
 * `BrokenBarrierError`: raised by `Barrier.wait()` on a broken or reset barrier.
 *
 * @module
 */

/**
 * Raised by `Barrier.wait()` when the barrier is broken (`abort()` was called), or when it was
 * `reset()` or aborted while the task was waiting at it.
 *
 * @example
 * ```ts
 * try {
 *   yield* barrier.wait();
 * } catch (error) {
 *   if (!(error instanceof BrokenBarrierError)) throw error;
 *   console.log("the round was called off");
 * }
 * ```
 */
export class BrokenBarrierError extends Error {
  static {
    this.prototype.name = "BrokenBarrierError";
  }
}
