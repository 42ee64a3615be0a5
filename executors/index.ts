/**
 * `yieldio/executors`: the Executor interface, which `loop.runInExecutor()` and
 * `RunOptions.executor` take. No implementation ships yet: an executor is an object you write
 * that implements it.
 *
 * @module
 */

export type { Executor, WorkRef, SubmitOptions, ShutdownOptions } from "./executor.js";
