/**
 * `RawSocketTransport`: a {@link Transport} over a raw non-blocking socket (a `NativeSocket`
 * of the native selector), asyncio's selector transport.
 *
 * Reading: the socket stays registered with `loop.addReader()`; when the selector reports it
 * readable, one `recv` into a scratch buffer shared by every transport, and the bytes read are
 * copied out for the protocol. Writing: `send` at once; what the kernel does not take is
 * queued, and only then is the socket registered with `loop.addWriter()` until the queue is
 * empty. Readiness can be stale (`recv` says "nothing yet"): that is not an error.
 *
 * Invariants: `#reading` is true exactly while the socket is registered for reading; the
 * socket is registered for writing exactly while `#queue` is not empty; the protocol hears
 * `connectionLost` once, after which the socket is closed and nothing else happens.
 *
 * @module
 */

import type { SelectorSocket } from "../../selectors/selector.js";
import type { EventLoop } from "../core/event-loop.js";
import { InvalidStateError } from "../core/errors.js";
import type { Protocol, Transport } from "./transport.js";

/**
 * The raw non-blocking socket a {@link RawSocketTransport} moves bytes with: the part of a
 * selector's own socket (`SelectorSocket`, such as the native selector's `NativeSocket`) that
 * moves bytes and ends the connection.
 *
 * @example
 * ```ts
 * const socket: RawSocket = NativeSocket.connectTcp("127.0.0.1", port);
 * ```
 */
export type RawSocket = Pick<SelectorSocket, "fd" | "recv" | "send" | "shutdownWrite" | "close">;

/**
 * Options of {@link RawSocketTransport}.
 *
 * @example
 * ```ts
 * new RawSocketTransport(loop, socket, protocol, { writeHighWaterMark: 256 * 1024 });
 * ```
 */
export interface RawSocketTransportOptions {
  /** What `getExtraInfo(name)` answers. */
  readonly extraInfo?: Readonly<Record<string, unknown>>;
  /** Pause writing above this many queued bytes. Default 64 KiB, as asyncio. */
  readonly writeHighWaterMark?: number;
}

/** One read's worth: shared by every transport (reads are synchronous, one at a time). */
const scratch = new Uint8Array(64 * 1024);

/**
 * A {@link Transport} over a {@link RawSocket}, reading and writing through the loop's selector.
 *
 * @example
 * ```ts
 * const transport = new RawSocketTransport(getRunningLoop(), NativeSocket.connectTcp(host, port), protocol);
 * ```
 */
export class RawSocketTransport implements Transport {
  readonly #loop: EventLoop;
  readonly #socket: RawSocket;
  readonly #protocol: Protocol;
  readonly #extraInfo: Readonly<Record<string, unknown>>;
  readonly #high: number;
  readonly #low: number;
  readonly #queue: Uint8Array[] = [];
  #queued = 0;
  #reading = false;
  #readPaused = false;
  #eofReceived = false;
  #eofWanted = false; // writeEof() was called: shut down once the queue is sent
  #eofSent = false;
  #closing = false;
  #lost = false;
  #writePaused = false;

