/**
 * offload: CPU-bound work in a pool of worker threads, while the loop stays on time.
 *
 *   npm run example -- offload
 *
 * Each job builds a 4 MB buffer and hashes it 12 times with SHA-256: tens of milliseconds of
 * computing. A ticker task wakes up every 100 ms and prints how late it woke up (its drift).
 *
 * 1. For comparison, 4 jobs run on the loop's own thread. While one computes, nothing else
 *    runs: the ticker is late by up to two jobs (a timer that comes due during a job joins the
 *    ready queue after the task that gave way, so the next job runs before the tick).
 * 2. 24 jobs run in a `ThreadPoolExecutor` with 2 workers. The loop only sends small messages
 *    and waits, so the ticker stays on time while both workers compute.
 *
 * Ctrl-C cancels cleanly: `main()` cancels the main task, `gather()` cancels every job, the
 * queued jobs are removed without running, and the running ones see their AbortSignal and
 * stop within one round; then the pool is shut down. A second Ctrl-C exits at once.
 *
 * It finishes by itself in a few seconds. See docs/executors.md.
 */
import { CancelledError, createTask, gather, getRunningLoop, main, runInExecutor, shield, sleep, yieldNow } from "../lib/index.js";
import type { Coroutine } from "../lib/index.js";
import { ThreadPoolExecutor, workerModule } from "../executors/index.js";
import { hashRounds, makeBuffer } from "./work/hash.js";
import type { Hashed } from "./work/hash.js";

// The work module, typed from its source. The URL names the `.ts` file: the examples run from
// source under `node --import tsx`, and the workers inherit that option. A compiled program
// names its `.js` file.
const work = workerModule<typeof import("./work/hash.js")>(new URL("./work/hash.ts", import.meta.url));

const JOBS = 24;
const INLINE_JOBS = 4;
const SIZE_MB = 4;
const ROUNDS = 12;
const WORKERS = 2;
const TICK_MS = 100;
const LATE_MS = 25; // a tick at least this late is printed LATE

let started = 0;
function stamp(): string {
  return `${String(Math.round(getRunningLoop().time() - started)).padStart(5)} ms`;
}

/** What the ticker prints after its drift, and the worst drift seen in the current part. */
const progress = { status: (): string => "(the loop has nothing else to do)", worstDriftMs: 0 };

/** Wakes up every TICK_MS and prints how late it woke up. */
function* ticker(): Coroutine<void> {
  const loop = getRunningLoop();
  let due = loop.time() + TICK_MS;
  for (let tick = 1; ; tick++) {
    yield* sleep(due - loop.time());
    const drift = loop.time() - due;
    progress.worstDriftMs = Math.max(progress.worstDriftMs, drift);
    const verdict = drift < LATE_MS ? "on time" : "LATE   ";
    console.log(
      `${stamp()}  tick ${String(tick).padStart(2)}  ${verdict} (+${String(Math.round(drift)).padStart(3)} ms)  ${progress.status()}`,
    );
    due += TICK_MS;
    while (due <= loop.time()) due += TICK_MS; // a missed tick is skipped, not run late
  }
}

/** Part 1: the jobs on the loop's own thread. Each call blocks the loop until it returns. */
function* onTheLoop(): Coroutine<void> {
  let done = 0;
  progress.status = () => `on the loop's thread: ${done}/${INLINE_JOBS} hashed`;
  for (let id = 1; id <= INLINE_JOBS; id++) {
    hashRounds(makeBuffer(id, SIZE_MB), ROUNDS); // nothing else runs meanwhile, not even the ticker
    done++;
    yield* yieldNow(); // between two jobs, the loop polls and runs what was ready before us
  }
}

