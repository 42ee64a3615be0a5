/**
 * `BullMQExecutor`: the Executor interface over a BullMQ queue on Redis, so that work functions
 * run on worker processes on any number of machines (`startBullMQWorker()`, `yieldio worker`).
 *
 * Invariants, kept by every method below:
 * - `#entries` holds exactly the jobs whose Future is pending; a job leaves it when its Future
 *   settles (by an event, by reconciliation, by cancellation or by a shutdown), never later;
 * - an entry is `adding` until `queue.add()` has answered, then `queued` (waiting or running:
 *   the executor does not know which, and does not need to);
 * - a job whose Future was cancelled or failed by a shutdown is withdrawn from Redis once it is
 *   there: removed if it waits, told through the cancel channel (and a key, for a worker that
 *   misses the message) if it runs;
 * - nothing waits on an event alone: reconciliation reads the state of every job older than
 *   `reconcileIntervalMs`, and of all of them when the connection comes back.
 *
 * @module
 */

import { randomBytes } from "node:crypto";
import { resolve } from "node:path";
import { Job, Queue, QueueEvents } from "bullmq";
import type { JobsOptions } from "bullmq";
import type { Redis } from "ioredis";
import { BrokenExecutorError, QueueFull } from "../../lib/core/errors.js";
import type { EventLoop } from "../../lib/core/event-loop.js";
import type { Future } from "../../lib/core/future.js";
import { describeReceived } from "../../lib/core/received.js";
import { _peekRunningLoop, getRunningLoop } from "../../lib/core/running.js";
import type { Executor, ShutdownOptions, SubmitOptions, WorkRef } from "../executor.js";
import { _JobFuture } from "../job-future.js";
import { _checkWorkRef } from "../pool-options.js";
import { _wakeRoomWaiters } from "../room-waiters.js";
import { _bullmqConnection, _checkQueueOptions, _closeConnection, _openConnection } from "./connection.js";
import type { BullMQConnection } from "./connection.js";
import { _open, _seal } from "./envelope.js";
import { _checkEvictionPolicy } from "./eviction-policy.js";
import { _CANCELLED_KEY_SECONDS, _cancelChannel, _cancelledKey } from "./job-data.js";
import type { _JobData } from "./job-data.js";
import { _failureError } from "./job-failure.js";
import { JobLostError } from "./job-lost-error.js";
import { _JobNamer } from "./job-name.js";

/**
 * Options of {@link BullMQExecutor}.
 *
 * @example
 * ```ts
 * const options: BullMQExecutorOptions = { connection: { host: "127.0.0.1", port: 6379 }, queueName: "work", maxQueue: 1000 };
 * ```
 */
export interface BullMQExecutorOptions {
  /** Where Redis is. */
  readonly connection: BullMQConnection;
  /** The queue's name: the workers' `queueName`. */
  readonly queueName: string;
  /**
   * The folder under which work modules live (default: the current directory). A job names its
   * module relative to it, so that each worker finds it under its own `moduleRoot`; a module
   * outside it is refused by `submit()`.
   */
  readonly moduleRoot?: string;
  /** How many jobs may be unfinished at once (default: no limit); `submit()` past it throws `QueueFull`. */
  readonly maxQueue?: number;
  /**
   * BullMQ's options for every job (`attempts`, `backoff`, `priority` ...), over yieldio's
   * defaults: `removeOnComplete: { age: 3600, count }` and `removeOnFail: { age: 86400, count }`,
   * `count` being half of `eventsMaxLen` (5,000 by default), so that Redis's memory stays
   * bounded while reconciliation can still read a finished job whose event was lost. `attempts`
   * above 1 makes a job run at least once, not exactly once.
   */
  readonly defaultJobOptions?: JobsOptions;
  /** Start on a Redis whose `maxmemory-policy` is not `noeviction` (default false: refused). */
  readonly allowEviction?: boolean;
  /**
   * How often the state of unfinished jobs is read from Redis, in milliseconds (default 5000),
   * so that a Future whose event was lost still settles.
   */
  readonly reconcileIntervalMs?: number;
  /**
   * How many entries the queue's event stream keeps (BullMQ's `streams.events.maxLen`; default
   * 10,000, or 8 × `maxQueue` when that is more). A job makes about four events; a listener that
   * falls further behind than this in a burst loses events, and those jobs settle only by
   * reconciliation, up to `reconcileIntervalMs` later.
   */
  readonly eventsMaxLen?: number;
  /** BullMQ's key prefix (default `"bull"`): the same as the workers'. */
  readonly prefix?: string;
}

