/**
 * Future: a result that will be available later, asyncio's state machine.
 *
 * Invariant: either pending, or done in exactly one of three ways (fulfilled with a value,
 * rejected with an error, cancelled with a `CancelledError`); once done it never changes.
 * Done callbacks never run synchronously: each is scheduled with `callSoon`, in registration
 * order. Tasks waiting on the future are woken through the ready queue in that same order,
 * without a Handle (the hot path of `yield* future`).
 *
 * @module
 */

import { CancelledError, InvalidStateError } from "./errors.js";
import type { EventLoop } from "./event-loop.js";
import { AwaitInstruction } from "./instruction.js";
import type { Instruction } from "./instruction.js";
import { getRunningLoop } from "./running.js";
import type { Task } from "./task.js";
import { describeReceived } from "./received.js";

const PENDING = 0;
const FULFILLED = 1;
const REJECTED = 2;
const CANCELLED = 3;
const STATE_NAMES = ["pending", "fulfilled", "failed", "cancelled"] as const;
type State = typeof PENDING | typeof FULFILLED | typeof REJECTED | typeof CANCELLED;

/**
 * A function called (soon) when a future is done, with the future.
 *
 * @example
 * ```ts
 * const log: DoneCallback<number> = (future) => console.log(future.result());
 * future.addDoneCallback(log);
 * ```
 */
export type DoneCallback<T> = (future: Future<T>) => void;

/**
 * @internal What a future wakes when it is done: a callback, or a task parked on it. Not
 * generic, so that `Future<T>` stays covariant (a `Future<number>` is a `Future<unknown>`).
 */
type Listener = ((future: never) => void) | Task<unknown>;

/**
 * A result that will be available later. Futures are {@link Operation}s (`yield* future` in a
 * coroutine) and `PromiseLike` (`await future` in async code).
 *
 * **Cancellation:** `yield* future` parks the task until the future is done; cancelling the
 * waiting task also cancels the future (as asyncio's `await`). `future.cancel()` itself
 * completes a pending future at once as cancelled.
 *
 * @typeParam T - the result type.
 * @example
 * ```ts
 * const future = loop.createFuture<number>();
 * loop.callLater(10, () => future.setResult(42));
 * const answer = yield* future; // 42
 * ```
 */
export class Future<T> {
  #state: State = PENDING;
  #value: unknown = undefined; // the result, or the error when rejected or cancelled
  // Either undefined (none yet), one listener, or an array of them (most futures have one).
  #listeners: Listener | Listener[] | undefined = undefined;
  /** @internal */
  readonly _loop: EventLoop;

  /** @param loop - the loop that runs the done callbacks; default: the running loop. */
  constructor(loop?: EventLoop) {
    this._loop = loop ?? getRunningLoop();
  }

  /** True once the future has a result, an error, or was cancelled. */
  done(): boolean {
    return this.#state !== PENDING;
  }

  /** True if the future was cancelled. */
  cancelled(): boolean {
    return this.#state === CANCELLED;
  }

  /**
   * The result.
   *
   * @throws {@link InvalidStateError} while pending; the stored error if it failed;
   *   `CancelledError` if it was cancelled.
   */
  result(): T {
    switch (this.#state) {
      case PENDING:
        throw new InvalidStateError(`result() was called on a pending ${this._describe()}: wait for it with yield* first`);
      case FULFILLED:
        return this.#value as T;
      default:
        this._markRetrieved();
        throw this.#value;
    }
  }

  /**
   * The error the future failed with, or `undefined` if it succeeded.
   *
   * @throws {@link InvalidStateError} while pending; `CancelledError` if it was cancelled.
   */
  exception(): unknown {
    switch (this.#state) {
      case PENDING:
        throw new InvalidStateError(`exception() was called on a pending ${this._describe()}: wait for it first`);
      case FULFILLED:
        return undefined;
      case CANCELLED:
        throw this.#value;
      default:
        this._markRetrieved();
        return this.#value;
    }
  }

  /**
   * Completes the future with a value and schedules its callbacks.
   *
   * @throws {@link InvalidStateError} if it is already done.
   */
  setResult(value: T): void {
    this.#checkSettable("setResult");
    this._settle(FULFILLED, value);
  }

  /**
   * Completes the future with an error and schedules its callbacks.
   *
   * @throws {@link InvalidStateError} if it is already done.
   * @throws TypeError if `error` is a `CancelledError` (use {@link Future.cancel}).
   */
  setException(error: unknown): void {
    this.#checkSettable("setException");
    if (error instanceof CancelledError) {
      throw new TypeError("setException() was given a CancelledError: call cancel() to cancel a future");
    }
    this._settle(REJECTED, error);
  }

