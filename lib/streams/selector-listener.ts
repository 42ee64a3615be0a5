/**
 * `_SelectorListener`: a `Server`'s connections from a listening socket of the selector's own
 * (the native selector's): the loop watches it with `addReader()`, and each time it is
 * readable every waiting connection is accepted (asyncio's `_accept_connection`).
 *
 * Running out of descriptors (`EMFILE` ...) would leave the socket readable and the loop
 * spinning on it: accepting then stops for a second and the error goes to the exception
 * handler, as asyncio does. A connection that ended before it was accepted
 * (`ECONNABORTED`) is skipped.
 *
 * Invariant: the socket is watched exactly while accepting (from `start()` until `close()`,
 * except during that pause); after `close()` it is closed, and a Unix socket's file removed.
 *
 * @module
 */

import { rmSync } from "node:fs";
import type { SelectorSocket } from "../../selectors/selector.js";
import type { EventLoop } from "../core/event-loop.js";
import type { Handle } from "../core/handle.js";
import type { _Accepted, _Listener } from "./listener.js";
import { _selectorSocketExtraInfo } from "./selector-connect.js";
import type { SocketAddress } from "./socket-types.js";
import { _wrapRawSocket } from "./wrap-socket.js";

/** How long accepting pauses after the process ran out of descriptors or memory (asyncio's). */
const ACCEPT_RETRY_DELAY_MS = 1000;
const OUT_OF_RESOURCES = new Set(["EMFILE", "ENFILE", "ENOBUFS", "ENOMEM"]);

/** @internal A listening socket of the selector's own; see the module comment. */
export class _SelectorListener implements _Listener {
  readonly address: SocketAddress | string;
  readonly #loop: EventLoop;
  readonly #socket: SelectorSocket;
  readonly #limit: number | undefined;
  readonly #unixPath: string | undefined;
  #accepted: _Accepted | undefined;
  #watching = false;
  #retry: Handle | undefined;

  /** Takes over `socket`, which is listening; `unixPath` for a Unix socket. */
  constructor(loop: EventLoop, socket: SelectorSocket, limit: number | undefined, unixPath: string | undefined) {
    this.#loop = loop;
    this.#socket = socket;
    this.#limit = limit;
    this.#unixPath = unixPath;
    this.address = unixPath ?? socket.localAddress();
  }

  start(accepted: _Accepted): void {
    this.#accepted = accepted;
    this.#watch();
  }

  close(): void {
    this.#accepted = undefined;
    this.#retry?.cancel();
    this.#unwatch();
    this.#socket.close();
    if (this.#unixPath !== undefined) rmSync(this.#unixPath, { force: true }); // as Node does on close
  }

  #watch(): void {
    this.#watching = true;
    this.#loop.addReader(this.#socket, this.#accept);
  }

  #unwatch(): void {
    if (!this.#watching) return;
    this.#watching = false;
    this.#loop.removeReader(this.#socket);
  }

  readonly #accept = (): void => {
    // A handler started eagerly may close the server from inside the call: check each time.
    for (let accepted = this.#accepted; accepted !== undefined; accepted = this.#accepted) {
      let socket: SelectorSocket | null;
      try {
        socket = this.#socket.accept();
      } catch (error) {
        this.#acceptFailed(error as Error);
        return;
      }
      if (socket === null) return;
      const extraInfo = this.#unixPath === undefined ? _selectorSocketExtraInfo(socket) : { socket, sockname: this.#unixPath };
      const [reader, writer] = _wrapRawSocket(this.#loop, socket, this.#limit, extraInfo);
      accepted(reader, writer, extraInfo);
    }
  };

  #acceptFailed(error: Error): void {
    const code = (error as { code?: unknown }).code;
    if (code === "ECONNABORTED") return; // the peer gave up first; the next readiness goes on
    const outOfResources = typeof code === "string" && OUT_OF_RESOURCES.has(code);
    if (outOfResources) {
      this.#unwatch();
      this.#retry = this.#loop.callLater(ACCEPT_RETRY_DELAY_MS, () => {
        this.#retry = undefined;
        if (this.#accepted !== undefined) this.#watch();
      });
    }
    this.#loop.callExceptionHandler({
      message: `a server of startServer() failed to accept a connection; it goes on${outOfResources ? ` in ${ACCEPT_RETRY_DELAY_MS} ms` : ""}`,
      exception: error,
    });
  }
}