/**
 * yieldio's job options under the user's: finished jobs do not pile up in Redis, but stay long
 * enough for reconciliation to read the result of a job whose event was trimmed away unread.
 * A job makes about four events, so the events of the last `eventsMaxLen / 4` finished jobs are
 * in the stream; twice that many jobs are kept.
 */
function jobDefaults(eventsMaxLen: number): JobsOptions {
  const count = Math.max(1000, Math.ceil(eventsMaxLen / 2));
  return { removeOnComplete: { age: 3600, count }, removeOnFail: { age: 86400, count } };
}

/** The states of a job that has not started (`getJobState()`'s names). */
const WAITING_STATES: ReadonlySet<string> = new Set(["waiting", "delayed", "prioritized", "paused", "waiting-children"]);

/** One unfinished job. */
interface Entry {
  readonly id: string;
  /** The job's name (`root:<module>#<export>`), for messages. */
  readonly name: string;
  readonly future: Future<unknown>;
  state: "adding" | "queued";
  /** This executor is removing it (cancelFutures): its `removed` event is its own doing. */
  removing: boolean;
  /** When Redis last told something about it (added, or reconciled), by `Date.now()`. */
  checkedAt: number;
}

/** The connections, opened at the first job. */
interface Connections {
  readonly queue: Queue;
  readonly events: QueueEvents;
  /** yieldio's own: the eviction check and the cancel channel. */
  readonly publisher: Redis;
  /** Done once the policy is checked and the listener is ready; rejects if the executor cannot work. */
  readonly ready: Promise<void>;
  readonly timer: ReturnType<typeof setInterval>;
}

/**
 * Runs work functions on BullMQ workers, on this machine or any other that reaches the same
 * Redis: the {@link Executor} contract, for jobs of tens of milliseconds and up. A job is named
 * by its module (relative to `moduleRoot`) and export; its arguments and result cross Redis in
 * v8's serialisation (what structured clone keeps: Maps, Dates, BigInts, typed arrays), and an
 * error comes back with its name, message, stack, `cause` and `code`. One listener settles
 * every Future, and the state of unfinished jobs is read again after a reconnect and every
 * `reconcileIntervalMs`, so no Future waits forever on a lost event.
 *
 * Workers run {@link startBullMQWorker} or `yieldio worker`. What does not map: there is no
 * shared memory (transfer lists are copied), delivery is at-least-once when `attempts` or
 * `maxStalledCount` allow re-runs, each job costs milliseconds, and producers and workers must
 * run the same major version of Node (see docs/distributed.md).
 *
 * **Cancellation:** cancelling a job's Future while it waits removes it from the queue: it
 * never runs. While it runs, its worker is told through a Redis channel and aborts its
 * `currentSignal()`; with `{ cancel: "terminate" }` a sandboxed worker kills the job's process.
 * A result that arrives later is dropped.
 *
 * @example
 * ```ts
 * const executor = new BullMQExecutor({ connection: { host: "127.0.0.1", port: 6379 }, queueName: "work" });
 * try {
 *   const digest = yield* runInExecutor(executor, work.task("hash"), data);
 * } finally {
 *   yield* executor.shutdown();
 * }
 * ```
 */
export class BullMQExecutor implements Executor {
  readonly #connection: BullMQConnection;
  readonly #queueName: string;
  readonly #maxQueue: number;
  readonly #jobOptions: JobsOptions;
  readonly #allowEviction: boolean;
  readonly #reconcileMs: number;
  readonly #prefix: string;
  readonly #eventsMaxLen: number;
  readonly #namer: _JobNamer;
  /** Job ids are `<this>-<n>`: unique across producers, never all digits, no ":". */
  readonly #idPrefix = `y${randomBytes(6).toString("hex")}`;
  #seq = 0;
  readonly #entries = new Map<string, Entry>();
  /** Removals and cancel messages under way: closing waits for them. */
  readonly #inflight = new Set<Promise<unknown>>();
  readonly #roomWaiters: Future<void>[] = [];
  readonly #shutdownWaiters: Future<void>[] = [];
  #connections: Connections | undefined;
  #reconciling = false;
  /** Whether the connection is down since the last report (one report per outage). */
  #offline = false;
  #lastLoop: EventLoop | undefined;
  #shutdown = false;
  #broken: BrokenExecutorError | undefined;
  #closed: Promise<void> | undefined;

