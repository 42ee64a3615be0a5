/**
 * The worker side of the BullMQ executor: a BullMQ `Worker` whose processor is yieldio's
 * dispatcher, plus a subscriber for cancellations. Run it with `startBullMQWorker()` in a
 * program of your own, or as `yieldio worker --redis … --queue … --root …`.
 *
 * @module
 */

import { availableParallelism } from "node:os";
import { extname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "bullmq";
import type { Job, Processor, WorkerOptions } from "bullmq";
import type { Redis } from "ioredis";
import { describeReceived } from "../../lib/core/received.js";
import { _CancelWatch } from "./cancel-watch.js";
import { _bullmqConnection, _checkFlag, _checkQueueOptions, _closeConnection, _openConnection } from "./connection.js";
import type { BullMQConnection } from "./connection.js";
import { _Dispatcher } from "./dispatcher.js";
import { _checkEvictionPolicy } from "./eviction-policy.js";
import { _cancelChannel, _cancelledKey } from "./job-data.js";
import { _MODULE_ROOT_VARIABLE, _PID_PROGRESS } from "./sandbox-processor.js";

/**
 * Options of {@link startBullMQWorker}.
 *
 * @example
 * ```ts
 * const options: BullMQWorkerOptions = { connection: { path: "/run/redis.sock" }, queueName: "work", moduleRoot: "/srv/app/dist" };
 * ```
 */
export interface BullMQWorkerOptions {
  /** Where Redis is. */
  readonly connection: BullMQConnection;
  /** The queue to take jobs from: the producers' `queueName`. */
  readonly queueName: string;
  /**
   * The folder whose modules this worker may run (the producers' `moduleRoot`, as deployed on
   * this machine). Jobs naming anything else fail without importing it: whoever can write to
   * Redis can add jobs, and must not be able to make a worker run arbitrary code.
   */
  readonly moduleRoot: string;
  /** How many jobs run at once (default: the number of cores). */
  readonly concurrency?: number;
  /**
   * Run each job in a child process of a pool (BullMQ's sandboxed processors) instead of in this
   * process (default false). A crash then fails only its job, with `WorkerExitedError`; a
   * CPU-bound job cannot starve the worker's lock renewals; and `cancel: "terminate"` can kill it.
   */
  readonly sandbox?: boolean;
  /**
   * Node options of the sandbox's child processes (default: this process's `execArgv`): for
   * example `["--import=tsx"]` to run TypeScript modules, or `["--max-old-space-size=512"]`.
   */
  readonly execArgv?: readonly string[];
  /** BullMQ's key prefix (default `"bull"`): the same as the producers'. */
  readonly prefix?: string;
  /** Start on a Redis whose `maxmemory-policy` is not `noeviction` (default false: refused, as by the executor). */
  readonly allowEviction?: boolean;
  /** How long a job's lock lasts without renewal, in milliseconds (BullMQ's default 30000). */
  readonly lockDuration?: number;
  /** How often this worker looks for jobs whose worker died, in milliseconds (BullMQ's default 30000). */
  readonly stalledInterval?: number;
  /**
   * How many times a job whose worker died is run again (default 0: it fails with
   * `WorkerExitedError`). More makes execution at-least-once: a job may then run twice.
   */
  readonly maxStalledCount?: number;
}

/**
 * A running BullMQ worker of yieldio jobs, from {@link startBullMQWorker}.
 *
 * @example
 * ```ts
 * const worker = await startBullMQWorker({ connection, queueName: "work", moduleRoot });
 * process.once("SIGTERM", () => void worker.close());
 * ```
 */
export class BullMQWorker {
  /** BullMQ's Worker, for its events (`completed`, `failed`, `error`) and settings. */
  readonly worker: Worker;
  readonly #subscriber: Redis;
  #closing: Promise<void> | undefined;

  /** @internal */
  constructor(worker: Worker, subscriber: Redis) {
    this.worker = worker;
    this.#subscriber = subscriber;
  }

  /**
   * Stops taking jobs, waits for the running ones to end (unless `force`), then closes the
   * connections and the sandbox processes. Calling it again returns the same Promise.
   *
   * **Cancellation:** with `force`, running jobs are not waited for: their signals are aborted,
   * and BullMQ gives their locks up, so they stall (see `maxStalledCount`). `force` after a
   * graceful close (a second SIGTERM) aborts the running jobs, and the close ends with them.
   *
   * @example
   * ```ts
   * await worker.close(); // every job it had taken has ended
   * ```
   */
  close(options: { readonly force?: boolean } = {}): Promise<void> {
    const force = options.force === true;
    // Also when a graceful close is under way: forcing it then means not waiting any longer.
    if (force) this.worker.cancelAllJobs("the worker was closed with force");
    this.#closing ??= (async () => {
      await this.worker.close(force);
      await _closeConnection(this.#subscriber);
    })();
    return this.#closing;
  }
}

