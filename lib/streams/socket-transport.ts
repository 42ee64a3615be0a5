/**
 * `SocketTransport`: a {@link Transport} over a Node socket (TCP, Unix, TLS, a child's pipe) or
 * any object of the same shape (`VirtualSocket` on virtual time).
 *
 * Reading goes through the event loop's selector, as asyncio's selector transports do: the
 * socket is registered with `loop.addReader()`, and the selector reports it readable
 * (level-triggered) while Node holds bytes for it; the transport then drains Node's buffer
 * into the protocol. Pausing reading unregisters the socket: Node's buffer fills up to its high
 * water mark and Node stops reading from the kernel, so a slow reader pushes back on the
 * peer through TCP itself. Writing hands bytes to Node at once; the write buffer is
 * Node's, and each write's completion tells the transport when it went back down to the low
 * water mark.
 *
 * Invariants: `#reading` is true exactly while the socket is registered for reading;
 * `#writePaused` is true between a `pauseWriting()` and its `resumeWriting()`; the protocol
 * hears `connectionLost` once, after the socket's `close` event, and nothing after it.
 *
 * @module
 */

import type { EventLoop } from "../core/event-loop.js";
import { InvalidStateError } from "../core/errors.js";
import type { Protocol, Transport } from "./transport.js";

/**
 * The part of Node's `net.Socket` a {@link SocketTransport} uses. `tls.TLSSocket`, a child
 * process's pipes and `VirtualSocket` have it too.
 *
 * @example
 * ```ts
 * const socket: TransportSocket = net.connect(port);
 * ```
 */
export interface TransportSocket {
  /** Takes what is buffered, or null when nothing is. */
  read(): Uint8Array | null;
  /** True once the peer's end-of-stream was read. */
  readonly readableEnded: boolean;
  /** True once the socket was destroyed. */
  readonly destroyed: boolean;
  /** The error it was destroyed with, if any (Node's `errored`). */
  readonly errored?: Error | null;
  /** Queues bytes; `callback` runs once they are handed to the operating system. */
  write(data: Uint8Array, callback: (error?: Error | null) => void): boolean;
  /** Bytes queued and not yet handed over. */
  readonly writableLength: number;
  /**
   * Sends end-of-stream after the queued bytes; `callback` runs once they are sent (also when
   * end-of-stream was sent before).
   */
  end(callback?: () => void): unknown;
  /** Closes at once. */
  destroy(error?: Error): unknown;
  /** `error` (why it closed) and `close` (it closed). */
  on(event: "error" | "close", listener: (error?: Error) => void): unknown;
  /** Removes a listener added with `on`. */
  off(event: "error" | "close", listener: (error?: Error) => void): unknown;
}

/**
 * Options of {@link SocketTransport}.
 *
 * @example
 * ```ts
 * new SocketTransport(loop, socket, protocol, { extraInfo: { peername: "peer" }, canWriteEof: true });
 * ```
 */
export interface SocketTransportOptions {
  /** What `getExtraInfo(name)` answers (`peername`, `sockname`, `socket` ...). */
  readonly extraInfo?: Readonly<Record<string, unknown>>;
  /** Whether half-close is possible (false for TLS). Default true. */
  readonly canWriteEof?: boolean;
  /** Pause writing above this many queued bytes. Default 64 KiB, as asyncio. */
  readonly writeHighWaterMark?: number;
  /** Resume writing at or below this many queued bytes. Default a quarter of the high mark. */
  readonly writeLowWaterMark?: number;
  /**
   * Which ways the socket carries bytes: `"both"` (a connection, the default), `"read"` (a
   * child's stdout: writing is an error) or `"write"` (a child's stdin: nothing is read).
   */
  readonly direction?: "both" | "read" | "write";
}

const DEFAULT_HIGH_WATER_MARK = 64 * 1024;

/**
 * A {@link Transport} over a Node socket, reading through the event loop's selector.
 *
 * @example
 * ```ts
 * const transport = new SocketTransport(getRunningLoop(), net.connect(port), protocol);
 * transport.write(bytes);
 * ```
 */
export class SocketTransport implements Transport {
  readonly #loop: EventLoop;
  readonly #socket: TransportSocket;
  readonly #protocol: Protocol;
  readonly #extraInfo: Readonly<Record<string, unknown>>;
  readonly #canWriteEof: boolean;
  readonly #high: number;
  readonly #low: number;
  readonly #readable: boolean;
  readonly #writable: boolean;
  #reading = false;
  #readPaused = false;
  #eofReceived = false;
  #closing = false;
  #eofWritten = false;
  #lost = false;
  #writePaused = false;
  #error: Error | undefined;

