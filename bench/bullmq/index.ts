/**
 * `npm run bench:bullmq`: yieldio's `BullMQExecutor` against plain BullMQ 6 with the same
 * processor, in one run, on one machine:
 * - throughput: `--jobs` (5,000) tiny `add(i, 1)` jobs submitted at once, jobs/s; target at
 *   least 0.8× plain BullMQ;
 * - round trip: `--round-trips` (300) jobs one after the other on idle workers, p50 and p99;
 *   target a p50 at most plain BullMQ's + 1 ms;
 * - cancel (yieldio only): `--cancels` (50) running jobs a round cancelled by the producer, the
 *   delay until the job's AbortSignal aborts in the worker; target p99 at most 50 ms.
 *
 * Method: a Redis of its own on a Unix socket; per contender a queue of its own and TWO worker
 * processes, each running 8 jobs at once in-process (not sandboxed): `yieldio worker` for
 * yieldio, `plain-worker.ts` (BullMQ's `Worker`) for plain BullMQ, both calling the functions of
 * `bench/work/bullmq-work.mjs`. Producers and workers are warmed before any timing, and both
 * queues get an event stream long enough for a whole burst (see events-stream.ts). Each row
 * runs one warm-up round and `--rounds` (5) timed rounds, alternating the contenders and
 * rotating who goes first; medians and min–max are reported. Every contender checks its
 * results. Progress goes to stderr, the markdown tables to stdout; `--strict` makes a missed
 * target exit with code 1. The workers and Redis are stopped at the end, also on a failure.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { cancelDelays } from "./cancel-delays.js";
import { CONCURRENCY, WORKER_PROCESSES } from "./contender.js";
import type { Contender } from "./contender.js";
import { eventsMaxLen } from "./events-stream.js";
import { PlainContender } from "./plain-contender.js";
import { startRedis } from "./redis.js";
import { formatReport } from "./report.js";
import { alternate } from "./rounds.js";
import { WorkerProcesses } from "./worker-processes.js";
import { MODULE_ROOT, YieldioContender } from "./yieldio-contender.js";

const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "5" },
    jobs: { type: "string", default: "5000" },
    "round-trips": { type: "string", default: "300" },
    cancels: { type: "string", default: "50" },
    strict: { type: "boolean", default: false },
  },
});

function count(option: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`--${option} needs an integer ≥ 1: received ${JSON.stringify(text)}`);
  return value;
}

const rounds = count("rounds", values.rounds);
const jobs = count("jobs", values.jobs);
const roundTripJobs = count("round-trips", values["round-trips"]);
const cancelsPerRound = count("cancels", values.cancels);

const started = performance.now();
const progress = (line: string): void => {
  process.stderr.write(`  [${((performance.now() - started) / 1000).toFixed(1)} s] ${line}\n`);
};

const redis = await startRedis();
progress(`Redis on ${redis.path}`);
const maxLen = eventsMaxLen(jobs);
const yieldio = new YieldioContender(redis.path, maxLen);
const plain = new PlainContender(redis.path, maxLen);
const workers = new Map<Contender, WorkerProcesses>([
  [yieldio, new WorkerProcesses()],
  [plain, new WorkerProcesses()],
]);
const workerArgs = (contender: Contender): string[] => {
  const common = ["--redis", redis.path, "--queue", contender.queueName, "--concurrency", String(CONCURRENCY)];
  return contender === yieldio
    ? ["cli/yieldio.ts", "worker", ...common, "--root", fileURLToPath(MODULE_ROOT)]
    : ["bench/bullmq/plain-worker.ts", ...common];
};

/** Stops the producers, the workers and Redis; once, whether the bench ended, failed or was interrupted. */
let stopping: Promise<void> | undefined;
const stopAll = (): Promise<void> =>
  (stopping ??= (async () => {
    for (const contender of workers.keys()) {
      await contender.stop().catch((error: unknown) => progress(`${contender.name}: closing its producer failed: ${String(error)}`));
    }
    await Promise.all([...workers.values()].map((processes) => processes.stop()));
    await redis.stop();
  })());
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    progress(`${signal}: stopping the workers and Redis`);
    void stopAll().finally(() => process.exit(1));
  });
}

try {
  const starts: Promise<void>[] = [];
  for (const [contender, processes] of workers) {
    for (let i = 1; i <= WORKER_PROCESSES; i++) starts.push(processes.start(`${contender.name} worker ${i}`, workerArgs(contender)));
  }
  await Promise.all(starts);
  progress(`${WORKER_PROCESSES} worker processes per contender, ${CONCURRENCY} jobs at a time each`);
  for (const contender of workers.keys()) await contender.start();
  progress(`producers connected and warmed up; event streams of ${maxLen} entries`);

  const entrants = [...workers].map(([contender, processes]) => ({ name: contender.name, contender, workerPids: processes.pids }));
  const throughput = await alternate("throughput", entrants, rounds, redis.pid(), (e) => e.contender.throughput(jobs), progress);
  const roundTrips = await alternate("round trip", entrants, rounds, redis.pid(), (e) => e.contender.roundTrips(roundTripJobs), progress);
  const cancelRuns = await alternate(
    "cancel",
    entrants.filter((e) => e.contender === yieldio),
    rounds,
    redis.pid(),
    () => cancelDelays(yieldio.executor, cancelsPerRound, redis.dir),
    progress,
  );

  const report = formatReport({
    yieldio: yieldio.name,
    plain: plain.name,
    jobs,
    roundTripJobs,
    cancelsPerRound,
    throughput,
    roundTrips,
    cancels: cancelRuns.get(yieldio.name)!,
  });
  console.log(
    `## BullMQ executor: ${yieldio.name} vs ${plain.name}\n\n` +
      `Node ${process.version}; per contender ${WORKER_PROCESSES} worker processes × concurrency ${CONCURRENCY}, in-process; ` +
      `${rounds} timed rounds after 1 warm-up, contenders alternating; "yieldio speed ×" > 1 means yieldio is faster.\n\n` +
      `${report.text}\n\n` +
      `${report.passed} targets passed, ${report.missed} missed; ${((performance.now() - started) / 1000).toFixed(0)} s in all`,
  );
  if (values.strict && report.missed > 0) process.exitCode = 1;
} finally {
  await stopAll();
}
