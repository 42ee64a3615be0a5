/**
 * `ProcessPoolExecutor`: a pool of child processes (`node:child_process`).
 *
 * @module
 */

import type { PoolOptions } from "./pool-options.js";
import { _spawnProcess } from "./process-channel.js";
import type { _WorkerChannel } from "./worker-channel.js";
import { WorkerPoolExecutor } from "./worker-pool.js";

/**
 * Runs jobs in child processes (Python's `ProcessPoolExecutor`): the same contract as
 * {@link ThreadPoolExecutor}, with a whole process per worker. Choose it for code that holds
 * native locks inside one process (`node:crypto` hashing scaled about 1.8× on processes against
 * 1.25× on threads on a 2-core machine), and for isolation: a crash, a leak or a native fault
 * stays in its process. Arguments and results cross by IPC with V8 serialization (Maps, Sets,
 * typed arrays and Errors as with threads); transfer lists are ignored (everything is copied).
 *
 * **Cancellation:** a queued job that is cancelled never runs; a running one sees its
 * AbortSignal aborted (`currentSignal()`), or with `{ cancel: "terminate" }` its process is
 * killed (`SIGKILL`) and replaced.
 *
 * @example
 * ```ts
 * const pool = new ProcessPoolExecutor({ maxWorkers: 2 });
 * const digest = yield* runInExecutor(pool, work.task("hash"), data);
 * yield* pool.shutdown();
 * ```
 */
export class ProcessPoolExecutor extends WorkerPoolExecutor {
  /** @internal */
  protected readonly _transfers = false;

  /** @param options - see {@link PoolOptions}. */
  constructor(options: PoolOptions = {}) {
    if (typeof options === "object" && "resourceLimits" in options) {
      throw new TypeError(
        'ProcessPoolExecutor() has no resourceLimits option: limit a process\'s heap with execArgv: ["--max-old-space-size=256"]',
      );
    }
    super("ProcessPoolExecutor", options);
  }

  /** @internal */
  protected _spawn(execArgv: readonly string[] | undefined, env: PoolOptions["env"]): _WorkerChannel {
    return _spawnProcess({ execArgv, env });
  }
}
