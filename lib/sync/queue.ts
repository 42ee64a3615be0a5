/**
 * `Queue`: a FIFO queue for tasks (asyncio's `Queue`, with Python 3.13's `shutdown`), built on
 * the trap protocol. `LifoQueue` and `PriorityQueue` change only the order of the items.
 *
 * How nothing is lost (the hand-off rule of `wait-queue.ts`):
 * - a `put` with a getter parked hands the item to it in the same step (the item never sits in
 *   the store for a newcomer to take). If the getter's task is cancelled before it runs, it
 *   still returns the item; its cancellation is raised at its next suspension. A getter that was
 *   withdrawn first is skipped, and the item goes to the next getter or into the store;
 * - a `get` that frees a slot of a full queue moves the first parked putter's item in, in the
 *   same step, and wakes the putter with its put complete. A putter withdrawn first is skipped:
 *   its item was never put;
 * - so a newcomer never takes an item or a slot ahead of a woken waiter that has not run yet.
 *
 * Discussion: the public `Queue` is a thin facade over a module-private `QueueCore`, which
 * holds the state and its invariants; the operations returned by `get()` and `put()` work on
 * the core directly, without generators. `get()` returns one shared, stateless Operation per
 * queue (a `get` allocates only its result); `put()` returns a stateless Operation holding the
 * item (one small object). Ping-pong between two tasks is the hot path of a queue.
 *
 * @module
 */

import { _keepMaps } from "../core/exemplars.js";
import { GrantOperation } from "./grant-operation.js";
import { SuspendInstruction } from "../core/instruction.js";
import type { Instruction, Wait } from "../core/instruction.js";
import type { Operation } from "../core/operation.js";
import { QueueEmpty, QueueFull, QueueShutDown } from "./queue-errors.js";
import { RingBuffer } from "./ring-buffer.js";
import type { Waiter } from "../core/waiter.js";
import { WaitQueue, WOKEN } from "./wait-queue.js";
import { describeReceived } from "../core/received.js";
import { InvalidStateError } from "../core/errors.js";
import { _PromiseWaiter } from "./promise-waiter.js";

/**
 * Options of {@link Queue}, {@link LifoQueue} and {@link PriorityQueue}.
 *
 * @example
 * ```ts
 * const bounded = new Queue<Job>({ maxsize: 100 }); // put() waits while 100 jobs are queued
 * const unbounded = new Queue<Job>();
 * ```
 */
export interface QueueOptions {
  /**
   * How many items the queue holds before `put()` waits (and `putNowait()` raises
   * {@link QueueFull}); `0` or less, or leaving it out, means unbounded. Default 0.
   */
  readonly maxsize?: number;
}

/**
 * @internal The container that gives a queue its order: a FIFO ring for `Queue`, a stack for
 * `LifoQueue`, a heap for `PriorityQueue`.
 */
export interface ItemStore<T> {
  /** How many items it holds. */
  readonly length: number;
  /** Adds an item. */
  push(item: T): void;
  /** Removes and returns the next item in the queue's order (only called when not empty). */
  shift(): T | undefined;
  /** Drops every item. */
  clear(): void;
}

/** The state and rules of a queue; {@link Queue} is its public face. */
class QueueCore<T> {
  /** maxsize, or Infinity for an unbounded queue. */
  readonly capacity: number;
  readonly store: ItemStore<T>;
  // Invariants:
  // - either the store is empty, or no getter is parked (a put hands its item to the first
  //   parked getter instead of storing it);
  // - either the store is full (length ≥ capacity), or no putter is parked (a get that frees a
  //   slot moves the first parked putter's item in);
  // - hence getters and putters are never parked at once (capacity > 0);
  // - once shut down, no getter or putter is parked (shutdown fails them; put raises, and get
  //   parks only on an empty queue, where it raises);
  // - unfinished = items put (stored or handed over) − taskDone() calls − items dropped by
  //   shutdown(true), never below 0; joiners (join.waiters) are parked only while it is above 0.
  readonly getters = new WaitQueue<unknown>(); // woken with the item (UNDEFINED_ITEM for undefined)
  readonly putters = new WaitQueue<typeof WOKEN>(true); // payload: the item to put
  /** The Operation of `join()` and its waiters, made on the first `join()`. */
  join: JoinOperation | undefined = undefined;
  unfinished = 0;
  shutDown = false;

