/**
 * Connecting and listening with the selector's own sockets (`Selector.sockets`: the native
 * selector's `NativeSocket`), for `openConnection` and `startServer` on a loop whose selector
 * has them. Names are resolved here (Node's `dns.lookup`, as `net.connect` does); the selector
 * only takes numeric addresses.
 *
 * @module
 */

import dns from "node:dns";
import net from "node:net";
import type { SelectorSocket, SelectorSockets } from "../../selectors/selector.js";
import type { EventLoop } from "../core/event-loop.js";
import type { Instruction } from "../core/instruction.js";

/** @internal The selector's sockets, when the loop's selector has them and the connection is not TLS. */
export function _selectorSockets(loop: EventLoop, tls: unknown): SelectorSockets | undefined {
  return tls === undefined || tls === false ? loop.selector.sockets : undefined;
}

/**
 * @internal The addresses of `host`, in the order the system prefers them (a numeric address
 * is its own). **Cancellation:** the lookup's late answer is dropped.
 */
export function* _lookup(loop: EventLoop, host: string): Generator<Instruction, string[], unknown> {
  if (net.isIP(host) !== 0) return [host];
  const future = loop.createFuture<string[]>();
  dns.lookup(host, { all: true }, (error, addresses) => {
    if (future.done()) return;
    if (error === null) future.setResult(addresses.map((entry) => entry.address));
    else future.setException(error);
  });
  return yield* future;
}

/**
 * @internal A socket connected to `host`:`port`: each address of the host in turn, until one
 * accepts. One address that fails gives its error; several give an `AggregateError` of each
 * (with the first one's `code`), as Node's `net.connect` does.
 *
 * **Cancellation:** the socket being connected is closed.
 */
export function* _connectTcp(
  loop: EventLoop,
  sockets: SelectorSockets,
  host: string,
  port: number,
): Generator<Instruction, SelectorSocket, unknown> {
  return yield* _connectToAny(loop, sockets, yield* _lookup(loop, host), port, host);
}

/** @internal {@link _connectTcp} to `addresses` (numeric) of `host`, in turn. */
export function* _connectToAny(
  loop: EventLoop,
  sockets: SelectorSockets,
  addresses: readonly string[],
  port: number,
  host: string,
): Generator<Instruction, SelectorSocket, unknown> {
  const errors: Error[] = [];
  for (const address of addresses) {
    try {
      return yield* connected(loop, () => sockets.connectTcp(address, port));
    } catch (error) {
      if (!isConnectError(error)) throw error;
      errors.push(error);
    }
  }
  if (errors.length === 1) throw errors[0] as Error;
  const each = errors.map((error, index) => `${addresses[index] ?? "?"}: ${error.message}`).join("; ");
  throw Object.assign(new AggregateError(errors, `connect to ${host}:${port} failed on every address (${each})`), {
    code: (errors[0] as { code?: unknown } | undefined)?.code,
  });
}

/** @internal A socket connected to the Unix socket at `path`. **Cancellation:** as {@link _connectTcp}. */
export function* _connectUnix(loop: EventLoop, sockets: SelectorSockets, path: string): Generator<Instruction, SelectorSocket, unknown> {
  return yield* connected(loop, () => sockets.connectUnix(path));
}

/** A non-blocking connect is done when the socket is writable; then the socket says how it went. */
function* connected(loop: EventLoop, connect: () => SelectorSocket): Generator<Instruction, SelectorSocket, unknown> {
  const socket = connect();
  try {
    const writable = loop.createFuture<void>();
    loop.addWriter(socket, () => {
      if (!writable.done()) writable.setResult(undefined);
    });
    try {
      yield* writable;
    } finally {
      loop.removeWriter(socket); // false when addWriter() itself failed: nothing to remove
    }
    const error = socket.connectError();
    if (error !== undefined) throw error;
    return socket;
  } catch (error) {
    socket.close(); // cancelled, refused, or the loop refused to watch it
    throw error;
  }
}

/** A system error of the connect itself (`ECONNREFUSED` ...), as opposed to a cancellation or a bug. */
function isConnectError(error: unknown): error is Error {
  return error instanceof Error && typeof (error as { code?: unknown }).code === "string";
}

/**
 * @internal What `writer.getExtraInfo()` answers for a selector's TCP socket: `peername`,
 * `sockname` (`{ address, family, port }`) and `socket`, as for a Node socket. An address the
 * system no longer knows (a peer that reset before it was accepted: `ENOTCONN`) is left out, as
 * asyncio does; the handler then reads the reset.
 */
export function _selectorSocketExtraInfo(socket: SelectorSocket): Readonly<Record<string, unknown>> {
  const info: Record<string, unknown> = { socket };
  const peername = addressOrUndefined(() => socket.peerAddress());
  if (peername !== undefined) info["peername"] = peername;
  const sockname = addressOrUndefined(() => socket.localAddress());
  if (sockname !== undefined) info["sockname"] = sockname;
  return info;
}

function addressOrUndefined(address: () => unknown): unknown {
  try {
    return address();
  } catch {
    return undefined;
  }
}
