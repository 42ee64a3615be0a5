/**
 * `Condition`: a condition variable for tasks, built on {@link Lock} and the trap protocol.
 *
 * Two things must hold whatever cancellation does, and how we keep them:
 * - `wait()` returns (or raises) with the lock held, because the caller's `using` or `finally`
 *   will release it. The re-acquisition runs under `shield`, so a cancellation cannot
 *   interrupt it; the cancellation is raised afterwards.
 * - a `notify()` is not lost. It hands the wake-up to a parked waiter in the same step (a
 *   waiter already withdrawn by a cancellation is skipped, so the wake-up goes to the next
 *   one). A waiter that was notified and then cancelled before it ran keeps the wake-up:
 *   `wait()` re-acquires and returns normally, so the caller sees the state it was notified
 *   about, and the cancellation is raised at its next suspension.
 *
 * @module
 */

import { _keepMaps } from "../core/exemplars.js";
import { InvalidStateError } from "../core/errors.js";
import { GrantOperation } from "./grant-operation.js";
import type { Instruction } from "../core/instruction.js";
import { Lock, _releaseForWait, _restoreAfterWait } from "./lock.js";
import type { Operation } from "../core/operation.js";
import { shield } from "../time/shield.js";
import { WOKEN } from "./wait-queue.js";
import { describeReceived } from "../core/received.js";

/**
 * A condition variable (asyncio's `Condition`): tasks holding the lock `wait()` until another
 * task, also holding it, calls `notify()`. `wait()` releases the lock while it waits and holds
 * it again when it returns. Use it through `waitFor(predicate)`, which re-checks the state
 * after every wake-up.
 *
 * **Cancellation:** `wait()` always re-acquires the lock before it returns or raises, even
 * when cancelled (the re-acquisition is shielded). A waiter cancelled before it is notified is
 * withdrawn (and raises `CancelledError` with the lock held); `notify()` skips it and wakes the
 * next one. A waiter notified and then cancelled in the same step keeps the notification:
 * `wait()` returns normally with the lock held, and the cancellation is raised at the next
 * suspension.
 *
 * @example
 * ```ts
 * const changed = new Condition();
 * const items: string[] = [];
 *
 * function* consume(): Coroutine<string> {
 *   using _ = yield* changed.acquire();
 *   yield* changed.waitFor(() => items.length > 0);
 *   return items.shift()!;
 * }
 *
 * function* produce(item: string): Coroutine<void> {
 *   using _ = yield* changed.acquire();
 *   items.push(item);
 *   changed.notify();
 * }
 * ```
 */
export class Condition {
  readonly #lock: Lock;
  // Tasks waiting for a notification (they released the lock).
  readonly #notified = new Notification();

  /**
   * @param lock - the lock to use (default: a new one); pass one to share it with other code.
   * @throws TypeError if `lock` is not a {@link Lock}.
   */
  constructor(lock?: Lock) {
    if (lock !== undefined && !(lock instanceof Lock)) {
      throw new TypeError(`Condition() needs a Lock (or nothing, for a new one): received ${describeReceived(lock)}`);
    }
    this.#lock = lock ?? new Lock();
  }

  /**
   * Acquires the underlying lock (see {@link Lock.acquire}); resolves to a `Disposable` that
   * releases it.
   *
   * **Cancellation:** as {@link Lock.acquire}.
   *
   * @example
   * ```ts
   * using _ = yield* condition.acquire();
   * ```
   */
  acquire(): Operation<Disposable> {
    return this.#lock.acquire();
  }

  /**
   * Releases the underlying lock.
   *
   * @throws {@link InvalidStateError} if it is not locked.
   * @example
   * ```ts
   * condition.release();
   * ```
   */
  release(): void {
    this.#lock.release();
  }

  /** True while the underlying lock is held. */
  locked(): boolean {
    return this.#lock.locked();
  }

