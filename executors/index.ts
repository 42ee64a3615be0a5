/**
 * `yieldio/executors`: the Executor interface (the worker-thread and child-process pools build
 * on it).
 *
 * @module
 */

export type { Executor, WorkRef, SubmitOptions, ShutdownOptions } from "./executor.js";
