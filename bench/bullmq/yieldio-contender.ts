/**
 * The yieldio contender: one `BullMQExecutor` on its own queue, used as its docs show
 * (`runInExecutor()` per job, under `gather()` for a batch), its workers `yieldio worker`
 * processes. The executor is made once and serves every run; each run is a `run()` of its own,
 * so its timing includes starting and ending a loop (microseconds), as a program's would.
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import { BullMQExecutor } from "../../executors/bullmq/index.js";
import { workerModule } from "../../executors/index.js";
import { gather, run, runInExecutor } from "../../lib/index.js";
import type { Operation } from "../../lib/index.js";
import { check, checkAdds, JOB_RETENTION } from "./contender.js";
import type { Contender } from "./contender.js";

/** The folder the job modules live under: the executor's `moduleRoot` and the workers' `--root`. */
export const MODULE_ROOT = new URL("../work/", import.meta.url);

export const WORK = workerModule<typeof import("../work/bullmq-work.mjs")>(new URL("bullmq-work.mjs", MODULE_ROOT));
const ADD = WORK.task("add");

/** Jobs run by `start()`, at once, so that every worker has loaded the work module before the first run. */
const WARM_UP_JOBS = 200;

export class YieldioContender implements Contender {
  readonly name = "yieldio BullMQExecutor";
  readonly queueName = "bench-yieldio";
  readonly #socketPath: string;
  readonly #eventsMaxLen: number;
  #executor: BullMQExecutor | undefined;

  /** `eventsMaxLen`: see events-stream.ts. */
  constructor(socketPath: string, eventsMaxLen: number) {
    this.#socketPath = socketPath;
    this.#eventsMaxLen = eventsMaxLen;
  }

  /** The executor, for the cancel row. */
  get executor(): BullMQExecutor {
    if (this.#executor === undefined) throw new Error("bench: the yieldio contender was used before start() or after stop()");
    return this.#executor;
  }

  async start(): Promise<void> {
    this.#executor = new BullMQExecutor({
      connection: { path: this.#socketPath },
      queueName: this.queueName,
      moduleRoot: fileURLToPath(MODULE_ROOT),
      defaultJobOptions: JOB_RETENTION,
      eventsMaxLen: this.#eventsMaxLen,
    });
    await this.throughput(WARM_UP_JOBS);
  }

  throughput(jobs: number): Promise<void> {
    const executor = this.executor;
    return run(function* () {
      const adds: Operation<number>[] = [];
      for (let i = 0; i < jobs; i++) adds.push(runInExecutor(executor, ADD, i, 1));
      checkAdds(yield* gather(adds), jobs, "yieldio throughput");
    });
  }

  roundTrips(jobs: number): Promise<number[]> {
    const executor = this.executor;
    return run(function* () {
      const durations: number[] = [];
      for (let i = 0; i < jobs; i++) {
        const started = performance.now();
        const value = yield* runInExecutor(executor, ADD, i, 1);
        durations.push(performance.now() - started);
        check(value === i + 1, `yieldio round trip: job ${i} returned ${value}, not ${i + 1}`);
      }
      return durations;
    });
  }

  async stop(): Promise<void> {
    const executor = this.#executor;
    this.#executor = undefined;
    // Without waiting: after a failed run a lost job must not hold the bench; after a good one nothing is unfinished.
    if (executor !== undefined) await run(() => executor.shutdown({ wait: false }));
  }
}
