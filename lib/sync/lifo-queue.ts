/**
 * `LifoQueue`: a {@link Queue} that returns the most recently added item first.
 *
 * @module
 */

import { Queue } from "./queue.js";
import type { ItemStore, QueueOptions } from "./queue.js";

/**
 * A last-in, first-out {@link Queue} (asyncio's `LifoQueue`): `get()` returns the most
 * recently added item. Everything else (bounds, `taskDone()`/`join()`, `shutdown()`, fairness
 * among waiting tasks) is as in {@link Queue}.
 *
 * **Cancellation:** as {@link Queue}: no item is ever lost or duplicated by a cancellation.
 *
 * @typeParam T - the items.
 * @example
 * ```ts
 * const stack = new LifoQueue<number>();
 * stack.putNowait(1);
 * stack.putNowait(2);
 * stack.getNowait(); // 2
 * ```
 */
export class LifoQueue<T> extends Queue<T> {
  /**
   * @param options - `maxsize` (default 0: unbounded).
   * @throws TypeError for a non-object options or a non-number maxsize; RangeError for NaN.
   */
  constructor(options: QueueOptions = {}) {
    super(options);
  }

  /** @internal */
  protected override _createStore(_options: QueueOptions): ItemStore<T> {
    return new Stack<T>();
  }
}

/** The store of a LifoQueue: `shift` takes the newest item. */
class Stack<T> implements ItemStore<T> {
  readonly #items: T[] = [];

  get length(): number {
    return this.#items.length;
  }

  push(item: T): void {
    this.#items.push(item);
  }

  shift(): T | undefined {
    return this.#items.pop();
  }

  clear(): void {
    this.#items.length = 0;
  }
}
