/**
 * `yieldio/executors`: where blocking and CPU-bound work goes. Worker pools
 * ({@link ThreadPoolExecutor}, {@link ProcessPoolExecutor}), an {@link InlineExecutor} for tests
 * and teaching, typed references to work ({@link workerModule}, {@link workerFunction}), and
 * what a work function uses inside a worker ({@link currentSignal}, {@link transfer}).
 * `runInExecutor()` and `toThread()` are exported from `yieldio`.
 *
 * @module
 */

export type { Executor, WorkRef, SubmitOptions, ShutdownOptions } from "./executor.js";
export type { Cloneable, CloneableArgs, CloneableLeaf, IsCloneable, NotCloneable } from "./cloneable.js";
export { workerModule, workerFunction } from "./work-ref.js";
export type { CrossingName, ModuleUrl, WorkFunction, WorkerModule, WorkerFunctionName, WorkRefOf } from "./work-ref.js";
export { WorkerPoolExecutor } from "./worker-pool.js";
export type { PoolStats } from "./worker-pool.js";
export type { PoolOptions } from "./pool-options.js";
export { ThreadPoolExecutor } from "./thread-pool-executor.js";
export type { ThreadPoolOptions, WorkerResourceLimits } from "./thread-pool-executor.js";
export { ProcessPoolExecutor } from "./process-pool-executor.js";
export { InlineExecutor } from "./inline-executor.js";
export { currentSignal } from "./current-signal.js";
export type { JobSignal, AbortSignalLike } from "./current-signal.js";
export { transfer } from "./transfer.js";
export { BrokenExecutorError, WorkerExitedError, QueueFull } from "../lib/core/errors.js";
export { runInExecutor, toThread } from "../lib/core/run-in-executor.js";
