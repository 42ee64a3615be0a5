/**
 * `startServer`, `startUnixServer` and `Server`: accept connections and run a handler for
 * each, in its own task (asyncio's `start_server`, with Trio's closing of each connection when
 * its handler is done).
 *
 * Where connections come from is a `_Listener`: a listening socket of the selector's own on a
 * selector that has them (`NativeSelector`), else Node's `net.Server` (and always for TLS).
 * Either way accepting goes through the selector.
 *
 * Invariants: `#connections` holds, by writer, the task of every connection whose task is not
 * done (it is removed by the task's done callback); after `close()` the listener accepts
 * nothing more; `#closedWaiters` are woken once the server is closed and `#connections` is
 * empty.
 *
 * @module
 */

import net from "node:net";
import tls from "node:tls";
import { lstatSync, rmSync } from "node:fs";
import { CancelledError } from "../core/errors.js";
import type { EventLoop } from "../core/event-loop.js";
import { suspend } from "../core/instruction.js";
import type { Instruction, Wait } from "../core/instruction.js";
import { checkOperation } from "../core/operation.js";
import type { Operation } from "../core/operation.js";
import { getRunningLoop } from "../core/running.js";
import type { Task } from "../core/task.js";
import { shield } from "../time/shield.js";
import { _parkOn, WaitQueue, WOKEN } from "../sync/wait-queue.js";
import type { _Listener } from "./listener.js";
import { _NodeListener } from "./node-listener.js";
import { _lookup, _selectorSockets } from "./selector-connect.js";
import { _SelectorListener } from "./selector-listener.js";
import { _checkHost, _checkPath, _checkPort, _checkStreamOptions } from "./stream-options.js";
import type { StreamReader } from "./stream-reader.js";
import type { StreamWriter } from "./stream-writer.js";
import { _waitForEvent } from "./wait-for-event.js";
import type { SocketAddress, TlsServerOptions } from "./socket-types.js";

/**
 * What runs for each connection: it reads and writes, and the connection is closed when it
 * returns or throws.
 *
 * @example
 * ```ts
 * const echo: ConnectionHandler = function* (reader, writer) {
 *   for (let line = yield* reader.readLine(); line.length > 0; line = yield* reader.readLine()) writer.write(line);
 * };
 * ```
 */
export type ConnectionHandler = (reader: StreamReader, writer: StreamWriter) => Operation<void>;

/**
 * Options of {@link startServer} and {@link startUnixServer}.
 *
 * @example
 * ```ts
 * const options: StartServerOptions = { tls: { key, cert }, backlog: 1024 };
 * ```
 */
export interface StartServerOptions {
  /** Each reader's limit (see `StreamReader`), in bytes. Default 64 KiB. */
  readonly limit?: number;
  /** The length of the kernel's queue of connections not yet accepted. Default Node's (511). */
  readonly backlog?: number;
  /** Node's `tls.createServer()` options (`key`, `cert` ...) to serve TLS. Default: no TLS. */
  readonly tls?: TlsServerOptions;
}

const SERVER_OPTIONS = { limit: "limit", backlog: "backlog", tls: "tls" } as const;

/** The kernel's queue of connections not yet accepted, when the options do not say: Node's. */
const DEFAULT_BACKLOG = 511;

/**
 * A listening server (asyncio's `Server`). Each connection runs its handler in a task of its
 * own; when the handler returns, its connection is closed; when it throws, the error goes to
 * the loop's exception handler, the connection is closed, and the server keeps serving.
 *
 * @example
 * ```ts
 * const server = yield* startServer(handler, "127.0.0.1", 0);
 * console.log("listening on", server.address());
 * yield* server.serveForever(); // until cancelled
 * ```
 */
export class Server {
  readonly #loop: EventLoop;
  readonly #listener: _Listener;
  readonly #handler: ConnectionHandler;
  readonly #connections = new Map<StreamWriter, Task<void>>();
  readonly #closedWaiters = new WaitQueue<typeof WOKEN>();
  #closedWait: Wait<typeof WOKEN> | undefined;
  #serving = true;

