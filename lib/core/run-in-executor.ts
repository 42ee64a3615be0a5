/**
 * `runInExecutor()` and `toThread()`: offload a function to an executor from a coroutine
 * (asyncio's `loop.run_in_executor` and `asyncio.to_thread`).
 *
 * @module
 */

import type { CloneableArgs, Executor, WorkRef } from "../../executors/executor.js";
import type { Instruction } from "./instruction.js";
import type { Operation } from "./operation.js";
import { getRunningLoop } from "./running.js";

/**
 * Runs the work function `fn` with `args` on `executor` and returns its result; `null` means
 * the running loop's default executor (a `ThreadPoolExecutor` created on first use, unless
 * `run(main, { executor })` or `loop.setDefaultExecutor()` chose another). Arguments and
 * result cross by structured clone: an argument that cannot (a function, a symbol, a Promise)
 * is a type error. An executor whose queue is full (`maxQueue`) is waited on until it has room.
 *
 * **Cancellation:** a job still queued is removed and never runs; a running job sees its
 * AbortSignal aborted inside the worker (`currentSignal()`), or with an executor submitted to
 * with `{ cancel: "terminate" }` its worker is killed and replaced. The task resumes at once; a
 * result that arrives later is dropped.
 *
 * @throws `BrokenExecutorError` after the executor's shutdown; `TypeError` for a reference that
 *   is not one (a plain function cannot be sent to another thread).
 * @example
 * ```ts
 * const work = workerModule<typeof import("./work.js")>(new URL("./work.js", import.meta.url));
 * const pool = new ProcessPoolExecutor({ maxWorkers: 2 });
 * const digest = yield* runInExecutor(pool, work.task("hash"), data);
 * ```
 */
export function runInExecutor<A extends readonly unknown[], R, Given extends A = A>(
  executor: Executor | null,
  fn: WorkRef<A, R>,
  ...args: Given & CloneableArgs<Given>
): Operation<R> {
  return new Offload(executor, fn as WorkRef<readonly unknown[], R>, args);
}

/**
 * Runs the work function `fn` with `args` on the running loop's default executor, a pool of
 * worker threads unless `run(main, { executor })` or `loop.setDefaultExecutor()` chose another,
 * and returns its result (asyncio's `to_thread`): `runInExecutor(null, fn, ...args)`.
 *
 * **Cancellation:** as for {@link runInExecutor}: queued, it never runs; running, its
 * AbortSignal is aborted; the task resumes at once.
 *
 * @example
 * ```ts
 * const work = workerModule<typeof import("./work.js")>(new URL("./work.js", import.meta.url));
 * const digest = yield* toThread(work.task("hash"), data);
 * ```
 */
export function toThread<A extends readonly unknown[], R, Given extends A = A>(
  fn: WorkRef<A, R>,
  ...args: Given & CloneableArgs<Given>
): Operation<R> {
  return new Offload(null, fn as WorkRef<readonly unknown[], R>, args);
}

/**
 * The operation of `runInExecutor()` and `toThread()`: each run submits the job to the running
 * loop's executor then, and waits on the job's Future itself (no generator per job).
 */
class Offload<R> implements Operation<R> {
  readonly #executor: Executor | null;
  readonly #fn: WorkRef<readonly unknown[], R>;
  readonly #args: readonly unknown[];

  constructor(executor: Executor | null, fn: WorkRef<readonly unknown[], R>, args: readonly unknown[]) {
    this.#executor = executor;
    this.#fn = fn;
    this.#args = args;
  }

  [Symbol.iterator](): Iterator<Instruction, R, unknown> {
    return getRunningLoop()._runInExecutor(this.#executor, this.#fn, this.#args)[Symbol.iterator]();
  }
}