  constructor(capacity: number, store: ItemStore<T>) {
    this.capacity = capacity;
    this.store = store;
  }

  /** Puts `item` if that needs no waiting: to a parked getter, else into the store if it has room. */
  tryPut(item: T): boolean {
    if (!this.#handToGetter(item)) {
      if (this.store.length >= this.capacity) return false;
      this.store.push(item);
    }
    this.unfinished++;
    return true;
  }

  /** Takes the next item (the store is not empty), and lets a parked putter into the freed slot. */
  take(): T {
    const item = this.store.shift() as T;
    const putters = this.putters;
    for (;;) {
      const waiter = putters.peek();
      if (waiter === undefined) return item;
      const pending = putters.peekPayload() as T;
      putters.shift();
      if (!waiter.pending) continue; // its task left already: its item is not ours to take
      // Store first, then wake: a PriorityQueue's comparator may throw, and then the putter's
      // put() raises that error instead of returning as if its item were queued.
      try {
        this.store.push(pending);
      } catch (error) {
        waiter.fail(error);
        return item;
      }
      this.unfinished++;
      waiter.wake(WOKEN);
      return item;
    }
  }

  #handToGetter(item: T): boolean {
    const getters = this.getters;
    for (;;) {
      const waiter = getters.peek();
      if (waiter === undefined) return false;
      getters.shift();
      if (waiter.wake(item === undefined ? UNDEFINED_ITEM : item)) return true;
    }
  }
}

/** How an `undefined` item travels as a wake-up value (see GetOperation). */
const UNDEFINED_ITEM: unique symbol = Symbol("undefined item");

const PUT_DONE: IteratorResult<Instruction, void> = Object.freeze({ done: true, value: undefined });

/**
 * What `queue.get()` returns: one shared, stateless Operation per queue (see
 * `grant-operation.ts` for the idea), its own iterator and its own Wait. A put hands the item
 * over as the wake-up value itself, boxed only when it is `undefined` (as {@link UNDEFINED_ITEM}),
 * so that a resume with `undefined` always means "nothing handed over": a first step (which is
 * always sent `undefined`), or any resume that did not come from a put. Both simply try to get
 * an item now.
 */
class GetOperation<T> implements Operation<T>, Iterator<Instruction, T, unknown>, Wait<unknown> {
  readonly #core: QueueCore<T>;
  #park: IteratorResult<Instruction, T> | undefined; // made on the first get that waits

  constructor(core: QueueCore<T>) {
    this.#core = core;
  }

  get description(): string {
    return "queue.get()";
  }

  next(resumed?: unknown): IteratorResult<Instruction, T> {
    if (resumed !== undefined) return { done: true, value: (resumed === UNDEFINED_ITEM ? undefined : resumed) as T };
    const core = this.#core;
    if (core.store.length > 0) return { done: true, value: core.take() };
    if (core.shutDown)
      throw new QueueShutDown("queue.get() was called on a queue that is shut down and empty: there is nothing left to get");
    return (this.#park ??= Object.freeze({ done: false, value: new SuspendInstruction(this as Wait<unknown>) }));
  }

  throw(error: unknown): IteratorResult<Instruction, T> {
    throw error;
  }

  return(value?: unknown): IteratorResult<Instruction, T> {
    return { done: true, value: value as T };
  }

  [Symbol.iterator](): this {
    return this;
  }

  park(waiter: Waiter<unknown>): void {
    this.#core.getters.push(waiter);
  }

  abort(waiter: Waiter<unknown>): boolean {
    this.#core.getters.withdraw(waiter);
    return true;
  }
}

/**
 * What `queue.put(item)` returns: stateless (its own iterator and its own Wait), so running it
 * twice puts the item twice, as it should. A parked putter is woken with WOKEN once a `get`
 * has moved its item into the queue.
 */
class PutOperation<T> implements Operation<void>, Iterator<Instruction, void, unknown>, Wait<typeof WOKEN> {
  readonly #core: QueueCore<T>;
  readonly #item: T;
  #park: IteratorResult<Instruction, void> | undefined;

  constructor(core: QueueCore<T>, item: T) {
    this.#core = core;
    this.#item = item;
  }

  get description(): string {
    return "queue.put()";
  }