  /**
   * Releases the lock, waits for a `notify()`, then re-acquires the lock and returns `true`.
   * Always suspends. Wake-ups may be spurious from the caller's point of view (another task may
   * have changed the state first): re-check, or use {@link Condition.waitFor}.
   *
   * **Cancellation:** the lock is re-acquired before `CancelledError` propagates (shielded, so
   * the wait for the lock cannot be cut short). Notified, then cancelled in the same step:
   * returns `true` with the lock held; the cancellation is raised at the next suspension.
   *
   * @throws {@link InvalidStateError} if the lock is not held.
   * @example
   * ```ts
   * using _ = yield* condition.acquire();
   * while (!ready()) yield* condition.wait();
   * ```
   */
  *wait(): Generator<Instruction, true, unknown> {
    const lock = this.#lock;
    if (!lock.locked()) {
      throw new InvalidStateError(
        "Condition.wait() was called without holding the lock: acquire it first (using _ = yield* condition.acquire())",
      );
    }
    // The caller's grant (`using _ = yield* condition.acquire()`) holds the lock again once
    // this returns, so it releases the re-acquired lock as usual.
    const holder = _releaseForWait(lock);
    let failure: { error: unknown } | undefined;
    try {
      yield* this.#notified;
    } catch (error) {
      failure = { error };
    }
    _restoreAfterWait(lock, yield* shield(lock.acquire()), holder);
    if (failure !== undefined) throw failure.error;
    return true;
  }

  /**
   * Waits until `predicate()` is truthy and returns its value: checks it first (returning at
   * once, without suspending, if it already holds), then after every wake-up, with the lock
   * held each time.
   *
   * **Cancellation:** as {@link Condition.wait}; the lock is held when it raises.
   *
   * @throws TypeError if `predicate` is not a function; {@link InvalidStateError} if it has to
   *   wait without holding the lock.
   * @example
   * ```ts
   * using _ = yield* condition.acquire();
   * const job = yield* condition.waitFor(() => jobs.shift());
   * ```
   */
  *waitFor<T>(predicate: () => T): Generator<Instruction, T, unknown> {
    if (typeof predicate !== "function") {
      throw new TypeError(`Condition.waitFor() needs a predicate function: received ${describeReceived(predicate)}`);
    }
    let result = predicate();
    while (!result) {
      yield* this.wait();
      result = predicate();
    }
    return result;
  }

  /**
   * Wakes up to `n` waiting tasks (default 1), in arrival order. Each re-acquires the lock
   * before its `wait()` returns, so none runs before the caller releases it.
   *
   * @throws {@link InvalidStateError} if the lock is not held; TypeError for a non-number `n`,
   *   RangeError for a negative or NaN `n`.
   * @example
   * ```ts
   * using _ = yield* condition.acquire();
   * jobs.push(job);
   * condition.notify();
   * ```
   */
  notify(n = 1): void {
    if (typeof n !== "number") throw new TypeError(`Condition.notify() needs a count as a number: received ${typeof n}`);
    if (Number.isNaN(n) || n < 0) throw new RangeError(`Condition.notify() needs a count ≥ 0: received ${n}`);
    this.#checkLocked("notify");
    const waiters = this.#notified.waiters;
    for (let woken = 0; woken < n && waiters.wakeNext(WOKEN); woken++);
  }

  /**
   * Wakes every waiting task.
   *
   * @throws {@link InvalidStateError} if the lock is not held.
   * @example
   * ```ts
   * using _ = yield* condition.acquire();
   * closed = true;
   * condition.notifyAll();
   * ```
   */
  notifyAll(): void {
    this.#checkLocked("notifyAll");
    this.#notified.waiters.wakeAll(WOKEN);
  }

  #checkLocked(method: string): void {
    if (!this.#lock.locked()) {
      throw new InvalidStateError(
        `Condition.${method}() was called without holding the lock: acquire it first (using _ = yield* condition.acquire())`,
      );
    }
  }
}

/** The wait for a notification: never granted at once, only by `notify()` (see `grant-operation.ts`). */
class Notification extends GrantOperation<true> {
  get description(): string {
    return "condition.wait()";
  }

  protected tryTake(): boolean {
    return false;
  }

  protected grantValue(): true {
    return true;
  }
}

_keepMaps(new Condition()); // see exemplars.ts
