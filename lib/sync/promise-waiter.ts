/**
 * `_PromiseWaiter`: a place in a primitive's wait queue held by async code rather than by a
 * task, so that code outside the loop can wait on a primitive (`for await (const item of
 * queue)`). The wait queue holds any `_Parked` place; waking this one settles a Promise instead
 * of scheduling a task.
 *
 * @module
 */

import type { _Parked } from "./wait-queue.js";

/** @internal A parked place that settles a Promise; see the module comment. */
export class _PromiseWaiter<T> implements _Parked<T> {
  readonly promise: Promise<T>;
  // Invariant: set while the place can be woken; undefined once settled or withdrawn.
  #settle: { resolve: (value: T) => void; reject: (error: unknown) => void } | undefined;

  constructor() {
    let settle: { resolve: (value: T) => void; reject: (error: unknown) => void } | undefined;
    this.promise = new Promise<T>((resolve, reject) => (settle = { resolve, reject }));
    this.#settle = settle;
  }

  get pending(): boolean {
    return this.#settle !== undefined;
  }

  wake(value: T): boolean {
    const settle = this.#settle;
    if (settle === undefined) return false;
    this.#settle = undefined;
    settle.resolve(value);
    return true;
  }

  fail(error: unknown): boolean {
    const settle = this.#settle;
    if (settle === undefined) return false;
    this.#settle = undefined;
    settle.reject(error);
    return true;
  }
}