  next(resumed?: unknown): IteratorResult<Instruction, void> {
    if (resumed === WOKEN) return PUT_DONE;
    const core = this.#core;
    if (core.shutDown) throw new QueueShutDown("queue.put() was called on a queue that is shut down: nothing can be added to it");
    if (core.tryPut(this.#item)) return PUT_DONE;
    return (this.#park ??= { done: false, value: new SuspendInstruction(this) });
  }

  throw(error: unknown): IteratorResult<Instruction, void> {
    throw error;
  }

  return(): IteratorResult<Instruction, void> {
    return PUT_DONE;
  }

  [Symbol.iterator](): this {
    return this;
  }

  park(waiter: Waiter<typeof WOKEN>): void {
    this.#core.putters.push(waiter, this.#item);
  }

  abort(waiter: Waiter<typeof WOKEN>): boolean {
    this.#core.putters.withdraw(waiter);
    return true;
  }
}

/** What `queue.join()` returns: granted once nothing put is unfinished (see `grant-operation.ts`). */
class JoinOperation extends GrantOperation<void> {
  readonly #core: QueueCore<unknown>;

  constructor(core: QueueCore<unknown>) {
    super();
    this.#core = core;
  }

  get description(): string {
    return "queue.join()";
  }

  protected tryTake(): boolean {
    return this.#core.unfinished === 0;
  }

  protected grantValue(): void {}
}

function checkOptions(where: string, options: unknown): number {
  if (typeof options !== "object" || options === null) {
    throw new TypeError(`${where} needs an options object ({ maxsize }): received ${describeReceived(options)}`);
  }
  const maxsize = (options as QueueOptions).maxsize ?? 0;
  if (typeof maxsize !== "number") throw new TypeError(`${where} needs maxsize as a number: received ${typeof maxsize}`);
  if (Number.isNaN(maxsize)) throw new RangeError(`${where} needs maxsize as a number (0 or less: unbounded): received NaN`);
  return maxsize;
}

/**
 * A first-in, first-out queue for tasks (asyncio's `Queue`, with Python 3.13's `shutdown`).
 * Bounded with `maxsize`: `put()` then waits for room, which gives producers backpressure.
 * `taskDone()` and `join()` let a producer wait until every item put has been processed.
 *
 * Fair and lossless: getters and putters are served in arrival order; an item is handed
 * straight to the first waiting getter, and a slot freed by a `get` goes straight to the first
 * waiting putter, so a newcomer never barges ahead of a woken waiter, and cancellation never
 * loses an item.
 *
 * **Cancellation:** a `get()` cancelled while it waits is withdrawn: it takes no item, and an
 * item put later goes to the next getter or stays in the queue. A `get()` cancelled right after
 * a `put()` handed it an item returns the item (the cancellation is raised at its next
 * suspension), so the item is never lost. A `put()` cancelled while it waits is withdrawn: its
 * item is not added. A `put()` cancelled after a slot was given to it has added its item, and
 * returns normally. `join()` cancelled while it waits is withdrawn. Operations that need not
 * wait (`get()` on a non-empty queue, `put()` with room, `join()` with nothing unfinished) do
 * not suspend, so they do not raise a pending cancellation.
 *
 * @typeParam T - the items.
 * @example
 * ```ts
 * const jobs = new Queue<string>({ maxsize: 10 });
 * createTask(function* () {
 *   for (;;) {
 *     const job = yield* jobs.get();
 *     yield* handle(job);
 *     jobs.taskDone();
 *   }
 * }());
 * for (const job of ["a", "b", "c"]) yield* jobs.put(job); // waits while 10 are queued
 * yield* jobs.join(); // every job handled
 * ```
 */
export class Queue<T> {
  readonly #maxsize: number;
  readonly #core: QueueCore<T>;
  readonly #get: GetOperation<T>;

  /**
   * @param options - `maxsize` (default 0: unbounded).
   * @throws TypeError for a non-object options or a non-number maxsize; RangeError for NaN.
   */
  constructor(options: QueueOptions = {}) {
    const maxsize = checkOptions(`${new.target.name}()`, options);
    this.#maxsize = maxsize;
    const core = new QueueCore<T>(maxsize > 0 ? maxsize : Number.POSITIVE_INFINITY, this._createStore(options));
    this.#core = core;
    this.#get = new GetOperation(core);
  }

  /**
   * @internal The container that gives the queue its order; subclasses override it. Called
   * from the base constructor, so an override must not read its own instance fields.
   */
  protected _createStore(_options: QueueOptions): ItemStore<T> {
    return new RingBuffer<T>();
  }

  /**
   * Adds `item`, waiting while the queue is full. With a getter waiting, the item goes straight
   * to it.
   *
   * **Cancellation:** while waiting: withdrawn, the item is not added, `CancelledError`. After
   * a slot was given to it: the item is in the queue and `put()` returns normally (the
   * cancellation is raised at the next suspension). With room it does not suspend.
   *
   * @throws {@link QueueShutDown} if the queue is shut down (also while waiting).
   * @example
   * ```ts
   * yield* queue.put(item);
   * ```
   */
  put(item: T): Operation<void> {
    return new PutOperation(this.#core, item);
  }

  /**
   * Adds `item` without waiting.
   *
   * @throws {@link QueueFull} if the queue is full; {@link QueueShutDown} if it is shut down.
   * @example
   * ```ts
   * queue.putNowait(event);
   * ```
   */
  putNowait(item: T): void {
    const core = this.#core;
    if (core.shutDown) throw new QueueShutDown("queue.putNowait() was called on a queue that is shut down: nothing can be added to it");
    if (!core.tryPut(item)) {
      throw new QueueFull(
        `queue.putNowait() was called on a full queue (maxsize ${this.#maxsize}): use yield* queue.put(item) to wait for room`,
      );
    }
  }

  /**
   * Removes and returns the next item, waiting while the queue is empty.
   *
   * **Cancellation:** while waiting: withdrawn, no item taken, `CancelledError`. After a
   * `put()` handed it an item: returns the item (the cancellation is raised at the next
   * suspension). On a non-empty queue it does not suspend.
   *
   * @throws {@link QueueShutDown} once the queue is shut down and empty (also while waiting).
   * @example
   * ```ts
   * const item = yield* queue.get();
   * ```
   */
  get(): Operation<T> {
    return this.#get;
  }

  /**
   * Removes and returns the next item without waiting.
   *
   * @throws {@link QueueEmpty} if the queue is empty; {@link QueueShutDown} if it is empty and
   *   shut down.
   * @example
   * ```ts
   * while (!queue.empty()) batch.push(queue.getNowait());
   * ```
   */
  getNowait(): T {
    const core = this.#core;
    if (core.store.length > 0) return core.take();
    if (core.shutDown)
      throw new QueueShutDown("queue.getNowait() was called on a queue that is shut down and empty: there is nothing left to get");
    throw new QueueEmpty("queue.getNowait() was called on an empty queue: use yield* queue.get() to wait for an item");
  }

  /**
   * Marks one item taken with `get()` as processed; when every item put has been, `join()`
   * returns.
   *
   * @throws RangeError if called more times than items were put.
   * @example
   * ```ts
   * const job = yield* jobs.get();
   * try {
   *   yield* handle(job);
   * } finally {
   *   jobs.taskDone();
   * }
   * ```
   */
  taskDone(): void {
    const core = this.#core;
    if (core.unfinished <= 0) {
      throw new RangeError("queue.taskDone() was called more times than items were put: call it once per item taken with get()");
    }
    if (--core.unfinished === 0) core.join?.waiters.wakeAll(WOKEN);
  }

  /**
   * Waits until every item put has been marked processed with `taskDone()`.
   *
   * **Cancellation:** while waiting: withdrawn, `CancelledError`; nothing else changes. With
   * nothing unfinished it does not suspend.
   *
   * @example
   * ```ts
   * for (const url of urls) yield* queue.put(url);
   * yield* queue.join(); // all fetched
   * ```
   */
  join(): Operation<void> {
    const core = this.#core;
    return (core.join ??= new JoinOperation(core));
  }

  /** How many items are in the queue. */
  qsize(): number {
    return this.#core.store.length;
  }

  /** True if the queue holds no item. */
  empty(): boolean {
    return this.#core.store.length === 0;
  }

  /** True if the queue holds `maxsize` items (never, for an unbounded queue). */
  full(): boolean {
    const core = this.#core;
    return core.store.length >= core.capacity;
  }

  /** The maximum number of items, as given (0 or less: unbounded). */
  get maxsize(): number {
    return this.#maxsize;
  }

  /**
   * Consumes the queue from async code, outside the loop: `for await (const item of queue)`
   * takes each item as `get()` would, waiting while the queue is empty, and ends once the queue
   * is shut down and empty. Items are taken in the queue's order, fairly with the tasks
   * waiting in `get()`; `taskDone()` is the consumer's to call, as after `get()`.
   *
   * **Cancellation:** leaving the loop early (`break`, a `return`, an exception) gives up the
   * waiting place: an item put later goes to someone else, never lost.
   *
   * @example
   * ```ts
   * const results = new Queue<string>();
   * const running = run(producer(results)); // puts, then results.shutdown()
   * for await (const result of results) console.log(result);
   * await running;
   * ```
   */
  [Symbol.asyncIterator](): AsyncIterator<T, undefined> {
    return new QueueAsyncIterator(this.#core);
  }

  /**
   * Shuts the queue down (Python 3.13): `put()` and `putNowait()` raise {@link QueueShutDown}
   * from now on, and so do `get()` and `getNowait()` once the queue is empty. Every task
   * waiting in `put()` (its item is not added) or `get()` raises {@link QueueShutDown}. With
   * `immediate`, the items still queued are dropped at once, each counted as done for `join()`
   * (which returns if nothing else is unfinished), so `get()` raises at once.
   *
   * @param immediate - drop the queued items too (default false: consumers drain them first).
   * @throws TypeError for a non-boolean `immediate`.
   * @example
   * ```ts
   * queue.shutdown(); // consumers finish the queued items, then get QueueShutDown
   * ```
   */
  shutdown(immediate = false): void {
    if (typeof immediate !== "boolean") throw new TypeError(`queue.shutdown() needs immediate as a boolean: received ${typeof immediate}`);
    const core = this.#core;
    core.shutDown = true;
    if (immediate) {
      const dropped = core.store.length;
      core.store.clear();
      core.unfinished = Math.max(0, core.unfinished - dropped);
      if (core.unfinished === 0) core.join?.waiters.wakeAll(WOKEN);
    }
    core.getters.failAll(() => new QueueShutDown("queue.get() was interrupted: the queue was shut down while it waited for an item"));
    core.putters.failAll(
      () => new QueueShutDown("queue.put() was interrupted: the queue was shut down while it waited for room (the item was not added)"),
    );
  }
}

/** What `for await (const item of queue)` runs on; see {@link Queue} `[Symbol.asyncIterator]`. */
class QueueAsyncIterator<T> implements AsyncIterator<T, undefined> {
  readonly #core: QueueCore<T>;
  #waiter: _PromiseWaiter<unknown> | undefined; // the pending next()'s place among the getters

  constructor(core: QueueCore<T>) {
    this.#core = core;
  }

  async next(): Promise<IteratorResult<T, undefined>> {
    if (this.#waiter !== undefined)
      throw new InvalidStateError("a queue's async iterator was asked for the next item while it waited for one");
    const core = this.#core;
    if (core.store.length > 0) return { done: false, value: core.take() };
    if (core.shutDown) return { done: true, value: undefined };
    const waiter = (this.#waiter = new _PromiseWaiter<unknown>());
    core.getters.push(waiter);
    try {
      const item = await waiter.promise;
      if (item === GAVE_UP) return { done: true, value: undefined };
      return { done: false, value: (item === UNDEFINED_ITEM ? undefined : item) as T };
    } catch (error) {
      if (error instanceof QueueShutDown) return { done: true, value: undefined };
      throw error;
    } finally {
      this.#waiter = undefined;
    }
  }

  return(): Promise<IteratorResult<T, undefined>> {
    const waiter = this.#waiter;
    if (waiter?.pending === true) {
      this.#core.getters.withdraw(waiter);
      waiter.wake(GAVE_UP); // the place is given up: later hand-offs skip it
    }
    return Promise.resolve({ done: true, value: undefined });
  }
}

/** What a waiting next() of an iterator that was returned resolves with. */
const GAVE_UP: unique symbol = Symbol("gave up");

const exemplar = new Queue<unknown>();
_keepMaps(exemplar, exemplar.get(), exemplar.put(undefined)); // see exemplars.ts