/**
 * Starts a worker that runs the jobs of {@link BullMQExecutor}s: each job names a function
 * exported by a module under `moduleRoot`, which is imported once and called with the job's
 * arguments. Inside it, `currentSignal()` (from `yieldio/executors`) is the job's AbortSignal,
 * aborted when the job's producer cancels it. Resolves once the worker is connected and
 * listening for cancellations.
 *
 * **Cancellation:** a job cancelled while it runs here sees its signal aborted (or, sandboxed
 * and submitted with `cancel: "terminate"`, its process killed). Close the worker with
 * {@link BullMQWorker.close} on SIGTERM: it finishes what it runs first.
 *
 * @param options - see {@link BullMQWorkerOptions}.
 * @throws TypeError for bad options; `BrokenExecutorError` for a Redis that may evict keys
 *   (unless `allowEviction`).
 * @example
 * ```ts
 * import { startBullMQWorker } from "yieldio/executors/bullmq";
 * const worker = await startBullMQWorker({
 *   connection: { host: "redis.internal", port: 6379 },
 *   queueName: "thumbnails",
 *   moduleRoot: new URL("./jobs/", import.meta.url).pathname,
 *   sandbox: true,
 * });
 * process.once("SIGTERM", () => void worker.close());
 * ```
 */
export async function startBullMQWorker(options: BullMQWorkerOptions): Promise<BullMQWorker> {
  checkOptions(options);
  const moduleRoot = resolve(options.moduleRoot);
  const prefix = options.prefix ?? "bull";
  const subscriber = _openConnection(options.connection, { maxRetriesPerRequest: null });
  let worker: Worker | undefined;
  try {
    // Before subscribing: a subscribed connection takes no other command.
    await _checkEvictionPolicy(subscriber, options.allowEviction === true);
    const watch = new _CancelWatch((jobId, reason) => created.cancelJob(jobId, reason));
    const created = createWorker(options, moduleRoot, prefix, watch);
    worker = created;
    created.on("active", (job: Job) => job.id !== undefined && watch.started(job.id));
    created.on("completed", (job: Job) => job.id !== undefined && watch.finished(job.id));
    created.on("failed", (job: Job | undefined) => job?.id !== undefined && watch.finished(job.id));
    created.on("progress", (job: Job, progress: unknown) => {
      const pid = (progress as Record<string, unknown> | null)?.[_PID_PROGRESS];
      if (job.id !== undefined && typeof pid === "number") watch.runsIn(job.id, pid);
    });
    subscriber.on("message", (_channel: string, jobId: string) => watch.cancelled(jobId));
    // A message sent while the subscriber was reconnecting is lost: the producer's key tells.
    let subscribed = false;
    subscriber.on("ready", () => {
      if (subscribed) void checkCancelledKeys(options.connection, prefix, options.queueName, watch);
    });
    subscriber.on("error", (error: Error) => created.emit("error", error)); // one place to hear of Redis trouble: the Worker's "error"
    // Listening before taking any job: a job fetched later cannot miss its cancellation.
    await subscriber.subscribe(_cancelChannel(prefix, options.queueName));
    subscribed = true;
    void created.run().catch((error: unknown) => created.emit("error", error as Error));
    await created.waitUntilReady();
    return new BullMQWorker(created, subscriber);
  } catch (error) {
    await Promise.allSettled([worker?.close(true), _closeConnection(subscriber)]);
    throw error;
  }
}

