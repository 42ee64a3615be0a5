/**
 * The Executor interface: how blocking or CPU-bound work leaves the loop's thread.
 *
 * JavaScript cannot send a closure to another thread, so work is named by **module URL and
 * export name** ({@link WorkRef}), with the argument and result types carried along for the
 * compiler. The kernel knows executors only through this file.
 *
 * @module
 */

import type { Future } from "../lib/core/future.js";

/**
 * A typed reference to a function exported by a module: what an executor runs.
 *
 * @typeParam A - the argument tuple.
 * @typeParam R - the result (the awaited result, when the function is async).
 * @example
 * ```ts
 * const hash: WorkRef<[data: Uint8Array], string> = { moduleUrl: new URL("./work.js", import.meta.url).href, exportName: "hash" };
 * ```
 */
export interface WorkRef<A extends readonly unknown[], R> {
  /** The module's URL (`file:` or anything `import()` accepts). */
  readonly moduleUrl: string;
  /** The name of the exported function. */
  readonly exportName: string;
  /** Phantom: carries the types, never set at run time. */
  readonly __signature?: (...args: A) => R;
}

/**
 * Options of {@link Executor.submit}.
 *
 * @example
 * ```ts
 * executor.submit(hash, [data], { cancel: "terminate" });
 * ```
 */
export interface SubmitOptions {
  /**
   * What cancelling a running job does: `"signal"` aborts its AbortSignal inside the worker
   * (the default); `"terminate"` kills its worker and starts a new one.
   */
  readonly cancel?: "signal" | "terminate";
  /**
   * Objects to transfer (not copy) to the worker with the arguments: what
   * `node:worker_threads` accepts in a transfer list (`ArrayBuffer`, `MessagePort`, ...).
   * Typed as `object` so that the public types do not need `@types/node`; a pool passes the
   * list on to `postMessage`, which rejects anything it cannot transfer.
   */
  readonly transfer?: readonly object[];
}

/**
 * Options of {@link Executor.shutdown}.
 *
 * @example
 * ```ts
 * yield* executor.shutdown({ wait: false, cancelFutures: true });
 * ```
 */
export interface ShutdownOptions {
  /** Wait for running jobs to finish (default true); otherwise they are stopped. */
  readonly wait?: boolean;
  /** Cancel the jobs still queued (default false: they run first). */
  readonly cancelFutures?: boolean;
}

/**
 * Runs named functions away from the loop's thread and reports each result as a Future on
 * the loop that submitted it.
 *
 * Contract: `submit` returns at once with a pending Future; cancelling that Future before the
 * job starts removes it from the queue (it never runs), and while it runs tells the job
 * (`cancel: "signal"`) or kills its worker (`"terminate"`). `submit` after `shutdown` throws
 * `BrokenExecutorError`. `shutdown` is idempotent and returns a Future that is done once the
 * executor holds no threads or processes. An executor with a bounded queue throws `QueueFull`
 * from `submit` when it is full, and offers `room()`, which `runInExecutor()` waits on.
 *
 * @example
 * ```ts
 * const future = executor.submit(hash, [data]);
 * const digest = yield* future;
 * yield* executor.shutdown();
 * ```
 */
export interface Executor {
  /** Queues a job; its Future settles with the function's result or error. */
  submit<A extends readonly unknown[], R>(fn: WorkRef<A, R>, args: A, options?: SubmitOptions): Future<R>;
  /** Stops accepting jobs and releases the workers. */
  shutdown(options?: ShutdownOptions): Future<void>;
  /**
   * Optional, for executors with a bounded queue: a Future done once `submit` would accept a
   * job. Cancelling it withdraws the wait.
   */
  room?(): Future<void>;
}

export type { Cloneable, CloneableArgs, IsCloneable, NotCloneable } from "./cloneable.js";
