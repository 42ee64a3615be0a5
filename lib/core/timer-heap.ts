/**
 * The loop's timers: a binary min-heap keyed `(when, seq)`, so equal deadlines fire in the
 * order they were scheduled (FIFO, stricter than asyncio, whose heap breaks ties arbitrarily).
 *
 * Cancelled timers stay in the heap until they reach the head (removing from the middle is
 * O(log n) but needs index bookkeeping on every move; lazy deletion is cheaper for the common
 * "arm a timeout, cancel it" pattern). To keep memory bounded, the heap is rebuilt without them
 * as soon as more than half of its entries are cancelled: a million set-and-cancelled timeouts
 * never hold more than a few live entries' worth of memory.
 *
 * Discussion: with 100k pending sleeps, a heap of handle objects spent its time in cache misses
 * (each comparison read two objects scattered in memory). The keys therefore live in two
 * parallel Float64Arrays beside the handles: sifting reads contiguous numbers and touches a
 * handle only to move it.
 *
 * @module
 */

/* eslint-disable @typescript-eslint/no-non-null-assertion -- every index below the heap's size holds an entry (the heap's invariant); noUncheckedIndexedAccess cannot know it, and the sift loops are the hot path */
import type { TimerHandle } from "./handle.js";

/** Rebuilding a tiny heap is not worth it; below this size cancelled entries just wait. */
const MIN_REBUILD_SIZE = 64;
const INITIAL_CAPACITY = 64;

/** @internal */
export class TimerHeap {
  // Invariant: for i < #size, entry i is never later than its children (2i+1, 2i+2) by
  // (#whens[i], #seqs[i]), and those keys are #items[i]._when and #items[i]._seq; every
  // handle in the heap has _inHeap set.
  #items: Array<TimerHandle | undefined> = [];
  #whens = new Float64Array(INITIAL_CAPACITY);
  #seqs = new Float64Array(INITIAL_CAPACITY);
  #size = 0;
  // Invariant: the number of entries whose handle is cancelled.
  #cancelled = 0;

  get size(): number {
    return this.#size;
  }

  /** The number of cancelled entries still held. */
  get cancelledCount(): number {
    return this.#cancelled;
  }

  peek(): TimerHandle | undefined {
    return this.#size === 0 ? undefined : this.#items[0];
  }

  /** The deadline of the head entry, or Infinity when empty (no handle is touched). */
  peekWhen(): number {
    return this.#size === 0 ? Number.POSITIVE_INFINITY : this.#whens[0]!;
  }

  push(timer: TimerHandle): void {
    if (this.#size === this.#whens.length) this.#grow();
    timer._inHeap = true;
    this.#siftUp(this.#size++, timer, timer._when, timer._seq);
  }

  pop(): TimerHandle | undefined {
    if (this.#size === 0) return undefined;
    const top = this.#items[0]!;
    const last = --this.#size;
    if (last > 0) this.#siftDown(0, this.#items[last]!, this.#whens[last]!, this.#seqs[last]!);
    this.#items[last] = undefined;
    top._inHeap = false;
    if (top.cancelled()) this.#cancelled--;
    return top;
  }

  /** Drops cancelled entries at the head, so `peek()` is live. */
  dropCancelledHead(): void {
    while (this.#size > 0 && this.#items[0]!.cancelled()) this.pop();
  }

  /** Called when a timer still in the heap is cancelled. */
  noteCancelled(): void {
    this.#cancelled++;
    if (this.#size >= MIN_REBUILD_SIZE && this.#cancelled * 2 > this.#size) this.#rebuild();
  }

  /** Removes every entry (the loop is closing). */
  clear(): void {
    for (let index = 0; index < this.#size; index++) this.#items[index]!._inHeap = false;
    this.#items = [];
    this.#size = 0;
    this.#cancelled = 0;
  }

  #grow(): void {
    const whens = new Float64Array(this.#whens.length * 2);
    whens.set(this.#whens);
    const seqs = new Float64Array(this.#seqs.length * 2);
    seqs.set(this.#seqs);
    this.#whens = whens;
    this.#seqs = seqs;
  }

  #rebuild(): void {
    const items = this.#items;
    let live = 0;
    for (let index = 0; index < this.#size; index++) {
      const timer = items[index]!;
      if (timer.cancelled()) {
        timer._inHeap = false;
        continue;
      }
      items[live] = timer;
      this.#whens[live] = timer._when;
      this.#seqs[live] = timer._seq;
      live++;
    }
    for (let index = live; index < this.#size; index++) items[index] = undefined;
    this.#size = live;
    this.#cancelled = 0;
    for (let index = (live >> 1) - 1; index >= 0; index--) this.#siftDown(index, items[index]!, this.#whens[index]!, this.#seqs[index]!);
  }

  /** Places (timer, when, seq) at or above `index`. */
  #siftUp(index: number, timer: TimerHandle, when: number, seq: number): void {
    const items = this.#items;
    const whens = this.#whens;
    const seqs = this.#seqs;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      const parentWhen = whens[parent]!;
      if (parentWhen < when || (parentWhen === when && seqs[parent]! < seq)) break;
      items[index] = items[parent];
      whens[index] = parentWhen;
      seqs[index] = seqs[parent]!;
      index = parent;
    }
    items[index] = timer;
    whens[index] = when;
    seqs[index] = seq;
  }

  /** Places (timer, when, seq) at or below `index`. */
  #siftDown(index: number, timer: TimerHandle, when: number, seq: number): void {
    const items = this.#items;
    const whens = this.#whens;
    const seqs = this.#seqs;
    const size = this.#size;
    for (;;) {
      let child = 2 * index + 1;
      if (child >= size) break;
      let childWhen = whens[child]!;
      let childSeq = seqs[child]!;
      const right = child + 1;
      if (right < size) {
        const rightWhen = whens[right]!;
        if (rightWhen < childWhen || (rightWhen === childWhen && seqs[right]! < childSeq)) {
          child = right;
          childWhen = rightWhen;
          childSeq = seqs[right]!;
        }
      }
      if (when < childWhen || (when === childWhen && seq < childSeq)) break;
      items[index] = items[child];
      whens[index] = childWhen;
      seqs[index] = childSeq;
      index = child;
    }
    items[index] = timer;
    whens[index] = when;
    seqs[index] = seq;
  }
}
