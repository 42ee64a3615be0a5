/**
 * Tutorial, step 8: offloading CPU work to a worker pool, so the loop stays responsive.
 *
 *   npm run example -- tutorial/08
 *
 * The loop runs every coroutine step, callback and timer on one thread, one at a time. A step
 * that computes for 50 ms holds up everything else for 50 ms: no other task, no timer, no I/O
 * can run meanwhile, since nothing can interrupt a step. Waiting for I/O costs the loop nothing
 * (step 6); computing does. CPU-bound work therefore goes to an executor: a pool of worker
 * threads (`ThreadPoolExecutor`) or processes (`ProcessPoolExecutor`), where it runs in parallel
 * while the loop only sends a small message and waits for the answer, like any other wait.
 *
 * A ticker task wants to print every 50 ms, and reports how late it woke up. Four jobs, each
 * hashing a 4 MB buffer 16 times with SHA-256 (about 50 ms of computing on one core here), run:
 *   1. on the loop's own thread: the ticker stalls while the jobs run;
 *   2. with `runInExecutor` in a ThreadPoolExecutor of 2 workers, twice (the first round
 *      includes starting the workers): the ticker stays on time.
 * Both give the same digests. The program shuts the pool down and ends by itself. The work module is examples/work/hash.ts (the one
 * examples/offload.ts uses); JavaScript cannot send a function to a thread, so a job names it
 * by module URL and export name (`workerModule(...).task("hashBuffer")`). See docs/executors.md.
 */
import { createTask, gather, getRunningLoop, run, runInExecutor, shield, sleep, yieldNow } from "../../lib/index.js";
import type { Coroutine } from "../../lib/index.js";
import { ThreadPoolExecutor, workerModule } from "../../executors/index.js";
import { hashRounds, makeBuffer } from "../work/hash.js";

// Typed from the module's source; the URL names the .ts file because the examples run under
// `node --import=tsx`, which the workers inherit. A compiled program would name its .js file.
const work = workerModule<typeof import("../work/hash.js")>(new URL("../work/hash.ts", import.meta.url));

const JOBS = 4;
const SIZE_MB = 4;
const ROUNDS = 16;
const TICK_MS = 50;

/** The ticker's worst lateness since the last reset, in ms. */
const lateness = { worstMs: 0 };

function elapsed(startedMs: number): string {
  return `+${String(Math.round(getRunningLoop().time() - startedMs)).padStart(4)} ms`;
}

/** Wakes up every TICK_MS and prints how late it woke up. */
function* ticker(startedMs: number): Coroutine<void> {
  const loop = getRunningLoop();
  let dueMs = loop.time() + TICK_MS;
  for (let tick = 1; ; tick++) {
    yield* sleep(dueMs - loop.time());
    const lateMs = loop.time() - dueMs;
    lateness.worstMs = Math.max(lateness.worstMs, lateMs);
    console.log(`  ${elapsed(startedMs)}  tick ${tick}, late by ${Math.round(lateMs)} ms`);
    dueMs += TICK_MS;
    while (dueMs <= loop.time()) dueMs += TICK_MS; // a missed tick is skipped, not run late
  }
}

/** Part 1: each call blocks the loop until it returns; the ticker runs only between jobs. */
function* onTheLoop(startedMs: number): Coroutine<string[]> {
  const digests: string[] = [];
  for (let id = 1; id <= JOBS; id++) {
    digests.push(hashRounds(makeBuffer(id, SIZE_MB), ROUNDS)); // nothing else runs meanwhile
    console.log(`  ${elapsed(startedMs)}  job ${id} done on the loop's thread`);
    // Give way for one pass. In that pass the poll comes first, then the due tick joins the
    // ready queue behind this task (which was queued before it): so the next job runs first,
    // and the tick right after it. See the loop's phases in step 4.
    yield* yieldNow();
  }
  return digests;
}

/** Part 2: the jobs in the pool; the loop waits for them as for any other operation. */
function* inThePool(pool: ThreadPoolExecutor, startedMs: number): Coroutine<string[]> {
  function* job(id: number): Coroutine<string> {
    // Three numbers cross to the worker, which builds the buffer and hashes it there.
    const { digest } = yield* runInExecutor(pool, work.task("hashBuffer"), id, SIZE_MB, ROUNDS);
    console.log(`  ${elapsed(startedMs)}  job ${id} done in a worker`);
    return digest;
  }
  return yield* gather(Array.from({ length: JOBS }, (_, index) => job(index + 1)));
}

await run(function* () {
  const loop = getRunningLoop();
  const pool = new ThreadPoolExecutor({ maxWorkers: 2 });
  const startedMs = loop.time();
  const tick = createTask(ticker(startedMs), { name: "ticker" });
  try {
    yield* sleep(TICK_MS * 1.5); // one tick on an idle loop first

    console.log(`1. ${JOBS} jobs on the loop's own thread:`);
    lateness.worstMs = 0;
    let roundStartMs = loop.time();
    const inline = yield* onTheLoop(startedMs);
    console.log(`  ${elapsed(startedMs)}  ${JOBS} jobs in ${Math.round(loop.time() - roundStartMs)} ms`);
    yield* sleep(TICK_MS);
    const inlineWorstMs = lateness.worstMs;

    console.log(`2. the same ${JOBS} jobs in a ThreadPoolExecutor with 2 worker threads, twice:`);
    lateness.worstMs = 0;
    let pooled: string[] = [];
    for (const round of ["first round: the workers start, and each loads the work module", "second round: the workers are ready"]) {
      console.log(`  ${elapsed(startedMs)}  ${round}`);
      roundStartMs = loop.time();
      pooled = yield* inThePool(pool, startedMs);
      console.log(`  ${elapsed(startedMs)}  ${JOBS} jobs in ${Math.round(loop.time() - roundStartMs)} ms`);
    }
    yield* sleep(TICK_MS);

    console.log(`the ticker was late by up to ${Math.round(inlineWorstMs)} ms with the jobs on the loop's thread,`);
    console.log(`and by up to ${Math.round(lateness.worstMs)} ms with the jobs in the pool`);
    console.log(`same digests both ways: ${String(inline.join() === pooled.join())} (job 1: ${pooled[0]?.slice(0, 16) ?? "?"}…)`);
  } finally {
    tick.cancel();
    // Waiting for the workers to exit is cleanup that suspends: shielded (see step 7).
    yield* shield(pool.shutdown());
  }
});
