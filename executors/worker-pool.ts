/**
 * The engine of the worker pools: a queue of jobs and a set of workers, each running one job
 * at a time. `ThreadPoolExecutor` and `ProcessPoolExecutor` differ only in how a worker is
 * started (`_WorkerChannel`).
 *
 * Invariants, kept by every method below:
 * - a job is in exactly one place: `#queue` (waiting), one worker's `job` (running), or done;
 * - a worker is in exactly one state; only `idle` workers are in `#idle`;
 * - a message about a job is believed only if its id is the worker's current job's id;
 * - a busy worker holds the process open (`ref`), an idle or starting one does not, unless jobs wait for it.
 *
 * @module
 */

import { BrokenExecutorError, QueueFull, WorkerExitedError } from "../lib/core/errors.js";
import type { EventLoop } from "../lib/core/event-loop.js";
import type { Future } from "../lib/core/future.js";
import { _JobFuture } from "./job-future.js";
import { _JobQueue } from "./job-queue.js";
import { _wakeRoomWaiters } from "./room-waiters.js";
import { _peekRunningLoop, getRunningLoop } from "../lib/core/running.js";
import type { Executor, ShutdownOptions, SubmitOptions, WorkRef } from "./executor.js";
import { describeReceived } from "../lib/core/received.js";
import { _checkWorkRef, _poolSettings } from "./pool-options.js";
import type { _PoolSettings, PoolOptions } from "./pool-options.js";
import { _describeRef } from "./protocol.js";
import type { _FromWorker, _RefData } from "./protocol.js";
import { _dataToError } from "./remote-error.js";
import { _transferListOf } from "./transfer.js";
import type { _WorkerChannel } from "./worker-channel.js";

type WorkerState = "starting" | "idle" | "busy" | "closing" | "killed";

/** One job: what to run, and the Future its caller waits on. */
interface Job {
  readonly id: number;
  readonly ref: _RefData;
  readonly args: readonly unknown[];
  readonly transfer: readonly object[];
  readonly future: Future<unknown>;
  readonly terminateOnCancel: boolean;
}

/** One worker and what it is doing. */
interface PoolWorker {
  readonly channel: _WorkerChannel;
  state: WorkerState;
  job: Job | undefined;
  /** The id and loop of the job it ran last: what that job leaves behind is reported there. */
  lastJobId: number;
  lastLoop: EventLoop | undefined;
  jobsRun: number;
  idleTimer: ReturnType<typeof setTimeout> | undefined;
  /** Whether it holds the process open now (ref), to call into Node only on a change. */
  held: boolean;
}

let nextJobId = 1;

/**
 * A pool's workers and queue at one moment, from {@link WorkerPoolExecutor.stats}.
 *
 * @example
 * ```ts
 * const { workers, busy, queued }: PoolStats = pool.stats();
 * ```
 */
export interface PoolStats {
  /** Workers alive (starting, idle, busy or exiting). */
  readonly workers: number;
  /** Workers waiting for a job. */
  readonly idle: number;
  /** Workers running a job. */
  readonly busy: number;
  /** Jobs waiting for a worker. */
  readonly queued: number;
}

/**
 * A pool of workers behind the {@link Executor} interface; see {@link ThreadPoolExecutor} and
 * {@link ProcessPoolExecutor}, which are this engine with threads or with child processes.
 *
 * @example
 * ```ts
 * const pool: WorkerPoolExecutor = new ThreadPoolExecutor({ maxWorkers: 2 });
 * console.log(pool.stats()); // { workers: 0, idle: 0, busy: 0, queued: 0 }
 * ```
 */
export abstract class WorkerPoolExecutor implements Executor {
  readonly #where: string;
  readonly #settings: _PoolSettings;
  readonly #queue = new _JobQueue<Job>();
  readonly #workers = new Set<PoolWorker>();
  readonly #idle: PoolWorker[] = [];
  readonly #roomWaiters: Future<void>[] = [];
  readonly #shutdownWaiters: Future<void>[] = [];
  #lastLoop: EventLoop | undefined;
  /** A done Future on `#lastLoop`, what room() returns while there is room (no allocation per job). */
  #roomNow: Future<void> | undefined;
  #starting = 0;
  #shutdown = false;
  #broken: BrokenExecutorError | undefined;

