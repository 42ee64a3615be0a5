/**
 * `asCompleted`: asyncio's `as_completed`: take the results of running futures in the order
 * they finish, with an optional time limit.
 *
 * @module
 */

import { InvalidStateError, TimeoutError } from "../core/errors.js";
import type { EventLoop } from "../core/event-loop.js";
import type { Future } from "../core/future.js";
import type { OperationResult } from "./gather.js";
import type { TimerHandle } from "../core/handle.js";
import { suspend } from "../core/instruction.js";
import type { Instruction, Wait } from "../core/instruction.js";
import type { Operation } from "../core/operation.js";
import { getRunningLoop } from "../core/running.js";
import type { Waiter } from "../core/waiter.js";
import { checkTimeoutMs, futuresOf } from "./future-set.js";
import { describeReceived } from "../core/received.js";

/**
 * Options of {@link asCompleted}.
 *
 * @example
 * ```ts
 * for (const next of asCompleted(tasks, { timeoutMs: 1000 } satisfies AsCompletedOptions)) {
 *   console.log(yield* next);
 * }
 * ```
 */
export interface AsCompletedOptions {
  /**
   * How long (in milliseconds, from the call) the futures may take in all; `null` or absent: no
   * limit; `<= 0` (negative means "now"): the futures not done yet throw `TimeoutError` at once.
   */
  readonly timeoutMs?: number | null;
}

/**
 * Returns an iterable of Operations, one per distinct future: running the k-th one (with
 * `yield*`) gives the result of the k-th future to finish, or throws its error. Futures that
 * are done already come first, in input order. Once `timeoutMs` has passed (counted from the
 * call), each remaining Operation throws `TimeoutError`; nothing is cancelled (cancel the
 * tasks yourself if you no longer need them). Breaking out of the loop releases the callbacks
 * and the timer.
 *
 * The Operations may be run in any order, and from several tasks: each takes the next result
 * when it runs, not a particular future's.
 *
 * **Cancellation:** cancelling a task that is waiting in one of the Operations withdraws that
 * wait; no future is cancelled and no result is lost (a result handed over just before the
 * cancellation is returned, and the cancellation is raised at the next suspension; one that
 * was not handed over goes to the next Operation).
 *
 * @throws TypeError (at once) if `futures` is not an iterable of Futures or Tasks, or for a
 *   `timeoutMs` of the wrong type; RangeError for NaN; InvalidStateError outside a running loop.
 * @example
 * ```ts
 * const tasks = urls.map((url) => createTask(fetchPage(url)));
 * for (const next of asCompleted(tasks, { timeoutMs: 10_000 })) {
 *   const page = yield* next; // the first page to arrive, then the second ...
 *   console.log(page.length);
 * }
 * ```
 */
export function asCompleted<F extends Future<unknown>>(
  futures: Iterable<F>,
  options: AsCompletedOptions = {},
): IterableIterator<Operation<OperationResult<F>>, undefined, undefined> {
  const loop = getRunningLoop(); // the timer's loop; also, asCompleted() belongs inside a coroutine
  const all = futuresOf("asCompleted()", futures);
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- a JavaScript caller can pass anything
  if (typeof options !== "object" || options === null) {
    throw new TypeError(`asCompleted() needs an options object as its second argument: received ${describeReceived(options)}`);
  }
  const timeoutMs = checkTimeoutMs("asCompleted()", options.timeoutMs);
  return new Completions<OperationResult<F>>(all, timeoutMs, loop);
}

/** The iterator of one asCompleted() call. */
class Completions<T> implements IterableIterator<Operation<T>, undefined, undefined>, Wait<Future<unknown>> {
  readonly description: string;
  readonly #timeoutMs: number | null;
  // Invariant: every future is in exactly one of #watched (pending, with our callback), #ready
  // (done, not yet handed out) or handed out; after the timeout or return(), #watched is empty.
  readonly #watched = new Set<Future<unknown>>();
  #ready: Future<unknown>[] = [];
  #readyHead = 0;
  // Tasks parked in an Operation, first come first served.
  #waiters: Waiter<Future<unknown>>[] = [];
  #toHandOut: number; // Operations the iterator will still give
  #timedOut = false;
  #timer: TimerHandle | undefined;
  readonly #onDone = (future: Future<unknown>): void => {
    if (!this.#watched.delete(future)) return; // after the timeout or return()
    if (this.#watched.size === 0) this.#cancelTimer();
    this.#deliver(future);
  };
  readonly #onTimeout = (): void => {
    this.#timer = undefined;
    this.#timedOut = true;
    this.#release();
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiters) waiter.fail(this.#timeoutError());
  };

