/**
 * The Future of a pool's job. Its `cancel()` tells the pool at once (the job leaves the queue,
 * or its worker is told or killed), in the same step as the caller's cancellation, rather than
 * through a done callback one pass later: a cancelled job is never handed to a worker in
 * between, and a finished one costs no extra callback.
 *
 * @module
 */

import type { EventLoop } from "../lib/core/event-loop.js";
import { Future } from "../lib/core/future.js";

/** @internal A Future whose cancellation calls `onCancel` synchronously. */
export class _JobFuture<T> extends Future<T> {
  readonly #onCancel: () => void;

  constructor(loop: EventLoop, onCancel: () => void) {
    super(loop);
    this.#onCancel = onCancel;
  }

  override cancel(message?: string): boolean {
    if (!super.cancel(message)) return false;
    this.#onCancel();
    return true;
  }
}
