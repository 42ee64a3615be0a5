/**
 * `NativeSocket`: a non-blocking socket created by the native addon, moved with raw `recv`
 * and `send`, for `NativeSelector`. No Node stream is involved: readiness comes from epoll,
 * bytes go straight between the kernel and the caller's buffers.
 *
 * @module
 */

import os from "node:os";
import { InvalidStateError } from "../lib/core/errors.js";
import { describeValue } from "./base-selector.js";
import { _loadNativeBinding } from "./native-binding.js";
import type { _NativeBinding } from "./native-binding.js";

/**
 * Where a native socket is bound or connected (the shape of Node's `AddressInfo`).
 *
 * @example
 * ```ts
 * const { port } = server.localAddress() as NativeSocketAddress;
 * ```
 */
export interface NativeSocketAddress {
  /** The IP address. */
  readonly address: string;
  /** `"IPv4"` or `"IPv6"`. */
  readonly family: string;
  /** The port. */
  readonly port: number;
}

/**
 * A failed system call, as Node reports them: `code` (`"ECONNREFUSED"` ...), `errno` (the
 * negative error number) and `syscall`.
 *
 * @example
 * ```ts
 * if ((error as SystemError).code === "EADDRINUSE") console.log("port taken");
 * ```
 */
export interface SystemError extends Error {
  /** The error's name (`"ECONNRESET"` ...). */
  code: string;
  /** Minus the error number. */
  errno: number;
  /** The call that failed. */
  syscall: string;
}

const EAGAIN = os.constants.errno.EAGAIN;
const ERRNO_NAMES = new Map(Object.entries(os.constants.errno).map(([name, value]) => [value, name]));

/** @internal A Node-style system error (`code`, `errno`, `syscall`) for `-errno` from the addon. */
export function _systemError(result: number, syscall: string): SystemError {
  const code = ERRNO_NAMES.get(-result) ?? `E${-result}`;
  return Object.assign(new Error(`${syscall} ${code}`), { code, errno: result, syscall });
}

function binding(): _NativeBinding {
  const loaded = _loadNativeBinding();
  if ("error" in loaded) throw loaded.error;
  return loaded.binding;
}

/**
 * A non-blocking TCP or Unix socket of the native selector. Register it with a loop whose
 * selector is a `NativeSelector` (`loop.addReader(socket, ...)`); unregister it before
 * `close()`.
 *
 * @example
 * ```ts
 * const server = NativeSocket.listenTcp("127.0.0.1", 0);
 * loop.addReader(server, () => {
 *   for (let client = server.accept(); client !== null; client = server.accept()) serve(client);
 * });
 * ```
 */
export class NativeSocket {
  /** The file descriptor. */
  readonly fd: number;
  readonly #binding: _NativeBinding;
  #closed = false;
  /** @internal How many selectors watch this socket (close() refuses while any does). */
  _registrations = 0;

  private constructor(native: _NativeBinding, fd: number) {
    this.#binding = native;
    this.fd = fd;
  }

  /**
   * A TCP socket listening on `host`:`port` (a numeric address; port 0 picks a free port).
   *
   * @throws `TypeError` / `RangeError` for a host that is not a string, a port outside 0 to 65535
   *   or a bad backlog; Node-style system errors (`EADDRINUSE`, `EINVAL` for a host name: resolve
   *   it first); an `Error` when the addon is not available.
   */
  static listenTcp(host: string, port: number, backlog = 511): NativeSocket {
    checkTcpAddress("NativeSocket.listenTcp()", host, port);
    checkBacklog("NativeSocket.listenTcp()", backlog);
    const native = binding();
    return NativeSocket.#wrap(native, native.tcpListen(host, port, backlog), "listen");
  }

  /**
   * A TCP socket connecting to `host`:`port` (a numeric address). The connection completes
   * when the socket becomes writable; then {@link NativeSocket.connectError} says whether it
   * succeeded.
   *
   * @throws Node-style system errors for a connection refused at once.
   */
  static connectTcp(host: string, port: number): NativeSocket {
    checkTcpAddress("NativeSocket.connectTcp()", host, port);
    const native = binding();
    return NativeSocket.#wrap(native, native.tcpConnect(host, port), "connect");
  }

  /** A Unix socket listening at `path`. */
  static listenUnix(path: string, backlog = 511): NativeSocket {
    checkPath("NativeSocket.listenUnix()", path);
    checkBacklog("NativeSocket.listenUnix()", backlog);
    const native = binding();
    return NativeSocket.#wrap(native, native.unixListen(path, backlog), "listen");
  }

