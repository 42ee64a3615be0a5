/**
 * `_wrapSocket`: a connected socket becomes a reader and writer pair over a `SocketTransport`.
 * Every way to a stream pair (connecting, accepting, `openStreams`) ends here.
 *
 * @module
 */

import type { EventLoop } from "../core/event-loop.js";
import { SocketTransport } from "./socket-transport.js";
import type { TransportSocket } from "./socket-transport.js";
import { _StreamProtocol } from "./stream-protocol.js";
import { StreamReader } from "./stream-reader.js";
import { StreamWriter } from "./stream-writer.js";

/** @internal The reader and writer of `socket`, read through `loop`'s selector. */
export function _wrapSocket(
  loop: EventLoop,
  socket: TransportSocket,
  limit: number | undefined,
  extraInfo: Readonly<Record<string, unknown>>,
  canWriteEof: boolean,
): [StreamReader, StreamWriter] {
  const reader = new StreamReader(limit === undefined ? {} : { limit });
  const protocol = new _StreamProtocol(reader);
  const transport = new SocketTransport(loop, socket, protocol, { extraInfo, canWriteEof });
  return [reader, new StreamWriter(transport, protocol)];
}