  /**
   * Takes over `socket` (connected): tells `protocol` the connection is made and starts reading.
   *
   * @param loop - the loop whose selector (a `NativeSelector`) watches the socket.
   * @param socket - a connected raw socket.
   * @param protocol - what hears the bytes.
   * @param options - see {@link RawSocketTransportOptions}.
   */
  constructor(loop: EventLoop, socket: RawSocket, protocol: Protocol, options: RawSocketTransportOptions = {}) {
    this.#loop = loop;
    this.#socket = socket;
    this.#protocol = protocol;
    this.#extraInfo = options.extraInfo ?? {};
    this.#high = options.writeHighWaterMark ?? 64 * 1024;
    this.#low = Math.floor(this.#high / 4);
    protocol.connectionMade(this);
    this.#startReading();
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
    if (this.#eofWanted || this.#closing) {
      throw new InvalidStateError(`write() was called on a transport that is ${this.#closing ? "closing" : "half-closed (writeEof)"}`);
    }
    if (data.length === 0 || this.#lost) return;
    let sent = 0;
    if (this.#queue.length === 0) {
      try {
        sent = this.#socket.send(data, 0, data.length);
      } catch (error) {
        this.#fail(error as Error);
        return;
      }
      if (sent === data.length) return;
      this.#loop.addWriter(this.#socket, this.#onWritable);
    }
    const rest = data.subarray(sent);
    this.#queue.push(rest);
    this.#queued += rest.length;
    if (!this.#writePaused && this.#queued > this.#high) {
      this.#writePaused = true;
      this.#protocol.pauseWriting();
    }
  }

  /** @inheritDoc */
  writeEof(): void {
    if (this.#eofWanted || this.#closing || this.#lost) return;
    this.#eofWanted = true;
    if (this.#queue.length === 0) this.#sendEof();
  }

  /** @inheritDoc */
  canWriteEof(): boolean {
    return true;
  }

  /** @inheritDoc */
  getWriteBufferSize(): number {
    return this.#queued;
  }

  /** @inheritDoc */
  close(): void {
    if (this.#closing || this.#lost) return;
    this.#closing = true;
    this.#stopReading();
    if (this.#queue.length === 0) this.#finish(undefined); // else once the queue is sent
  }

  /** @inheritDoc */
  abort(): void {
    this.#closing = true;
    this.#finish(undefined);
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
    if (this.#reading || this.#readPaused || this.#eofReceived || this.#closing || this.#lost) return;
    this.#reading = true;
    this.#loop.addReader(this.#socket, this.#onReadable);
  }

  #stopReading(): void {
    if (!this.#reading) return;
    this.#reading = false;
    this.#loop.removeReader(this.#socket);
  }

  readonly #onReadable = (): void => {
    let count: number;
    try {
      count = this.#socket.recv(scratch, 0, scratch.length);
    } catch (error) {
      this.#fail(error as Error);
      return;
    }
    if (count < 0) return; // stale readiness: nothing after all
    if (count > 0) {
      this.#protocol.dataReceived(scratch.slice(0, count));
      return;
    }
    this.#stopReading();
    this.#eofReceived = true;
    this.#protocol.eofReceived();
    if (this.#eofSent) this.#finish(undefined); // both ways ended
  };

  readonly #onWritable = (): void => {
    const queue = this.#queue;
    while (queue.length > 0) {
      const head = queue[0] as Uint8Array;
      let sent: number;
      try {
        sent = this.#socket.send(head, 0, head.length);
      } catch (error) {
        this.#fail(error as Error);
        return;
      }
      this.#queued -= sent;
      if (sent < head.length) {
        queue[0] = head.subarray(sent);
        break;
      }
      queue.shift();
    }
    if (this.#writePaused && this.#queued <= this.#low) {
      this.#writePaused = false;
      this.#protocol.resumeWriting();
    }
    if (queue.length > 0) return;
    this.#loop.removeWriter(this.#socket);
    if (this.#closing) this.#finish(undefined);
    else if (this.#eofWanted) this.#sendEof();
  };

  #sendEof(): void {
    try {
      this.#socket.shutdownWrite();
    } catch (error) {
      this.#fail(error as Error);
      return;
    }
    this.#eofSent = true;
    if (this.#eofReceived) this.#finish(undefined); // both ways ended
  }

  #fail(error: Error): void {
    this.#closing = true;
    this.#finish(error);
  }

  /** Unregisters and closes the socket, then tells the protocol: once. */
  #finish(error: Error | undefined): void {
    if (this.#lost) return;
    this.#lost = true;
    this.#stopReading();
    if (this.#queue.length > 0) this.#loop.removeWriter(this.#socket);
    this.#queue.length = 0;
    this.#queued = 0;
    this.#socket.close();
    this.#protocol.connectionLost(error);
  }
}
