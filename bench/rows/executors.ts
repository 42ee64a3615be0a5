/**
 * Executor rows: yieldio's worker pools against Piscina 5, tinypool 2 and hand-written
 * `node:worker_threads`, every pool with 2 workers, in one process:
 * - throughput: 20k tiny jobs (`add(a, b)`) submitted at once, jobs/s;
 * - latency: one job at a time on an idle, warmed-up pool, the median round trip in µs;
 * - CPU: 200 jobs of ~4 ms of arithmetic each (calibrated on this machine), wall time against
 *   running them one after another on the main thread (the speed-up).
 *
 * Every pool is created and warmed by its row's `setup` (workers started, the work module
 * loaded in each), outside the timed runs, and shut down or destroyed by its `teardown`. The
 * work functions are in `bench/work/executor-work.mjs`, one plain JavaScript file that every
 * pool loads (Piscina's and tinypool's workers cannot load `.ts`). Each library is used with its
 * own idiom: yieldio with `runInExecutor()` under `gather()` (what its docs show), and
 * `pool.submit()` futures as a second contender; Piscina and tinypool with
 * `Promise.all(tasks.map((task) => pool.run(task, { name })))`.
 *
 * Every contender checks its results and throws if the workload did not do what it claims.
 *
 * @module
 */

import { Worker } from "node:worker_threads";
import { Piscina } from "piscina";
import { Tinypool } from "tinypool";
import { ProcessPoolExecutor, ThreadPoolExecutor, workerModule } from "../../executors/index.js";
import type { Executor } from "../../executors/index.js";
import { gather, run, runInExecutor } from "../../lib/index.js";
import type { Future, Operation } from "../../lib/index.js";
import type { BenchRow, Contender } from "../row.js";
import { spin } from "../work/executor-work.mjs";

function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`bench self-check failed: ${what}`);
}

/** Every pool of these rows has this many workers. */
const WORKERS = 2;

const WORK_URL = new URL("../work/executor-work.mjs", import.meta.url);
const RAW_WORKER_URL = new URL("../work/raw-worker.mjs", import.meta.url);
const work = workerModule<typeof import("../work/executor-work.mjs")>(WORK_URL);
const ADD = work.task("add");
const SPIN = work.task("spin");

const YIELDIO = "yieldio ThreadPoolExecutor";
const YIELDIO_SUBMIT = "yieldio, submit() futures";
const YIELDIO_PROCESSES = "yieldio ProcessPoolExecutor";
const PISCINA = "Piscina 5";
const TINYPOOL = "tinypool 2";
const TINYPOOL_PROCESSES = "tinypool 2, child_process";
const RAW = "raw worker_threads";
const SERIAL = "serial (main thread)";

// ---- the pools -----------------------------------------------------------------------------------

type Kind = "threads" | "processes" | "piscina" | "tinypool" | "tinypool processes" | "raw";

/** The number of tiny jobs each pool runs in `setup`, at once: both workers start and load the module. */
const SETUP_JOBS = 200;
const SETUP_SUM = (SETUP_JOBS * (SETUP_JOBS - 1)) / 2 + SETUP_JOBS;

/**
 * The pools one row uses: `start()` (the row's setup) creates them and runs a batch of tiny
 * jobs on each, so that every worker has started and imported the work module before the first
 * run; `stop()` (the row's teardown) shuts every one down, so that nothing keeps the process alive.
 */
class Pools {
  readonly #kinds: ReadonlySet<Kind>;
  #threads: ThreadPoolExecutor | undefined;
  #processes: ProcessPoolExecutor | undefined;
  #piscina: Piscina | undefined;
  #tinypool: Tinypool | undefined;
  #tinypoolProcesses: Tinypool | undefined;
  #raw: RawPool | undefined;

  constructor(kinds: readonly Kind[]) {
    this.#kinds = new Set(kinds);
  }