  /**
   * @param where - the class name, for messages.
   * @param options - see {@link PoolOptions}.
   */
  protected constructor(where: string, options: PoolOptions) {
    this.#where = where;
    this.#settings = _poolSettings(`${where}()`, options);
  }

  /** @internal Starts one worker of this pool's kind. */
  protected abstract _spawn(execArgv: readonly string[] | undefined, env: PoolOptions["env"]): _WorkerChannel;

  /** @internal Whether the transport moves transfer lists (threads) or copies everything (processes). */
  protected abstract readonly _transfers: boolean;

  /**
   * Queues `fn(...args)` and returns its Future at once. A worker is started for it if none is
   * idle and fewer than `maxWorkers` run.
   *
   * **Cancellation:** cancelling the Future while the job waits removes it: it never runs. While
   * it runs, the job's AbortSignal (`currentSignal()` in the worker) is aborted, or with
   * `{ cancel: "terminate" }` its worker is killed and replaced; a result that arrives later is
   * dropped.
   *
   * @throws `BrokenExecutorError` after `shutdown()` or once the pool is broken; `QueueFull`
   *   when `maxQueue` jobs wait; `TypeError` for a bad reference, arguments or options;
   *   `InvalidStateError` outside a running event loop.
   * @example
   * ```ts
   * const future = pool.submit(work.task("hash"), [data]);
   * const digest = yield* future;
   * ```
   */
  submit<A extends readonly unknown[], R>(fn: WorkRef<A, R>, args: A, options?: SubmitOptions): Future<R> {
    const where = `${this.#where}.submit()`;
    _checkWorkRef(where, fn);
    const given: unknown = args; // a JavaScript caller can pass anything
    if (!Array.isArray(given)) throw new TypeError(`${where} needs the arguments as an array: received ${describeReceived(given)}`);
    const cancel = options?.cancel ?? "signal";
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- a JavaScript caller can pass anything
    if (cancel !== "signal" && cancel !== "terminate") {
      throw new TypeError(`${where} needs cancel as "signal" or "terminate": received ${JSON.stringify(cancel)}`);
    }
    if (options?.transfer !== undefined && !Array.isArray(options.transfer)) throw new TypeError(`${where} needs transfer as an array`);
    this.#checkOpen(where);
    if (this.#queue.length >= this.#settings.maxQueue) {
      throw new QueueFull(
        `${where}: ${this.#queue.length} jobs already wait (maxQueue ${this.#settings.maxQueue}); runInExecutor() waits for room instead`,
      );
    }
    const loop = getRunningLoop();
    this.#lastLoop = loop;
    const transfer = _transferListOf(args, options?.transfer);
    let job: Job | undefined = undefined;
    const future = new _JobFuture<R>(loop, () => {
      if (job !== undefined) this.#jobCancelled(job);
    });
    job = {
      id: nextJobId++,
      ref: { moduleUrl: fn.moduleUrl, exportName: fn.exportName },
      args,
      transfer: this._transfers ? transfer : NO_TRANSFER,
      future: future,
      terminateOnCancel: cancel === "terminate",
    };
    this.#queue.push(job);
    if (this.#queue.length === 1 && this.#starting > 0) this.#holdAll(); // starting workers now have a job to run
    this.#pump();
    return future;
  }

  /**
   * A Future that is done once `submit()` would accept a job (`maxQueue` not reached, or the
   * pool shut down, when `submit()` throws at once). `runInExecutor()` waits on it.
   *
   * **Cancellation:** cancelling it withdraws the wait; the room goes to the next waiter.
   *
   * @example
   * ```ts
   * yield* pool.room();
   * const future = pool.submit(work.task("hash"), [data]); // does not throw QueueFull
   * ```
   */
  room(): Future<void> {
    const loop = _peekRunningLoop() ?? this.#lastLoop ?? getRunningLoop();
    if (this.#hasRoom()) {
      // A done Future can be shared: awaiting it returns at once, whoever awaits.
      if (this.#roomNow?._loop !== loop) {
        this.#roomNow = loop.createFuture<void>();
        this.#roomNow.setResult(undefined);
      }
      return this.#roomNow;
    }
    const future = loop.createFuture<void>();
    this.#roomWaiters.push(future);
    return future;
  }

  /**
   * Stops accepting jobs and releases the workers. With `wait` (the default), the jobs already
   * submitted run to their end (the queued ones too, unless `cancelFutures`), then each worker
   * runs its teardown and exits; without it, workers are killed at once and unfinished jobs
   * fail with `BrokenExecutorError`. `cancelFutures` cancels the jobs still queued. Calling it
   * again returns another Future for the same end.
   *
   * **Cancellation:** cancelling the returned Future stops only the waiting; the shutdown goes on.
   *
   * @example
   * ```ts
   * yield* pool.shutdown(); // every submitted job has finished, every worker has exited
   * ```
   */
  shutdown(options?: ShutdownOptions): Future<void> {
    const wait = options?.wait ?? true;
    const cancelFutures = options?.cancelFutures ?? false;
    const loop = _peekRunningLoop() ?? this.#lastLoop ?? getRunningLoop();
    const done = loop.createFuture<void>();
    this.#shutdown = true;
    _wakeRoomWaiters(this.#roomWaiters, Number.POSITIVE_INFINITY); // submit() now throws: nobody should wait for room
    if (cancelFutures) for (const job of this.#queue.drain()) job.future.cancel(`${this.#where} was shut down with cancelFutures`);
    if (!wait) {
      const error = (what: string): BrokenExecutorError =>
        new BrokenExecutorError(`${this.#where} was shut down without waiting while ${what}`);
      for (const job of this.#queue.drain()) settleWithError(job, error(`${_describeRef(job.ref)} waited for a worker`));
      for (const worker of this.#workers) {
        if (worker.job !== undefined) settleWithError(worker.job, error(`${_describeRef(worker.job.ref)} ran in ${worker.channel.name}`));
        this.#kill(worker);
      }
    }
    this.#shutdownWaiters.push(done);
    this.#pump();
    return done;
  }

  /**
   * How many workers there are and what they do, and how many jobs wait.
   *
   * @example
   * ```ts
   * const { busy, queued } = pool.stats();
   * ```
   */
  stats(): PoolStats {
    let busy = 0;
    for (const worker of this.#workers) if (worker.state === "busy") busy++;
    return { workers: this.#workers.size, idle: this.#idle.length, busy, queued: this.#queue.length };
  }

  #checkOpen(where: string): void {
    if (this.#broken !== undefined) {
      throw new BrokenExecutorError(`${where}: ${this.#where} is broken (${this.#broken.message})`, { cause: this.#broken.cause });
    }
    if (this.#shutdown) throw new BrokenExecutorError(`${where} was called after shutdown(): create a new ${this.#where}`);
  }

  #hasRoom(): boolean {
    return this.#shutdown || this.#broken !== undefined || this.#queue.length < this.#settings.maxQueue;
  }

  /** Hands queued jobs to idle workers, starts workers for the rest, and ends a shutdown. */
  #pump(): void {
    while (this.#queue.length > 0 && this.#idle.length > 0) {
      const job = this.#queue.shift() as Job;
      if (job.future.done()) continue; // failed or cancelled while it waited: it never runs
      this.#dispatch(job, this.#idle.pop() as PoolWorker);
    }
    if (this.#roomWaiters.length > 0) _wakeRoomWaiters(this.#roomWaiters, this.#settings.maxQueue - this.#queue.length);
    if (this.#queue.length > this.#starting || this.#workers.size < this.#settings.minWorkers) {
      const wanted = Math.max(this.#queue.length, this.#shutdown ? 0 : this.#settings.minWorkers - this.#staying());
      // A worker that cannot be started breaks the pool, which empties the queue and ends this loop.
      while (this.#broken === undefined && this.#starting < wanted && this.#workers.size < this.#settings.maxWorkers) this.#start();
    }
    if (this.#shutdown) {
      this.#holdAll(); // starting workers hold the process while someone may wait for the shutdown
      this.#closeIdleWorkers();
    }
  }

  /** Makes the worker hold the process open or not, as {@link #holdsProcess} says, calling Node only on a change. */
  #hold(worker: PoolWorker): void {
    const held = this.#holdsProcess(worker);
    if (held === worker.held) return;
    worker.held = held;
    if (held) worker.channel.ref();
    else worker.channel.unref();
  }

  #holdAll(): void {
    for (const worker of this.#workers) this.#hold(worker);
  }

  /**
   * Whether a worker keeps the process alive: while it runs a job, while jobs wait for it to
   * start, and until it has exited once asked to (someone may wait for the shutdown, and the
   * loop must not mistake that wait for a deadlock). An idle pool never holds the process.
   */
  #holdsProcess(worker: PoolWorker): boolean {
    switch (worker.state) {
      case "busy":
      case "closing":
      case "killed":
        return true;
      case "starting":
        return this.#queue.length > 0 || this.#shutdown;
      case "idle":
        return false;
    }
  }

  #start(): void {
    let channel: _WorkerChannel;
    try {
      channel = this._spawn(this.#settings.execArgv, this.#settings.env);
    } catch (error) {
      // Node refused the worker's options (an execArgv a thread cannot take ...): it would refuse every one.
      this.#break(new BrokenExecutorError(`a worker of ${this.#where} could not be started: ${String(error)}`, { cause: error }));
      return;
    }
    const worker: PoolWorker = {
      channel,
      state: "starting",
      job: undefined,
      lastJobId: 0,
      lastLoop: undefined,
      jobsRun: 0,
      idleTimer: undefined,
      held: true, // a new worker holds the process until told otherwise
    };
    this.#workers.add(worker);
    this.#starting++;
    this.#hold(worker);
    channel.onMessage((message) => {
      this.#onMessage(worker, message);
    });
    channel.onExit((exitCode, signal, error) => {
      this.#onExit(worker, exitCode, signal, error);
    });
    const { initializer, teardown } = this.#settings;
    channel.send({ type: "init", initializer: initializer && refData(initializer), teardown: teardown && refData(teardown) }, []);
  }

  #dispatch(job: Job, worker: PoolWorker): void {
    if (worker.idleTimer !== undefined) clearTimeout(worker.idleTimer);
    worker.idleTimer = undefined;
    worker.state = "busy";
    worker.job = job;
    worker.lastJobId = job.id;
    worker.lastLoop = job.future._loop;
    this.#hold(worker);
    try {
      worker.channel.send({ type: "run", id: job.id, ref: job.ref, args: job.args }, job.transfer);
    } catch (error) {
      // The arguments cannot be cloned (a function inside an object ...): only this job fails.
      worker.job = undefined;
      this.#becomeIdle(worker);
      settleWithError(
        job,
        new TypeError(`the arguments of ${_describeRef(job.ref)} cannot be sent to a worker: ${String(error)}`, { cause: error }),
      );
    }
  }

  #onMessage(worker: PoolWorker, message: _FromWorker): void {
    switch (message.type) {
      case "ready":
        if (worker.state !== "starting") return;
        this.#starting--;
        this.#becomeIdle(worker);
        this.#pump();
        return;
      case "init-failed":
        this.#break(
          new BrokenExecutorError(
            `the worker initializer ${this.#settings.initializer?.exportName ?? ""} failed in ${worker.channel.name}`,
            {
              cause: _dataToError(message.error),
            },
          ),
        );
        return;
      case "done": {
        const job = worker.job;
        if (job?.id !== message.id) return; // a late message about a job this worker no longer runs
        worker.job = undefined;
        worker.jobsRun++;
        if (!job.future.done()) {
          if (message.ok) job.future.setResult(message.value);
          else job.future.setException(_dataToError(message.error));
        }
        if (worker.state !== "busy") return; // killed meanwhile
        if (worker.jobsRun >= this.#settings.maxTasksPerWorker) this.#close(worker);
        else this.#becomeIdle(worker);
        this.#pump();
        return;
      }
      case "stray": {
        const loop = (message.id === worker.lastJobId ? worker.lastLoop : undefined) ?? this.#lastLoop;
        loop?.callExceptionHandler({
          message: `${message.what} left an error behind in ${worker.channel.name} of ${this.#where} (it failed no job)`,
          exception: _dataToError(message.error),
        });
        return;
      }
      case "fatal":
      case "exiting":
        return;
    }
  }

  #onExit(worker: PoolWorker, exitCode: number | null, signal: string | null, error: unknown): void {
    this.#workers.delete(worker);
    const idleAt = this.#idle.indexOf(worker);
    if (idleAt >= 0) this.#idle.splice(idleAt, 1);
    if (worker.idleTimer !== undefined) clearTimeout(worker.idleTimer);
    const how = signal === null ? `exit code ${exitCode ?? "unknown"}` : `signal ${signal}`;
    const job = worker.job;
    worker.job = undefined;
    if (job !== undefined) {
      settleWithError(
        job,
        new WorkerExitedError(
          `${worker.channel.name} of ${this.#where} exited (${how}) while running ${_describeRef(job.ref)}`,
          exitCode,
          signal,
          {
            cause: error,
          },
        ),
      );
    }
    if (job === undefined && worker.state === "idle") {
      // Nothing was running: whatever ended the worker (an uncaught error in a timer a finished
      // job left) has no job to fail, so it is reported.
      this.#lastLoop?.callExceptionHandler({
        message: `${worker.channel.name} of ${this.#where} exited while idle (${how}); it was replaced when needed`,
        exception: error,
      });
    }
    if (worker.state === "starting") {
      this.#starting--;
      // A worker that dies before it is ready would die again: the pool cannot work.
      this.#break(
        new BrokenExecutorError(`a worker of ${this.#where} could not start (${how})`, {
          cause: error ?? new WorkerExitedError(`${worker.channel.name} exited (${how}) before it was ready`, exitCode, signal),
        }),
      );
    }
    worker.state = "killed";
    this.#pump();
    this.#finishShutdown();
  }

  #becomeIdle(worker: PoolWorker): void {
    worker.state = "idle";
    this.#idle.push(worker);
    this.#hold(worker);
    if (this.#shutdown || this.#staying() <= this.#settings.minWorkers) return;
    const timer = setTimeout(() => {
      if (worker.state === "idle" && this.#staying() > this.#settings.minWorkers) this.#close(worker);
    }, this.#settings.idleTimeoutMs);
    timer.unref();
    worker.idleTimer = timer;
  }

  /** The workers that are not on their way out (closing or killed). */
  #staying(): number {
    let count = 0;
    for (const worker of this.#workers) if (worker.state !== "closing" && worker.state !== "killed") count++;
    return count;
  }

  /** Asks a worker to run its teardown and exit. */
  #close(worker: PoolWorker): void {
    const at = this.#idle.indexOf(worker);
    if (at >= 0) this.#idle.splice(at, 1);
    if (worker.idleTimer !== undefined) clearTimeout(worker.idleTimer);
    worker.idleTimer = undefined;
    worker.state = "closing";
    this.#hold(worker);
    worker.channel.send({ type: "close" }, []);
  }

  #kill(worker: PoolWorker): void {
    if (worker.state === "starting") this.#starting--;
    worker.state = "killed";
    this.#hold(worker); // until "exit": see #holdsProcess
    worker.channel.kill();
  }

  #closeIdleWorkers(): void {
    if (this.#queue.length > 0) return;
    for (const worker of [...this.#idle]) this.#close(worker);
    for (const worker of this.#workers) if (worker.state === "starting") this.#kill(worker);
    this.#finishShutdown();
  }

  #finishShutdown(): void {
    if (!this.#shutdown || this.#workers.size > 0) return;
    for (const waiter of this.#shutdownWaiters.splice(0)) if (!waiter.done()) waiter.setResult(undefined);
  }

  /** The pool cannot run jobs (its initializer failed, a worker cannot start): fail what waits. */
  #break(error: BrokenExecutorError): void {
    if (this.#broken !== undefined) return;
    this.#broken = error;
    for (const job of this.#queue.drain()) settleWithError(job, error);
    for (const worker of this.#workers) if (worker.job === undefined) this.#kill(worker);
    _wakeRoomWaiters(this.#roomWaiters, Number.POSITIVE_INFINITY);
    this.#shutdown = true;
  }

  /** A job's caller cancelled it (called from its Future's cancel(), in that step). */
  #jobCancelled(job: Job): void {
    if (this.#queue.remove(job)) {
      // It never runs; its place in the queue is free.
      if (this.#roomWaiters.length > 0) _wakeRoomWaiters(this.#roomWaiters, this.#settings.maxQueue - this.#queue.length);
      if (this.#queue.length === 0 && this.#starting > 0) this.#holdAll();
      return;
    }
    for (const worker of this.#workers) {
      if (worker.job !== job) continue;
      if (job.terminateOnCancel) {
        this.#kill(worker); // "exit" clears the job and starts a replacement if one is needed
      } else {
        worker.channel.send({ type: "cancel", id: job.id }, []);
      }
      return;
    }
  }
}

const NO_TRANSFER: readonly object[] = Object.freeze([]);

function refData(ref: WorkRef<readonly unknown[], unknown>): _RefData {
  return { moduleUrl: ref.moduleUrl, exportName: ref.exportName };
}

function settleWithError(job: Job, error: Error): void {
  if (!job.future.done()) job.future.setException(error);
}
