/**
 * WaitQueue: the FIFO of parked waiters that every synchronisation primitive is built on, and
 * the hand-off rule they share.
 *
 * The hand-off rule (DESIGN.md, "Waits are abortable, and abort can refuse"): a primitive
 * never sets a flag and lets the woken task come back for the item, grant or wake-up (a
 * newcomer could take it first, and a cancellation in between would lose it). It hands the
 * thing over in the same step, with `waiter.wake(value)`:
 * - `wake` returns true: the waiter owns it now. Even if its task is cancelled before it runs,
 *   it resumes with the value, and the cancellation is raised at its next suspension;
 * - `wake` returns false: the waiter had been withdrawn; hand the thing to the next one.
 * So nothing is lost, and nobody barges ahead of a woken waiter that has not run yet.
 *
 * Design: a cancelled waiter is withdrawn by the kernel calling the wait's `abort`, which calls
 * {@link WaitQueue.withdraw} and returns true. Finding it and splicing it out would cost O(n)
 * per cancellation; instead it stays in place (the kernel marks it not `pending`) and is
 * dropped when it reaches the head. `size` counts parked waiters only. So that a pattern that
 * withdraws forever (a retried timeout on an event that never fires) cannot grow the queue
 * without bound, `push` compacts when withdrawn waiters outnumber parked ones.
 *
 * @module
 */

import { RingBuffer } from "./ring-buffer.js";
import type { Wait } from "../core/instruction.js";

/**
 * @internal The value a waiter is woken with when the wake-up itself is the message (a lock
 * grant, a permit, an event). Distinct from `undefined` (what a first step is sent), so an
 * operation can tell a hand-off from a first step, and treats any other resume as one that
 * handed nothing over: it tries again instead of pretending it was granted.
 */
export const WOKEN: unique symbol = Symbol("woken");

/** Below this many entries, withdrawn waiters are left for the head to drop. */
const COMPACT_AT = 32;

/**
 * @internal What a wait queue holds: a parked task's `Waiter`, or any other place-holder with
 * the same three members (async code outside the loop waiting through a `_PromiseWaiter`). The
 * queue and the primitives only ever read `pending` and call `wake` or `fail`.
 */
export interface _Parked<T> {
  /** True while the place can still be woken. */
  readonly pending: boolean;
  /** Hands `value` over; false if the place was settled or withdrawn already. */
  wake(value: T): boolean;
  /** Hands `error` over; false if the place was settled or withdrawn already. */
  fail(error: unknown): boolean;
}

/**
 * @internal A FIFO of parked waiters, each with an optional payload (a put's item, a get's
 * receiving end), for primitives built on the trap protocol.
 */
export class WaitQueue<T, W extends _Parked<T> = _Parked<T>> {
  // Invariant: #head followed by #rest holds, in arrival order, every waiter parked here and
  // not yet woken (`pending`), and possibly withdrawn ones (not `pending`) not yet dropped;
  // #head is undefined only when #rest is empty too. The head sits in a field and the ring is
  // made on the second waiter, so a queue of at most one waiter (the common case) is one
  // small object. #parked counts the pending waiters. Payloads, if kept, are aligned:
  // #headPayload, then #restPayloads.
  #head: W | undefined = undefined;
  #headPayload: unknown = undefined;
  #rest: RingBuffer<W> | undefined = undefined;
  #restPayloads: RingBuffer<unknown> | undefined = undefined;
  readonly #withPayloads: boolean;
  #parked = 0;

  /** @param withPayloads - keep a payload next to each waiter (see {@link WaitQueue.push}). */
  constructor(withPayloads = false) {
    this.#withPayloads = withPayloads;
  }

  /** How many waiters are parked (withdrawn ones not counted). */
  get size(): number {
    return this.#parked;
  }

  /** Parks `waiter` at the tail, with `payload` if the queue keeps payloads. */
  push(waiter: W, payload?: unknown): void {
    this.#parked++;
    if (this.#head === undefined) {
      this.#head = waiter;
      this.#headPayload = payload;
      return;
    }
    const rest = (this.#rest ??= new RingBuffer<W>());
    if (rest.length >= COMPACT_AT && rest.length > 2 * this.#parked) this.#compact(rest);
    rest.push(waiter);
    if (this.#withPayloads) (this.#restPayloads ??= new RingBuffer<unknown>()).push(payload);
  }

  /**
   * Notes that a parked waiter of this queue was withdrawn: call it from the wait's `abort`
   * (which then returns true). The kernel marks the waiter not pending once `abort` returns.
   */
  withdraw(waiter: W): void {
    if (!waiter.pending) throw new Error("WaitQueue.withdraw() was given a waiter that is no longer parked: a broken primitive");
    this.#parked--;
  }

  /** The first parked waiter (dropping withdrawn ones at the head), or undefined. */
  peek(): W | undefined {
    for (;;) {
      const head = this.#head;
      if (head === undefined || head.pending) return head;
      this.#advance();
    }
  }

  /** The payload of the waiter {@link WaitQueue.peek} just returned. */
  peekPayload(): unknown {
    return this.#headPayload;
  }

  /** Removes the waiter {@link WaitQueue.peek} just returned (the caller wakes or fails it). */
  shift(): void {
    this.#advance();
    this.#parked--;
  }

  /** Wakes the first parked waiter with `value`. @returns false if none was parked. */
  wakeNext(value: T): boolean {
    for (;;) {
      const waiter = this.peek();
      if (waiter === undefined) return false;
      this.shift();
      if (waiter.wake(value)) return true;
    }
  }

  /** Wakes every parked waiter with `value`, in arrival order. */
  wakeAll(value: T): void {
    while (this.wakeNext(value));
  }

  /** Fails every parked waiter, in arrival order, with a fresh error from `makeError`. */
  failAll(makeError: () => unknown): void {
    for (;;) {
      const waiter = this.peek();
      if (waiter === undefined) return;
      this.shift();
      waiter.fail(makeError());
    }
  }

  /** Drops the head: the next waiter (if any) moves up from the ring. */
  #advance(): void {
    const rest = this.#rest;
    if (rest === undefined || rest.length === 0) {
      this.#head = undefined;
      this.#headPayload = undefined;
      return;
    }
    this.#head = rest.shift();
    this.#headPayload = this.#restPayloads?.shift();
  }

  /** Drops the withdrawn waiters of the ring, keeping the order of the parked ones. */
  #compact(rest: RingBuffer<W>): void {
    const payloads = this.#restPayloads;
    for (let n = rest.length; n > 0; n--) {
      // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- n counts the entries left in rest
      const waiter = rest.shift()!;
      const payload = payloads?.shift();
      if (!waiter.pending) continue;
      rest.push(waiter);
      payloads?.push(payload);
    }
  }
}

/**
 * @internal A Wait that parks its task on `queue` and withdraws it when the task is
 * cancelled: for primitives that wake all their waiters at once (a closed connection, a
 * drained buffer), where a cancelled waiter has nothing to hand back.
 */
export function _parkOn<T>(queue: WaitQueue<T>, description: string): Wait<T> {
  return {
    description,
    park: (waiter) => {
      queue.push(waiter);
    },
    abort: (waiter) => {
      queue.withdraw(waiter);
      return true;
    },
  };
}