  /**
   * Takes over `socket`: tells `protocol` the connection is made and starts reading.
   *
   * @param loop - the loop whose selector watches the socket.
   * @param socket - a connected socket.
   * @param protocol - what hears the bytes.
   * @param options - see {@link SocketTransportOptions}.
   */
  constructor(loop: EventLoop, socket: TransportSocket, protocol: Protocol, options: SocketTransportOptions = {}) {
    this.#loop = loop;
    this.#socket = socket;
    this.#protocol = protocol;
    this.#extraInfo = options.extraInfo ?? {};
    this.#canWriteEof = options.canWriteEof ?? true;
    this.#high = options.writeHighWaterMark ?? DEFAULT_HIGH_WATER_MARK;
    this.#low = options.writeLowWaterMark ?? Math.floor(this.#high / 4);
    const direction = options.direction ?? "both";
    this.#readable = direction !== "write";
    this.#writable = direction !== "read";
    // An error may have come before this transport took the socket over (a reset between
    // accept and now): Node keeps it.
    this.#error = socket.errored ?? undefined;
    socket.on("error", this.#onError);
    socket.on("close", this.#onClose);
    protocol.connectionMade(this);
    if (socket.destroyed) this.#onClose();
    else this.#startReading();
  }

  /** @inheritDoc */
  pauseReading(): void {
    this.#readPaused = true;
    this.#stopReading();
  }

  /** @inheritDoc */
  resumeReading(): void {
    this.#readPaused = false;
    this.#startReading();
  }

  /**
   * @inheritDoc
   * @throws {@link InvalidStateError} after `writeEof()` or `close()`.
   */
  write(data: Uint8Array): void {
    if (!this.#writable) throw new InvalidStateError("write() was called on a read-only transport");
    if (this.#eofWritten || this.#closing) {
      throw new InvalidStateError(`write() was called on a transport that is ${this.#closing ? "closing" : "half-closed (writeEof)"}`);
    }
    if (data.length === 0) return;
    const socket = this.#socket;
    // Only a write that takes the queue above the low mark needs to say when it is done: the
    // queue can only come back down to the mark through such writes completing. A write the
    // kernel takes at once (an echo, a request) costs no callback.
    if (socket.writableLength + data.length > this.#low) socket.write(data, this.#afterWrite);
    else socket.write(data, noCallback);
    if (!this.#writePaused && socket.writableLength > this.#high) {
      this.#writePaused = true;
      this.#protocol.pauseWriting();
    }
  }

  /** @inheritDoc */
  writeEof(): void {
    if (this.#eofWritten || this.#closing || !this.#writable) return;
    if (!this.#canWriteEof) throw new InvalidStateError("writeEof() is not supported on this transport (TLS cannot half-close)");
    this.#eofWritten = true;
    this.#socket.end();
  }

  /** @inheritDoc */
  canWriteEof(): boolean {
    return this.#canWriteEof;
  }

  /** @inheritDoc */
  getWriteBufferSize(): number {
    return this.#lost ? 0 : this.#socket.writableLength;
  }

  /** @inheritDoc */
  close(): void {
    if (this.#closing) return;
    this.#closing = true;
    this.#stopReading();
    if (this.#lost) return;
    // Flush, send end-of-stream (unless writeEof() did), then close both ways: a peer that
    // keeps its side open must not keep this connection alive.
    if (this.#writable) this.#socket.end(this.#destroySocket);
    else this.#socket.destroy();
  }

  /** @inheritDoc */
  abort(): void {
    this.#closing = true;
    this.#stopReading();
    if (!this.#lost) this.#socket.destroy();
  }

  /** @inheritDoc */
  isClosing(): boolean {
    return this.#closing || this.#lost;
  }

  /** @inheritDoc */
  getExtraInfo(name: string): unknown {
    return Object.hasOwn(this.#extraInfo, name) ? this.#extraInfo[name] : undefined;
  }

  #startReading(): void {
    if (!this.#readable || this.#reading || this.#readPaused || this.#eofReceived || this.#closing || this.#lost || this.#loop.isClosed())
      return;
    this.#reading = true;
    this.#loop.addReader(this.#socket, this.#onReadable);
  }

  #stopReading(): void {
    if (!this.#reading) return;
    this.#reading = false;
    this.#loop.removeReader(this.#socket);
  }

  /** The selector reported the socket readable: hand Node's buffer to the protocol. */
  readonly #onReadable = (): void => {
    const socket = this.#socket;
    // read() takes all Node holds. What comes after it (more bytes, the end) makes the socket
    // readable again: level-triggered, the selector calls back on a later pass.
    const chunk = socket.read();
    if (chunk !== null) {
      this.#protocol.dataReceived(chunk);
      return;
    }
    if (!this.#reading) return; // the socket closed in read(): the close event told the protocol
    if (socket.readableEnded) {
      this.#stopReading();
      this.#eofReceived = true;
      this.#protocol.eofReceived();
    } else if (socket.destroyed) {
      this.#stopReading(); // the close event tells the protocol
    }
  };

  readonly #afterWrite = (): void => {
    if (this.#writePaused && !this.#lost && this.#socket.writableLength <= this.#low) {
      this.#writePaused = false;
      this.#protocol.resumeWriting();
    }
  };

  readonly #destroySocket = (): void => {
    this.#socket.destroy();
  };

  readonly #onError = (error?: Error): void => {
    this.#error ??= error;
  };

  readonly #onClose = (): void => {
    if (this.#lost) return;
    this.#lost = true;
    this.#stopReading();
    this.#socket.off("error", this.#onError);
    this.#socket.off("close", this.#onClose);
    // A late error (a write to a reset connection) must not reach Node's default handler.
    this.#socket.on("error", ignoreError);
    this.#protocol.connectionLost(this.#error);
  };
}

function noCallback(): void {
  // A write that could not take the queue above the low mark: nothing to check when it is done.
}

function ignoreError(): void {
  // The transport is gone; the error it would report was already reported or does not matter.
}
