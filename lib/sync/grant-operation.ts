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
 * a lock at a few dozen bytes. The queue's get/put and the barrier's wait repeat the iterator
 * boilerplate (`throw`, `return`, `[Symbol.iterator]`) instead of sharing a base class with
 * this one: measured, the deeper prototype chain cost 10% of the queue ping-pong benchmark.
 *
 * @module
 */

import { SuspendInstruction } from "../core/instruction.js";
import type { Instruction, Wait } from "../core/instruction.js";
import type { Operation } from "../core/operation.js";
import type { Waiter } from "../core/waiter.js";
import { WaitQueue, WOKEN } from "./wait-queue.js";

/**
 * @internal A shared, allocation-free Operation that resolves to `grantValue()` once
 * `tryTake()` succeeds at once, or once a waiter parked on `waiters` is woken with
 * {@link WOKEN}. Subclasses hold the primitive's state.
 */
export abstract class GrantOperation<T> implements Operation<T>, Iterator<Instruction, T, unknown>, Wait<typeof WOKEN> {
  /** The parked waiters, in arrival order. */
  readonly waiters = new WaitQueue<typeof WOKEN>();
  // Built on first use: most primitives are never contended, some never acquired.
  #granted: IteratorResult<Instruction, T> | undefined;
  #park: IteratorResult<Instruction, T> | undefined;

  /** What a parked task waits for (`lock.acquire()`). */
  abstract get description(): string;

  /**
   * Takes the grant at once if the primitive allows it. It must refuse while waiters are
   * parked, so that nobody barges (the primitives' invariants make that automatic).
   */
  protected abstract tryTake(): boolean;

  /** What the operation resolves to (the same value every time, unless `granted` is overridden). */
  protected abstract grantValue(): T;

  /**
   * The final result of one grant. Shared and frozen by default; a primitive whose grants are
   * tokens (a lock's, a semaphore's: each releases once) makes a new one per grant.
   */
  protected granted(): IteratorResult<Instruction, T> {
    return (this.#granted ??= Object.freeze({ done: true, value: this.grantValue() }));
  }

  /** A first step takes the grant or parks; a resume with {@link WOKEN} was handed the grant. */
  next(resumed?: unknown): IteratorResult<Instruction, T> {
    if (resumed === WOKEN || this.tryTake()) return this.granted();
    return (this.#park ??= Object.freeze({ done: false, value: new SuspendInstruction(this as Wait<unknown>) }));
  }

  /** An error thrown in (a cancellation, a shutdown) propagates. */
  throw(error: unknown): IteratorResult<Instruction, T> {
    throw error;
  }

  /** Closing does nothing: a parked waiter is only ever withdrawn through `abort`. */
  return(value?: unknown): IteratorResult<Instruction, T> {
    return { done: true, value: value as T };
  }

  /** The operation is its own (stateless) iterator. */
  [Symbol.iterator](): this {
    return this;
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
