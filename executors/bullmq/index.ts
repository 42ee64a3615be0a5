/**
 * `yieldio/executors/bullmq`: an executor backed by BullMQ on Redis, so that work functions run
 * on worker processes on any number of machines. Producers use {@link BullMQExecutor} with
 * `runInExecutor()`; workers run {@link startBullMQWorker} (or `yieldio worker`). Needs the
 * optional peer dependencies `bullmq` and `ioredis`; docs/distributed.md tells when to use it.
 *
 * @module
 */

export { BullMQExecutor } from "./bullmq-executor.js";
export type { BullMQExecutorOptions } from "./bullmq-executor.js";
export { BullMQWorker, startBullMQWorker } from "./bullmq-worker.js";
export type { BullMQWorkerOptions } from "./bullmq-worker.js";
export type { BullMQConnection } from "./connection.js";
export { JobLostError } from "./job-lost-error.js";
