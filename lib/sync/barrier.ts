/**
 * `Barrier`: tasks wait until `parties` of them have arrived, built on the trap protocol.
 *
 * Design: asyncio's barrier is a Condition with four states (filling, draining, resetting,
 * broken), because its woken tasks must come back for the lock to learn their fate, and the
 * barrier must stay closed to newcomers until they have. Here the task that completes a round
 * hands every waiter its outcome (its index) in the same step, as the hand-off rule asks; the
 * waiters are out of the round at once, so the next round can start filling immediately and
 * no draining or resetting state is needed. Indices are given in arrival order, among the
 * tasks still waiting when the round completes, so they are always `0 .. parties - 1`.
 *
 * @module
 */

import { _keepMaps } from "../core/exemplars.js";
import { BrokenBarrierError } from "./broken-barrier-error.js";
import { SuspendInstruction } from "../core/instruction.js";
import type { Instruction, Wait } from "../core/instruction.js";
import type { Operation } from "../core/operation.js";
import type { Waiter } from "../core/waiter.js";
import { WaitQueue } from "./wait-queue.js";

/**
 * A barrier (asyncio's `Barrier`): each `wait()` blocks until `parties` tasks are waiting, then
 * all of them continue, each with a distinct index from 0 to `parties - 1` (the last to arrive
 * gets `parties - 1`, without suspending). The barrier then starts over for the next round.
 * `abort()` breaks it (waiters and later `wait()` calls raise {@link BrokenBarrierError}) until
 * `reset()`, which also sends the current waiters away with `BrokenBarrierError`. Unlike
 * asyncio's, a round hands every waiter its index as it completes, so a task that passes and
 * calls `wait()` again at once is already in the next round (asyncio holds it back until the
 * whole round has resumed).
 *
 * **Cancellation:** a task cancelled while it waits is withdrawn from the round (the count of
 * waiting tasks goes down, the barrier is not broken) and raises `CancelledError`. A task
 * cancelled after the round completed still gets its index, and the cancellation is raised at
 * its next suspension.
 *
 * @example
 * ```ts
 * const phase = new Barrier(3);
 * function* worker(id: number): Coroutine<void> {
 *   yield* loadPart(id);
 *   yield* phase.wait(); // everyone has loaded
 *   yield* computePart(id);
 * }
 * ```
 */
export class Barrier {
  readonly #parties: number;
  // Invariant: the waiters of the current round, fewer than #parties (the arrival that would
  // make #parties completes the round and empties it); none while #broken.
  readonly #waiters = new WaitQueue<number>();
  #broken = false;
  readonly #wait: BarrierWait;

  /**
   * @param parties - how many tasks make a round, an integer ≥ 1.
   * @throws TypeError for a non-number, RangeError for anything but an integer ≥ 1.
   */
  constructor(parties: number) {
    if (typeof parties !== "number") throw new TypeError(`Barrier() needs parties as a number: received ${typeof parties}`);
    if (!Number.isInteger(parties) || parties < 1) {
      throw new RangeError(`Barrier() needs parties as an integer ≥ 1: received ${parties}`);
    }
    this.#parties = parties;
    this.#wait = new BarrierWait(this.#waiters, () => this.#arrive());
  }

  /**
   * Waits until `parties` tasks are waiting, then returns this task's index in the round
   * (0 for the first to arrive ... `parties - 1` for the last, which does not suspend).
   *
   * **Cancellation:** while waiting: withdrawn from the round, `CancelledError`. After the
   * round completed: returns the index; the cancellation is raised at the next suspension.
   *
   * @throws {@link BrokenBarrierError} if the barrier is broken, or is reset or aborted while
   *   the task waits.
   * @example
   * ```ts
   * const index = yield* barrier.wait();
   * if (index === 0) console.log("round complete");
   * ```
   */
  wait(): Operation<number> {
    return this.#wait;
  }

  /**
   * Starts over: the waiting tasks raise {@link BrokenBarrierError}, and a broken barrier is
   * usable again.
   *
   * @example
   * ```ts
   * barrier.reset();
   * ```
   */
  reset(): void {
    this.#broken = false;
    this.#waiters.failAll(() => new BrokenBarrierError("Barrier.wait() was interrupted: the barrier was reset"));
  }

  /**
   * Breaks the barrier: the waiting tasks and every later `wait()` raise
   * {@link BrokenBarrierError}, until {@link Barrier.reset}.
   *
   * @example
   * ```ts
   * try {
   *   yield* prepare();
   * } catch (error) {
   *   barrier.abort(); // the others must not wait for us forever
   *   throw error;
   * }
   * ```
   */
  abort(): void {
    this.#broken = true;
    this.#waiters.failAll(() => new BrokenBarrierError("Barrier.wait() was interrupted: the barrier was aborted"));
  }

  /** How many tasks make a round. */
  get parties(): number {
    return this.#parties;
  }

  /** How many tasks are waiting in the current round. */
  get nWaiting(): number {
    return this.#waiters.size;
  }

  /** True once {@link Barrier.abort} was called (until {@link Barrier.reset}). */
  get broken(): boolean {
    return this.#broken;
  }

  /** An arrival: the index if it completes the round, or undefined to park. */
  #arrive(): number | undefined {
    if (this.#broken) {
      throw new BrokenBarrierError("Barrier.wait() was called on a broken barrier: call reset() before using it again");
    }
    const waiters = this.#waiters;
    if (waiters.size + 1 < this.#parties) return undefined;
    let index = 0;
    for (;;) {
      const waiter = waiters.peek();
      if (waiter === undefined) return index;
      waiters.shift();
      if (waiter.wake(index)) index++;
    }
  }
}

/**
 * The shared, stateless Operation of `barrier.wait()` (see `grant-operation.ts` for the idea):
 * a resume carries the index (a number); a first step is sent `undefined`.
 */
class BarrierWait implements Operation<number>, Iterator<Instruction, number, unknown>, Wait<number> {
  readonly #waiters: WaitQueue<number>;
  readonly #arrive: () => number | undefined;
  #park: IteratorResult<Instruction, number> | undefined; // made on the first wait that parks

  constructor(waiters: WaitQueue<number>, arrive: () => number | undefined) {
    this.#waiters = waiters;
    this.#arrive = arrive;
  }

  get description(): string {
    return "barrier.wait()";
  }

  next(resumed?: unknown): IteratorResult<Instruction, number> {
    const index = typeof resumed === "number" ? resumed : this.#arrive();
    if (index !== undefined) return { done: true, value: index };
    return (this.#park ??= Object.freeze({ done: false, value: new SuspendInstruction(this as Wait<unknown>) }));
  }

  throw(error: unknown): IteratorResult<Instruction, number> {
    throw error;
  }

  return(value?: unknown): IteratorResult<Instruction, number> {
    return { done: true, value: value as number };
  }

  [Symbol.iterator](): this {
    return this;
  }

  park(waiter: Waiter<number>): void {
    this.#waiters.push(waiter);
  }

  abort(waiter: Waiter<number>): boolean {
    this.#waiters.withdraw(waiter);
    return true;
  }
}

_keepMaps(new Barrier(1)); // see exemplars.ts