  /** The futures not yet done (for call graphs). */
  awaiting(): Iterable<Future<unknown>> {
    return this.#watched;
  }

  constructor(futures: Set<Future<unknown>>, timeoutMs: number | null, loop: EventLoop) {
    this.#timeoutMs = timeoutMs;
    this.#toHandOut = futures.size;
    this.description = `asCompleted(${futures.size} futures)`;
    for (const future of futures) {
      if (future.done()) this.#ready.push(future);
      else {
        this.#watched.add(future);
        future.addDoneCallback(this.#onDone);
      }
    }
    if (timeoutMs !== null && this.#watched.size > 0) this.#timer = loop.callLater(timeoutMs, this.#onTimeout);
  }

  /** The next Operation, until there is one per future. */
  next(): IteratorResult<Operation<T>, undefined> {
    if (this.#toHandOut === 0) return { done: true, value: undefined };
    this.#toHandOut--;
    return { done: false, value: this.#take() };
  }

  /**
   * Stops early (a `break` out of `for ... of`): releases the callbacks and the timer; tasks
   * still parked in one of its Operations (run from other tasks) get an InvalidStateError
   * rather than waiting forever.
   */
  return(): IteratorResult<Operation<T>, undefined> {
    this.#toHandOut = 0;
    this.#release();
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiters) waiter.fail(this.#stoppedError());
    return { done: true, value: undefined };
  }

  [Symbol.iterator](): this {
    return this;
  }

  /** @internal Wait protocol: a task waits for the next future to finish. */
  park(waiter: Waiter<Future<unknown>>): void {
    this.#waiters.push(waiter);
  }

  /** @internal Wait protocol: a waiting task was cancelled; nothing was handed to it yet. */
  abort(waiter: Waiter<Future<unknown>>): boolean {
    const index = this.#waiters.indexOf(waiter);
    if (index !== -1) this.#waiters.splice(index, 1);
    return true;
  }

  *#take(): Generator<Instruction, T, unknown> {
    let future: Future<unknown>;
    if (this.#readyHead < this.#ready.length) future = this.#shiftReady();
    else if (this.#timedOut) throw this.#timeoutError();
    else if (this.#watched.size === 0) throw this.#stoppedError();
    else future = yield* suspend<Future<unknown>>(this);
    return future.result() as T;
  }

  /** Hands a finished future to the first waiting task that takes it, else keeps it. */
  #deliver(future: Future<unknown>): void {
    while (this.#waiters.length > 0) {
      // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- the loop condition says there is one
      if (this.#waiters.shift()!.wake(future)) return;
    }
    this.#ready.push(future);
  }

  #shiftReady(): Future<unknown> {
    // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- callers check that a ready future is waiting
    const future = this.#ready[this.#readyHead]!;
    // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- a slot behind #readyHead is never read again: keep nothing alive
    this.#ready[this.#readyHead++] = undefined!;
    if (this.#readyHead === this.#ready.length) {
      this.#ready = [];
      this.#readyHead = 0;
    }
    return future;
  }

  #stoppedError(): InvalidStateError {
    return new InvalidStateError(
      "an Operation of asCompleted() ran after the iteration was stopped (or after every result was taken): run each Operation once, before leaving the loop",
    );
  }

  #timeoutError(): TimeoutError {
    return new TimeoutError(
      `asCompleted() timed out after ${this.#timeoutMs} ms: the remaining futures did not finish in time (none was cancelled)`,
    );
  }

  #release(): void {
    this.#cancelTimer();
    for (const future of this.#watched) future.removeDoneCallback(this.#onDone);
    this.#watched.clear();
  }

  #cancelTimer(): void {
    this.#timer?.cancel();
    this.#timer = undefined;
  }
}
