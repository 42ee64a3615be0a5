/**
 * Workers as threads (`node:worker_threads`), for `ThreadPoolExecutor`.
 *
 * @module
 */

import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { ResourceLimits, Transferable } from "node:worker_threads";
import type { _FromWorker } from "./protocol.js";
import type { _SpawnOptions, _WorkerChannel } from "./worker-channel.js";
import { _workerMainUrl } from "./worker-channel.js";

/** @internal Starts a worker thread running the worker program. */
export function _spawnThread(options: _SpawnOptions, resourceLimits: ResourceLimits | undefined): _WorkerChannel {
  // Given no execArgv, Node itself passes the parent's on, keeping only what a thread can take
  // (a thread refuses --expose-gc or --max-old-space-size, which the parent may have).
  const { preloads, execArgv } = _splitPreloads(options.execArgv ?? process.execArgv);
  // Node 20 does not apply `--import` to a worker thread's own modules: import those modules
  // first, from a small bootstrap, so `--import tsx` reaches `.ts` work modules as in the parent.
  const bootstrap = `(async () => {
  for (const [url, register] of ${JSON.stringify(preloads.map((p) => [p.url, p.register]))}) {
    const module = await import(url);
    if (register) module.register();
  }
  await import(${JSON.stringify(_workerMainUrl().href)});
})().catch((error) => { setImmediate(() => { throw error; }); });`;
  const worker = new Worker(bootstrap, {
    eval: true,
    ...(options.execArgv === undefined ? {} : { execArgv }),
    ...(options.env === undefined ? {} : { env: { ...options.env } }),
    ...(resourceLimits === undefined ? {} : { resourceLimits }),
  });
  let uncaught: unknown;
  worker.on("error", (error) => {
    uncaught = error; // followed by "exit"
  });
  return {
    name: `thread ${worker.threadId}`,
    send: (message, transfer) => {
      worker.postMessage(message, transfer as Transferable[]);
    },
    onMessage: (listener) => worker.on("message", (message: _FromWorker) => listener(message)),
    onExit: (listener) => worker.once("exit", (code) => listener(code, null, uncaught)),
    ref: () => worker.ref(),
    unref: () => worker.unref(),
    kill: () => void worker.terminate(),
  };
}

/**
 * @internal Separates `--import <module>` (and `--import=<module>`) from the other options: the
 * modules' URLs, resolved as Node resolves them for the main thread (a bare name as a package,
 * a path from the current directory).
 */
export function _splitPreloads(argv: readonly string[]): { preloads: Preload[]; execArgv: string[] } {
  const preloads: Preload[] = [];
  const execArgv: string[] = [];
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index] ?? "";
    let specifier: string | undefined;
    if (arg === "--import") specifier = argv[++index];
    else if (arg.startsWith("--import=")) specifier = arg.slice("--import=".length);
    else {
      execArgv.push(arg);
      continue;
    }
    if (specifier !== undefined) preloads.push(preloadUrl(specifier));
  }
  return { preloads, execArgv };
}

/** @internal A module a worker thread imports before the worker program. */
export interface Preload {
  readonly url: string;
  /** Call the module's `register()` (tsx's API) after importing it. */
  readonly register: boolean;
}

function preloadUrl(specifier: string): Preload {
  // tsx registers its hooks on the main thread only (which Node 20 does not pass on to
  // workers); its API registers them in whatever thread calls it.
  if (specifier === "tsx" || specifier === "tsx/esm") return { url: import.meta.resolve("tsx/esm/api"), register: true };
  if (/^[a-z][a-z0-9+.-]*:/i.test(specifier)) {
    // The `tsx` command passes its loader by URL.
    if (/\/tsx\/dist\/loader\.mjs$/.test(specifier)) return { url: new URL("./esm/api/index.mjs", specifier).href, register: true };
    return { url: specifier, register: false }; // already a URL
  }
  if (specifier.startsWith(".") || isAbsolute(specifier)) return { url: pathToFileURL(resolve(specifier)).href, register: false };
  return { url: import.meta.resolve(specifier), register: false };
}
