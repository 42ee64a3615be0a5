/**
 * `openConnection`, `openUnixConnection` and `openStreams`: a connected reader and writer pair
 * (asyncio's `open_connection`), over TCP, TLS, a Unix socket, or a socket you already have.
 *
 * @module
 */

import net from "node:net";
import tls from "node:tls";
import { getRunningLoop } from "../core/running.js";
import type { Instruction } from "../core/instruction.js";
import type { TransportSocket } from "./socket-transport.js";
import type { StreamReader } from "./stream-reader.js";
import type { StreamWriter } from "./stream-writer.js";
import { _wrapRawSocket, _wrapSocket } from "./wrap-socket.js";
import type { RawSocket } from "./raw-socket-transport.js";
import { _checkHost, _checkPath, _checkPort, _checkStreamOptions } from "./stream-options.js";
import { _socketExtraInfo } from "./extra-info.js";
import { _waitForEvent } from "./wait-for-event.js";
import type { TlsConnectOptions } from "./socket-types.js";
import { _connectTcp, _connectUnix, _selectorSocketExtraInfo, _selectorSockets } from "./selector-connect.js";

/**
 * Options of {@link openConnection} and {@link openUnixConnection}.
 *
 * @example
 * ```ts
 * const options: OpenConnectionOptions = { tls: { ca: myCaCertificate }, limit: 1024 * 1024 };
 * ```
 */
export interface OpenConnectionOptions {
  /** The reader's limit (see `StreamReader`), in bytes. Default 64 KiB. */
  readonly limit?: number;
  /**
   * `true` for TLS with Node's defaults (the server's certificate is checked against the
   * system's CAs and the host name, with SNI), or Node's `tls.connect()` options (`ca`,
   * `servername`, `rejectUnauthorized` ...). Default: no TLS.
   */
  readonly tls?: boolean | TlsConnectOptions;
}

/**
 * Options of {@link openStreams}.
 *
 * @example
 * ```ts
 * const [reader, writer] = yield* openStreams(socket, { limit: 4096 });
 * ```
 */
export interface OpenStreamsOptions {
  /** The reader's limit (see `StreamReader`), in bytes. Default 64 KiB. */
  readonly limit?: number;
  /** What `writer.getExtraInfo(name)` answers. */
  readonly extraInfo?: Readonly<Record<string, unknown>>;
  /** Whether the socket can half-close (`writeEof()`). Default true. */
  readonly canWriteEof?: boolean;
}

/**
 * A pair of streams: what the connection functions return.
 *
 * @example
 * ```ts
 * const [reader, writer]: StreamPair = yield* openConnection("example.com", 80);
 * ```
 */
export type StreamPair = [StreamReader, StreamWriter];

const CONNECT_OPTIONS = { limit: "limit", tls: "tls" } as const;
const STREAMS_OPTIONS = { limit: "limit", extraInfo: "object", canWriteEof: "boolean" } as const;

/**
 * Connects to `host`:`port` over TCP (or TLS) and returns the connection's reader and writer.
 * On a selector with sockets of its own (`NativeSelector`, the default on Linux) the
 * connection is one of them, with the host's addresses tried in turn; TLS, and every other
 * selector, use Node's `net` / `tls` sockets.
 *
 * **Cancellation:** cancelled while it connects, the half-open socket is destroyed and
 * nothing is left behind.
 *
 * @param host - a host name or an IP address.
 * @param port - the TCP port, 0 to 65535.
 * @param options - see {@link OpenConnectionOptions}.
 * @throws Node-style connection errors (`ECONNREFUSED`, `ENOTFOUND`, a TLS certificate error
 *   ...; an `AggregateError` when every address of the host refused); `TypeError` /
 *   `RangeError` for bad arguments.
 * @example
 * ```ts
 * const [reader, writer] = yield* openConnection("example.com", 443, { tls: true });
 * writer.write("HEAD / HTTP/1.1\r\nhost: example.com\r\nconnection: close\r\n\r\n");
 * console.log(new TextDecoder().decode(yield* reader.readLine()));
 * writer.close();
 * yield* writer.waitClosed();
 * ```
 */
