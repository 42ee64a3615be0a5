/**
 * Loads the native selector's addon (`native/`, built by `npm run build` with node-gyp and
 * prebuildify, shipped in the package as a prebuilt binary for linux-x64) with node-gyp-build,
 * or says why it cannot be had: not Linux, no binary for this machine, or no node-gyp-build.
 *
 * @module
 */

import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

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

/**
 * Where `native/` is, from this file in `selectors/` (tsx) or `dist/selectors/` (tsc, and the
 * installed package). node-gyp-build looks there for `build/Release/` (a local node-gyp build)
 * and `prebuilds/<platform>-<arch>/` (what `npm run build` makes with prebuildify, and what the
 * package ships).
 */
const NATIVE_DIRS = ["../native", "../../native"];

let loaded: { readonly binding: _NativeBinding } | { readonly error: Error } | undefined;

/** @internal The addon, or the error that says why it is not available (cached after the first call). */
export function _loadNativeBinding(): { readonly binding: _NativeBinding } | { readonly error: Error } {
  loaded ??= load();
  return loaded;
}

function load(): { readonly binding: _NativeBinding } | { readonly error: Error } {
  if (process.platform !== "linux") return { error: new Error(`NativeSelector needs Linux (epoll): this is ${process.platform}`) };
  const require = createRequire(import.meta.url);
  let nodeGypBuild: (dir: string) => unknown;
  try {
    nodeGypBuild = require("node-gyp-build") as (dir: string) => unknown;
  } catch {
    return { error: new Error("NativeSelector's loader, node-gyp-build (an optional dependency of yieldio), is not installed") };
  }
  const failures: string[] = [];
  for (const relative of NATIVE_DIRS) {
    const dir = fileURLToPath(new URL(relative, import.meta.url));
    if (!existsSync(dir)) continue;
    try {
      return { binding: nodeGypBuild(dir) as _NativeBinding };
    } catch (error) {
      failures.push((error as Error).message.split("\n")[0] ?? "");
    }
  }
  const why = failures.length === 0 ? "there is no native/ folder next to yieldio" : failures.join("; ");
  return { error: new Error(`NativeSelector's addon has no binary for this machine (in a checkout, npm run build makes one): ${why}`) };
}
