/**
 * The jobs waiting for a worker, first in first out. An array read from a head index: `shift()`
 * on a plain array is O(n) once V8 stops moving its start (about 16k entries), which made a
 * large batch quadratic.
 *
 * @module
 */

/** @internal A FIFO of items with O(1) push and shift, and removal from the middle for cancellation. */
export class _JobQueue<T> {
  #items: (T | undefined)[] = [];
  #head = 0;

  /** How many items wait. */
  get length(): number {
    return this.#items.length - this.#head;
  }

  push(item: T): void {
    this.#items.push(item);
  }

  /** The first item, or undefined. */
  peek(): T | undefined {
    return this.#items[this.#head];
  }

  /** Removes and returns the first item, or undefined. */
  shift(): T | undefined {
    if (this.#head >= this.#items.length) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head++] = undefined; // keep nothing alive
    // Compact once the dead prefix is half the array: amortised O(1).
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }

  /** Removes `item` wherever it is (a cancelled job); false if it is not there. */
  remove(item: T): boolean {
    const at = this.#items.indexOf(item, this.#head);
    if (at < 0) return false;
    this.#items.splice(at, 1);
    return true;
  }

  /** Removes and returns every item, in order. */
  drain(): T[] {
    const items = this.#items.slice(this.#head) as T[];
    this.#items = [];
    this.#head = 0;
    return items;
  }
}