export function* openConnection(
  host: string,
  port: number,
  options: OpenConnectionOptions = {},
): Generator<Instruction, StreamPair, unknown> {
  _checkHost("openConnection()", host);
  _checkPort("openConnection()", port);
  _checkStreamOptions("openConnection()", options, CONNECT_OPTIONS);
  const loop = getRunningLoop();
  const { tls: tlsOption } = options;
  const sockets = _selectorSockets(loop, tlsOption);
  if (sockets !== undefined) {
    const raw = yield* _connectTcp(loop, sockets, host, port);
    return _wrapRawSocket(loop, raw, options.limit, _selectorSocketExtraInfo(raw));
  }
  let socket: net.Socket;
  if (tlsOption === undefined || tlsOption === false) {
    socket = net.connect({ host, port, allowHalfOpen: true, noDelay: true });
    yield* _waitForEvent(socket, "connect", `openConnection(${host}:${port})`, () => socket.destroy());
  } else {
    const tlsOptions = (tlsOption === true ? {} : tlsOption) as tls.ConnectionOptions;
    const servername = tlsOptions.servername ?? (net.isIP(host) === 0 ? host : undefined);
    socket = tls.connect({ ...tlsOptions, host, port, servername });
    socket.setNoDelay(true);
    yield* _waitForEvent(socket, "secureConnect", `openConnection(${host}:${port}, TLS)`, () => socket.destroy());
  }
  return _wrapSocket(loop, socket, options.limit, _socketExtraInfo(socket), !(socket instanceof tls.TLSSocket));
}

/**
 * Connects to the Unix domain socket at `path` and returns the connection's reader and writer
 * (a socket of the selector's own where it has them, as {@link openConnection}).
 *
 * **Cancellation:** as {@link openConnection}.
 *
 * @param path - the socket's path.
 * @param options - see {@link OpenConnectionOptions}.
 * @throws Node's connection error (`ENOENT`, `ECONNREFUSED` ...).
 * @example
 * ```ts
 * const [reader, writer] = yield* openUnixConnection("/tmp/app.sock");
 * ```
 */
export function* openUnixConnection(path: string, options: OpenConnectionOptions = {}): Generator<Instruction, StreamPair, unknown> {
  _checkPath("openUnixConnection()", path);
  _checkStreamOptions("openUnixConnection()", options, CONNECT_OPTIONS);
  const loop = getRunningLoop();
  const { tls: tlsOption } = options;
  const sockets = _selectorSockets(loop, tlsOption);
  if (sockets !== undefined) {
    const raw = yield* _connectUnix(loop, sockets, path);
    return _wrapRawSocket(loop, raw, options.limit, { socket: raw, peername: path });
  }
  let socket: net.Socket;
  if (tlsOption === undefined || tlsOption === false) {
    socket = net.connect({ path, allowHalfOpen: true });
    yield* _waitForEvent(socket, "connect", `openUnixConnection(${path})`, () => socket.destroy());
  } else {
    socket = tls.connect({ ...((tlsOption === true ? {} : tlsOption) as tls.ConnectionOptions), path });
    yield* _waitForEvent(socket, "secureConnect", `openUnixConnection(${path}, TLS)`, () => socket.destroy());
  }
  return _wrapSocket(loop, socket, options.limit, _socketExtraInfo(socket, path), !(socket instanceof tls.TLSSocket));
}

/**
 * Wraps a socket that is already connected (a `net.Socket`, a `VirtualSocket` on virtual
 * time, anything of the {@link TransportSocket} shape; or a `NativeSocket` on a loop whose
 * selector is a `NativeSelector`, anything of the {@link RawSocket} shape) in a reader and
 * writer. The streams own
 * the socket from then on: closing the writer closes it.
 *
 * **Cancellation:** it does not suspend, so it is never cancelled.
 *
 * @param socket - a connected socket; for half-close, one made with `allowHalfOpen: true`.
 * @param options - see {@link OpenStreamsOptions}.
 * @example
 * ```ts
 * const [left, right] = VirtualSocket.pair();
 * const [reader, writer] = yield* openStreams(left);
 * ```
 */
export function* openStreams(
  socket: TransportSocket | RawSocket,
  options: OpenStreamsOptions = {},
): Generator<Instruction, StreamPair, unknown> {
  _checkStreamOptions("openStreams()", options, STREAMS_OPTIONS);
  const loop = getRunningLoop();
  const extraInfo = options.extraInfo ?? { socket };
  if (isRawSocket(socket)) return _wrapRawSocket(loop, socket, options.limit, extraInfo);
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- a JavaScript caller can pass anything
  if (typeof socket !== "object" || socket === null || typeof socket.read !== "function" || typeof socket.write !== "function") {
    throw new TypeError("openStreams() needs a connected socket (a net.Socket, a VirtualSocket, a NativeSocket ...)");
  }
  return _wrapSocket(loop, socket, options.limit, extraInfo, options.canWriteEof ?? true);
}

function isRawSocket(socket: unknown): socket is RawSocket {
  const raw = socket as Partial<RawSocket> | null;
  return typeof raw === "object" && raw !== null && typeof raw.recv === "function" && typeof raw.send === "function";
}