  /**
   * Cancels a pending future: it becomes done and cancelled, and its callbacks are scheduled.
   *
   * @param message - shown in the `CancelledError`.
   * @returns `false` if it was already done.
   * @throws TypeError if `message` is neither a string nor `undefined`.
   */
  cancel(message?: string): boolean {
    checkCancelMessage("Future.cancel()", message);
    if (this.#state !== PENDING) return false;
    this._settle(CANCELLED, new CancelledError(message === undefined ? { source: "explicit" } : { source: "explicit", message }));
    return true;
  }

  /**
   * Calls `callback(future)` soon after the future is done (at once-scheduled if it already is).
   * Callbacks run through the loop's ready queue, in registration order.
   */
  addDoneCallback(callback: DoneCallback<T>): void {
    if (typeof callback !== "function") {
      throw new TypeError(`addDoneCallback() needs a function: received ${typeof callback}`);
    }
    if (this.#state !== PENDING) this._loop._callSoonUnchecked(callback, this);
    else this.#addListener(callback);
  }

  /**
   * Removes every registration of `callback`.
   *
   * @returns how many were removed.
   */
  removeDoneCallback(callback: DoneCallback<T>): number {
    return this.#removeListener(callback);
  }

  /**
   * Lets async code `await` the future. The returned Promise settles after the future is done.
   */
  then<R1 = T, R2 = never>(
    onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return new Promise<T>((resolve, reject) => {
      const settle = (): void => {
        if (this.#state === FULFILLED) resolve(this.#value as T);
        else {
          this._markRetrieved();
          reject(this.#value);
        }
      };
      if (this.#state !== PENDING) settle();
      else this.#addListener(settle);
    }).then(onFulfilled, onRejected);
  }

  /**
   * Waits for the future inside a coroutine: `const value = yield* future`. A future that is
   * already done returns (or throws) at once, without a pass.
   */
  [Symbol.iterator](): Iterator<Instruction, T, unknown> {
    // The await instruction doubles as the iterator (see AwaitInstruction): one small,
    // short-lived object per `yield*` instead of a generator, and nothing kept on the future.
    return new AwaitInstruction(this, true) as Iterator<Instruction, T, unknown>;
  }

  /** @internal The instruction to wait without cancelling the future on abort. */
  _awaitWithoutCancelling(): AwaitInstruction {
    return new AwaitInstruction(this, false);
  }

  /** @internal For messages and traces. */
  _describe(): string {
    return "Future";
  }
  /** @internal `_describe()`, and for a task in debug mode where it was created (Task overrides it). */
  _describeWithSite(): string {
    return this._describe();
  }

  /** @internal A task parks on the future: woken through the ready queue when it is done. */
  _addWaiter(task: Task<unknown>): void {
    this.#addListener(task);
  }

  /** @internal A task withdrew its wait. */
  _removeWaiter(task: Task<unknown>): void {
    this.#removeListener(task);
  }

  /** @internal For a woken task: true if done with an error (which counts as retrieved). */
  _outcomeIsError(): boolean {
    if (this.#state === FULFILLED) return false;
    this._markRetrieved();
    return true;
  }

  /** @internal How it ended, without retrieving a failure (diagnostics must not hide one from its report). */
  _peekState(): "pending" | "fulfilled" | "failed" | "cancelled" {
    return STATE_NAMES[this.#state];
  }

  /** @internal The result, or the error when it failed or was cancelled. */
  _outcomeValue(): unknown {
    return this.#value;
  }

  /**
   * @internal Someone looked at the failure: it will not be reported. (No flag per future:
   * "not retrieved" is "in the loop's set", and only a failed future is ever in it.)
   */
  _markRetrieved(): void {
    if (this.#state === REJECTED) this._loop._unretrievedFailures.delete(this);
  }

  /** @internal Completes the future. Only Future and Task call this. */
  protected _settle(state: typeof FULFILLED | typeof REJECTED | typeof CANCELLED, value: unknown): void {
    this.#state = state;
    this.#value = value;
    if (state === REJECTED) this._loop._unretrievedFailures.add(this); // until someone looks
    const listeners = this.#listeners;
    if (listeners === undefined) return;
    this.#listeners = undefined;
    if (Array.isArray(listeners)) for (const listener of listeners) this.#notify(listener);
    else this.#notify(listeners);
  }

  #notify(listener: Listener): void {
    // The internal path: it never throws (a future completed after its loop closed still
    // notifies every listener it can), so a half-notified future cannot happen.
    if (typeof listener === "function") this._loop._callSoonUnchecked(listener as DoneCallback<T>, this);
    else listener._wakeFromFuture(this);
  }

  #checkSettable(verb: string): void {
    if (this.#state !== PENDING) {
      throw new InvalidStateError(`${verb}() was called on a ${this._describe()} that is already done: a future completes once`);
    }
  }

  #addListener(listener: Listener): void {
    const listeners = this.#listeners;
    if (listeners === undefined) this.#listeners = listener;
    else if (Array.isArray(listeners)) listeners.push(listener);
    else this.#listeners = [listeners, listener];
  }

  #removeListener(listener: Listener): number {
    const listeners = this.#listeners;
    if (listeners === undefined) return 0;
    if (!Array.isArray(listeners)) {
      if (listeners !== listener) return 0;
      this.#listeners = undefined;
      return 1;
    }
    const kept = listeners.filter((entry) => entry !== listener);
    const removed = listeners.length - kept.length;
    this.#listeners = kept.length === 0 ? undefined : kept;
    return removed;
  }
}

/** @internal `cancel(message)` takes a string or nothing, as `CancelScope.cancel` does. */
export function checkCancelMessage(where: string, message: unknown): void {
  if (message !== undefined && typeof message !== "string") {
    throw new TypeError(`${where} needs a message string or nothing: received ${describeReceived(message)}`);
  }
}

/** @internal State constants for subclasses. */
export const FUTURE_FULFILLED = FULFILLED;
/** @internal */
export const FUTURE_REJECTED = REJECTED;
/** @internal */
export const FUTURE_CANCELLED = CANCELLED;
