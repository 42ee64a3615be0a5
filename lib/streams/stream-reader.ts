/**
 * `StreamReader`: bytes from a transport (a socket, a pipe), read by coroutines (asyncio's
 * `StreamReader`). The transport side calls `feedData()`, `feedEof()` and `setException()`;
 * the reading side `read()`, `readLine()`, `readExactly()`, `readUntil()`.
 *
 * Invariants: bytes leave the buffer only in the step that returns them, so a cancelled read
 * loses nothing (the next read gets them); one task waits at a time; while more than twice
 * `limit` bytes are held the transport is paused, and it is resumed once a read brings the
 * buffer down to `limit` or a reader waits for more.
 *
 * @module
 */

import { InvalidStateError } from "../core/errors.js";
import { SuspendInstruction } from "../core/instruction.js";
import type { Instruction, Wait } from "../core/instruction.js";
import type { Waiter } from "../core/waiter.js";
import { describeReceived } from "../core/received.js";
import { _toBytes } from "./bytes.js";
import { _ByteBuffer } from "./byte-buffer.js";
import { IncompleteReadError, LimitOverrunError } from "./stream-errors.js";

const EMPTY = new Uint8Array(0);
/** What readUntil() looks for by default, and readLine() always. */
const NEWLINE = new Uint8Array([0x0a]);

/** The default of {@link StreamReaderOptions.limit}: 64 KiB, as asyncio's. */
const DEFAULT_LIMIT = 64 * 1024;

/**
 * Options of {@link StreamReader}.
 *
 * @example
 * ```ts
 * const reader = new StreamReader({ limit: 1024 * 1024 }); // lines up to 1 MiB
 * ```
 */
export interface StreamReaderOptions {
  /**
   * The longest line (or chunk up to a separator) `readLine()` and `readUntil()` accept, in
   * bytes, and the flow-control mark: the transport is paused above twice this. Default 64 KiB.
   */
  readonly limit?: number;
}

/**
 * What a reader asks of its transport for flow control (asyncio's `pause_reading` and
 * `resume_reading`): a socket stops reading from the kernel while paused.
 *
 * @example
 * ```ts
 * reader.setTransport({ pauseReading: () => socket.pause(), resumeReading: () => socket.resume() });
 * ```
 */
export interface ReadTransport {
  /** Stop delivering data until `resumeReading()`. */
  pauseReading(): void;
  /** Deliver data again. */
  resumeReading(): void;
}

/**
 * A buffer of bytes from a transport, read by coroutines. Bytes are `Uint8Array`s; `read()`
 * returns an empty one at the end of the stream.
 *
 * **Cancellation:** a read cancelled while it waits returns nothing and consumes nothing: the
 * bytes that arrive are returned by the next read. Only one task may wait on a reader at a
 * time (a second is an `InvalidStateError`), as in asyncio.
 *
 * @example
 * ```ts
 * const reader = new StreamReader();
 * reader.feedData("GET / HTTP/1.1\r\n");
 * reader.feedEof();
 * const line = yield* reader.readLine(); // the bytes of "GET / HTTP/1.1\r\n"
 * ```
 */
export class StreamReader {
  readonly #limit: number;
  readonly #buffer = new _ByteBuffer();
  #eof = false;
  #exception: unknown = undefined;
  #hasException = false;
  #waiter: Waiter<void> | undefined;
  #transport: ReadTransport | undefined;
  #paused = false;
  /** The one instruction readers park with (made on first use): no allocation per wait. */
  #park: SuspendInstruction | undefined;

  /** @param options - see {@link StreamReaderOptions}. */
  constructor(options: StreamReaderOptions = {}) {
    const limit = options.limit ?? DEFAULT_LIMIT;
    if (typeof limit !== "number" || !Number.isInteger(limit) || limit <= 0) {
      throw new RangeError(`StreamReader() needs limit as a whole number of bytes > 0: received ${String(limit)}`);
    }
    this.#limit = limit;
  }

  /** The limit of `readLine()` and `readUntil()`, in bytes. */
  get limit(): number {
    return this.#limit;
  }

