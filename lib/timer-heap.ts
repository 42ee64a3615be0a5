/**
 * The loop's timers: a binary min-heap keyed `(when, seq)`, so equal deadlines fire in the
 * order they were scheduled (FIFO, stricter than asyncio, whose heap breaks ties arbitrarily).
 *
 * Cancelled timers stay in the heap until they reach the head (removing from the middle is
 * O(log n) but needs the index bookkeeping on every sift; lazy deletion is cheaper for the
 * common "arm a timeout, cancel it" pattern). To keep memory bounded, the heap is rebuilt
 * without them as soon as more than half of its entries are cancelled: a million
 * set-and-cancelled timeouts never hold more than a few live entries' worth of memory.
 *
 * @module
 */

import type { TimerHandle } from "./handle.js";

/** Rebuilding a tiny heap is not worth it; below this size cancelled entries just wait. */
const MIN_REBUILD_SIZE = 64;

function earlier(a: TimerHandle, b: TimerHandle): boolean {
  return a._when < b._when || (a._when === b._when && a._seq < b._seq);
}

/** @internal */
export class TimerHeap {
  // Invariant: #items[i] is never later than its children; #items[i]._heapIndex === i.
  #items: TimerHandle[] = [];
  // Invariant: the number of entries in #items whose handle is cancelled.
  #cancelled = 0;

  get size(): number {
    return this.#items.length;
  }

  /** The number of cancelled entries still held. */
  get cancelledCount(): number {
    return this.#cancelled;
  }

  peek(): TimerHandle | undefined {
    return this.#items[0];
  }

  push(timer: TimerHandle): void {
    const items = this.#items;
    timer._heapIndex = items.length;
    items.push(timer);
    this.#siftUp(items.length - 1);
  }

  pop(): TimerHandle | undefined {
    const items = this.#items;
    const top = items[0];
    if (top === undefined) return undefined;
    const last = items.pop()!;
    if (last !== top) {
      items[0] = last;
      last._heapIndex = 0;
      this.#siftDown(0);
    }
    top._heapIndex = -1;
    if (top.cancelled()) this.#cancelled--;
    return top;
  }

  /** Drops cancelled entries at the head, so `peek()` is live. */
  dropCancelledHead(): void {
    let top = this.#items[0];
    while (top !== undefined && top.cancelled()) {
      this.pop();
      top = this.#items[0];
    }
  }

  /** Called when a timer still in the heap is cancelled. */
  noteCancelled(): void {
    this.#cancelled++;
    const size = this.#items.length;
    if (size >= MIN_REBUILD_SIZE && this.#cancelled * 2 > size) this.#rebuild();
  }

  /** Removes every entry (the loop is closing). */
  clear(): void {
    for (const timer of this.#items) timer._heapIndex = -1;
    this.#items = [];
    this.#cancelled = 0;
  }

  #rebuild(): void {
    const live: TimerHandle[] = [];
    for (const timer of this.#items) {
      if (timer.cancelled()) timer._heapIndex = -1;
      else {
        timer._heapIndex = live.length;
        live.push(timer);
      }
    }
    this.#items = live;
    this.#cancelled = 0;
    for (let i = (live.length >> 1) - 1; i >= 0; i--) this.#siftDown(i);
  }

  #siftUp(index: number): void {
    const items = this.#items;
    const item = items[index]!;
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = items[parentIndex]!;
      if (!earlier(item, parent)) break;
      items[index] = parent;
      parent._heapIndex = index;
      index = parentIndex;
    }
    items[index] = item;
    item._heapIndex = index;
  }

  #siftDown(index: number): void {
    const items = this.#items;
    const size = items.length;
    const item = items[index]!;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= size) break;
      const right = left + 1;
      let child = left;
      if (right < size && earlier(items[right]!, items[left]!)) child = right;
      const childItem = items[child]!;
      if (!earlier(childItem, item)) break;
      items[index] = childItem;
      childItem._heapIndex = index;
      index = child;
    }
    items[index] = item;
    item._heapIndex = index;
  }
}
