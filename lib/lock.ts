/**
 * `Lock`: a FIFO mutual-exclusion lock for tasks, built on the trap protocol (it never touches
 * the loop).
 *
 * @module
 */

import { _keepMaps } from "./exemplars.js";
import { InvalidStateError } from "./errors.js";
import { GrantOperation } from "./grant-operation.js";
import type { Operation } from "./operation.js";
import { WOKEN } from "./wait-queue.js";

/**
 * A mutual-exclusion lock for tasks (asyncio's `Lock`). `acquire()` resolves to a `Disposable`
 * that releases it, so the usual form is `using _ = yield* lock.acquire()`.
 *
 * Fair: waiters get the lock in arrival order, and `release()` hands it straight to the first
 * of them (the lock stays locked), so a task that calls `acquire()` in between never barges
 * ahead of a waiter that was woken but has not run yet. Like asyncio's, the lock has no owner:
 * any task may release it.
 *
 * **Cancellation:** a task cancelled while it waits is withdrawn from the queue and raises
 * `CancelledError`; it never holds the lock. A task cancelled after the lock was handed to it
 * (in the same step) still gets it: `acquire()` returns normally and the cancellation is
 * raised at its next suspension, where its `using` (or `finally`) releases the lock to the
 * next waiter. So a grant is never lost and two tasks never hold the lock at once. An
 * uncontended `acquire()` does not suspend, so it does not raise a pending cancellation.
 *
 * @example
 * ```ts
 * const lock = new Lock();
 * function* append(line: string): Coroutine<void> {
 *   using _ = yield* lock.acquire();
 *   yield* writeLine(line); // one writer at a time
 * } // released here, also on error or cancellation
 * ```
 */
export class Lock {
  readonly #core = new LockCore();

  /**
   * Waits until the lock is free, then holds it. Resolves to a `Disposable` whose
   * `[Symbol.dispose]()` calls {@link Lock.release} (the same object every time: dispose it once
   * per acquire).
   *
   * **Cancellation:** while waiting: withdrawn, `CancelledError`, the lock is not held. After
   * the lock was handed over: it is held, and the cancellation is raised at the next
   * suspension. Without contention it does not suspend at all.
   *
   * @example
   * ```ts
   * using _ = yield* lock.acquire();
   * ```
   */
  acquire(): Operation<Disposable> {
    return this.#core;
  }

  /**
   * Releases the lock: the first waiter, if any, gets it (the lock stays locked), else it is
   * unlocked.
   *
   * @throws {@link InvalidStateError} if the lock is not locked.
   * @example
   * ```ts
   * yield* lock.acquire();
   * try {
   *   yield* critical();
   * } finally {
   *   lock.release();
   * }
   * ```
   */
  release(): void {
    this.#core.release();
  }

  /** True while some task holds the lock (or it has been handed to a waiter that has not run yet). */
  locked(): boolean {
    return this.#core.locked;
  }
}

/**
 * The lock's state, and the shared Operation of `acquire()` (see `grant-operation.ts`); it is
 * also the Disposable that `acquire()` resolves to.
 */
class LockCore extends GrantOperation<Disposable> implements Disposable {
  // Invariant: either unlocked with no parked waiters, or locked (by the task that acquired it
  // last, or that it was handed to) with any number of parked waiters.
  locked = false;

  get description(): string {
    return "lock.acquire()";
  }

  protected tryTake(): boolean {
    if (this.locked) return false;
    this.locked = true;
    return true;
  }

  protected grantValue(): Disposable {
    return this;
  }

  release(): void {
    if (!this.locked) {
      throw new InvalidStateError(
        "Lock.release() was called on a lock that is not locked: release it once per acquire(), or use `using _ = yield* lock.acquire()`",
      );
    }
    if (!this.waiters.wakeNext(WOKEN)) this.locked = false;
  }

  [Symbol.dispose](): void {
    this.release();
  }
}

_keepMaps(new Lock()); // see exemplars.ts
