/**
 * Memory channels (Trio's `open_memory_channel`, Effection's channels): `openChannel(maxsize)`
 * gives a sending and a receiving end over one buffer. Each end can be cloned; the channel's
 * receivers see the end (`EndOfChannel`) once every sending handle is closed, and senders see
 * `BrokenResourceError` once every receiving handle is closed.
 *
 * How nothing is lost (the hand-off rule of `wait-queue.ts`): a `send` with a receiver parked
 * hands the value to it in the same step; a `receive` that frees room moves the first parked
 * sender's value into the buffer (or, unbuffered, takes it directly) and wakes that sender with
 * its send complete. A waiter woken this way and cancelled before it runs keeps its outcome
 * (the receiver returns the value; the sender's send counts); one withdrawn first is skipped.
 *
 * @module
 */

import { BrokenResourceError } from "../core/errors.js";
import { SuspendInstruction } from "../core/instruction.js";
import type { Instruction, Wait } from "../core/instruction.js";
import type { Operation } from "../core/operation.js";
import { describeReceived } from "../core/received.js";
import type { Waiter } from "../core/waiter.js";
import { WouldBlock } from "./capacity-limiter.js";
import { RingBuffer } from "./ring-buffer.js";
import { WaitQueue, WOKEN } from "./wait-queue.js";

/**
 * Raised by `receive()` once every sending handle of the channel is closed and the buffer is
 * empty: the end of the stream of values (Trio's `EndOfChannel`).
 *
 * @example
 * ```ts
 * for (;;) {
 *   let job: Job;
 *   try {
 *     job = yield* jobs.receive();
 *   } catch (error) {
 *     if (error instanceof EndOfChannel) break;
 *     throw error;
 *   }
 *   yield* handle(job);
 * }
 * ```
 */
export class EndOfChannel extends Error {
  static {
    this.prototype.name = "EndOfChannel";
  }
}

/**
 * Raised when a handle that was closed is used (Trio's `ClosedResourceError`): the mistake is
 * the caller's own, unlike {@link BrokenResourceError}, which the other side caused.
 *
 * @example
 * ```ts
 * sender.close();
 * yield* sender.send(1); // ClosedResourceError
 * ```
 */
export class ClosedResourceError extends Error {
  static {
    this.prototype.name = "ClosedResourceError";
  }
}

/**
 * What a channel's `statistics()` reports (Trio's names).
 *
 * @example
 * ```ts
 * const { currentBufferUsed, tasksWaitingReceive } = receiver.statistics();
 * ```
 */
export interface ChannelStatistics {
  /** Values in the buffer. */
  readonly currentBufferUsed: number;
  /** The buffer's size (`maxsize`). */
  readonly maxBufferSize: number;
  /** Sending handles not yet closed. */
  readonly openSendChannels: number;
  /** Receiving handles not yet closed. */
  readonly openReceiveChannels: number;
  /** Tasks waiting in `send()`. */
  readonly tasksWaitingSend: number;
  /** Tasks waiting in `receive()`. */
  readonly tasksWaitingReceive: number;
}

/** The channel's state, shared by all its handles. */
class ChannelCore<T> {
  readonly capacity: number;
  readonly buffer = new RingBuffer<T>();
  // Invariants: either the buffer is empty or no receiver is parked; either the buffer is full
  // (length ≥ capacity) or no sender is parked; so senders and receivers are never parked at
  // once. Once no sending handle is open no receiver is parked; once no receiving handle is
  // open no sender is parked and the buffer is empty.
  readonly receivers = new WaitQueue<unknown>(); // woken with the value (UNDEFINED_VALUE for undefined)
  readonly senders = new WaitQueue<typeof WOKEN>(true); // payload: the value to send
  openSenders = 1;
  openReceivers = 1;

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  /** Sends at once if it can (to a parked receiver, or into the buffer); false when it must wait. */
  trySend(value: T): boolean {
    if (this.openReceivers === 0) throw new BrokenResourceError("send(): every receiving handle of the channel is closed");
    const receivers = this.receivers;
    for (;;) {
      const waiter = receivers.peek();
      if (waiter === undefined) break;
      receivers.shift();
      if (waiter.wake(value === undefined ? UNDEFINED_VALUE : value)) return true;
    }
    if (this.buffer.length >= this.capacity) return false;
    this.buffer.push(value);
    return true;
  }

