/**
 * The one place where the kernel names an executor implementation: the default executor that a
 * loop creates the first time `runInExecutor(null, ...)` or `toThread()` needs one, a
 * `ThreadPoolExecutor` with its default options (asyncio's default `ThreadPoolExecutor`).
 * `run()` shuts it down at the end; `loop.close()` without waiting.
 *
 * @module
 */

import type { Executor } from "../../executors/executor.js";
import { ThreadPoolExecutor } from "../../executors/thread-pool-executor.js";

/** @internal A new default executor. */
export function _createDefaultExecutor(): Executor {
  return new ThreadPoolExecutor();
}
