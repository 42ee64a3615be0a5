/**
 * `_PromiseWaiter`: a place in a primitive's wait queue held by async code rather than by a
 * task, so that code outside the loop can wait on a primitive (`for await (const item of
 * queue)`). The primitive sees a waiter like any other (`pending`, `wake`, `fail`); waking it
 * settles a Promise instead of scheduling a task.
 *
 * @module
 */

import type { Wait } from "../core/instruction.js";
import type { Task } from "../core/task.js";
import { Waiter } from "../core/waiter.js";

const NO_WAIT: Wait<never> = { description: "async code outside the loop", park: () => undefined };

/** @internal A waiter that settles a Promise; see the module comment. */
export class _PromiseWaiter<T> extends Waiter<T> {
  readonly promise: Promise<T>;
  #settle: { resolve: (value: T) => void; reject: (error: unknown) => void } | undefined;

  constructor() {
    // No task: nothing schedules it. A primitive only calls pending, wake and fail.
    super(undefined as unknown as Task<unknown>, NO_WAIT);
    let settle: { resolve: (value: T) => void; reject: (error: unknown) => void } | undefined;
    this.promise = new Promise<T>((resolve, reject) => (settle = { resolve, reject }));
    this.#settle = settle;
  }

  override get pending(): boolean {
    return this.#settle !== undefined;
  }

  override wake(value: T): boolean {
    const settle = this.#settle;
    if (settle === undefined) return false;
    this.#settle = undefined;
    settle.resolve(value);
    return true;
  }

  override fail(error: unknown): boolean {
    const settle = this.#settle;
    if (settle === undefined) return false;
    this.#settle = undefined;
    settle.reject(error);
    return true;
  }

  /** Gives the place up: later wakes return false; the Promise settles with `value`. */
  withdraw(value: T): void {
    this.wake(value);
  }
}
