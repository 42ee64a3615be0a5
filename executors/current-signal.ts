/**
 * `currentSignal()`: the AbortSignal of the job running in this worker. The runner keeps the
 * job's context in an AsyncLocalStorage, so the signal is the right one after `await`s and in
 * the job's own timers; the storage sits on `globalThis` under a shared symbol, so that a work
 * module and the runner agree however each imported yieldio.
 *
 * @module
 */

import type { AbortSignalLike, HostAbortSignal } from "../lib/core/abort-signal-like.js";

export type { AbortSignalLike } from "../lib/core/abort-signal-like.js";

/**
 * The AbortSignal type where the program has one in scope (Node's types, or the DOM's), else
 * the part of it that {@link currentSignal} users need. yieldio's public types do not need
 * `@types/node`.
 *
 * @example
 * ```ts
 * const signal: JobSignal = currentSignal(); // an AbortSignal, with @types/node
 * ```
 */
export type JobSignal = HostAbortSignal;

/** @internal Where the runner keeps the running job's context, shared through globalThis. */
export const _JOB_CONTEXT: unique symbol = Symbol.for("yieldio.executors.jobContext");

/** @internal What the runner stores per job. */
export interface _JobContext {
  readonly signal: AbortSignalLike;
  readonly id: number;
  readonly description: string;
}

/** @internal The storage, as the runner installs it. */
export interface _JobStorage {
  getStore(): _JobContext | undefined;
}

/**
 * The AbortSignal of the job that is running, for a work function to read: it is aborted when
 * the job's caller is cancelled (with the default `cancel: "signal"`). Pass it on to what
 * accepts one (`fetch`, `stream.pipeline`, `setTimeout` of `timers/promises`), or check
 * `signal.aborted` between steps of a long computation.
 *
 * **Cancellation:** aborting is a request: a function that never looks at the signal runs to
 * its end, and its result is dropped. Use `cancel: "terminate"` for code that cannot look.
 *
 * @throws Error when called outside a job (on the loop's thread, or in a worker between jobs).
 * @example
 * ```ts
 * // work.ts, run in a pool
 * import { currentSignal } from "yieldio/executors";
 * export async function crawl(urls: string[]): Promise<number> {
 *   const signal = currentSignal();
 *   let bytes = 0;
 *   for (const url of urls) bytes += (await (await fetch(url, { signal })).arrayBuffer()).byteLength;
 *   return bytes;
 * }
 * ```
 */
export function currentSignal(): JobSignal {
  const storage = (globalThis as { [_JOB_CONTEXT]?: _JobStorage })[_JOB_CONTEXT];
  const context = storage?.getStore();
  if (context === undefined) {
    throw new Error("currentSignal() was called outside a job: call it from a work function that an executor runs");
  }
  return context.signal as JobSignal;
}
