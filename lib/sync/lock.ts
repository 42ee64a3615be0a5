/**
 * `Lock`: a FIFO mutual-exclusion lock for tasks, built on the trap protocol (it never touches
 * the loop).
 *
 * @module
 */

import { _keepMaps } from "../core/exemplars.js";
import { InvalidStateError } from "../core/errors.js";
import { Grant } from "./grant.js";
import type { GrantIssuer } from "./grant.js";
import { GrantOperation } from "./grant-operation.js";
import type { Instruction } from "../core/instruction.js";
import type { Operation } from "../core/operation.js";
import { WOKEN } from "./wait-queue.js";

/** The core of a lock, for Condition's helpers below (set in Lock's static block). */
let coreOf: (lock: Lock) => LockCore;

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

  static {
    coreOf = (lock) => lock.#core;
  }

  /**
   * Waits until the lock is free, then holds it. Resolves to a grant: a `Disposable` whose
   * `[Symbol.dispose]()` releases this acquire, once. Disposing it a second time, or after the
   * lock was released with {@link Lock.release} (when it may belong to another task), throws
   * {@link InvalidStateError} instead of unlocking someone else's lock.
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
 * issues the grants that `acquire()` resolves to.
 */
class LockCore extends GrantOperation<Disposable> implements GrantIssuer {
  // Invariant: either unlocked with no parked waiters, or locked (by the task that acquired it
  // last, or that it was handed to) with any number of parked waiters.
  locked = false;
  // Invariant: the grant of the acquire that holds the lock; undefined while unlocked, while
  // the lock is handed to a waiter that has not run yet, and after a release() called
  // directly (the lock has no owner, so that release ends whatever grant held it).
  holder: Grant | undefined = undefined;

  get description(): string {
    return "lock.acquire()";
  }

  protected tryTake(): boolean {
    if (this.locked) return false;
    this.locked = true;
    return true;
  }

  protected grantValue(): Disposable {
    return (this.holder = new Grant(this));
  }

  protected override granted(): IteratorResult<Instruction, Disposable> {
    return { done: true, value: this.grantValue() };
  }

  release(): void {
    if (!this.locked) {
      throw new InvalidStateError(
        "Lock.release() was called on a lock that is not locked: release it once per acquire(), or use `using _ = yield* lock.acquire()`",
      );
    }
    this.holder = undefined;
    if (!this.waiters.wakeNext(WOKEN)) this.locked = false;
  }

  _releaseGrant(grant: Grant): void {
    if (grant !== this.holder) {
      throw new InvalidStateError(
        "a grant of lock.acquire() was disposed after it stopped holding the lock (lock.release() was called meanwhile, and the lock may belong to another task now): release each acquire one way only, its grant or lock.release()",
      );
    }
    this.release();
  }
}

/** @internal For `Condition.wait()`: releases the lock, returning the grant that held it. */
export function _releaseForWait(lock: Lock): Grant | undefined {
  const core = coreOf(lock);
  const holder = core.holder;
  core.release();
  return holder;
}

/**
 * @internal For `Condition.wait()`: the lock was re-acquired with `regrant`; the grant that held
 * it before the wait holds it again, so the caller's `using` releases it as usual.
 */
export function _restoreAfterWait(lock: Lock, regrant: Disposable, holder: Grant | undefined): void {
  const core = coreOf(lock);
  if (core.holder === regrant) core.holder = holder;
}

_keepMaps(new Lock(), new Grant(new LockCore())); // see exemplars.ts