/**
 * BullMQ's Worker, telling `watch` the moment a job's processor has ended: BullMQ's own
 * `completed` event comes a Redis round trip later, after a sandbox child may have been given
 * the next job, which a kill meant for the finished one must not reach.
 */
class WatchedWorker extends Worker {
  readonly #watch: _CancelWatch;

  constructor(watch: _CancelWatch, queueName: string, processor: URL | Processor, options: WorkerOptions) {
    super(queueName, processor, options);
    this.#watch = watch;
  }

  protected override async callProcessJob(job: Job, token: string, signal?: AbortSignal): Promise<unknown> {
    try {
      return await super.callProcessJob(job, token, signal);
    } finally {
      if (job.id !== undefined) this.#watch.finished(job.id);
    }
  }
}

/** BullMQ's Worker, its processor yieldio's dispatcher (in this process, or in the sandbox's children); not started yet. */
function createWorker(options: BullMQWorkerOptions, moduleRoot: string, prefix: string, watch: _CancelWatch): Worker {
  const common = {
    connection: _bullmqConnection(options.connection),
    prefix,
    concurrency: options.concurrency ?? availableParallelism(),
    maxStalledCount: options.maxStalledCount ?? 0,
    ...(options.lockDuration === undefined ? {} : { lockDuration: options.lockDuration }),
    ...(options.stalledInterval === undefined ? {} : { stalledInterval: options.stalledInterval }),
    autorun: false,
  };
  if (options.sandbox === true) {
    return new WatchedWorker(watch, options.queueName, sandboxProcessorUrl(), {
      ...common,
      workerForkOptions: {
        env: { ...process.env, [_MODULE_ROOT_VARIABLE]: moduleRoot },
        ...(options.execArgv === undefined ? {} : { execArgv: [...options.execArgv] }),
      },
    });
  }
  const dispatcher = new _Dispatcher(moduleRoot);
  // Three parameters: BullMQ makes a job's AbortSignal only for a processor that declares them.
  return new WatchedWorker(
    watch,
    options.queueName,
    (job: Job, _token: string | undefined, signal?: AbortSignal) => dispatcher.run(job, signal),
    common,
  );
}

/** Cancels the jobs running here whose producer cancelled them while this worker was not listening. */
async function checkCancelledKeys(connection: BullMQConnection, prefix: string, queueName: string, watch: _CancelWatch): Promise<void> {
  const running = watch.running();
  if (running.length === 0) return;
  const reader = _openConnection(connection);
  reader.on("error", () => undefined); // Redis gone again: the next reconnect checks again
  try {
    const found = await Promise.all(running.map((jobId) => reader.exists(_cancelledKey(prefix, queueName, jobId))));
    running.forEach((jobId, i) => found[i] === 1 && watch.cancelled(jobId));
  } catch {
    // As above.
  } finally {
    await _closeConnection(reader);
  }
}

/** The sandbox processor beside this file: .js when built, .ts when run from source through tsx. */
function sandboxProcessorUrl(): URL {
  return new URL(`./sandbox-processor${extname(fileURLToPath(import.meta.url))}`, import.meta.url);
}

function checkOptions(options: BullMQWorkerOptions): void {
  const where = "startBullMQWorker()";
  _checkQueueOptions(where, options);
  _checkFlag(where, "sandbox", options.sandbox);
  if (typeof options.moduleRoot !== "string" || options.moduleRoot === "")
    throw new TypeError(`${where} needs moduleRoot as a folder path: received ${describeReceived(options.moduleRoot)}`);
  for (const key of ["concurrency", "lockDuration", "stalledInterval"] as const) {
    const value = options[key];
    if (value !== undefined && !(Number.isInteger(value) && value > 0))
      throw new TypeError(`${where} needs ${key} as a positive integer: received ${describeReceived(value)}`);
  }
  if (options.execArgv !== undefined && !(Array.isArray(options.execArgv) && options.execArgv.every((a) => typeof a === "string")))
    throw new TypeError(`${where} needs execArgv as an array of strings: received ${describeReceived(options.execArgv)}`);
  const stalled = options.maxStalledCount;
  if (stalled !== undefined && !(Number.isInteger(stalled) && stalled >= 0))
    throw new TypeError(`${where} needs maxStalledCount as an integer ≥ 0: received ${describeReceived(stalled)}`);
}