  /** A Unix socket connecting to `path` (completes as {@link NativeSocket.connectTcp}). */
  static connectUnix(path: string): NativeSocket {
    checkPath("NativeSocket.connectUnix()", path);
    const native = binding();
    return NativeSocket.#wrap(native, native.unixConnect(path), "connect");
  }

  static #wrap(native: _NativeBinding, result: number, syscall: string): NativeSocket {
    if (result < 0) throw _systemError(result, syscall);
    return new NativeSocket(native, result);
  }

  /** True once closed. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Takes a waiting connection of a listening socket, or null when none waits.
   *
   * @throws Node-style system errors (`EMFILE` ...).
   */
  accept(): NativeSocket | null {
    const result = this.#binding.accept(this.#open());
    if (result === -EAGAIN) return null;
    if (result < 0) throw _systemError(result, "accept");
    return new NativeSocket(this.#binding, result);
  }

  /** Once a connecting socket is writable: the error that ended the connect, or undefined. */
  connectError(): SystemError | undefined {
    const result = this.#binding.soError(this.#open());
    if (result === 0) return undefined;
    return _systemError(result < 0 ? result : -result, "connect");
  }

  /**
   * Reads into `bytes[offset .. offset + length)`: the number of bytes read, 0 at the end of
   * the stream, or -1 when none is there yet (readiness can be false: `EAGAIN`).
   *
   * @throws Node-style system errors (`ECONNRESET` ...).
   */
  recv(bytes: Uint8Array, offset = 0, length = bytes.length - offset): number {
    const result = this.#binding.recv(this.#open(), bytes, offset, length);
    if (result >= 0) return result;
    if (result === -EAGAIN) return -1;
    throw _systemError(result, "read");
  }

  /**
   * Sends what the kernel takes of `bytes[offset .. offset + length)`: the number of bytes sent,
   * 0 when its buffer is full.
   *
   * @throws Node-style system errors (`EPIPE`, `ECONNRESET` ...).
   */
  send(bytes: Uint8Array, offset = 0, length = bytes.length - offset): number {
    const result = this.#binding.send(this.#open(), bytes, offset, length);
    if (result >= 0) return result;
    if (result === -EAGAIN) return 0;
    throw _systemError(result, "write");
  }

  /** Sends end-of-stream (half-close); reading goes on. */
  shutdownWrite(): void {
    const result = this.#binding.shutdownWrite(this.#open());
    if (result < 0) throw _systemError(result, "shutdown");
  }

  /** Where the socket is bound: `{ address, family, port }`, or the path of a Unix socket. */
  localAddress(): NativeSocketAddress | string {
    return this.#address(this.#binding.localAddress(this.#open()), "getsockname");
  }

  /** Where the socket is connected to: `{ address, family, port }`, or the path of a Unix socket. */
  peerAddress(): NativeSocketAddress | string {
    return this.#address(this.#binding.peerAddress(this.#open()), "getpeername");
  }

  /**
   * Closes the socket. Calling it again does nothing.
   *
   * @throws `InvalidStateError` while a selector still watches it: unregister it first
   *   (`loop.removeReader()`), or the descriptor's number, reused by the next socket, would
   *   still be watched.
   */
  close(): void {
    if (this.#closed) return;
    if (this._registrations > 0) {
      throw new InvalidStateError(
        `close() was called on socket ${this.fd} while a selector watches it: removeReader()/removeWriter() it first`,
      );
    }
    this.#closed = true;
    this.#binding.close(this.fd);
  }

  #open(): number {
    if (this.#closed) throw new InvalidStateError(`socket ${this.fd} is closed`);
    return this.fd;
  }

  #address(result: [string, number, string] | string | number, syscall: string): NativeSocketAddress | string {
    if (typeof result === "number") throw _systemError(result, syscall);
    if (typeof result === "string") return result;
    const [address, port, family] = result;
    return { address, family, port };
  }
}

// The addon takes these as C ints and strings: checked here, so that a port of 70000 is a
// RangeError and not port 4464 (70000 mod 65536).
function checkTcpAddress(where: string, host: unknown, port: unknown): void {
  if (typeof host !== "string") throw new TypeError(`${where} needs a numeric IP address (a string): received ${describeValue(host)}`);
  if (typeof port !== "number") throw new TypeError(`${where} needs a port number: received ${describeValue(port)}`);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`${where} needs a port from 0 to 65535: received ${port}`);
}

function checkPath(where: string, path: unknown): void {
  if (typeof path !== "string") throw new TypeError(`${where} needs a socket path (a string): received ${describeValue(path)}`);
}

function checkBacklog(where: string, backlog: unknown): void {
  if (typeof backlog !== "number" || !Number.isInteger(backlog) || backlog <= 0) {
    throw new RangeError(`${where} needs backlog as a whole number > 0: received ${describeValue(backlog)}`);
  }
}
