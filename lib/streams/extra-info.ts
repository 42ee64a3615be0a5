/**
 * What `StreamWriter.getExtraInfo()` answers for a Node socket: asyncio's names, Node's values.
 *
 * @module
 */

import type net from "node:net";
import tls from "node:tls";

/**
 * @internal The extra info of a connected socket: `peername` and `sockname` (Node's
 * `{ address, family, port }` for TCP; the path for a Unix socket, on the side that knows it),
 * `socket`, and for TLS `peercert`, `cipher` and `tlsProtocol`.
 */
export function _socketExtraInfo(socket: net.Socket, unixPath?: string): Readonly<Record<string, unknown>> {
  const info: Record<string, unknown> = { socket };
  if (unixPath !== undefined) {
    info["peername"] = unixPath;
  } else if (socket.remoteAddress !== undefined) {
    info["peername"] = { address: socket.remoteAddress, family: socket.remoteFamily, port: socket.remotePort };
  }
  const local = socket.address();
  if (typeof local === "object" && "port" in local) info["sockname"] = local;
  if (socket instanceof tls.TLSSocket) {
    info["peercert"] = socket.getPeerCertificate();
    info["cipher"] = socket.getCipher();
    info["tlsProtocol"] = socket.getProtocol();
  }
  return info;
}
