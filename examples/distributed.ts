/**
 * distributed: CPU-bound jobs fanned out through Redis to worker processes, with BullMQ.
 *
 *   npm run example -- distributed                       # 1,000 jobs, 2 workers, a Redis of its own
 *   npm run example -- distributed -- --jobs 200 --workers 3
 *   REDIS_URL=redis://127.0.0.1:6379 npm run example -- distributed   # an existing Redis (or unix:///path)
 *
 * The producer (this process) submits 1,000 jobs, each counting the primes in a range of
 * 40,000 numbers (a few milliseconds to tens of milliseconds each), to a `BullMQExecutor`.
 * The workers are `yieldio worker` processes started here as children, standing in for other
 * machines: on a real deployment each machine runs the same command against the same Redis,
 * with the same code under its `--root`. A progress line shows how many jobs are done.
 *
 * Ctrl-C cancels cleanly: `main()` cancels the main task, `gather()` cancels every job's
 * Future, the queued jobs are removed from Redis without running, and the running ones see
 * their AbortSignal through the cancel channel and stop. Then the executor is shut down and
 * the workers get SIGTERM.
 *
 * Without REDIS_URL it starts `redis-server` (apt-get install redis-server) on a Unix socket
 * in a temp folder, and stops it at the end. See docs/distributed.md.
 */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { fromPromise, gather, getRunningLoop, main, runInExecutor, shield } from "../lib/index.js";
import type { Coroutine, Operation } from "../lib/index.js";
import { workerModule } from "../executors/index.js";
import { BullMQExecutor } from "../executors/bullmq/index.js";
import type { BullMQConnection } from "../executors/bullmq/index.js";

const { values } = parseArgs({
  options: { jobs: { type: "string", default: "1000" }, workers: { type: "string", default: "2" } },
  allowPositionals: true, // npm run example passes the example's name
});
const JOBS = Number(values.jobs);
const WORKERS = Number(values.workers);
const RANGE = 40_000;
const QUEUE = "primes";

const here = fileURLToPath(new URL(".", import.meta.url));
// Producer and workers agree on this folder: a job names its module relative to it.
const MODULE_ROOT = join(here, "work");
const work = workerModule<typeof import("./work/primes.js")>(new URL("./work/primes.ts", import.meta.url));

/** Redis: REDIS_URL's, or a redis-server of our own on a Unix socket. */
interface RedisPlace {
  /** What `yieldio worker --redis` takes. */
  readonly url: string;
  readonly connection: BullMQConnection;
  stop(): Promise<void>;
}

async function placeRedis(): Promise<RedisPlace> {
  const given = process.env["REDIS_URL"];
  if (given !== undefined) {
    const url = new URL(given);
    const connection = url.protocol === "unix:" ? { path: url.pathname } : { host: url.hostname, port: Number(url.port || 6379) };
    return { url: given, connection, stop: () => Promise.resolve() };
  }
  const dir = mkdtempSync(join(tmpdir(), "yieldio-example-redis-"));
  const path = join(dir, "redis.sock");
  const server = spawn("redis-server", ["--port", "0", "--unixsocket", path, "--save", "", "--appendonly", "no", "--dir", dir], {
    stdio: "ignore",
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", () => reject(new Error("redis-server is not installed: apt-get install redis-server, or set REDIS_URL")));
    server.once("spawn", () => resolve());
  });
  const exited = new Promise<void>((resolve) => server.once("exit", () => resolve()));
  const stop = async (): Promise<void> => {
    server.kill("SIGTERM");
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  return { url: path, connection: { path }, stop };
}

/** A `yieldio worker` process: another machine, in a real deployment. */
function startWorker(redisUrl: string): ChildProcess {
  const cli = join(here, "../cli/yieldio.ts"); // installed: npx yieldio worker ...
  return spawn(
    process.execPath,
    ["--import=tsx", cli, "worker", "--redis", redisUrl, "--queue", QUEUE, "--root", MODULE_ROOT, "--concurrency", "1"],
    {
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
}

/** Waits for a child process to exit. */
function exitOf(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once("exit", () => resolve()));
}

function* fanOut(executor: BullMQExecutor): Coroutine<number> {
  const loop = getRunningLoop();
  const start = loop.time();
  let done = 0;
  const progress = (): void => {
    const seconds = ((loop.time() - start) / 1000).toFixed(1);
    process.stdout.write(`\r${done}/${JOBS} jobs done in ${seconds} s on ${WORKERS} workers`);
  };
  function* one(i: number): Coroutine<number> {
    const count = yield* runInExecutor(executor, work.task("countPrimes"), i * RANGE, (i + 1) * RANGE);
    done++;
    progress();
    return count;
  }
  try {
    const counts = yield* gather(...Array.from({ length: JOBS }, (_, i) => one(i)));
    return counts.reduce((sum, count) => sum + count, 0);
  } finally {
    process.stdout.write(done === JOBS ? "\n" : `\ncancelled: the ${JOBS - done} jobs left are withdrawn\n`);
  }
}

/** Closes everything this example started, the producer's side first. */
function* cleanUp(executor: BullMQExecutor, workers: readonly ChildProcess[], redis: RedisPlace): Coroutine<void> {
  yield* executor.shutdown();
  for (const worker of workers) worker.kill("SIGTERM");
  yield* fromPromise(Promise.all(workers.map(exitOf)));
  yield* fromPromise(redis.stop());
}

function* distributed(): Operation<void> {
  const redis = yield* fromPromise(placeRedis());
  const workers = Array.from({ length: WORKERS }, () => startWorker(redis.url));
  const executor = new BullMQExecutor({ connection: redis.connection, queueName: QUEUE, moduleRoot: MODULE_ROOT });
  try {
    const primes = yield* fanOut(executor);
    console.log(`${primes} primes below ${(JOBS * RANGE).toLocaleString("en")}`);
  } finally {
    // Shielded: a Ctrl-C lands here as a cancellation, and cleaning up must still finish.
    yield* shield(cleanUp(executor, workers, redis));
  }
}

await main(distributed);
