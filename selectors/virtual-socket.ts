/**
 * In-memory connected sockets for {@link VirtualSelector}: protocol logic (a line protocol, a
 * server's handler, flow control) runs on virtual time, through the same streams and
 * transport as real sockets, with no network and no waiting.
 *
 * @module
 */

import { VirtualFile } from "./virtual-file.js";

/**
 * Options of {@link VirtualSocket.pair}.
 *
 * @example
 * ```ts
 * const [client, server] = VirtualSocket.pair({ bufferSize: 1024 }); // a slow network
 * ```
 */
export interface VirtualSocketPairOptions {
  /**
   * How many bytes each side's receive buffer holds (the kernel's socket buffer, in real
   * life): beyond it, bytes wait in the writer's queue (its `writableLength`) until the peer
   * reads. Default 64 KiB.
   */
  readonly bufferSize?: number;
}

/** A queued write: the bytes, and the callback to run once the peer's buffer took them. */
interface PendingWrite {
  data: Uint8Array;
  readonly callback: ((error?: Error | null) => void) | undefined;
}

/**
 * One end of an in-memory connection, shaped like the part of Node's `net.Socket` the streams
 * use (`read`, `write`, `end`, `destroy`, `error` and `close` events). It is a
 * {@link VirtualFile}: a `VirtualSelector` reports it readable while it holds bytes, has
 * reached end-of-stream, or is destroyed.
 *
 * Like TCP: bytes arrive in order, possibly merged; `end()` half-closes (the peer reads
 * end-of-stream after the bytes, and may still write back); `destroy()` before `end()`, or with
 * bytes still unsent or unread either way, resets the connection (the peer gets an
 * `ECONNRESET` error); writing to a
 * peer that is gone is an `EPIPE` error; once both ways are ended the socket closes by itself.
 * Events are emitted synchronously.
 *
 * @example
 * ```ts
 * const [left, right] = VirtualSocket.pair();
 * await run(function* () {
 *   const [, writer] = yield* openStreams(left);
 *   const [reader] = yield* openStreams(right);
 *   writer.write("hello\n");
 *   console.log(new TextDecoder().decode(yield* reader.readLine()));
 * }, { selector: new VirtualSelector() });
 * ```
 */
export class VirtualSocket extends VirtualFile {
  #peer: VirtualSocket | undefined;
  readonly #bufferSize: number;
  // Invariant: #incoming holds at most #bufferSize bytes (#incomingLength); writes beyond it
  // wait in the writer's #outgoing, in order, and move over as this side reads.
  readonly #incoming: Uint8Array[] = [];
  #incomingLength = 0;
  readonly #outgoing: PendingWrite[] = [];
  #outgoingLength = 0;
  #peerEnded = false;
  #ending = false;
  #endSent = false;
  #endRead = false;
  #destroyed = false;
  #closeEmitted = false;
  readonly #endCallbacks: Array<() => void> = [];
  readonly #listeners = { error: new Set<(error?: Error) => void>(), close: new Set<(error?: Error) => void>() };

  private constructor(name: string, bufferSize: number) {
    super(name);
    this.#bufferSize = bufferSize;
    this.setWritable(true);
  }

  /**
   * Two connected ends.
   *
   * @param options - see {@link VirtualSocketPairOptions}.
   * @throws RangeError for a buffer size that is not a whole number > 0.
   * @example
   * ```ts
   * const [client, server] = VirtualSocket.pair({ bufferSize: 1024 });
   * ```
   */
  static pair(options: VirtualSocketPairOptions = {}): [VirtualSocket, VirtualSocket] {
    const bufferSize = options.bufferSize ?? 64 * 1024;
    if (typeof bufferSize !== "number" || !Number.isInteger(bufferSize) || bufferSize <= 0) {
      throw new RangeError(`VirtualSocket.pair() needs bufferSize as a whole number of bytes > 0: received ${String(bufferSize)}`);
    }
    const left = new VirtualSocket("virtual-socket-left", bufferSize);
    const right = new VirtualSocket("virtual-socket-right", bufferSize);
    left.#peer = right;
    right.#peer = left;
    return [left, right];
  }

  /** True once the peer's end-of-stream was read (every byte before it was taken). */
  get readableEnded(): boolean {
    return this.#peerEnded && this.#incomingLength === 0;
  }

  /** True once destroyed (by this side, or by a reset from the peer). */
  get destroyed(): boolean {
    return this.#destroyed;
  }

  /** Bytes written and not yet taken into the peer's receive buffer. */
  get writableLength(): number {
    return this.#outgoingLength;
  }

  /** Bytes received and not yet read. */
  get readableLength(): number {
    return this.#incomingLength;
  }

