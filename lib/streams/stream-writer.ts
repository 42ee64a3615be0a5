/**
 * `StreamWriter`: bytes to a transport, written by coroutines (asyncio's `StreamWriter`).
 * `write()` never waits; `drain()` is where a writer waits for a slow peer.
 *
 * @module
 */

import { BrokenResourceError, InvalidStateError } from "../core/errors.js";
import type { Instruction } from "../core/instruction.js";
import { _toBytes } from "./bytes.js";
import type { _StreamProtocol } from "./stream-protocol.js";
import type { StreamReader } from "./stream-reader.js";
import type { Transport } from "./transport.js";

/**
 * The writing half of a connection. Bytes are `Uint8Array`s (a Node `Buffer` is one); a string
 * is sent as UTF-8.
 *
 * `write()` queues and returns at once; `yield* drain()` waits while more than the high water
 * mark (64 KiB) is queued, until the peer has taken the queue down to the low water mark
 * (16 KiB): write, then drain, and a slow peer slows the writer down instead of filling
 * memory.
 *
 * @example
 * ```ts
 * const [reader, writer] = yield* openConnection("127.0.0.1", port);
 * writer.write("hello\n");
 * yield* writer.drain();
 * writer.close();
 * yield* writer.waitClosed();
 * ```
 */
export class StreamWriter {
  readonly #transport: Transport;
  readonly #protocol: _StreamProtocol;
  readonly #reader: StreamReader | undefined;
  #closed = false;
  #eofWritten = false;

  /** @internal Made by `openConnection()`, `startServer()` and `createSubprocessExec()`. */
  constructor(transport: Transport, protocol: _StreamProtocol) {
    this.#transport = transport;
    this.#protocol = protocol;
    this.#reader = protocol.reader;
  }

  /** The transport underneath (asyncio's `writer.transport`). */
  get transport(): Transport {
    return this.#transport;
  }

  /**
   * Queues `data` to send; does not wait. Follow with `yield* drain()` to respect the peer's pace.
   * The bytes are not copied: do not change `data` until it is sent (as with Node's
   * `socket.write()`); write a copy of a buffer you reuse.
   *
   * @throws {@link InvalidStateError} after `close()` or `writeEof()`;
   *   {@link BrokenResourceError} when the connection was lost (reset by the peer ...);
   *   `TypeError` for anything but bytes or a string.
   * @example
   * ```ts
   * writer.write("PING\r\n");
   * writer.write(new Uint8Array([1, 2, 3]));
   * ```
   */
  write(data: Uint8Array | string): void {
    const bytes = _toBytes("write()", data);
    this.#checkWritable("write()");
    this.#transport.write(bytes);
  }

  /**
   * Queues each item of `lines` in order, as `write()` does (no separator is added).
   *
   * @throws as `write()`; a bad item is a `TypeError` and nothing of the list is queued.
   * @example
   * ```ts
   * writer.writeLines(["HTTP/1.1 200 OK\r\n", "content-length: 0\r\n", "\r\n"]);
   * ```
   */
  writeLines(lines: Iterable<Uint8Array | string>): void {
    const all = [...lines].map((line) => _toBytes("writeLines()", line));
    this.#checkWritable("writeLines()");
    for (const bytes of all) this.#transport.write(bytes);
  }

  /**
   * Waits until the queue of bytes is down to the low water mark; returns at once when it is
   * below the high water mark.
   *
   * **Cancellation:** the wait is withdrawn and the queued bytes stay queued: they are still
   * sent. A later `drain()` waits for them again.
   *
   * @throws {@link BrokenResourceError} when the connection is lost with an error (reset by
   *   the peer), before or during the wait; the reader's error when it has one.
   * @example
   * ```ts
   * for (const chunk of chunks) {
   *   writer.write(chunk);
   *   yield* writer.drain();
   * }
   * ```
   */
  *drain(): Generator<Instruction, void, unknown> {
    const reader = this.#reader;
    if (reader !== undefined && reader.exception() !== undefined) throw reader.exception();
    if (this.#protocol.drained) return; // the common case: no second generator
    yield* this.#protocol.drain();
  }

  /**
   * Sends end-of-stream after the queued bytes (half-close): the peer reads to its end, and
   * this side can still read what the peer sends back.
   *
   * @throws {@link InvalidStateError} on a transport that cannot half-close (TLS); see
   *   {@link StreamWriter.canWriteEof}.
   * @example
   * ```ts
   * writer.write(request);
   * writer.writeEof();
   * const response = yield* reader.read(); // until the peer closes
   * ```
   */
  writeEof(): void {
    if (this.#closed || this.#eofWritten) return;
    this.#transport.writeEof();
    this.#eofWritten = true;
  }

  /**
   * Whether `writeEof()` is supported (false for TLS).
   *
   * @example
   * ```ts
   * if (writer.canWriteEof()) writer.writeEof();
   * ```
   */
  canWriteEof(): boolean {
    return this.#transport.canWriteEof();
  }

  /**
   * Closes the connection after the queued bytes are sent. Does not wait: follow with
   * `yield* waitClosed()`. Calling it again does nothing.
   *
   * **Cancellation:** it does not wait, so it works in a cancelled scope too.
   *
   * @example
   * ```ts
   * try {
   *   yield* serve(reader, writer);
   * } finally {
   *   writer.close();
   * }
   * ```
   */
  close(): void {
    this.#closed = true;
    this.#transport.close();
  }

  /**
   * True once `close()` was called or the connection was lost.
   *
   * @example
   * ```ts
   * if (!writer.isClosing()) writer.write(bye);
   * ```
   */
  isClosing(): boolean {
    return this.#transport.isClosing();
  }

  /**
   * Waits until the connection is closed (after `close()`: once the queued bytes are sent).
   * Returns at once if it is closed already.
   *
   * **Cancellation:** cancelled while it waits, it closes the connection at once (dropping
   * the queued bytes) and raises `CancelledError`: a connection closed in a cancelled scope
   * still ends closed, as Trio's `aclose()`.
   *
   * @example
   * ```ts
   * writer.close();
   * yield* writer.waitClosed();
   * ```
   */
  *waitClosed(): Generator<Instruction, void, unknown> {
    yield* this.#protocol.waitClosed();
  }

  /**
   * A fact about the connection, or `fallback` when the transport does not know it:
   * `"peername"` and `"sockname"` (`{ address, family, port }` for TCP, the path for a Unix
   * socket), `"socket"` (the Node socket), `"peercert"` and `"cipher"` (TLS), `"pid"` (a
   * subprocess pipe).
   *
   * @example
   * ```ts
   * const peer = writer.getExtraInfo("peername") as { address: string; port: number };
   * console.log(`connection from ${peer.address}:${peer.port}`);
   * ```
   */
  getExtraInfo(name: string, fallback?: unknown): unknown {
    return this.#transport.getExtraInfo(name) ?? fallback;
  }

  #checkWritable(where: string): void {
    if (this.#closed) throw new InvalidStateError(`${where} was called after close()`);
    if (this.#eofWritten) throw new InvalidStateError(`${where} was called after writeEof()`);
    const lostError = this.#protocol.lostError;
    if (lostError !== undefined) {
      throw new BrokenResourceError(`${where} was called on a lost connection (${lostError.message})`, { cause: lostError });
    }
    if (this.#protocol.lost) throw new BrokenResourceError(`${where} was called on a closed connection`);
  }
}
