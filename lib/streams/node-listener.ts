/**
 * `_NodeListener`: a `Server`'s connections from Node's `net.Server` (or `tls.Server`).
 *
 * Accepting goes through the selector too: Node accepts into a queue (an object-mode stream)
 * that the loop watches with `addReader()`, and each pass takes what is queued.
 *
 * Invariant: the accept queue is watched from `start()` until `close()`; after `close()`
 * Node's server stops listening and nothing more is queued.
 *
 * @module
 */

import type net from "node:net";
import tls from "node:tls";
import { Readable } from "node:stream";
import type { EventLoop } from "../core/event-loop.js";
import { _socketExtraInfo } from "./extra-info.js";
import type { _Accepted, _Listener } from "./listener.js";
import type { SocketAddress } from "./socket-types.js";
import { _wrapSocket } from "./wrap-socket.js";

/** @internal A listening Node server; see the module comment. */
export class _NodeListener implements _Listener {
  readonly address: SocketAddress | string;
  readonly #loop: EventLoop;
  readonly #server: net.Server;
  readonly #limit: number | undefined;
  readonly #unixPath: string | undefined;
  readonly #acceptQueue = new Readable({ objectMode: true, read: () => undefined });
  #accepted: _Accepted | undefined;

  /** Takes over `server`, which is listening; `unixPath` for a Unix socket. */
  constructor(loop: EventLoop, server: net.Server, limit: number | undefined, unixPath: string | undefined) {
    this.#loop = loop;
    this.#server = server;
    this.#limit = limit;
    this.#unixPath = unixPath;
    this.address = (server.address() as SocketAddress | null) ?? unixPath ?? "";
    server.on(server instanceof tls.Server ? "secureConnection" : "connection", this.#onConnection);
    server.on("tlsClientError", ignoreClientError);
    server.on("error", this.#onServerError); // EMFILE ... on accept: reported, not fatal
  }

  start(accepted: _Accepted): void {
    this.#accepted = accepted;
    this.#loop.addReader(this.#acceptQueue, this.#accept);
  }

  close(): void {
    if (this.#accepted !== undefined) this.#loop.removeReader(this.#acceptQueue);
    this.#accepted = undefined;
    for (let socket = this.#next(); socket !== null; socket = this.#next()) {
      socket.destroy(); // accepted by Node after close() was decided: never served
    }
    this.#server.off("connection", this.#onConnection);
    this.#server.off("secureConnection", this.#onConnection);
    this.#server.close(); // Node removes its Unix socket file
  }

  #next(): net.Socket | null {
    return this.#acceptQueue.read() as net.Socket | null;
  }

  readonly #onConnection = (socket: net.Socket): void => {
    // Node reads the socket from now on: a reset before the transport takes it over must not
    // be an uncaught 'error'. Node keeps the error (socket.errored) for the transport.
    socket.on("error", ignoreEarlyError);
    this.#acceptQueue.push(socket);
  };

  readonly #onServerError = (error: Error): void => {
    this.#loop.callExceptionHandler({ message: "a server of startServer() failed to accept a connection; it goes on", exception: error });
  };

  /** The selector reported queued connections: hand each over. */
  readonly #accept = (): void => {
    // A handler started eagerly may close the server from inside the call: check each time.
    for (let accepted = this.#accepted; accepted !== undefined; accepted = this.#accepted) {
      const socket = this.#next();
      if (socket === null) return;
      if (socket.destroyed) continue; // reset by the peer before we got to it
      const isTls = socket instanceof tls.TLSSocket;
      if (!isTls) socket.setNoDelay(true);
      const extraInfo = { ..._socketExtraInfo(socket), ...(this.#unixPath === undefined ? {} : { sockname: this.#unixPath }) };
      const [reader, writer] = _wrapSocket(this.#loop, socket, this.#limit, extraInfo, !isTls);
      accepted(reader, writer, extraInfo);
    }
  };
}

function ignoreEarlyError(): void {
  // Kept by Node in socket.errored, which the transport reads when it takes the socket over.
}

function ignoreClientError(): void {
  // A client whose TLS handshake failed never becomes a connection: there is nothing to serve.
}