  /** @internal Made by `startServer()` and `startUnixServer()`, once listening. */
  constructor(loop: EventLoop, listener: _Listener, handler: ConnectionHandler) {
    this.#loop = loop;
    this.#listener = listener;
    this.#handler = handler;
    listener.start(this.#serve);
  }

  /**
   * Where the server listens: Node's `{ address, family, port }` for TCP (the real port when
   * 0 was asked for), the path for a Unix socket.
   *
   * @example
   * ```ts
   * const { port } = server.address() as SocketAddress;
   * ```
   */
  address(): SocketAddress | string {
    return this.#listener.address;
  }

  /**
   * True until `close()`.
   *
   * @example
   * ```ts
   * if (server.isServing()) server.close();
   * ```
   */
  isServing(): boolean {
    return this.#serving;
  }

  /**
   * Stops accepting connections and stops listening. Connections already accepted go on
   * until their handlers finish (see {@link Server.closeClients}). Calling it again does
   * nothing.
   *
   * **Cancellation:** it does not wait, so it works in a cancelled scope too.
   *
   * @example
   * ```ts
   * server.close();
   * yield* server.waitClosed();
   * ```
   */
  close(): void {
    if (!this.#serving) return;
    this.#serving = false;
    this.#listener.close();
    this.#wakeIfClosed();
  }

  /**
   * Closes every open connection (after its queued bytes are sent); their handlers then read
   * end-of-stream.
   *
   * @example
   * ```ts
   * server.close();
   * server.closeClients();
   * yield* server.waitClosed();
   * ```
   */
  closeClients(): void {
    for (const writer of this.#connections.keys()) writer.close();
  }

  /**
   * Closes every open connection at once, dropping what is queued (asyncio's
   * `abort_clients()`); their handlers then read end-of-stream.
   *
   * @example
   * ```ts
   * server.close();
   * server.abortClients();
   * yield* server.waitClosed();
   * ```
   */
  abortClients(): void {
    for (const writer of this.#connections.keys()) writer.transport.abort();
  }

  /**
   * Cancels every connection's handler (each connection is closed as its handler unwinds).
   *
   * @example
   * ```ts
   * server.close();
   * server.cancelClients();
   * yield* server.waitClosed();
   * ```
   */
  cancelClients(): void {
    for (const task of this.#connections.values()) task.cancel();
  }

  /**
   * Waits until the server is closed and every connection's handler has finished.
   *
   * **Cancellation:** the wait is withdrawn; the server and its connections are unaffected.
   *
   * @example
   * ```ts
   * server.close();
   * yield* server.waitClosed();
   * ```
   */
  *waitClosed(): Generator<Instruction, void, unknown> {
    if (this.#isClosed()) return;
    yield* suspend((this.#closedWait ??= _parkOn(this.#closedWaiters, "Server.waitClosed()")));
  }

  /**
   * Serves until cancelled, then closes: stops listening, cancels the connections' handlers
   * and waits for them to finish, and raises `CancelledError`.
   *
   * **Cancellation:** is how it ends (see above). If the server is closed otherwise, it
   * returns once the server is closed and its handlers finished.
   *
   * @example
   * ```ts
   * const server = yield* startServer(handler, "127.0.0.1", 8888);
   * yield* server.serveForever();
   * ```
   */
  *serveForever(): Generator<Instruction, void, unknown> {
    try {
      yield* this.waitClosed();
    } catch (error) {
      if (error instanceof CancelledError) {
        this.close();
        this.cancelClients();
        yield* shield(this.waitClosed());
      }
      throw error;
    }
  }

  /** The listener accepted a connection: its handler runs in a task of its own. */
  readonly #serve = (reader: StreamReader, writer: StreamWriter, extraInfo: Readonly<Record<string, unknown>>): void => {
    const task = this.#loop.createTask(this.#serveConnection(reader, writer), { name: `connection from ${describePeer(extraInfo)}` });
    this.#connections.set(writer, task);
    // The connection is forgotten when its task is done, whichever way: a handler cancelled
    // before its first step never runs its finally, so the connection is also closed here
    // (a no-op when the handler closed it).
    task.addDoneCallback(() => {
      this.#connections.delete(writer);
      writer.transport.abort();
      this.#wakeIfClosed();
    });
  };

  *#serveConnection(reader: StreamReader, writer: StreamWriter): Generator<Instruction, void, unknown> {
    try {
      const op = this.#handler(reader, writer);
      checkOperation("the handler of startServer()", op);
      yield* op;
    } catch (error) {
      if (error instanceof CancelledError) throw error;
      this.#loop.callExceptionHandler({ message: "a connection handler of startServer() failed; the server goes on", exception: error });
    } finally {
      writer.close();
      yield* writer.waitClosed(); // cancelled, it closes the connection at once
    }
  }

  #isClosed(): boolean {
    return !this.#serving && this.#connections.size === 0;
  }

  #wakeIfClosed(): void {
    if (this.#isClosed()) this.#closedWaiters.wakeAll(WOKEN);
  }
}

/**
 * Starts a TCP (or TLS) server on `host`:`port` that runs `handler` for each connection, in
 * its own task. It is listening when this returns; port 0 picks a free port (see
 * {@link Server.address}).
 * On a selector with sockets of its own (`NativeSelector`, the default on Linux) it listens
 * with one of them, on the first address of `host`; TLS, and every other selector, use Node's
 * `net` / `tls` servers.
 *
 * **Cancellation:** cancelled while it starts listening, the server is closed.
 *
 * @param handler - runs for each connection; the connection is closed when it finishes.
 * @param host - the address to listen on: `"127.0.0.1"` for this machine only, `"0.0.0.0"` or
 *   `"::"` for every interface.
 * @param port - the TCP port, 0 to 65535.
 * @param options - see {@link StartServerOptions}.
 * @throws Node's listen error (`EADDRINUSE` ...); `TypeError` / `RangeError` for bad arguments.
 * @example
 * ```ts
 * const server = yield* startServer(function* (reader, writer) {
 *   const line = yield* reader.readLine();
 *   writer.write(line); // echo one line, then the connection is closed
 * }, "127.0.0.1", 0);
 * ```
 */
export function* startServer(
  handler: ConnectionHandler,
  host: string,
  port: number,
  options: StartServerOptions = {},
): Generator<Instruction, Server, unknown> {
  checkHandler("startServer()", handler);
  _checkHost("startServer()", host);
  _checkPort("startServer()", port);
  _checkStreamOptions("startServer()", options, SERVER_OPTIONS);
  const loop = getRunningLoop();
  const sockets = _selectorSockets(loop, options.tls);
  if (sockets !== undefined) {
    const [address] = yield* _lookup(loop, host); // the system's preferred address, as Node's listen()
    const listening = sockets.listenTcp(address ?? host, port, options.backlog ?? DEFAULT_BACKLOG);
    return new Server(loop, new _SelectorListener(loop, listening, options.limit, undefined), handler);
  }
  const server = makeServer(options.tls);
  server.listen({ host, port, backlog: options.backlog });
  yield* _waitForEvent(server, "listening", `startServer(${host}:${port})`, () => server.close());
  return new Server(loop, new _NodeListener(loop, server, options.limit, undefined), handler);
}

/**
 * Starts a server on the Unix domain socket `path`, as {@link startServer} does for TCP. A
 * socket file already at `path` (left by a server that died) is removed first, as asyncio
 * does; any other kind of file there is an error (`EADDRINUSE`).
 *
 * **Cancellation:** as {@link startServer}.
 *
 * @param handler - runs for each connection; the connection is closed when it finishes.
 * @param path - the socket's path.
 * @param options - see {@link StartServerOptions}.
 * @throws Node's listen error (`EADDRINUSE` when a file that is not a socket is there ...).
 * @example
 * ```ts
 * const server = yield* startUnixServer(handler, "/tmp/app.sock");
 * ```
 */
export function* startUnixServer(
  handler: ConnectionHandler,
  path: string,
  options: StartServerOptions = {},
): Generator<Instruction, Server, unknown> {
  checkHandler("startUnixServer()", handler);
  _checkPath("startUnixServer()", path);
  _checkStreamOptions("startUnixServer()", options, SERVER_OPTIONS);
  const loop = getRunningLoop();
  removeStaleSocket(path);
  const sockets = _selectorSockets(loop, options.tls);
  if (sockets !== undefined) {
    const listening = sockets.listenUnix(path, options.backlog ?? DEFAULT_BACKLOG);
    return new Server(loop, new _SelectorListener(loop, listening, options.limit, path), handler);
  }
  const server = makeServer(options.tls);
  server.listen({ path, backlog: options.backlog });
  yield* _waitForEvent(server, "listening", `startUnixServer(${path})`, () => server.close());
  return new Server(loop, new _NodeListener(loop, server, options.limit, path), handler);
}

function makeServer(tlsOptions: TlsServerOptions | undefined): net.Server {
  return tlsOptions === undefined
    ? net.createServer({ allowHalfOpen: true })
    : tls.createServer({ ...(tlsOptions as tls.TlsOptions), allowHalfOpen: false });
}

function checkHandler(where: string, handler: unknown): void {
  if (typeof handler !== "function") {
    throw new TypeError(`${where} needs a handler: a generator function (reader, writer) => Operation<void>; received ${typeof handler}`);
  }
}

function removeStaleSocket(path: string): void {
  try {
    if (lstatSync(path).isSocket()) rmSync(path);
  } catch (error) {
    if ((error as { code?: unknown }).code !== "ENOENT") throw error;
  }
}

function describePeer(extraInfo: Readonly<Record<string, unknown>>): string {
  const peer = extraInfo["peername"] as { address?: string; port?: number } | string | undefined;
  if (typeof peer === "object") return `${peer.address ?? "?"}:${String(peer.port)}`;
  return peer ?? "a Unix socket";
}
