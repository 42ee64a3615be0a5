/**
 * The loop's ready queue: a FIFO ring buffer of runnables (handles, timers, task steps).
 *
 * Discussion: the loop runs a *snapshot* of the queue on every pass. Two arrays swapped per
 * pass would be simpler, but emptying an array (`length = 0`) is a runtime call in V8 and was
 * the single largest cost of a pass in profiles; a ring buffer with head and tail counters
 * never changes its array's length except to grow it.
 *
 * @module
 */

import type { Runnable } from "./handle.js";

const INITIAL_CAPACITY = 1024; // a power of two

/** @internal What {@link ReadyQueue.runFirst} tells the loop, and asks it. */
export interface ReadyQueueOwner {
  /** An entry threw (a kernel bug: entries catch their own errors). */
  _readyEntryThrew(error: unknown): void;
  /** An entry ran; true asks the queue to stop here (the rest of the snapshot waits). */
  _entryRan(): boolean;
}

/** @internal */
export class ReadyQueue {
  // Invariant: the entries are #items[#head & mask] .. #items[(#tail - 1) & mask], in order;
  // every other slot is undefined (so the queue keeps nothing alive); the capacity
  // (#items.length) is a power of two and #tail - #head <= capacity.
  #items: Array<Runnable | undefined> = new Array<Runnable | undefined>(INITIAL_CAPACITY).fill(undefined);
  #mask = INITIAL_CAPACITY - 1;
  #head = 0;
  #tail = 0;

  /** Number of entries. */
  get length(): number {
    return this.#tail - this.#head;
  }

  push(entry: Runnable): void {
    if (this.#tail - this.#head > this.#mask) this.#grow();
    this.#items[this.#tail & this.#mask] = entry;
    this.#tail++;
  }

  /**
   * Runs the first `count` entries (the snapshot taken by the caller), in order, and returns
   * how many of them it did not run: 0, unless the owner (the loop) answered true to
   * `_entryRan()` after an entry (its time budget is spent), in which case the rest stay at
   * the head of the queue, in order, before the entries pushed meanwhile. If an entry throws,
   * the owner is told and the snapshot goes on.
   */
  runFirst(count: number, owner: ReadyQueueOwner): number {
    // Count down rather than compare positions: an entry may push enough to grow the buffer,
    // which renumbers the positions (the order is kept).
    let remaining = count;
    while (remaining > 0) {
      try {
        while (remaining > 0) {
          const index = this.#head & this.#mask;
          // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- the ring holds `remaining` entries from #head on
          const entry = this.#items[index]!;
          this.#items[index] = undefined;
          this.#head++;
          remaining--;
          entry._run();
          if (owner._entryRan()) return remaining;
        }
      } catch (error) {
        owner._readyEntryThrew(error);
        if (owner._entryRan()) return remaining;
      }
    }
    return 0;
  }

  /** The entries `keep` accepts (for diagnostics and tests; walks the queue). */
  count(keep: (entry: Runnable) => boolean): number {
    let kept = 0;
    for (let at = this.#head; at < this.#tail; at++) if (keep(this.#items[at & this.#mask] as Runnable)) kept++;
    return kept;
  }

  /** Removes and returns the first entry. */
  shift(): Runnable | undefined {
    if (this.#head === this.#tail) return undefined;
    const index = this.#head & this.#mask;
    const entry = this.#items[index];
    this.#items[index] = undefined;
    this.#head++;
    return entry;
  }

  /** Drops every entry. */
  clear(): void {
    this.#items.fill(undefined);
    this.#head = this.#tail = 0;
  }

  #grow(): void {
    // Only called when full: rotate the entries to the front with the engine's own copies
    // (slice, concat), then extend; the new slots read as undefined.
    const old = this.#items;
    const capacity = old.length * 2;
    const start = this.#head & this.#mask;
    const size = this.#tail - this.#head;
    const items = start === 0 ? old.slice() : old.slice(start).concat(old.slice(0, start));
    items.length = capacity;
    this.#items = items;
    this.#mask = capacity - 1;
    this.#head = 0;
    this.#tail = size;
  }
}
