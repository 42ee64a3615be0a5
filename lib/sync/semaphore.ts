/**
 * `Semaphore` and `BoundedSemaphore`: FIFO counting semaphores for tasks, built on the trap
 * protocol.
 *
 * @module
 */

import { _keepMaps } from "../core/exemplars.js";
import { Grant } from "./grant.js";
import type { GrantIssuer } from "./grant.js";
import { GrantOperation } from "./grant-operation.js";
import type { Instruction } from "../core/instruction.js";
import type { Operation } from "../core/operation.js";
import { WOKEN } from "./wait-queue.js";

function checkInitialValue(where: string, value: unknown): asserts value is number {
  if (typeof value !== "number") throw new TypeError(`${where} needs an initial value as a number: received ${typeof value}`);
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(`${where} needs an initial value that is an integer ≥ 0: received ${value}`);
  }
}

/** The core of a semaphore, for BoundedSemaphore's constructor (set in Semaphore's static block). */
let coreOf: (semaphore: Semaphore) => SemaphoreCore;

/**
 * A counting semaphore (asyncio's `Semaphore`): `acquire()` takes one of `value` permits,
 * waiting while none is left; `release()` gives one back. `acquire()` resolves to a
 * `Disposable` that releases, so `using _ = yield* semaphore.acquire()` works.
 *
 * Fair: waiters get permits in arrival order, and `release()` hands its permit straight to the
 * first waiter, so a newcomer never takes a permit ahead of a woken waiter that has not run yet.
 * `release()` without a matching `acquire()` raises the count (use {@link BoundedSemaphore} to
 * catch that mistake).
 *
 * **Cancellation:** a task cancelled while it waits is withdrawn and raises `CancelledError`;
 * it holds no permit. A task cancelled after a permit was handed to it still gets it:
 * `acquire()` returns normally and the cancellation is raised at its next suspension, where
 * its `using` (or `finally`) releases the permit to the next waiter. An `acquire()` that finds
 * a free permit does not suspend, so it does not raise a pending cancellation.
 *
 * @example
 * ```ts
 * const connections = new Semaphore(10);
 * function* fetchLimited(url: string): Coroutine<Response> {
 *   using _ = yield* connections.acquire(); // at most 10 at once
 *   return yield* fetchPage(url);
 * }
 * ```
 */
export class Semaphore {
  readonly #core: SemaphoreCore;

  /**
   * @param value - the number of permits, an integer ≥ 0 (default 1).
   * @throws TypeError for a non-number, RangeError for a negative or fractional value.
   */
  constructor(value = 1) {
    checkInitialValue(`${new.target.name}()`, value);
    this.#core = new SemaphoreCore(value);
  }

  static {
    coreOf = (semaphore) => semaphore.#core;
  }

  /**
   * Takes a permit, waiting while none is free. Resolves to a `Disposable` whose
   * `[Symbol.dispose]()` releases this acquire's permit, once (a grant disposed twice throws
   * {@link InvalidStateError} instead of releasing a permit it no longer holds).
   *
   * **Cancellation:** while waiting: withdrawn, `CancelledError`, no permit taken. After a
   * permit was handed over: it is held, and the cancellation is raised at the next suspension.
   * With a free permit it does not suspend at all.
   *
   * @example
   * ```ts
   * using _ = yield* semaphore.acquire();
   * ```
   */
  acquire(): Operation<Disposable> {
    return this.#core;
  }

  /**
   * Gives a permit back: to the first waiter if there is one, else to the count.
   *
   * @throws RangeError on a {@link BoundedSemaphore} whose permits are all free.
   * @example
   * ```ts
   * yield* semaphore.acquire();
   * try {
   *   yield* work();
   * } finally {
   *   semaphore.release();
   * }
   * ```
   */
  release(): void {
    this.#core.release();
  }

  /** True when no permit is free (an `acquire()` would wait). */
  locked(): boolean {
    return this.#core.value === 0;
  }

  /** The number of free permits. */
  get value(): number {
    return this.#core.value;
  }
}

/**
 * The semaphore's state, and the shared Operation of `acquire()` (see `grant-operation.ts`); it
 * issues the grants that `acquire()` resolves to.
 */
class SemaphoreCore extends GrantOperation<Disposable> implements GrantIssuer {
  // Invariant: either value > 0 and no waiter is parked, or value === 0 with any number of
  // parked waiters (a release hands its permit to the first of them instead of counting it).
  value: number;
  /** The most permits a release may restore (BoundedSemaphore), else Infinity. */
  bound = Number.POSITIVE_INFINITY;

  constructor(value: number) {
    super();
    this.value = value;
  }

  get description(): string {
    return "semaphore.acquire()";
  }

  protected tryTake(): boolean {
    if (this.value === 0) return false;
    this.value--;
    return true;
  }

  protected grantValue(): Disposable {
    return new Grant(this);
  }

  protected override granted(): IteratorResult<Instruction, Disposable> {
    return { done: true, value: this.grantValue() };
  }

  release(): void {
    if (this.value >= this.bound) {
      throw new RangeError(`BoundedSemaphore.release() was called with all ${this.bound} permits already free: release once per acquire()`);
    }
    if (!this.waiters.wakeNext(WOKEN)) this.value++;
  }

  _releaseGrant(): void {
    this.release(); // permits have no owner: the grant's own once-only rule is the check
  }
}

/**
 * A {@link Semaphore} that refuses to be released above its initial value (asyncio's
 * `BoundedSemaphore`): an extra `release()` is a bug, and it raises `RangeError` instead of
 * silently allowing one more holder.
 *
 * **Cancellation:** as {@link Semaphore}.
 *
 * @example
 * ```ts
 * const pool = new BoundedSemaphore(2);
 * pool.release(); // RangeError: released more often than acquired
 * ```
 */
export class BoundedSemaphore extends Semaphore {
  /**
   * @param value - the number of permits and the bound, an integer ≥ 0 (default 1).
   * @throws TypeError for a non-number, RangeError for a negative or fractional value.
   */
  constructor(value = 1) {
    super(value);
    coreOf(this).bound = value;
  }
}

_keepMaps(new Semaphore(), new BoundedSemaphore(), new Grant(new SemaphoreCore(1))); // see exemplars.ts
