/**
 * Handles: scheduled callbacks. `Handle#_run` is the only place where a loop callback is
 * called; a callback that throws is reported to the loop's exception handler and the loop
 * goes on.
 *
 * @module
 */

import type { EventLoop } from "./event-loop.js";

/** @internal The arguments of a callback that takes none: shared, to allocate nothing. */
export const NO_ARGS: readonly unknown[] = Object.freeze([]);

/** @internal Anything the ready queue can hold: a handle, a timer, a task step. */
export interface Runnable {
  _run(): void;
}

/**
 * A callback scheduled with `loop.callSoon()`, `loop.addReader()` and friends.
 *
 * Invariant: either pending (it will run once, or every time its file object is ready) or
 * cancelled (it never runs again).
 *
 * @example
 * ```ts
 * const handle = loop.callSoon(() => console.log("never printed"));
 * handle.cancel();
 * ```
 */
export class Handle {
  #callback: ((...args: never[]) => unknown) | undefined;
  #args: readonly unknown[];
  #cancelled = false;
  /** @internal */
  protected readonly _loop: EventLoop;

  /** @internal Use `loop.callSoon()`. */
  constructor(callback: (...args: never[]) => unknown, args: readonly unknown[], loop: EventLoop) {
    this.#callback = callback;
    this.#args = args;
    this._loop = loop;
  }

  /** Prevents the callback from running (again). Cancelling twice is harmless. */
  cancel(): void {
    if (this.#cancelled) return;
    this.#cancelled = true;
    this.#callback = undefined; // let go of closures at once
    this.#args = NO_ARGS;
  }

  /** True once {@link Handle.cancel} was called. */
  cancelled(): boolean {
    return this.#cancelled;
  }

  /** The callback's function name, `(anonymous)`, or `(cancelled)` once cancelled (for traces and reports). */
  get callbackName(): string {
    const callback = this.#callback;
    if (callback === undefined) return "(cancelled)";
    return callback.name === "" ? "(anonymous)" : callback.name;
  }

  /** @internal */
  _run(): void {
    const callback = this.#callback;
    if (callback === undefined) return;
    try {
      // The only place where a loop callback is called.
      (callback as (...args: unknown[]) => unknown)(...this.#args);
    } catch (error) {
      this._loop.callExceptionHandler({
        message: `Exception in callback ${callback.name || "(anonymous)"}`,
        exception: error,
        handle: this,
      });
    }
  }
}

/**
 * A callback scheduled for a point in loop time, by `loop.callLater()` or `loop.callAt()`.
 * Timers with equal deadlines run in the order they were scheduled.
 *
 * @example
 * ```ts
 * const timer = loop.callLater(100, () => console.log("late"));
 * console.log(timer.when()); // loop.time() + 100
 * timer.cancel();
 * ```
 */
export class TimerHandle extends Handle {
  /** @internal Absolute loop time, in ms. */
  readonly _when: number;
  /** @internal Scheduling order, breaks ties between equal deadlines (FIFO). */
  readonly _seq: number;
  /** @internal True while the handle is in the loop's timer heap. */
  _inHeap = false;

  /** @internal Use `loop.callLater()` or `loop.callAt()`. */
  constructor(whenMs: number, seq: number, callback: (...args: never[]) => unknown, args: readonly unknown[], loop: EventLoop) {
    super(callback, args, loop);
    this._when = whenMs;
    this._seq = seq;
  }

  /** The absolute loop time (in milliseconds) at which the callback is due. */
  when(): number {
    return this._when;
  }

  /** Prevents the callback from running; the loop drops the entry from its heap. */
  override cancel(): void {
    if (this.cancelled()) return;
    super.cancel();
    if (this._inHeap) this._loop._timerCancelled(this);
  }
}
