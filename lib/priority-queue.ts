/**
 * `PriorityQueue`: a {@link Queue} that returns the smallest item first.
 *
 * @module
 */

import { Queue } from "./queue.js";
import type { ItemStore, QueueOptions } from "./queue.js";

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
      throw new TypeError(`PriorityQueue() needs compare as a function (a, b) => number: received ${compare === null ? "null" : typeof compare}`);
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

  push(item: T): void {
    const items = this.#items;
    const seqs = this.#seqs;
    let index = items.length;
    items.push(item);
    seqs.push(this.#nextSeq++);
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!this.#before(index, parent)) break;
      this.#swap(index, parent);
      index = parent;
    }
  }

  shift(): T | undefined {
    const items = this.#items;
    const seqs = this.#seqs;
    if (items.length === 0) return undefined;
    const top = items[0];
    const lastItem = items.pop()!;
    const lastSeq = seqs.pop()!;
    if (items.length === 0) return top;
    items[0] = lastItem;
    seqs[0] = lastSeq;
    let index = 0;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= items.length) break;
      const right = left + 1;
      const child = right < items.length && this.#before(right, left) ? right : left;
      if (!this.#before(child, index)) break;
      this.#swap(index, child);
      index = child;
    }
    return top;
  }

  clear(): void {
    this.#items.length = 0;
    this.#seqs.length = 0;
  }

  /** True if the item at `i` comes out before the one at `j`. */
  #before(i: number, j: number): boolean {
    const order = this.#compare(this.#items[i]!, this.#items[j]!);
    if (order < 0) return true;
    if (order > 0) return false;
    return this.#seqs[i]! < this.#seqs[j]!; // equal (or NaN): first put, first out
  }

  #swap(i: number, j: number): void {
    const items = this.#items;
    const seqs = this.#seqs;
    const item = items[i]!;
    items[i] = items[j]!;
    items[j] = item;
    const seq = seqs[i]!;
    seqs[i] = seqs[j]!;
    seqs[j] = seq;
  }
}