/** Part 2: the jobs in the pool, all submitted at once; the pool runs 2 at a time. */
function* inThePool(pool: ThreadPoolExecutor): Coroutine<Hashed[]> {
  const results: Hashed[] = [];
  progress.status = () => {
    const { workers, idle, busy, queued } = pool.stats();
    const starting = workers - idle - busy;
    return `in the pool: ${results.length}/${JOBS} hashed, ${busy} running, ${queued} queued${starting > 0 ? `, ${starting} starting` : ""}`;
  };
  function* job(id: number): Coroutine<void> {
    // Three numbers cross to the worker, which builds the buffer where it is hashed.
    results.push(yield* runInExecutor(pool, work.task("hashBuffer"), id, SIZE_MB, ROUNDS));
  }
  try {
    yield* gather(Array.from({ length: JOBS }, (_, i) => job(i + 1)));
  } catch (error) {
    if (error instanceof CancelledError) {
      // Every job was cancelled at once: the queued ones are gone, the running ones are ending.
      const running = pool.stats().busy;
      console.log(`${stamp()}  interrupted (${error.reason.source}) after ${results.length}/${JOBS} jobs:`);
      console.log(`           ${JOBS - results.length - running} queued jobs were removed without running,`);
      console.log(`           ${running} running jobs were told to stop through their AbortSignal`);
    }
    throw error;
  }
  return results;
}

await main(function* (): Coroutine<void> {
  started = getRunningLoop().time();
  // Why threads: node:crypto's SHA-256 over big buffers scaled as well on 2 threads as on 2
  // processes here (try it: replace ThreadPoolExecutor with ProcessPoolExecutor, nothing else
  // changes), and threads cost less. And Ctrl-C in a terminal reaches only this thread, so the
  // cancellation below is what stops the jobs; a terminal also sends it to child processes,
  // which would die on their own.
  const pool = new ThreadPoolExecutor({ maxWorkers: WORKERS });
  const tick = createTask(ticker(), { name: "ticker" });
  try {
    console.log(`1. for comparison, ${INLINE_JOBS} jobs on the loop's own thread (${SIZE_MB} MB, ${ROUNDS} rounds of SHA-256 each):`);
    yield* sleep(TICK_MS * 1.5); // one tick on an idle loop first
    const inlineStart = getRunningLoop().time();
    progress.worstDriftMs = 0;
    yield* onTheLoop();
    const inlineMs = getRunningLoop().time() - inlineStart;
    const inlineDrift = progress.worstDriftMs;
    yield* sleep(TICK_MS);
    console.log(`   ${INLINE_JOBS} jobs in ${Math.round(inlineMs)} ms; the ticker was late by up to ${Math.round(inlineDrift)} ms`);

    console.log(`2. ${JOBS} jobs in a ThreadPoolExecutor with ${WORKERS} worker threads (they start with the first job):`);
    const poolStart = getRunningLoop().time();
    progress.worstDriftMs = 0;
    const results = yield* inThePool(pool);
    const poolMs = getRunningLoop().time() - poolStart;

    const perWorker = new Map<string, number>();
    for (const { worker } of results) perWorker.set(worker, (perWorker.get(worker) ?? 0) + 1);
    const hashingMs = results.reduce((sum, { ms }) => sum + ms, 0);
    const spread = [...perWorker].map(([worker, jobs]) => `${worker}: ${jobs} jobs`).join(", ");
    console.log(`   ${JOBS} jobs in ${Math.round(poolMs)} ms, the workers' start included (${spread});`);
    console.log(`   ${Math.round(hashingMs)} ms of hashing in all, about ${Math.round(hashingMs / JOBS)} ms a job`);
    console.log(
      `   the ticker was late by up to ${Math.round(progress.worstDriftMs)} ms (with the work on the loop's thread: ${Math.round(inlineDrift)} ms)`,
    );
    const first = [...results].sort((a, b) => a.id - b.id).slice(0, 2);
    console.log(`   digests: ${first.map(({ id, digest }) => `buffer ${id} ${digest.slice(0, 16)}…`).join(", ")} ...`);
  } finally {
    tick.cancel();
    // Cleanup that waits, so it is shielded: after Ctrl-C the main task is cancelled. It waits
    // for the running jobs to end (they stop at their next round), then for the workers to exit.
    yield* shield(pool.shutdown());
    console.log(`${stamp()}  pool shut down: ${JSON.stringify(pool.stats())}`);
  }
});
