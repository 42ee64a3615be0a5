/**
 * `Event`: a flag that tasks can wait for, built on the trap protocol.
 *
 * @module
 */

import { _keepMaps } from "../core/exemplars.js";
import { GrantOperation } from "./grant-operation.js";
import type { Operation } from "../core/operation.js";
import { WOKEN } from "./wait-queue.js";

/**
 * A flag tasks can wait for (asyncio's `Event`): `wait()` returns once the flag is set;
 * `set()` wakes every waiter, in arrival order; `clear()` resets the flag for future waits.
 *
 * **Cancellation:** a task cancelled while it waits is withdrawn and raises `CancelledError`.
 * A task cancelled after `set()` woke it still returns `true` (the wake-up is not lost, even
 * if `clear()` was called in between), and the cancellation is raised at its next
 * suspension. `wait()` on a set event does not suspend, so it does not raise a pending
 * cancellation.
 *
 * @example
 * ```ts
 * const ready = new Event();
 * createTask(function* () {
 *   yield* ready.wait();
 *   console.log("go");
 * }());
 * ready.set();
 * ```
 */
export class Event {
  readonly #core = new EventCore();

  /**
   * Waits until the event is set; returns `true` (asyncio's result).
   *
   * **Cancellation:** while waiting: withdrawn, `CancelledError`. After `set()` woke the task:
   * returns `true`, and the cancellation is raised at the next suspension. On a set event it
   * does not suspend.
   *
   * @example
   * ```ts
   * yield* started.wait();
   * ```
   */
  wait(): Operation<true> {
    return this.#core;
  }

  /**
   * Sets the flag and wakes every waiter, in arrival order. Does nothing if already set.
   *
   * @example
   * ```ts
   * done.set();
   * ```
   */
  set(): void {
    const core = this.#core;
    if (core.isSet) return;
    core.isSet = true;
    core.waiters.wakeAll(WOKEN);
  }

  /**
   * Clears the flag: later `wait()` calls wait again. Waiters already woken still return.
   *
   * @example
   * ```ts
   * tick.set();
   * tick.clear(); // an edge: the current waiters run, later ones wait for the next set()
   * ```
   */
  clear(): void {
    this.#core.isSet = false;
  }

  /** True while the flag is set. */
  isSet(): boolean {
    return this.#core.isSet;
  }
}

/** The event's state, and the shared Operation of `wait()` (see `grant-operation.ts`). */
class EventCore extends GrantOperation<true> {
  // Invariant: either set with no parked waiters, or clear with any number of them.
  isSet = false;

  get description(): string {
    return "event.wait()";
  }

  protected tryTake(): boolean {
    return this.isSet;
  }

  protected grantValue(): true {
    return true;
  }
}

_keepMaps(new Event()); // see exemplars.ts