  /**
   * Connects the reader to the transport it pauses and resumes for flow control.
   *
   * @throws {@link InvalidStateError} if a transport is set already.
   * @example
   * ```ts
   * reader.setTransport(transport);
   * ```
   */
  setTransport(transport: ReadTransport): void {
    if (this.#transport !== undefined) throw new InvalidStateError("setTransport() was called on a reader that has a transport already");
    this.#transport = transport;
  }

  /**
   * Adds bytes (a string is UTF-8 encoded); wakes a waiting reader. The reader may keep
   * `data` as it is, without a copy, and hand it to a read: do not change its bytes afterwards
   * (as with Node's `stream.push()`).
   *
   * @throws {@link InvalidStateError} after `feedEof()`; `TypeError` for anything but bytes or a string.
   * @example
   * ```ts
   * socket.on("data", (chunk: Buffer) => reader.feedData(chunk));
   * ```
   */
  feedData(data: Uint8Array | string): void {
    if (this.#eof) throw new InvalidStateError("feedData() was called after feedEof()");
    const bytes = _toBytes("feedData()", data);
    if (bytes.length === 0) return;
    this.#buffer.append(bytes);
    this.#wake();
    if (this.#transport !== undefined && !this.#paused && this.#buffer.length > 2 * this.#limit) {
      this.#paused = true;
      this.#transport.pauseReading();
    }
  }

  /**
   * Marks the end of the stream: reads return what is held, then an empty `Uint8Array`.
   *
   * @example
   * ```ts
   * socket.on("end", () => reader.feedEof());
   * ```
   */
  feedEof(): void {
    this.#eof = true;
    this.#wake();
  }

  /**
   * Makes every later read throw `error` (a reset connection ...), and wakes a waiting one.
   *
   * @example
   * ```ts
   * socket.on("error", (error) => reader.setException(error));
   * ```
   */
  setException(error: unknown): void {
    this.#exception = error;
    this.#hasException = true;
    this.#wake();
  }

  /** The error set with `setException()`, or undefined. */
  exception(): unknown {
    return this.#exception;
  }

  /** True once the end of the stream was fed and every byte was read. */
  atEof(): boolean {
    return this.#eof && this.#buffer.length === 0;
  }

  /**
   * Reads up to `n` bytes: what is held (waiting for some if none), at most `n`. With `n < 0`
   * (the default), reads until the end of the stream. Returns an empty `Uint8Array` at the end.
   *
   * **Cancellation:** while it waits, nothing is consumed: the next read returns the bytes.
   * A whole-stream read (`n < 0`) consumes as it goes: cancelled midway, the bytes it had
   * gathered are gone with it.
   *
   * @throws the error of `setException()`; {@link InvalidStateError} if another task is reading.
   * @example
   * ```ts
   * const chunk = yield* reader.read(4096);
   * if (chunk.length === 0) return; // end of stream
   * ```
   */
  *read(n = -1): Generator<Instruction, Uint8Array, unknown> {
    checkCount("read()", n, true);
    if (n === 0) return EMPTY;
    if (n < 0) {
      const blocks: Uint8Array[] = [];
      for (;;) {
        const block = yield* this.read(this.#limit);
        if (block.length === 0) return concat(blocks);
        blocks.push(block);
      }
    }
    this.#throwIfFailed();
    while (this.#buffer.length === 0 && !this.#eof) {
      yield this.#parkForData("read()");
      this.#throwIfFailed();
    }
    return this.#take(Math.min(n, this.#buffer.length));
  }

  /**
   * Reads exactly `n` bytes.
   *
   * **Cancellation:** while it waits, nothing is consumed.
   *
   * @throws {@link IncompleteReadError} (with the bytes read) if the stream ends first; the
   *   error of `setException()`; {@link InvalidStateError} if another task is reading.
   * @example
   * ```ts
   * const header = yield* reader.readExactly(8);
   * ```
   */
  *readExactly(n: number): Generator<Instruction, Uint8Array, unknown> {
    checkCount("readExactly()", n, false);
    this.#throwIfFailed();
    if (n === 0) return EMPTY;
    while (this.#buffer.length < n) {
      if (this.#eof) throw new IncompleteReadError(this.#take(this.#buffer.length), n);
      yield this.#parkForData("readExactly()");
      this.#throwIfFailed();
    }
    return this.#take(n);
  }

  /**
   * Reads up to and including `separator` (a string is UTF-8 encoded; default `"\n"`).
   *
   * **Cancellation:** while it waits, nothing is consumed.
   *
   * @throws {@link LimitOverrunError} when `limit` bytes arrive without the separator (the
   *   bytes stay); {@link IncompleteReadError} (with the bytes, consumed) if the stream ends
   *   first; the error of `setException()`; {@link InvalidStateError} if another task is reading.
   * @example
   * ```ts
   * const headers = yield* reader.readUntil("\r\n\r\n");
   * ```
   */
  *readUntil(separator: Uint8Array | string = NEWLINE): Generator<Instruction, Uint8Array, unknown> {
    const sep = _toBytes("readUntil()", separator);
    if (sep.length === 0) throw new RangeError("readUntil() needs a separator of at least one byte");
    let offset = 0; // bytes already searched, that cannot start the separator
    for (;;) {
      this.#throwIfFailed();
      const at = this.#buffer.indexOf(sep, offset);
      if (at >= 0) {
        if (at > this.#limit)
          throw new LimitOverrunError(`readUntil() found the separator after ${at} bytes, over the limit of ${this.#limit}`, at);
        return this.#take(at + sep.length);
      }
      offset = Math.max(0, this.#buffer.length + 1 - sep.length);
      if (offset > this.#limit) {
        throw new LimitOverrunError(`readUntil() read ${offset} bytes without the separator, over the limit of ${this.#limit}`, offset);
      }
      if (this.#eof) throw new IncompleteReadError(this.#take(this.#buffer.length), undefined);
      yield this.#parkForData("readUntil()");
    }
  }

  /**
   * Reads one line, up to and including `"\n"`; at the end of the stream, what is left (an
   * empty `Uint8Array` once nothing is).
   *
   * **Cancellation:** while it waits, nothing is consumed.
   *
   * @throws {@link LimitOverrunError} for a line longer than `limit`: the line (or what has
   *   arrived of it) is dropped, so the next read starts after it; the error of
   *   `setException()`; {@link InvalidStateError} if another task is reading.
   * @example
   * ```ts
   * for (let line = yield* reader.readLine(); line.length > 0; line = yield* reader.readLine()) handle(line);
   * ```
   */
  *readLine(): Generator<Instruction, Uint8Array, unknown> {
    try {
      return yield* this.readUntil(NEWLINE);
    } catch (error) {
      if (error instanceof IncompleteReadError) return error.partial;
      if (error instanceof LimitOverrunError) {
        // Drop the over-long line: through its newline if it has arrived, else all that has.
        const at = this.#buffer.indexOf(NEWLINE, 0);
        this.#take(at >= 0 ? at + 1 : this.#buffer.length);
      }
      throw error;
    }
  }

  #take(n: number): Uint8Array {
    const bytes = this.#buffer.take(n);
    if (this.#paused && this.#buffer.length <= this.#limit) this.#resume();
    return bytes;
  }

  #resume(): void {
    this.#paused = false;
    this.#transport?.resumeReading();
  }

  #throwIfFailed(): void {
    if (this.#hasException) throw this.#exception;
  }

  #wake(): void {
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.wake(undefined);
  }

  /** The instruction that parks the reading task until data comes (checked and prepared). */
  #parkForData(where: string): SuspendInstruction {
    if (this.#waiter !== undefined) {
      throw new InvalidStateError(`${where} was called while another task waits to read from this stream: one reader at a time`);
    }
    // A full buffer that does not hold what this read needs must not stay paused.
    if (this.#paused) this.#resume();
    return (this.#park ??= new SuspendInstruction(this.#makeWait()));
  }

  #makeWait(): Wait<void> {
    return {
      description: "StreamReader read",
      park: (waiter) => {
        this.#waiter = waiter;
      },
      abort: (waiter) => {
        if (this.#waiter === waiter) this.#waiter = undefined;
        return true;
      },
    };
  }
}

function checkCount(where: string, n: unknown, negativeAllowed: boolean): void {
  if (typeof n !== "number" || !Number.isInteger(n) || (!negativeAllowed && n < 0)) {
    throw new TypeError(
      `${where} needs a whole number of bytes${negativeAllowed ? "" : " >= 0"}: received ${typeof n === "number" ? n : describeReceived(n)}`,
    );
  }
}

function concat(blocks: readonly Uint8Array[]): Uint8Array {
  if (blocks.length === 1) return blocks[0] as Uint8Array;
  let length = 0;
  for (const block of blocks) length += block.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const block of blocks) {
    out.set(block, at);
    at += block.length;
  }
  return out;
}
