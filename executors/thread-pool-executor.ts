/**
 * `ThreadPoolExecutor`: a pool of worker threads (`node:worker_threads`).
 *
 * @module
 */

import type { ResourceLimits } from "node:worker_threads";
import type { PoolOptions } from "./pool-options.js";
import { _spawnThread } from "./thread-channel.js";
import type { _WorkerChannel } from "./worker-channel.js";
import { WorkerPoolExecutor } from "./worker-pool.js";

/**
 * Limits of a worker thread's JavaScript heap and stack (Node's `resourceLimits`). A worker
 * that goes beyond them ends, and its job fails with `WorkerExitedError`.
 *
 * @example
 * ```ts
 * const pool = new ThreadPoolExecutor({ resourceLimits: { maxOldGenerationSizeMb: 64 } });
 * ```
 */
export interface WorkerResourceLimits {
  /** The main heap's size, in MB. */
  readonly maxOldGenerationSizeMb?: number;
  /** The heap space for recently created objects, in MB. */
  readonly maxYoungGenerationSizeMb?: number;
  /** The memory for generated code, in MB. */
  readonly codeRangeSizeMb?: number;
  /** The thread's stack size, in MB. */
  readonly stackSizeMb?: number;
}

/**
 * Options of {@link ThreadPoolExecutor}: those of {@link PoolOptions}, and memory limits.
 *
 * @example
 * ```ts
 * const options: ThreadPoolOptions = { maxWorkers: 2, resourceLimits: { maxOldGenerationSizeMb: 128 } };
 * ```
 */
export interface ThreadPoolOptions extends PoolOptions {
  /** Limits of each worker's heap and stack. */
  readonly resourceLimits?: WorkerResourceLimits;
}

/**
 * Runs jobs on worker threads: the pool to use for CPU-bound JavaScript (parsing, compression,
 * image work) and for blocking calls, with the loop's thread kept free. Each worker runs one job
 * at a time; the work is a {@link WorkRef} to a module's export, which each worker imports once.
 * Transfer lists move ArrayBuffers instead of copying them ({@link transfer}).
 *
 * Workers start on demand, up to `maxWorkers`; an idle pool does not keep the process alive.
 * A worker that dies mid-job fails that job with `WorkerExitedError` and is replaced.
 *
 * **Cancellation:** a queued job that is cancelled never runs; a running one sees its
 * AbortSignal aborted (`currentSignal()`), or with `{ cancel: "terminate" }` its thread is
 * terminated and replaced. Cancelling a caller never waits for the worker.
 *
 * @example
 * ```ts
 * const work = workerModule<typeof import("./work.js")>(new URL("./work.js", import.meta.url));
 * await run(function* () {
 *   const pool = new ThreadPoolExecutor({ maxWorkers: 2 });
 *   try {
 *     const digests = yield* gather(...files.map((data) => runInExecutor(pool, work.task("hash"), data)));
 *   } finally {
 *     yield* pool.shutdown();
 *   }
 * });
 * ```
 */
export class ThreadPoolExecutor extends WorkerPoolExecutor {
  readonly #resourceLimits: ResourceLimits | undefined;
  /** @internal */
  protected readonly _transfers = true;

  /** @param options - see {@link ThreadPoolOptions}. */
  constructor(options: ThreadPoolOptions = {}) {
    super("ThreadPoolExecutor", options);
    this.#resourceLimits = options.resourceLimits;
  }

  /** @internal */
  protected _spawn(execArgv: readonly string[] | undefined, env: PoolOptions["env"]): _WorkerChannel {
    return _spawnThread({ execArgv, env }, this.#resourceLimits);
  }
}