  /**
   * Connects at the first `submit()`, not here.
   *
   * @param options - see {@link BullMQExecutorOptions}.
   * @throws TypeError for bad options.
   */
  constructor(options: BullMQExecutorOptions) {
    const where = "BullMQExecutor()";
    _checkQueueOptions(where, options);
    if (options.moduleRoot !== undefined && (typeof options.moduleRoot !== "string" || options.moduleRoot === ""))
      throw new TypeError(`${where} needs moduleRoot as a folder path: received ${describeReceived(options.moduleRoot)}`);
    const maxQueue = options.maxQueue ?? Number.POSITIVE_INFINITY;
    if (!(maxQueue === Number.POSITIVE_INFINITY || (Number.isInteger(maxQueue) && maxQueue > 0)))
      throw new TypeError(`${where} needs maxQueue as a positive integer: received ${describeReceived(maxQueue)}`);
    const reconcileMs = options.reconcileIntervalMs ?? 5000;
    const eventsMaxLen = options.eventsMaxLen ?? Math.max(10_000, maxQueue === Number.POSITIVE_INFINITY ? 0 : 8 * maxQueue);
    if (!(Number.isInteger(eventsMaxLen) && eventsMaxLen > 0))
      throw new TypeError(`${where} needs eventsMaxLen as a positive integer: received ${describeReceived(eventsMaxLen)}`);
    if (!(Number.isInteger(reconcileMs) && reconcileMs > 0))
      throw new TypeError(`${where} needs reconcileIntervalMs as a positive integer: received ${describeReceived(reconcileMs)}`);
    const jobOptions: unknown = options.defaultJobOptions; // a JavaScript caller can pass anything
    if (jobOptions !== undefined && (typeof jobOptions !== "object" || jobOptions === null))
      throw new TypeError(`${where} needs defaultJobOptions as an object: received ${describeReceived(options.defaultJobOptions)}`);
    this.#connection = options.connection;
    this.#queueName = options.queueName;
    this.#namer = new _JobNamer(resolve(options.moduleRoot ?? process.cwd()));
    this.#maxQueue = maxQueue;
    this.#jobOptions = { ...jobDefaults(eventsMaxLen), ...options.defaultJobOptions };
    this.#allowEviction = options.allowEviction === true;
    this.#reconcileMs = reconcileMs;
    this.#prefix = options.prefix ?? "bull";
    this.#eventsMaxLen = eventsMaxLen;
  }

  /**
   * Adds a job for `fn(...args)` to the queue and returns its Future at once. The arguments are
   * serialised here, so a value that cannot cross fails at once.
   *
   * **Cancellation:** cancelling the Future while the job waits removes it: it never runs.
   * While it runs, its worker aborts its AbortSignal (`currentSignal()`), or with
   * `{ cancel: "terminate" }`, in a sandboxed worker, kills its process; a result that arrives
   * later is dropped.
   *
   * @throws `BrokenExecutorError` after `shutdown()` or once the executor is broken (a Redis
   *   that may evict keys); `QueueFull` when `maxQueue` jobs are unfinished; `TypeError` for a
   *   bad reference, a module outside `moduleRoot`, arguments v8 cannot serialise, or bad
   *   options; `InvalidStateError` outside a running event loop.
   * @example
   * ```ts
   * const future = executor.submit(work.task("hash"), [data]);
   * const digest = yield* future;
   * ```
   */
  submit<A extends readonly unknown[], R>(fn: WorkRef<A, R>, args: A, options?: SubmitOptions): Future<R> {
    const where = "BullMQExecutor.submit()";
    _checkWorkRef(where, fn);
    const given: unknown = args; // a JavaScript caller can pass anything
    if (!Array.isArray(given)) throw new TypeError(`${where} needs the arguments as an array: received ${describeReceived(given)}`);
    const cancel = options?.cancel ?? "signal";
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- a JavaScript caller can pass anything
    if (cancel !== "signal" && cancel !== "terminate")
      throw new TypeError(`${where} needs cancel as "signal" or "terminate": received ${JSON.stringify(cancel)}`);
    this.#checkOpen(where);
    if (this.#entries.size >= this.#maxQueue) {
      throw new QueueFull(
        `${where}: ${this.#entries.size} jobs are unfinished (maxQueue ${this.#maxQueue}); runInExecutor() waits for room instead`,
      );
    }
    const name = this.#namer.name(fn);
    const sealed = _seal(args, `the arguments of ${name}`);
    const data: _JobData = cancel === "terminate" ? { a: sealed, t: 1 } : { a: sealed };
    const loop = getRunningLoop();
    this.#lastLoop = loop;
    const { queue, ready } = this.#connect(); // first: if it throws, nothing is registered
    const id = `${this.#idPrefix}-${++this.#seq}`;
    const future = new _JobFuture<R>(loop, () => this.#cancelled(entry));
    const entry: Entry = { id, name, future, state: "adding", removing: false, checkedAt: Date.now() };
    this.#entries.set(id, entry);
    this.#track(
      ready
        .then(() => queue.add(name, data, { jobId: id }))
        .then(
          () => {
            if (this.#entries.get(id) !== entry) return this.#withdraw(entry); // cancelled or shut down while it was being added
            entry.state = "queued";
            entry.checkedAt = Date.now();
            return undefined;
          },
          (error: unknown) => {
            this.#settle(entry, (f) =>
              f.setException(new JobLostError(`${name} could not be added to Redis: ${String(error)}`, { cause: error })),
            );
            // The add may have reached Redis before its answer was lost: the job must not run unwatched.
            return queue.remove(id).catch(() => undefined);
          },
        ),
    );
    return future;
  }

