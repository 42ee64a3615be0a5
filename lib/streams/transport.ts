/**
 * The transport layer under the streams (asyncio's transports and protocols).
 *
 * A transport moves bytes for one connection and owns the thing that carries them (a Node
 * socket today, a raw file descriptor on the native selector tomorrow); a protocol receives
 * what the transport reports. `StreamReader` and `StreamWriter` know only these interfaces, so
 * the same streams run over any transport.
 *
 * @module
 */

import type { ReadTransport } from "./stream-reader.js";

/**
 * One connection's byte mover, as the streams see it.
 *
 * @example
 * ```ts
 * transport.write(new TextEncoder().encode("hello\n"));
 * if (transport.getWriteBufferSize() > 65536) console.log("the peer is slow");
 * transport.close(); // flushes, then closes
 * ```
 */
export interface Transport extends ReadTransport {
  /** Queues bytes to send; never blocks. The protocol is paused above the high water mark. */
  write(data: Uint8Array): void;
  /** Sends end-of-stream after the queued bytes (half-close); reading goes on. */
  writeEof(): void;
  /** Whether {@link Transport.writeEof} is supported (TLS cannot half-close). */
  canWriteEof(): boolean;
  /** Bytes queued and not yet handed to the operating system. */
  getWriteBufferSize(): number;
  /** Closes after the queued bytes are sent; the protocol's `connectionLost` follows. */
  close(): void;
  /** Closes at once, dropping queued bytes. */
  abort(): void;
  /** True once `close()` or `abort()` was called, or the connection was lost. */
  isClosing(): boolean;
  /** Facts about the connection: `"peername"`, `"sockname"`, `"socket"`, `"peercert"` ... */
  getExtraInfo(name: string): unknown;
}

/**
 * What a transport reports to (asyncio's `Protocol` and its flow control).
 *
 * Order: `connectionMade` once, then `dataReceived` any number of times, then at most one
 * `eofReceived`, then `connectionLost` once. `pauseWriting` and `resumeWriting` alternate,
 * starting with `pauseWriting`.
 *
 * @example
 * ```ts
 * const protocol: Protocol = {
 *   connectionMade: (transport) => transport.write(greeting),
 *   dataReceived: (data) => console.log(data.length, "bytes"),
 *   eofReceived: () => undefined,
 *   connectionLost: (error) => console.log("closed", error),
 *   pauseWriting: () => undefined,
 *   resumeWriting: () => undefined,
 * };
 * ```
 */
export interface Protocol {
  /** The transport is ready; called once, first. */
  connectionMade(transport: Transport): void;
  /** Bytes arrived. */
  dataReceived(data: Uint8Array): void;
  /** The peer sent end-of-stream (it will send nothing more). */
  eofReceived(): void;
  /** The connection is closed: `error` is why, or undefined for an orderly close. */
  connectionLost(error: Error | undefined): void;
  /** The write buffer went above the high water mark. */
  pauseWriting(): void;
  /** The write buffer went down to the low water mark. */
  resumeWriting(): void;
}