  /** Receives at once if it can (from the buffer, or from a parked sender); NOTHING when it must wait. */
  tryReceive(): T | typeof NOTHING {
    const senders = this.senders;
    if (this.buffer.length > 0) {
      const value = this.buffer.shift() as T;
      // Room freed: the first parked sender's value moves in, and its send completes.
      for (let waiter = senders.peek(); waiter !== undefined; waiter = senders.peek()) {
        const pending = senders.peekPayload() as T;
        senders.shift();
        if (!waiter.pending) continue;
        this.buffer.push(pending);
        waiter.wake(WOKEN);
        break;
      }
      return value;
    }
    // Unbuffered (or a buffer that was just emptied): take straight from a parked sender.
    for (let waiter = senders.peek(); waiter !== undefined; waiter = senders.peek()) {
      const pending = senders.peekPayload() as T;
      senders.shift();
      if (!waiter.pending) continue;
      waiter.wake(WOKEN);
      return pending;
    }
    if (this.openSenders === 0) throw new EndOfChannel("receive(): every sending handle of the channel is closed and nothing is left");
    return NOTHING;
  }

  closeSender(): void {
    if (--this.openSenders > 0) return;
    this.receivers.failAll(() => new EndOfChannel("receive(): every sending handle of the channel was closed while it waited"));
  }

  closeReceiver(): void {
    if (--this.openReceivers > 0) return;
    this.buffer.clear(); // nobody can receive them any more (Trio drops them too)
    this.senders.failAll(() => new BrokenResourceError("send(): every receiving handle of the channel was closed while it waited"));
  }

  statistics(): ChannelStatistics {
    return {
      currentBufferUsed: this.buffer.length,
      maxBufferSize: this.capacity,
      openSendChannels: this.openSenders,
      openReceiveChannels: this.openReceivers,
      tasksWaitingSend: this.senders.size,
      tasksWaitingReceive: this.receivers.size,
    };
  }
}

/**
 * The waiters a handle parked, so that closing the handle wakes them with
 * `ClosedResourceError` (Trio's rule). Entries already woken by the channel or withdrawn are
 * skipped, and pruned as new ones come, so the set stays small.
 */
class ParkedThroughHandle<V> {
  readonly #waiters = new Set<Waiter<V>>();

  add(waiter: Waiter<V>): void {
    if (this.#waiters.size >= 32) for (const old of this.#waiters) if (!old.pending) this.#waiters.delete(old);
    this.#waiters.add(waiter);
  }

  delete(waiter: Waiter<V>): void {
    this.#waiters.delete(waiter);
  }

  /** Withdraws each still parked waiter from `queue` and fails it with `error`. */
  failAll(queue: WaitQueue<V>, error: () => unknown): void {
    for (const waiter of this.#waiters) {
      if (!waiter.pending) continue;
      queue.withdraw(waiter);
      waiter.fail(error());
    }
    this.#waiters.clear();
  }
}

/** How an `undefined` value travels as a wake-up value (a resume with undefined means "nothing"). */
const UNDEFINED_VALUE: unique symbol = Symbol("undefined value");
const NOTHING: unique symbol = Symbol("nothing received");

/**
 * The sending end of a channel made by {@link openChannel}.
 *
 * @typeParam T - the values.
 * @example
 * ```ts
 * const [send, receive] = openChannel<string>(10);
 * yield* send.send("hello");
 * send.close(); // the receivers get EndOfChannel once the buffer is drained
 * ```
 */
export class SendChannel<T> implements Disposable {
  readonly #core: ChannelCore<T>;
  readonly #parked = new ParkedThroughHandle<typeof WOKEN>();
  #closed = false;
  readonly #isClosed = (): boolean => this.#closed;

  /** @internal Made by {@link openChannel} and {@link SendChannel.clone}. */
  constructor(core: ChannelCore<T>) {
    this.#core = core;
  }