  /**
   * A Future that is done once `submit()` would accept a job (fewer than `maxQueue` unfinished,
   * or the executor shut down, when `submit()` throws at once). `runInExecutor()` waits on it.
   *
   * **Cancellation:** cancelling it withdraws the wait; the room goes to the next waiter.
   *
   * @example
   * ```ts
   * yield* executor.room();
   * const future = executor.submit(work.task("hash"), [data]); // does not throw QueueFull
   * ```
   */
  room(): Future<void> {
    const loop = _peekRunningLoop() ?? this.#lastLoop ?? getRunningLoop();
    const future = loop.createFuture<void>();
    if (this.#hasRoom()) future.setResult(undefined);
    else this.#roomWaiters.push(future);
    return future;
  }

  /**
   * Stops accepting jobs, then closes the connections. With `wait` (the default), the Future is
   * done once every job submitted has finished (those still queued run first, unless
   * `cancelFutures` removes them); without it, unfinished jobs fail with
   * `BrokenExecutorError` at once, queued ones are removed from Redis and running ones are told
   * to stop. Calling it again returns another Future for the same end.
   *
   * **Cancellation:** cancelling the returned Future stops only the waiting; the shutdown goes on.
   *
   * @example
   * ```ts
   * yield* executor.shutdown(); // every job has finished; the connections are closed
   * ```
   */
  shutdown(options?: ShutdownOptions): Future<void> {
    const loop = _peekRunningLoop() ?? this.#lastLoop ?? getRunningLoop();
    const done = loop.createFuture<void>();
    this.#shutdown = true;
    _wakeRoomWaiters(this.#roomWaiters, Number.POSITIVE_INFINITY); // submit() now throws: nobody should wait for room
    if (options?.wait === false) {
      for (const entry of [...this.#entries.values()]) {
        this.#settle(entry, (f) =>
          f.setException(new BrokenExecutorError(`BullMQExecutor was shut down without waiting while ${entry.name} was unfinished`)),
        );
        if (entry.state === "queued") this.#track(this.#withdraw(entry));
      }
    } else if (options?.cancelFutures === true) {
      const reason = "BullMQExecutor was shut down with cancelFutures";
      for (const entry of [...this.#entries.values()]) {
        if (entry.state === "adding")
          entry.future.cancel(reason); // withdrawn once added
        else this.#track(this.#removeIfWaiting(entry, reason));
      }
    }
    this.#shutdownWaiters.push(done);
    this.#finishShutdown();
    return done;
  }

  #checkOpen(where: string): void {
    if (this.#broken !== undefined)
      throw new BrokenExecutorError(`${where}: BullMQExecutor is broken (${this.#broken.message})`, { cause: this.#broken });
    if (this.#shutdown) throw new BrokenExecutorError(`${where} was called after shutdown(): create a new BullMQExecutor`);
  }

  #hasRoom(): boolean {
    return this.#shutdown || this.#entries.size < this.#maxQueue;
  }

  /** The connections, opened on first use. */
  #connect(): Connections {
    if (this.#connections !== undefined) return this.#connections;
    const common = { connection: _bullmqConnection(this.#connection), prefix: this.#prefix };
    const queue = new Queue(this.#queueName, {
      ...common,
      defaultJobOptions: this.#jobOptions,
      streams: { events: { maxLen: this.#eventsMaxLen } },
    });
    // Events from a second before now: a job finished while the listener was connecting is still seen.
    const events = new QueueEvents(this.#queueName, { ...common, lastEventId: `${Date.now() - 1000}-0` });
    const publisher = _openConnection(this.#connection);
    events.on("completed", ({ jobId, returnvalue }) => this.#completed(jobId, returnvalue));
    events.on("failed", ({ jobId, failedReason }) => this.#failed(jobId, failedReason));
    events.on("removed", ({ jobId }) => this.#removed(jobId));
    // Outages are told by yieldio's own connection, which says when they end too ("ready");
    // BullMQ's connections report the same outage, and reconciliation covers what they miss.
    const ignore = (): void => undefined;
    queue.on("error", ignore);
    events.on("error", ignore);
    publisher.on("error", (error: unknown) => this.#connectionLost(error));
    publisher.on("close", () => this.#connectionLost(undefined)); // a server that goes away cleanly raises no error
    // Redis is back (a restart loses unsaved jobs; a blip may lose events): read every job's state.
    publisher.on("ready", () => {
      if (!this.#offline) return;
      this.#offline = false;
      void this.#reconcile(true);
    });
    const ready = (async () => {
      await _checkEvictionPolicy(publisher, this.#allowEviction);
      await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
    })();
    ready.catch((error: unknown) => {
      this.#break(
        error instanceof BrokenExecutorError
          ? error
          : new BrokenExecutorError(`BullMQExecutor could not connect to Redis: ${String(error)}`, { cause: error }),
      );
    });
    const timer = setInterval(() => void this.#reconcile(false), this.#reconcileMs);
    timer.unref(); // the connections hold the process while jobs are unfinished
    this.#connections = { queue, events, publisher, ready, timer };
    return this.#connections;
  }

  #completed(jobId: string, returnvalue: unknown): void {
    const entry = this.#entries.get(jobId);
    if (entry === undefined) return; // another producer's job, or one this executor gave up
    this.#settle(entry, (future) => {
      try {
        future.setResult(_open(typeof returnvalue === "string" ? JSON.parse(returnvalue) : returnvalue, `the result of ${entry.name}`));
      } catch (error) {
        future.setException(error);
      }
    });
  }

  #failed(jobId: string, failedReason: string | undefined): void {
    const entry = this.#entries.get(jobId);
    if (entry !== undefined) this.#settle(entry, (future) => future.setException(_failureError(failedReason, entry.name)));
  }

  #removed(jobId: string): void {
    const entry = this.#entries.get(jobId);
    if (entry === undefined || entry.removing) return;
    this.#settle(entry, (future) =>
      future.setException(new JobLostError(`${entry.name} (job ${jobId}) was removed from the queue by someone else before it finished`)),
    );
  }

  /** Settles `entry`'s Future with `how` and forgets it, unless it is settled already. */
  #settle(entry: Entry, how: (future: Future<unknown>) => void): void {
    if (this.#entries.get(entry.id) !== entry) return;
    this.#entries.delete(entry.id);
    if (!entry.future.done()) how(entry.future);
    _wakeRoomWaiters(this.#roomWaiters, this.#maxQueue - this.#entries.size);
    this.#finishShutdown();
  }

  /** A job's caller cancelled it (from its Future's cancel(), in that step). */
  #cancelled(entry: Entry): void {
    if (this.#entries.get(entry.id) !== entry) return;
    this.#entries.delete(entry.id);
    if (entry.state === "queued") this.#track(this.#withdraw(entry)); // an `adding` one is withdrawn once added
    _wakeRoomWaiters(this.#roomWaiters, this.#maxQueue - this.#entries.size);
    this.#finishShutdown();
  }

  /** Takes a job whose Future is settled out of Redis: removed if it waits, told to stop if it runs. */
  async #withdraw(entry: Entry): Promise<void> {
    const { queue, publisher } = this.#connect();
    try {
      // 0: locked by a worker (it runs), or gone already; a message costs nothing in either case.
      if ((await queue.remove(entry.id)) === 1) return;
      // The key for a worker that misses the message (its subscriber reconnecting), then the message.
      await publisher
        .multi()
        .set(_cancelledKey(this.#prefix, this.#queueName, entry.id), "1", "EX", _CANCELLED_KEY_SECONDS)
        .publish(_cancelChannel(this.#prefix, this.#queueName), entry.id)
        .exec();
    } catch (error) {
      this.#lastLoop?.callExceptionHandler({
        message: `BullMQExecutor could not withdraw ${entry.name} (job ${entry.id}) after its Future was settled: it may still run`,
        exception: error,
      });
    }
  }

  /** For `cancelFutures`: cancels a job's Future if its job can still be removed (it has not started). */
  async #removeIfWaiting(entry: Entry, reason: string): Promise<void> {
    let removed = 0;
    entry.removing = true;
    try {
      // Only a job that has not started: remove() would also take a finished job whose event is on its way.
      const { queue } = this.#connect();
      if (WAITING_STATES.has(await queue.getJobState(entry.id))) removed = await queue.remove(entry.id);
    } catch {
      // Redis is down: the job stays, and is waited for.
    } finally {
      entry.removing = false;
    }
    if (removed !== 1 || this.#entries.get(entry.id) !== entry) return;
    this.#entries.delete(entry.id); // before cancel(): it is out of Redis already
    entry.future.cancel(reason);
    _wakeRoomWaiters(this.#roomWaiters, this.#maxQueue - this.#entries.size);
    this.#finishShutdown();
  }

  /**
   * Reads from Redis the state of the unfinished jobs not heard of for `reconcileIntervalMs`
   * (or of all of them, after a reconnect), and settles those that finished or are gone.
   */
  async #reconcile(all: boolean): Promise<void> {
    const connections = this.#connections;
    if (this.#reconciling || connections === undefined) return;
    this.#reconciling = true;
    try {
      const now = Date.now();
      const due = [...this.#entries.values()].filter((e) => e.state === "queued" && (all || now - e.checkedAt >= this.#reconcileMs));
      await Promise.all(due.map((entry) => this.#reconcileOne(connections.queue, entry)));
    } finally {
      this.#reconciling = false;
    }
  }

  async #reconcileOne(queue: Queue, entry: Entry): Promise<void> {
    let job: Job | undefined;
    try {
      job = await Job.fromId(queue, entry.id);
    } catch {
      return; // Redis is down: the next round, or the reconnect, tries again
    }
    entry.checkedAt = Date.now();
    if (job === undefined) {
      this.#settle(entry, (f) =>
        f.setException(
          new JobLostError(
            `${entry.name} (job ${entry.id}) is gone from Redis without finishing (a restart without persistence, an eviction, or a deletion)`,
          ),
        ),
      );
    } else if (job.finishedOn !== undefined) {
      if (job.returnvalue !== null && job.returnvalue !== undefined) this.#completed(entry.id, job.returnvalue);
      else this.#failed(entry.id, job.failedReason);
    }
  }

  /** The start of an outage is reported, once; ioredis reconnects by itself. */
  #connectionLost(error: unknown): void {
    if (this.#offline || this.#closed !== undefined) return;
    this.#offline = true;
    this.#lastLoop?.callExceptionHandler({
      message: `BullMQExecutor lost its connection to Redis (queue ${this.#queueName}); it reconnects, and reads every job's state once back`,
      ...(error === undefined ? {} : { exception: error }),
    });
  }

  #track(work: Promise<unknown>): void {
    this.#inflight.add(work);
    void work.finally(() => {
      this.#inflight.delete(work);
      this.#finishShutdown();
    });
  }

  /** Ends a shutdown once nothing is unfinished: waits for withdrawals, then closes the connections. */
  #finishShutdown(): void {
    if (!this.#shutdown || this.#entries.size > 0 || this.#inflight.size > 0) return;
    this.#closed ??= this.#close();
    void this.#closed.then(() => {
      for (const waiter of this.#shutdownWaiters.splice(0)) if (!waiter.done()) waiter.setResult(undefined);
    });
  }

  async #close(): Promise<void> {
    const connections = this.#connections;
    if (connections === undefined) return;
    clearInterval(connections.timer);
    await Promise.allSettled([connections.events.close(), connections.queue.close(), _closeConnection(connections.publisher)]);
  }

  /** The executor cannot work (the eviction policy, no Redis at start): fail what waits. */
  #break(error: BrokenExecutorError): void {
    if (this.#broken !== undefined) return;
    this.#broken = error;
    this.#shutdown = true;
    for (const entry of [...this.#entries.values()]) this.#settle(entry, (f) => f.setException(error));
    _wakeRoomWaiters(this.#roomWaiters, Number.POSITIVE_INFINITY);
    this.#finishShutdown();
  }
}
