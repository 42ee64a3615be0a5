/**
 * GrantOperation: the base of the Operations behind `lock.acquire()`, `semaphore.acquire()`,
 * `event.wait()`, `queue.join()` and a condition's wait for `notify()`: take a grant at once if
 * the primitive allows it, else park until one is handed over.
 *
 * Discussion: an uncontended `acquire()` is the hot path of every lock, so it allocates
 * nothing. Each primitive keeps its state in one GrantOperation subclass (its "core") and
 * returns that same object from every call: it is its own iterator, its own Wait, and a
 * stateless one. `next(resumed)` tells a first step from a resume by the value: a waiter is
 * only ever woken with {@link WOKEN}, and a first step (from `yield*`, or a task's first step)
 * is always sent `undefined`. The results are frozen and shared. Because it keeps no per-call
 * state, one object serves any number of tasks at once (`createTask(op)` twice works). Any
 * other resume handed nothing over (the kernel raises in a withdrawn wait, so it should not
 * happen; if it did, pretending to hold a grant would break mutual exclusion), so it simply
 * tries again. Why a base class and not a callback: a core per primitive, with no closures, keeps
 * a lock at a few dozen bytes.
 *
 * @module
 */

import { ParkingOperation } from "./parking-operation.js";
import type { Instruction, Wait } from "./instruction.js";
import type { Waiter } from "./waiter.js";
import { WaitQueue, WOKEN } from "./wait-queue.js";

/**
 * @internal A shared, allocation-free Operation that resolves to `grantValue()` once
 * `tryTake()` succeeds at once, or once a waiter parked on `waiters` is woken with
 * {@link WOKEN}. Subclasses hold the primitive's state.
 */
export abstract class GrantOperation<T> extends ParkingOperation<T> implements Wait<typeof WOKEN> {
  /** The parked waiters, in arrival order. */
  readonly waiters = new WaitQueue<typeof WOKEN>();
  // Built on first use: most primitives are never contended, some never acquired.
  #granted: IteratorResult<Instruction, T> | undefined;

  /**
   * Takes the grant at once if the primitive allows it. It must refuse while waiters are
   * parked, so that nobody barges (the primitives' invariants make that automatic).
   */
  protected abstract tryTake(): boolean;

  /** What the operation resolves to (the same value every time). */
  protected abstract grantValue(): T;

  /** A first step takes the grant or parks; a resume with {@link WOKEN} was handed the grant. */
  override next(resumed?: unknown): IteratorResult<Instruction, T> {
    if (resumed === WOKEN || this.tryTake()) return (this.#granted ??= Object.freeze({ done: true, value: this.grantValue() }));
    return this.parkResult();
  }

  /** @inheritDoc */
  park(waiter: Waiter<typeof WOKEN>): void {
    this.waiters.push(waiter);
  }

  /** @inheritDoc */
  abort(waiter: Waiter<typeof WOKEN>): boolean {
    this.waiters.withdraw(waiter);
    return true;
  }
}
