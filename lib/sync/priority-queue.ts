/**
 * `PriorityQueue`: a {@link Queue} that returns the smallest item first.
 *
 * @module
 */

/* eslint-disable @typescript-eslint/no-non-null-assertion -- every index below the heap's size holds an entry (the heap's invariant); noUncheckedIndexedAccess cannot know it, and the sift loops are the hot path */
import { Queue } from "./queue.js";
import type { ItemStore, QueueOptions } from "./queue.js";
import { describeReceived } from "../core/received.js";

/**
 * Options of {@link PriorityQueue}: those of {@link QueueOptions}, and the order.
 *
 * @typeParam T - the items.
 * @example
 * ```ts
 * const urgentFirst = new PriorityQueue<Ticket>({ maxsize: 50, compare: (a, b) => b.severity - a.severity });
 * ```
 */
export interface PriorityQueueOptions<T> extends QueueOptions {
  /**
   * Orders the items, as for `Array.prototype.sort`: negative if `a` comes first. Default:
   * numbers, strings and bigints ascending, arrays (`[priority, data]` tuples) element by
   * element. Items that compare equal come out in the order they were put.
   *
   * If it throws, the call that compared raises the error and the queue is left as it was: a
   * put adds nothing, a get takes nothing. A waiting `put()` whose item a `get()` was moving into
   * the slot it freed raises the error (its item is not added), and that `get()` returns its item.
   */
  readonly compare?: (a: T, b: T) => number;
}

/**
 * The default order: `<` on numbers, strings and bigints; arrays element by element (so
 * `[priority, data]` tuples work as in Python); anything else compares equal.
 */
function defaultCompare(a: unknown, b: unknown): number {
  if (Array.isArray(a) && Array.isArray(b)) {
    const length = Math.min(a.length, b.length);
    for (let i = 0; i < length; i++) {
      const order = defaultCompare(a[i], b[i]);
      if (order !== 0) return order;
    }
    return a.length - b.length;
  }
  return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
}

/**
 * A {@link Queue} that returns the smallest item first (asyncio's `PriorityQueue`), by
 * `compare` (default: ascending numbers or strings, `[priority, data]` tuples by priority).
 * Items that compare equal come out in the order they were put (asyncio's heap does not
 * promise that). Everything else is as in {@link Queue}.
 *
 * **Cancellation:** as {@link Queue}: no item is ever lost or duplicated by a cancellation.
 *
 * @typeParam T - the items.
 * @example
 * ```ts
 * const work = new PriorityQueue<[number, string]>();
 * work.putNowait([2, "later"]);
 * work.putNowait([1, "first"]);
 * work.getNowait(); // [1, "first"]
 *
 * const byDeadline = new PriorityQueue<Job>({ compare: (a, b) => a.deadline - b.deadline });
 * ```
 */
export class PriorityQueue<T> extends Queue<T> {
  /**
   * @param options - `maxsize` (default 0: unbounded) and `compare`.
   * @throws TypeError for a non-object options, a non-number maxsize or a non-function
   *   compare; RangeError for a NaN maxsize.
   */
  constructor(options: PriorityQueueOptions<T> = {}) {
    const compare = (options as PriorityQueueOptions<T> | null)?.compare;
    if (compare !== undefined && typeof compare !== "function") {
      throw new TypeError(`PriorityQueue() needs compare as a function (a, b) => number: received ${describeReceived(compare)}`);
    }
    super(options);
  }

  /** @internal */
  protected override _createStore(options: QueueOptions): ItemStore<T> {
    return new Heap<T>((options as PriorityQueueOptions<T>).compare ?? defaultCompare);
  }
}

/**
 * The store of a PriorityQueue: a binary min-heap. Ties are broken by insertion number, which
 * makes the heap stable (FIFO among equals).
 */
class Heap<T> implements ItemStore<T> {
  readonly #compare: (a: T, b: T) => number;
  // Invariant: #items and #seqs are index-aligned and form a min-heap under #before.
  readonly #items: T[] = [];
  readonly #seqs: number[] = [];
  #nextSeq = 0;

  constructor(compare: (a: T, b: T) => number) {
    this.#compare = compare;
  }

  get length(): number {
    return this.#items.length;
  }

  // Discussion: `compare` is user code and may throw. Both operations therefore decide where
  // things go (every comparison) before they move anything, so a throwing comparator leaves
  // the heap exactly as it was: no item lost, none added.

  push(item: T): void {
    const items = this.#items;
    const seqs = this.#seqs;
    const seq = this.#nextSeq;
    // Find the slot: climb while the new item comes out before the parent.
    let slot = items.length;
    while (slot > 0) {
      const parent = (slot - 1) >> 1;
      if (!this.#precedes(item, seq, parent)) break;
      slot = parent;
    }
    // Move the parents on the way down by one level, then place the item.
    let index = items.length;
    items.push(item);
    seqs.push(seq);
    this.#nextSeq++;
    while (index > slot) {
      const parent = (index - 1) >> 1;
      items[index] = items[parent]!;
      seqs[index] = seqs[parent]!;
      index = parent;
    }
    items[slot] = item;
    seqs[slot] = seq;
  }

  shift(): T | undefined {
    const items = this.#items;
    const seqs = this.#seqs;
    const size = items.length;
    if (size === 0) return undefined;
    const top = items[0];
    if (size === 1) {
      items.pop();
      seqs.pop();
      return top;
    }
    // The last item fills the root's place: find where it sinks to, noting the path.
    const last = items[size - 1]!;
    const lastSeq = seqs[size - 1]!;
    const end = size - 1; // the heap's size once the last item has moved
    const path = this.#path;
    path.length = 0;
    let hole = 0;
    for (;;) {
      const left = 2 * hole + 1;
      if (left >= end) break;
      const right = left + 1;
      const child = right < end && this.#before(right, left) ? right : left;
      if (!this.#precedesIndex(child, last, lastSeq)) break;
      path.push(child);
      hole = child;
    }
    // Nothing threw: move the children on the path up by one level and place the last item.
    let index = 0;
    for (const child of path) {
      items[index] = items[child]!;
      seqs[index] = seqs[child]!;
      index = child;
    }
    items[index] = last;
    seqs[index] = lastSeq;
    items.pop();
    seqs.pop();
    return top;
  }

  // Scratch space for shift(): the path the hole takes (reused, so shift allocates nothing).
  readonly #path: number[] = [];

  clear(): void {
    this.#items.length = 0;
    this.#seqs.length = 0;
  }

  /** True if the item at `i` comes out before the one at `j`. */
  #before(i: number, j: number): boolean {
    return this.#order(this.#items[i]!, this.#seqs[i]!, this.#items[j]!, this.#seqs[j]!);
  }

  /** True if (item, seq) comes out before the item at `j`. */
  #precedes(item: T, seq: number, j: number): boolean {
    return this.#order(item, seq, this.#items[j]!, this.#seqs[j]!);
  }

  /** True if the item at `i` comes out before (item, seq). */
  #precedesIndex(i: number, item: T, seq: number): boolean {
    return this.#order(this.#items[i]!, this.#seqs[i]!, item, seq);
  }

  #order(a: T, aSeq: number, b: T, bSeq: number): boolean {
    const order = this.#compare(a, b);
    if (order < 0) return true;
    if (order > 0) return false;
    return aSeq < bSeq; // equal (or NaN): first put, first out
  }
}