  /**
   * Sends `value`, waiting while the buffer is full (with `maxsize` 0, until a receiver takes
   * it).
   *
   * **Cancellation:** while waiting: withdrawn, the value is not sent, `CancelledError`. After a
   * receiver took the value: the send completes (the cancellation is raised at the next
   * suspension). With room it does not suspend.
   *
   * @throws {@link BrokenResourceError} once every receiving handle is closed (also while
   *   waiting); {@link ClosedResourceError} if this handle is closed.
   * @example
   * ```ts
   * yield* sender.send(job);
   * ```
   */
  send(value: T): Operation<void> {
    return new SendOperation(this.#core, value, this.#parked, this.#isClosed);
  }

  /**
   * Sends `value` without waiting.
   *
   * @throws {@link WouldBlock} if it would have to wait; as {@link SendChannel.send} otherwise.
   * @example
   * ```ts
   * sender.sendNowait(event);
   * ```
   */
  sendNowait(value: T): void {
    if (!this.#open("sendNowait()").trySend(value))
      throw new WouldBlock("sendNowait(): the channel's buffer is full: use yield* send(value) to wait");
  }

  /**
   * Another sending handle on the same channel; the receivers see the end once every handle
   * is closed.
   *
   * @throws {@link ClosedResourceError} if this handle is closed.
   * @example
   * ```ts
   * for (const url of urls) tg.createTask(producer(sender.clone(), url));
   * sender.close();
   * ```
   */
  clone(): SendChannel<T> {
    const core = this.#open("clone()");
    core.openSenders++;
    return new SendChannel(core);
  }

  /**
   * Closes this handle (again: nothing): a `send()` waiting through it raises
   * {@link ClosedResourceError} (its value is not sent). When it is the last sending handle,
   * the receivers see the end.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#parked.failAll(this.#core.senders, () => new ClosedResourceError("send(): its handle was closed while it waited"));
    this.#core.closeSender();
  }

  /** Closes the handle: `using sender = ...`. */
  [Symbol.dispose](): void {
    this.close();
  }

  /** The channel's statistics. */
  statistics(): ChannelStatistics {
    return this.#core.statistics();
  }

  #open(what: string): ChannelCore<T> {
    if (this.#closed) throw new ClosedResourceError(`SendChannel.${what} was called on a closed handle`);
    return this.#core;
  }
}

/**
 * The receiving end of a channel made by {@link openChannel}.
 *
 * @typeParam T - the values.
 * @example
 * ```ts
 * const value = yield* receiver.receive(); // EndOfChannel once the senders are all closed
 * ```
 */
export class ReceiveChannel<T> implements Disposable {
  readonly #core: ChannelCore<T>;
  readonly #parked = new ParkedThroughHandle<unknown>();
  readonly #receive: ReceiveOperation<T>;
  #closed = false;

  /** @internal Made by {@link openChannel} and {@link ReceiveChannel.clone}. */
  constructor(core: ChannelCore<T>) {
    this.#core = core;
    this.#receive = new ReceiveOperation(core, this.#parked, () => this.#closed);
  }

  /**
   * Receives the next value, waiting while there is none.
   *
   * **Cancellation:** while waiting: withdrawn, nothing taken, `CancelledError`. After a sender
   * handed it a value: returns the value (the cancellation is raised at the next suspension).
   * With a value there it does not suspend.
   *
   * @throws {@link EndOfChannel} once every sending handle is closed and nothing is left (also
   *   while waiting); {@link ClosedResourceError} if this handle is closed.
   * @example
   * ```ts
   * const job = yield* receiver.receive();
   * ```
   */
  receive(): Operation<T> {
    return this.#receive;
  }

  /**
   * Receives without waiting.
   *
   * @throws {@link WouldBlock} if nothing is there; as {@link ReceiveChannel.receive} otherwise.
   * @example
   * ```ts
   * const value = receiver.receiveNowait();
   * ```
   */
  receiveNowait(): T {
    const value = this.#open("receiveNowait()").tryReceive();
    if (value === NOTHING) throw new WouldBlock("receiveNowait(): nothing to receive: use yield* receive() to wait");
    return value;
  }

  /**
   * Another receiving handle on the same channel (each value goes to one receiver); the
   * senders see `BrokenResourceError` once every handle is closed.
   *
   * @throws {@link ClosedResourceError} if this handle is closed.
   * @example
   * ```ts
   * for (let i = 0; i < 4; i++) tg.createTask(worker(receiver.clone()));
   * receiver.close();
   * ```
   */
  clone(): ReceiveChannel<T> {
    const core = this.#open("clone()");
    core.openReceivers++;
    return new ReceiveChannel(core);
  }

  /**
   * Closes this handle (again: nothing): a `receive()` waiting through it raises
   * {@link ClosedResourceError}. When it is the last receiving handle, the values still
   * buffered are dropped and the senders get `BrokenResourceError`.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#parked.failAll(this.#core.receivers, () => new ClosedResourceError("receive(): its handle was closed while it waited"));
    this.#core.closeReceiver();
  }

  /** Closes the handle: `using receiver = ...`. */
  [Symbol.dispose](): void {
    this.close();
  }

  /** The channel's statistics. */
  statistics(): ChannelStatistics {
    return this.#core.statistics();
  }

  #open(what: string): ChannelCore<T> {
    if (this.#closed) throw new ClosedResourceError(`ReceiveChannel.${what} was called on a closed handle`);
    return this.#core;
  }
}

/**
 * Opens a channel with a buffer of `maxsize` values and returns its two ends (Trio's
 * `open_memory_channel`). `maxsize` 0 makes a rendezvous: `send()` waits until a receiver takes
 * the value. `Infinity`: `send()` never waits.
 *
 * **Cancellation:** see `send()` and `receive()`: no value is lost or duplicated when a waiter
 * is cancelled.
 *
 * @param maxsize - the buffer's size: an integer ≥ 0, or `Infinity`; default 0.
 * @throws TypeError for a non-number; RangeError for a negative or fractional size.
 * @example
 * ```ts
 * const [send, receive] = openChannel<number>(0);
 * yield* taskGroup(function* (tg) {
 *   tg.createTask(function* () {
 *     using sender = send;
 *     for (let i = 0; i < 3; i++) yield* sender.send(i);
 *   }());
 *   for (;;) {
 *     try {
 *       console.log(yield* receive.receive());
 *     } catch (error) {
 *       if (error instanceof EndOfChannel) break;
 *       throw error;
 *     }
 *   }
 * });
 * ```
 */
export function openChannel<T>(maxsize = 0): [SendChannel<T>, ReceiveChannel<T>] {
  if (typeof maxsize !== "number") throw new TypeError(`openChannel() needs maxsize as a number: received ${describeReceived(maxsize)}`);
  if (maxsize !== Number.POSITIVE_INFINITY && (!Number.isInteger(maxsize) || maxsize < 0)) {
    throw new RangeError(`openChannel() needs maxsize as an integer ≥ 0 or Infinity: received ${maxsize}`);
  }
  const core = new ChannelCore<T>(maxsize);
  return [new SendChannel(core), new ReceiveChannel(core)];
}

/** One `send()`: its own iterator and Wait (it holds the value). */
class SendOperation<T> implements Operation<void>, Iterator<Instruction, void, unknown>, Wait<typeof WOKEN> {
  readonly #core: ChannelCore<T>;
  readonly #value: T;
  readonly #parked: ParkedThroughHandle<typeof WOKEN>;
  readonly #closed: () => boolean;

  constructor(core: ChannelCore<T>, value: T, parked: ParkedThroughHandle<typeof WOKEN>, closed: () => boolean) {
    this.#core = core;
    this.#value = value;
    this.#parked = parked;
    this.#closed = closed;
  }

  get description(): string {
    return "channel.send()";
  }

  next(resumed?: unknown): IteratorResult<Instruction, void> {
    if (resumed === WOKEN) return { done: true, value: undefined };
    if (this.#closed()) throw new ClosedResourceError("SendChannel.send() was called on a closed handle");
    if (this.#core.trySend(this.#value)) return { done: true, value: undefined };
    return { done: false, value: new SuspendInstruction(this) };
  }

  throw(error: unknown): IteratorResult<Instruction, void> {
    throw error;
  }

  return(): IteratorResult<Instruction, void> {
    return { done: true, value: undefined };
  }

  [Symbol.iterator](): this {
    return this;
  }

  park(waiter: Waiter<typeof WOKEN>): void {
    this.#core.senders.push(waiter, this.#value);
    this.#parked.add(waiter);
  }

  abort(waiter: Waiter<typeof WOKEN>): boolean {
    this.#core.senders.withdraw(waiter);
    this.#parked.delete(waiter);
    return true;
  }
}

/** What `receive()` returns: one shared, stateless Operation per handle. */
class ReceiveOperation<T> implements Operation<T>, Iterator<Instruction, T, unknown>, Wait<unknown> {
  readonly #core: ChannelCore<T>;
  readonly #parked: ParkedThroughHandle<unknown>;
  readonly #closed: () => boolean;

  constructor(core: ChannelCore<T>, parked: ParkedThroughHandle<unknown>, closed: () => boolean) {
    this.#core = core;
    this.#parked = parked;
    this.#closed = closed;
  }

  get description(): string {
    return "channel.receive()";
  }

  next(resumed?: unknown): IteratorResult<Instruction, T> {
    if (resumed !== undefined) return { done: true, value: (resumed === UNDEFINED_VALUE ? undefined : resumed) as T };
    if (this.#closed()) throw new ClosedResourceError("ReceiveChannel.receive() was called on a closed handle");
    const value = this.#core.tryReceive();
    if (value !== NOTHING) return { done: true, value };
    return { done: false, value: new SuspendInstruction(this) };
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
    this.#core.receivers.push(waiter);
    this.#parked.add(waiter);
  }

  abort(waiter: Waiter<unknown>): boolean {
    this.#core.receivers.withdraw(waiter);
    this.#parked.delete(waiter);
    return true;
  }
}
