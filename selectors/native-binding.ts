/**
 * Loads the native selector's addon (`native/`, built by `npm run build` with node-gyp), or
 * says why it cannot be had: not Linux, or no binary built for this Node.
 *
 * @module
 */

import { createRequire } from "node:module";

/** @internal The addon's functions (native/src/native_selector.c): results are numbers, -errno on failure. */
export interface _NativeBinding {
  epollCreate(): number;
  epollCtl(epfd: number, op: number, fd: number, events: number): number;
  epollWait(epfd: number, out: Int32Array, timeoutMs: number): number;
  tcpListen(host: string, port: number, backlog: number): number;
  tcpConnect(host: string, port: number): number;
  unixListen(path: string, backlog: number): number;
  unixConnect(path: string): number;
  accept(fd: number): number;
  soError(fd: number): number;
  recv(fd: number, bytes: Uint8Array, offset: number, length: number): number;
  send(fd: number, bytes: Uint8Array, offset: number, length: number): number;
  shutdownWrite(fd: number): number;
  close(fd: number): number;
  localAddress(fd: number): [string, number, string] | string | number;
  peerAddress(fd: number): [string, number, string] | string | number;
  watcherCreate(epfd: number, callback: () => void): object;
  watcherStart(watcher: object): number;
  watcherStop(watcher: object): number;
  watcherClose(watcher: object): number;
}

/** Where the built addon is, from this file in `selectors/` (tsx) or `dist/selectors/` (tsc). */
const CANDIDATES = ["../native/build/Release/native_selector.node", "../../native/build/Release/native_selector.node"];

let loaded: { readonly binding: _NativeBinding } | { readonly error: Error } | undefined;

/** @internal The addon, or the error that says why it is not available (cached after the first call). */
export function _loadNativeBinding(): { readonly binding: _NativeBinding } | { readonly error: Error } {
  loaded ??= load();
  return loaded;
}

function load(): { readonly binding: _NativeBinding } | { readonly error: Error } {
  if (process.platform !== "linux") return { error: new Error(`NativeSelector needs Linux (epoll): this is ${process.platform}`) };
  const require = createRequire(import.meta.url);
  const failures: string[] = [];
  for (const candidate of CANDIDATES) {
    try {
      return { binding: require(candidate) as _NativeBinding };
    } catch (error) {
      failures.push(`${candidate}: ${(error as Error).message.split("\n")[0] ?? ""}`);
    }
  }
  return { error: new Error(`NativeSelector's addon is not built (run npm run build in a checkout): ${failures.join("; ")}`) };
}
