/**
 * `_Listener`: where a `Server`'s connections come from. Two kinds: Node's `net.Server` (TLS,
 * and every selector without sockets of its own) and a listening socket of the selector's own
 * (the native selector). The `Server` runs handlers; the listener only accepts.
 *
 * @module
 */

import type { SocketAddress } from "./socket-types.js";
import type { StreamReader } from "./stream-reader.js";
import type { StreamWriter } from "./stream-writer.js";

/** @internal What a listener hands over for each connection it accepted. */
export type _Accepted = (reader: StreamReader, writer: StreamWriter, extraInfo: Readonly<Record<string, unknown>>) => void;

/** @internal A listening socket of a `Server`; see the module comment. */
export interface _Listener {
  /** Where it listens: `{ address, family, port }` for TCP, the path for a Unix socket. */
  readonly address: SocketAddress | string;
  /** Starts accepting: each connection, as streams, goes to `accepted` (on the loop, in a callback). */
  start(accepted: _Accepted): void;
  /** Stops listening for good; a connection accepted and not yet handed over is closed. */
  close(): void;
}
