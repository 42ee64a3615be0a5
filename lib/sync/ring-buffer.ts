/**
 * RingBuffer: a FIFO of values in a power-of-two circular array, the storage of `Queue` and of
 * the waiter queues of every synchronisation primitive.
 *
 * Why not an Array with `push`/`shift`: `shift` moves every element (V8 only avoids it for some
 * array shapes), and a head index on a plain array needs periodic compaction. A ring does
 * both ends in O(1) and reuses its slots, so a queue in steady state allocates nothing.
 *
 * @module
 */

/** Capacity of the first allocation (a buffer allocates nothing until its first push). */
const FIRST_CAPACITY = 8;
/** An empty buffer above this capacity gives its array back, so one burst does not pin memory. */
const KEEP_CAPACITY = 1024;
/** The array of every buffer that has not pushed yet: never written (the first push grows). */
const NO_SLOTS: never[] = [];

/**
 * @internal A growable circular FIFO. `shift` and `peek` return `undefined` when empty: check
 * `length` first if `undefined` is a value you store.
 */
export class RingBuffer<T> {
  // Invariant: the values are #slots[(#head + i) & (capacity - 1)] for i < #length, in FIFO
  // order; every other slot is undefined (so nothing stale is kept alive); the capacity
  // (#slots.length) is 0 or a power of two.
  #slots: (T | undefined)[] = NO_SLOTS;
  #head = 0;
  #length = 0;

  /** How many values the buffer holds. */
  get length(): number {
    return this.#length;
  }

  /** Appends `value` at the tail. */
  push(value: T): void {
    let slots = this.#slots;
    if (this.#length === slots.length) slots = this.#grow();
    slots[(this.#head + this.#length) & (slots.length - 1)] = value;
    this.#length++;
  }

  /** Removes and returns the value at the head (`undefined` when empty). */
  shift(): T | undefined {
    if (this.#length === 0) return undefined;
    const slots = this.#slots;
    const head = this.#head;
    const value = slots[head];
    slots[head] = undefined;
    this.#head = (head + 1) & (slots.length - 1);
    if (--this.#length === 0 && slots.length > KEEP_CAPACITY) this.clear();
    return value;
  }

  /** The value at the head, without removing it (`undefined` when empty). */
  peek(): T | undefined {
    return this.#length === 0 ? undefined : this.#slots[this.#head];
  }

  /** Drops every value. */
  clear(): void {
    this.#slots = NO_SLOTS;
    this.#head = 0;
    this.#length = 0;
  }

  #grow(): (T | undefined)[] {
    const old = this.#slots;
    const capacity = old.length === 0 ? FIRST_CAPACITY : old.length * 2;
    const slots = new Array<T | undefined>(capacity).fill(undefined);
    for (let i = 0; i < this.#length; i++) slots[i] = old[(this.#head + i) & (old.length - 1)];
    this.#slots = slots;
    this.#head = 0;
    return slots;
  }
}
