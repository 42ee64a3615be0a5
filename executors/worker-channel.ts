/**
 * A pool's view of one worker, whatever it is (a thread or a child process): send, listen,
 * hold the process open or not, kill.
 *
 * @module
 */

import type { _FromWorker, _ToWorker } from "./protocol.js";

/** @internal How a pool drives one worker. */
export interface _WorkerChannel {
  /** `thread 3` or `process 12345`, for messages. */
  readonly name: string;
  /** Posts a message; `transfer` moves those objects (threads; ignored by processes). */
  send(message: _ToWorker, transfer: readonly object[]): void;
  /** Messages from the worker. */
  onMessage(listener: (message: _FromWorker) => void): void;
  /** Called once, when the worker has ended: its exit code or signal, and the uncaught error that ended it if known. */
  onExit(listener: (exitCode: number | null, signal: string | null, error: unknown) => void): void;
  /** While a job runs, the worker keeps the process alive; idle, it does not. */
  ref(): void;
  unref(): void;
  /** Ends the worker now (a thread is terminated, a process killed). */
  kill(): void;
}

/** @internal What both kinds of worker are started with. */
export interface _SpawnOptions {
  readonly env: Readonly<Record<string, string | undefined>> | undefined;
  /** The Node options given to the pool, or undefined to inherit the parent's. */
  readonly execArgv: readonly string[] | undefined;
}

/**
 * @internal The worker program's URL: the compiled `.js` beside this file, or the `.ts` source
 * when yieldio itself runs from source (its tests, through tsx).
 */
export function _workerMainUrl(): URL {
  return new URL(import.meta.url.endsWith(".ts") ? "./worker-main.ts" : "./worker-main.js", import.meta.url);
}

/**
 * @internal The parent's `execArgv` for a worker: inherited (so `--import tsx` reaches `.ts`
 * work modules), without `--inspect` and its kin, whose port a second process cannot take.
 */
export function _inheritedExecArgv(parent: readonly string[]): string[] {
  const out: string[] = [];
  for (let index = 0; index < parent.length; index++) {
    const arg = parent[index] ?? "";
    if (/^--(inspect|inspect-brk|inspect-port|inspect-wait|debug-port)(=|$)/.test(arg)) {
      // `--inspect-port 9230` carries its value in the next argument.
      if (!arg.includes("=") && /^--(inspect-port|debug-port)$/.test(arg)) index++;
      continue;
    }
    out.push(arg);
  }
  return out;
}