  get threads(): ThreadPoolExecutor {
    return started(this.#threads, YIELDIO);
  }
  get processes(): ProcessPoolExecutor {
    return started(this.#processes, YIELDIO_PROCESSES);
  }
  get piscina(): Piscina {
    return started(this.#piscina, PISCINA);
  }
  get tinypool(): Tinypool {
    return started(this.#tinypool, TINYPOOL);
  }
  get tinypoolProcesses(): Tinypool {
    return started(this.#tinypoolProcesses, TINYPOOL_PROCESSES);
  }
  get raw(): RawPool {
    return started(this.#raw, RAW);
  }

  async start(): Promise<void> {
    const kinds = this.#kinds;
    // minWorkers / minThreads: the workers stay up between runs whatever the idle timeout.
    if (kinds.has("threads")) this.#threads = new ThreadPoolExecutor({ maxWorkers: WORKERS, minWorkers: WORKERS });
    if (kinds.has("processes")) this.#processes = new ProcessPoolExecutor({ maxWorkers: WORKERS, minWorkers: WORKERS });
    const options = { filename: WORK_URL.href, minThreads: WORKERS, maxThreads: WORKERS };
    if (kinds.has("piscina")) this.#piscina = new Piscina(options);
    if (kinds.has("tinypool")) this.#tinypool = new Tinypool(options);
    if (kinds.has("tinypool processes")) this.#tinypoolProcesses = new Tinypool({ ...options, runtime: "child_process" });
    if (kinds.has("raw")) this.#raw = new RawPool(WORKERS);

    for (const pool of [this.#threads, this.#processes]) {
      if (pool === undefined) continue;
      const sum = await run(function* () {
        const jobs: Operation<number>[] = [];
        for (let i = 0; i < SETUP_JOBS; i++) jobs.push(runInExecutor(pool, ADD, i, 1));
        return total(yield* gather(jobs));
      });
      check(sum === SETUP_SUM, "yieldio pool set-up jobs");
      check(pool.stats().workers === WORKERS, `yieldio pool started ${WORKERS} workers`);
    }
    for (const pool of [this.#piscina, this.#tinypool, this.#tinypoolProcesses]) {
      if (pool === undefined) continue;
      check((await peerAdds(pool, SETUP_JOBS)) === SETUP_SUM, "peer pool set-up jobs");
      check(pool.threads.length === WORKERS, `peer pool started ${WORKERS} workers`);
    }
    if (this.#raw !== undefined) check((await this.#raw.adds(SETUP_JOBS)) === SETUP_SUM, "raw workers set-up jobs");
  }

  async stop(): Promise<void> {
    const threads = this.#threads;
    const processes = this.#processes;
    const stops: Promise<unknown>[] = [
      run(function* () {
        if (threads !== undefined) yield* threads.shutdown();
        if (processes !== undefined) yield* processes.shutdown();
      }),
    ];
    if (this.#piscina !== undefined) stops.push(this.#piscina.destroy());
    if (this.#tinypool !== undefined) stops.push(this.#tinypool.destroy());
    if (this.#tinypoolProcesses !== undefined) stops.push(this.#tinypoolProcesses.destroy());
    if (this.#raw !== undefined) stops.push(this.#raw.terminate());
    this.#threads = this.#processes = this.#piscina = this.#tinypool = this.#tinypoolProcesses = this.#raw = undefined;
    const failed = (await Promise.allSettled(stops)).find((outcome) => outcome.status === "rejected");
    if (failed !== undefined) throw failed.reason;
  }
}

function started<T>(pool: T | undefined, name: string): T {
  if (pool === undefined) throw new Error(`bench: ${name} was used outside its row (no setup ran, or teardown did)`);
  return pool;
}

/**
 * The raw baseline: 2 worker threads, jobs posted round-robin as `[index, a, b]`, replies
 * `[index, sum]` counted by one listener per worker; no queue, no per-job promise.
 */
class RawPool {
  readonly #workers: Worker[];

  constructor(count: number) {
    this.#workers = Array.from({ length: count }, () => new Worker(RAW_WORKER_URL));
  }

  /** Posts `add(i, 1)` for every `i < count` at once; resolves with the sum of the replies. */
  adds(count: number): Promise<number> {
    const workers = this.#workers;
    return new Promise((resolve, reject) => {
      let received = 0;
      let sum = 0;
      const detach = (): void => {
        for (const worker of workers) {
          worker.off("message", onMessage);
          worker.off("error", onError);
        }
      };
      const onMessage = (reply: readonly [number, number]): void => {
        sum += reply[1];
        if (++received === count) {
          detach();
          resolve(sum);
        }
      };
      const onError = (error: unknown): void => {
        detach();
        reject(error instanceof Error ? error : new Error(String(error)));
      };
      for (const worker of workers) {
        worker.on("message", onMessage);
        worker.on("error", onError);
      }
      for (let i = 0; i < count; i++) workers[i % workers.length]!.postMessage([i, i, 1]);
    });
  }

  /** One job, alone: `add(i, 1)` on the first worker. */
  add(i: number): Promise<number> {
    const worker = this.#workers[0]!;
    return new Promise((resolve) => {
      worker.once("message", (reply: readonly [number, number]) => {
        resolve(reply[1]);
      });
      worker.postMessage([i, i, 1]);
    });
  }

  async terminate(): Promise<void> {
    await Promise.all(this.#workers.map((worker) => worker.terminate()));
  }
}

function total(values: readonly number[]): number {
  let sum = 0;
  for (const value of values) sum += value;
  return sum;
}

/** Piscina's and tinypool's idiom: `Promise.all` over `pool.run(task, { name })`. */
async function peerAdds(pool: Piscina | Tinypool, count: number): Promise<number> {
  const results: Promise<unknown>[] = [];
  for (let i = 0; i < count; i++) results.push(pool.run({ a: i, b: 1 }, { name: "addTask" }));
  return total((await Promise.all(results)).map(asNumber));
}

function asNumber(value: unknown): number {
  if (typeof value !== "number") throw new TypeError(`bench: a work function returned ${typeof value}, not a number`);
  return value;
}

// ---- 1. throughput: 20k tiny jobs ----------------------------------------------------------------

const THROUGHPUT_JOBS = 20_000;
const THROUGHPUT_SUM = (THROUGHPUT_JOBS * (THROUGHPUT_JOBS - 1)) / 2 + THROUGHPUT_JOBS;

const throughputPools = new Pools(["threads", "piscina", "tinypool", "raw"]);

const throughput: BenchRow = {
  title: `executor throughput: 20k tiny jobs, ${WORKERS} workers`,
  baseline: YIELDIO,
  // Issue 9: throughput at least Piscina's.
  target: { versus: PISCINA, atLeast: 1.0 },
  itemsPerRun: THROUGHPUT_JOBS,
  unit: "jobs",
  setup: () => throughputPools.start(),
  teardown: () => throughputPools.stop(),
  contenders: [
    {
      // What the docs show: one runInExecutor() per job, all under one gather().
      name: YIELDIO,
      run: () =>
        run(function* () {
          const pool = throughputPools.threads;
          const jobs: Operation<number>[] = [];
          for (let i = 0; i < THROUGHPUT_JOBS; i++) jobs.push(runInExecutor(pool, ADD, i, 1));
          check(total(yield* gather(jobs)) === THROUGHPUT_SUM, "yieldio runInExecutor sum");
        }),
    },
    {
      // The executor's own API: submit() every job, then wait for each Future (no task per job).
      name: YIELDIO_SUBMIT,
      run: () =>
        run(function* () {
          const pool = throughputPools.threads;
          const futures: Future<number>[] = [];
          for (let i = 0; i < THROUGHPUT_JOBS; i++) futures.push(pool.submit(ADD, [i, 1]));
          let sum = 0;
          for (const future of futures) sum += yield* future;
          check(sum === THROUGHPUT_SUM, "yieldio submit() sum");
        }),
    },
    {
      name: PISCINA,
      run: async () => {
        check((await peerAdds(throughputPools.piscina, THROUGHPUT_JOBS)) === THROUGHPUT_SUM, "Piscina sum");
      },
    },
    {
      name: TINYPOOL,
      run: async () => {
        check((await peerAdds(throughputPools.tinypool, THROUGHPUT_JOBS)) === THROUGHPUT_SUM, "tinypool sum");
      },
    },
    {
      name: RAW,
      run: async () => {
        check((await throughputPools.raw.adds(THROUGHPUT_JOBS)) === THROUGHPUT_SUM, "raw worker_threads sum");
      },
    },
  ],
};

// ---- 2. latency: one job's round trip on an idle pool ----------------------------------------------

/** Sequential jobs per run; each run resolves with every job's round trip (ms). */
const LATENCY_JOBS = 2_000;

const latencyPools = new Pools(["threads", "piscina", "tinypool", "raw"]);

/** Times `LATENCY_JOBS` jobs one after the other, each started once the previous one returned. */
async function peerRoundTrips(runOne: (i: number) => Promise<unknown>): Promise<number[]> {
  const durations: number[] = [];
  for (let i = 0; i < LATENCY_JOBS; i++) {
    const started = performance.now();
    const value = await runOne(i);
    durations.push(performance.now() - started);
    check(value === i + 1, "round trip result");
  }
  return durations;
}

function yieldioRoundTrips(runOne: (i: number) => Operation<number>): Promise<number[]> {
  return run(function* () {
    const durations: number[] = [];
    for (let i = 0; i < LATENCY_JOBS; i++) {
      const started = performance.now();
      const value = yield* runOne(i);
      durations.push(performance.now() - started);
      check(value === i + 1, "round trip result");
    }
    return durations;
  });
}

const latency: BenchRow = {
  title: `executor latency: 1 job round trip, idle pool of ${WORKERS}`,
  baseline: YIELDIO,
  // Issue 9: a median round trip no slower than Piscina's.
  target: { versus: PISCINA, atLeast: 1.0 },
  itemsPerRun: LATENCY_JOBS,
  unit: "jobs",
  latency: true,
  setup: () => latencyPools.start(),
  teardown: () => latencyPools.stop(),
  contenders: [
    { name: YIELDIO, run: () => yieldioRoundTrips((i) => runInExecutor(latencyPools.threads, ADD, i, 1)) },
    { name: YIELDIO_SUBMIT, run: () => yieldioRoundTrips((i) => latencyPools.threads.submit(ADD, [i, 1])) },
    { name: PISCINA, run: () => peerRoundTrips((i) => latencyPools.piscina.run({ a: i, b: 1 }, { name: "addTask" })) },
    { name: TINYPOOL, run: () => peerRoundTrips((i) => latencyPools.tinypool.run({ a: i, b: 1 }, { name: "addTask" })) },
    { name: RAW, run: () => peerRoundTrips((i) => latencyPools.raw.add(i)) },
  ],
};

// ---- 3. CPU: 200 jobs of ~4 ms -----------------------------------------------------------------------

const CPU_JOBS = 200;
/** The target duration of one job on this machine's main thread; `calibrate()` finds the iterations. */
const CPU_JOB_MS = 4;

/** Set by the CPU row's setup: `spin()` iterations for ~`CPU_JOB_MS`, and the expected result of each job. */
let spinIterations = 0;
let spinExpected: readonly number[] = [];

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1]!;
}

/** The `spin()` iterations that take ~`CPU_JOB_MS` on the main thread, once the JIT has optimised it. */
function calibrate(): number {
  const probe = 1_000_000;
  for (let i = 0; i < 20; i++) spin(i, probe / 10);
  const samples: number[] = [];
  for (let i = 0; i < 9; i++) {
    const started = performance.now();
    spin(i, probe);
    samples.push(performance.now() - started);
  }
  return Math.max(1, Math.round((CPU_JOB_MS / median(samples)) * probe));
}

function checkSpins(values: readonly unknown[], who: string): void {
  check(values.length === CPU_JOBS && values.every((value, i) => value === spinExpected[i]), `${who}: every job's hash`);
}

const cpuPools = new Pools(["threads", "processes", "piscina", "tinypool", "tinypool processes"]);

function yieldioSpins(pool: () => Executor, who: string): Contender["run"] {
  return () =>
    run(function* () {
      const executor = pool();
      const jobs: Operation<number>[] = [];
      for (let seed = 0; seed < CPU_JOBS; seed++) jobs.push(runInExecutor(executor, SPIN, seed, spinIterations));
      checkSpins(yield* gather(jobs), who);
    });
}

function peerSpins(pool: () => Piscina | Tinypool, who: string): Contender["run"] {
  return async () => {
    const executor = pool();
    const results: Promise<unknown>[] = [];
    for (let seed = 0; seed < CPU_JOBS; seed++) results.push(executor.run({ seed, iterations: spinIterations }, { name: "spinTask" }));
    checkSpins(await Promise.all(results), who);
  };
}

const cpu: BenchRow = {
  title: `executor CPU: ${CPU_JOBS} jobs × ~${CPU_JOB_MS} ms, ${WORKERS} workers`,
  baseline: YIELDIO,
  // Issue 9: a speed-up over serial at least Piscina's (the same jobs, so the wall times compare).
  target: { versus: PISCINA, atLeast: 1.0 },
  itemsPerRun: CPU_JOBS,
  unit: "jobs",
  speedupOver: SERIAL,
  setup: async () => {
    spinIterations = calibrate();
    const started = performance.now();
    const expected: number[] = [];
    for (let seed = 0; seed < CPU_JOBS; seed++) expected.push(spin(seed, spinIterations));
    spinExpected = expected;
    process.stderr.write(
      `  executor CPU: ${spinIterations} iterations a job, ${((performance.now() - started) / CPU_JOBS).toFixed(2)} ms a job serially\n`,
    );
    await cpuPools.start();
  },
  teardown: () => cpuPools.stop(),
  contenders: [
    { name: YIELDIO, run: yieldioSpins(() => cpuPools.threads, YIELDIO) },
    { name: YIELDIO_PROCESSES, run: yieldioSpins(() => cpuPools.processes, YIELDIO_PROCESSES) },
    { name: PISCINA, run: peerSpins(() => cpuPools.piscina, PISCINA) },
    { name: TINYPOOL, run: peerSpins(() => cpuPools.tinypool, TINYPOOL) },
    { name: TINYPOOL_PROCESSES, run: peerSpins(() => cpuPools.tinypoolProcesses, TINYPOOL_PROCESSES) },
    {
      name: SERIAL,
      run: () => {
        const results: number[] = [];
        for (let seed = 0; seed < CPU_JOBS; seed++) results.push(spin(seed, spinIterations));
        checkSpins(results, SERIAL);
        return Promise.resolve();
      },
    },
  ],
};

/** The executor rows, in the order they are printed. */
export const rows: readonly BenchRow[] = [throughput, latency, cpu];
