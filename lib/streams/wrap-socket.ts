/**
 * `_wrapSocket` and `_wrapRawSocket`: a connected socket becomes a reader and writer pair over
 * a transport (`SocketTransport` for Node's sockets, `RawSocketTransport` for the native
 * selector's). Every way to a stream pair (connecting, accepting, `openStreams`) ends here.
 *
 * @module
 */

import type { EventLoop } from "../core/event-loop.js";
import { RawSocketTransport } from "./raw-socket-transport.js";
import type { RawSocket } from "./raw-socket-transport.js";
import { SocketTransport } from "./socket-transport.js";
import type { TransportSocket } from "./socket-transport.js";
import { _StreamProtocol } from "./stream-protocol.js";
import { StreamReader } from "./stream-reader.js";
import { StreamWriter } from "./stream-writer.js";
import type { Transport } from "./transport.js";

/** @internal The reader and writer of a Node socket (or a VirtualSocket), read through `loop`'s selector. */
export function _wrapSocket(
  loop: EventLoop,
  socket: TransportSocket,
  limit: number | undefined,
  extraInfo: Readonly<Record<string, unknown>>,
  canWriteEof: boolean,
): [StreamReader, StreamWriter] {
  return wrap(limit, (protocol) => new SocketTransport(loop, socket, protocol, { extraInfo, canWriteEof }));
}

/** @internal The reader and writer of a raw socket (the native selector's), read through `loop`'s selector. */
export function _wrapRawSocket(
  loop: EventLoop,
  socket: RawSocket,
  limit: number | undefined,
  extraInfo: Readonly<Record<string, unknown>>,
): [StreamReader, StreamWriter] {
  return wrap(limit, (protocol) => new RawSocketTransport(loop, socket, protocol, { extraInfo }));
}

function wrap(limit: number | undefined, makeTransport: (protocol: _StreamProtocol) => Transport): [StreamReader, StreamWriter] {
  const reader = new StreamReader(limit === undefined ? {} : { limit });
  const protocol = new _StreamProtocol(reader);
  return [reader, new StreamWriter(makeTransport(protocol), protocol)];
}