  /** Takes every byte received (one `Uint8Array`), or null when there is none. */
  read(): Uint8Array | null {
    if (this.#incomingLength === 0) {
      if (this.#peerEnded) {
        this.#endRead = true; // as Node's 'end': both ways done, the socket closes by itself
        this.#closeIfDone();
      }
      return null;
    }
    const chunks = this.#incoming.splice(0);
    const data = chunks.length === 1 ? (chunks[0] as Uint8Array) : Buffer.concat(chunks, this.#incomingLength);
    this.#incomingLength = 0;
    this.#updateReadable();
    const peer = this.#peer;
    if (peer !== undefined) peer.#flush(); // room in this side's buffer: the peer's queued writes move over
    return data;
  }

  /**
   * Queues `data` for the peer; `callback` runs once the peer's receive buffer took it.
   *
   * @returns true while nothing is left waiting for room (Node's "no need to drain").
   */
  write(data: Uint8Array, callback?: (error?: Error | null) => void): boolean {
    if (this.#destroyed || this.#ending) {
      const error = errorWithCode(
        this.#destroyed ? "ERR_STREAM_DESTROYED" : "ERR_STREAM_WRITE_AFTER_END",
        "write() after the socket was closed",
      );
      callback?.(error);
      return false;
    }
    const peer = this.#peer;
    if (peer === undefined || peer.#destroyed) {
      this.destroy(errorWithCode("EPIPE", "write EPIPE: the peer has closed the connection"));
      callback?.(errorWithCode("EPIPE", "write EPIPE"));
      return false;
    }
    this.#outgoing.push({ data, callback }); // not copied, as Node's sockets: the caller must not change it
    this.#outgoingLength += data.length;
    this.#flush();
    return this.#outgoingLength === 0;
  }

  /** Half-closes: the peer reads end-of-stream after the queued bytes; `callback` runs then. */
  end(callback?: () => void): this {
    if (callback !== undefined) {
      if (this.#endSent || this.#destroyed) callback();
      else this.#endCallbacks.push(callback);
    }
    if (this.#ending || this.#destroyed) return this;
    this.#ending = true;
    this.#flush();
    return this;
  }

  /**
   * Closes at once. With bytes still queued, or before `end()`, the peer sees a reset
   * (`ECONNRESET`); after a clean `end()` it has already read end-of-stream.
   */
  destroy(error?: Error): this {
    if (this.#destroyed) return this;
    this.#destroyed = true;
    // As TCP: a close with bytes unread on either side, or before end(), is a reset.
    const peerQueued = this.#peer === undefined ? 0 : this.#peer.#outgoingLength;
    const clean = this.#endSent && this.#incomingLength === 0 && peerQueued === 0;
    this.#dropOutgoing(errorWithCode("ERR_STREAM_DESTROYED", "the socket was destroyed"));
    this.#updateReadable();
    this.setWritable(false);
    const peer = this.#peer;
    this.#peer = undefined;
    if (peer !== undefined && !peer.#destroyed) {
      if (clean)
        peer.#peer = undefined; // the peer keeps its half: writing to it is EPIPE
      else peer.destroy(errorWithCode("ECONNRESET", "read ECONNRESET: the peer reset the connection"));
    }
    if (error !== undefined) this.#emit("error", error);
    this.#emitClose();
    return this;
  }

  /** Listens for `error` (why the socket closed) or `close`. */
  on(event: "error" | "close", listener: (error?: Error) => void): this {
    this.#listeners[event].add(listener);
    return this;
  }

  /** Removes a listener added with `on`. */
  off(event: "error" | "close", listener: (error?: Error) => void): this {
    this.#listeners[event].delete(listener);
    return this;
  }

  /** Moves queued writes into the peer's buffer while it has room; sends end-of-stream after them. */
  #flush(): void {
    const peer = this.#peer;
    if (peer === undefined) {
      // The peer closed cleanly (nothing was left in flight): end-of-stream needs no delivery.
      if (this.#ending && !this.#endSent) {
        this.#endSent = true;
        for (const callback of this.#endCallbacks.splice(0)) callback();
      }
      return;
    }
    const done: Array<(error?: Error | null) => void> = [];
    while (this.#outgoing.length > 0 && peer.#incomingLength < peer.#bufferSize) {
      const head = this.#outgoing[0] as PendingWrite;
      const room = peer.#bufferSize - peer.#incomingLength;
      const part = head.data.length <= room ? head.data : head.data.subarray(0, room);
      peer.#incoming.push(part);
      peer.#incomingLength += part.length;
      this.#outgoingLength -= part.length;
      if (part === head.data) {
        this.#outgoing.shift();
        if (head.callback !== undefined) done.push(head.callback);
      } else {
        head.data = head.data.subarray(room);
      }
    }
    if (this.#ending && !this.#endSent && this.#outgoing.length === 0) {
      this.#endSent = true;
      peer.#peerEnded = true;
    }
    peer.#updateReadable();
    for (const callback of done) callback(null);
    if (this.#endSent) {
      for (const callback of this.#endCallbacks.splice(0)) callback();
      this.#closeIfDone();
    }
  }

  /** Both ways finished (end sent, end read): close, as Node's autoDestroy does. */
  #closeIfDone(): void {
    if (this.#endSent && this.#endRead && !this.#destroyed) this.destroy();
  }

  #dropOutgoing(error: Error): void {
    const dropped = this.#outgoing.splice(0);
    this.#outgoingLength = 0;
    for (const write of dropped) write.callback?.(error);
    for (const callback of this.#endCallbacks.splice(0)) callback();
  }

  #updateReadable(): void {
    this.setReadable(this.#incomingLength > 0 || this.#peerEnded || this.#destroyed);
  }

  #emit(event: "error" | "close", error?: Error): void {
    for (const listener of [...this.#listeners[event]]) listener(error);
  }

  #emitClose(): void {
    if (this.#closeEmitted) return;
    this.#closeEmitted = true;
    this.#emit("close");
  }
}

function errorWithCode(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}
