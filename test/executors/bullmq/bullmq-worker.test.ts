/**
 * The worker side of the BullMQ executor against a real Redis: `startBullMQWorker()` in the
 * test's process or sandboxed (jobs in child processes), and `yieldio worker` as a process of
 * its own (built: `npm test` builds first), which the tests stop with SIGTERM or kill.
 */
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import type { ChildProcess } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Queue } from "bullmq";
import { BrokenExecutorError, CancelledError, WorkerExitedError, createTask, gather, runInExecutor } from "../../../lib/index.js";
import type { Coroutine } from "../../../lib/index.js";
import { startBullMQWorker } from "../../../executors/bullmq/index.js";
import {
  MODULE_ROOT,
  fromAsync,
  QUEUE,
  jobs,
  report,
  reportFile,
  startProxy,
  startWorker,
  until,
  untilAsync,
  withExecutor,
  withQueue,
} from "../../helpers/bullmq.js";
import { errorOf, settle } from "../../helpers/operations.js";
import { redisTest } from "../../helpers/redis.js";
import type { RedisServer } from "../../helpers/redis.js";

const repository = fileURLToPath(new URL("../../../", import.meta.url));

redisTest("`startBullMQWorker()` behaviour: bad options are refused with TypeError before connecting", async (t, redis) => {
  const good = { connection: { path: redis.path }, queueName: QUEUE, moduleRoot: MODULE_ROOT };
  const bad: unknown[] = [
    undefined,
    { ...good, connection: 6379 },
    { ...good, queueName: "" },
    { ...good, queueName: "a:b" },
    { ...good, moduleRoot: "" },
    { ...good, concurrency: 0 },
    { ...good, lockDuration: 1.5 },
    { ...good, stalledInterval: -1 },
    { ...good, maxStalledCount: -1 },
    { ...good, execArgv: "--inspect" },
    { ...good, sandbox: "yes" },
    { ...good, allowEviction: 1 },
    { ...good, prefix: "" },
  ];
  for (const options of bad) await t.throwsAsync(startBullMQWorker(options as never), { instanceOf: TypeError }, JSON.stringify(options));
});

redisTest(
  "`startBullMQWorker()` behaviour: a Redis that may evict keys is refused with BrokenExecutorError, leaving nothing open, unless allowEviction",
  async (t, redis) => {
    await withQueue(redis, (_queue, client) => client.config("SET", "maxmemory-policy", "volatile-lru"));
    const clients = (): Promise<number> =>
      withQueue(
        redis,
        async (_queue, client) =>
          String(await client.call("CLIENT", "LIST"))
            .split("\n")
            .filter(Boolean).length,
      );
    const before = await clients();
    await t.throwsAsync(startWorker(redis), { instanceOf: BrokenExecutorError, message: /maxmemory-policy is volatile-lru/ });
    await untilAsync(async () => (await clients()) === before, "the refused worker's connections to close");
    const worker = await startWorker(redis, { allowEviction: true });
    await worker.close();
    t.pass();
  },
);

redisTest(
  "`startBullMQWorker()` behaviour: a job naming a module outside moduleRoot, or not written by yieldio, fails without any import",
  async (t, redis) => {
    const worker = await startWorker(redis);
    try {
      const reasons = await withQueue(redis, async (queue) => {
        const names = [
          "root:../../../package.json#version",
          "data:text/javascript,export default 1#default",
          "/etc/passwd#x",
          "root:bullmq-jobs.ts#",
        ];
        const added = await Promise.all(names.map((name) => queue.add(name, { a: { v: 1, b: "" } })));
        await untilAsync(async () => (await queue.getFailedCount()) === names.length, "every job to fail");
        return Promise.all(added.map(async (job) => (await queue.getJob(job.id ?? ""))?.failedReason ?? ""));
      });
      for (const reason of reasons) t.regex(reason, /refused|export name must be non-empty/);
    } finally {
      await worker.close();
    }
  },
);

redisTest(
  "`startBullMQWorker()` behaviour: sandboxed, jobs run in child processes; a crash fails only its job with WorkerExitedError, and the pool goes on",
  async (t, redis) => {
    const worker = await startWorker(redis, { sandbox: true, concurrency: 2 });
    const file = reportFile();
    try {
      const { result } = await withExecutor(t, redis, {}, function* (executor) {
        const pids = yield* gather(runInExecutor(executor, jobs.task("pid")), runInExecutor(executor, jobs.task("pid")));
        const crash = errorOf(yield* settle(runInExecutor(executor, jobs.task("exitLater"), file, 3, 0)));
        const after = yield* runInExecutor(executor, jobs.task("add"), 20, 22);
        return { pids, crash, after };
      });
      t.false(result.pids.includes(process.pid), "the jobs ran in other processes");
      t.true(result.crash instanceof WorkerExitedError);
      t.is((result.crash as WorkerExitedError).exitCode, 3);
      t.regex((result.crash as Error).message, /the worker process running root:bullmq-jobs\.ts#exitLater exited \(exit code 3\)/);
      t.is(result.after, 42);
    } finally {
      await worker.close();
    }
  },
);

redisTest(
  '`startBullMQWorker()` behaviour: sandboxed, a cancelled job\'s currentSignal() aborts in its child process; with cancel: "terminate" the child is killed',
  async (t, redis) => {
    const worker = await startWorker(redis, { sandbox: true, concurrency: 2 });
    const polite = reportFile();
    const stubborn = reportFile();
    try {
      const { result } = await withExecutor(t, redis, {}, function* (executor) {
        const waiting = createTask(runInExecutor(executor, jobs.task("waitForAbort"), polite, 60_000));
        const spinning = executor.submit(jobs.task("spin"), [stubborn, 60_000], { cancel: "terminate" });
        yield* until(() => report(polite) === "started" && report(stubborn) === "started", "both jobs to start");
        waiting.cancel();
        spinning.cancel();
        yield* until(() => report(polite).startsWith("aborted"), "the polite job to see its signal");
        // The polite job returns once aborted (its result is dropped); the stubborn one fails with its process.
        yield* until(
          () => withQueue(redis, async (queue) => (await queue.getFailedCount()) === 1 && (await queue.getCompletedCount()) === 1),
          "both jobs to end in Redis",
        );
        const failed = yield* fromQueue(redis, async (queue) => (await queue.getFailed()).map((job) => job.failedReason));
        return { failed, after: yield* runInExecutor(executor, jobs.task("add"), 1, 2) };
      });
      t.is(report(polite), "aborted: AbortError");
      t.is(report(stubborn), "started", "the spinning job was stopped by its process's end");
      t.true(result.failed.some((reason) => /Unexpected exit code: null signal: SIGKILL/.test(reason)));
      t.is(result.after, 3, "the pool replaced the killed child");
    } finally {
      await worker.close();
    }
  },
);

redisTest(
  "`BullMQWorker.close()` behaviour: closing waits for the running job; with force it aborts the job's signal instead, and a second close returns the same Promise",
  async (t, redis) => {
    const polite = reportFile();
    const forced = reportFile();
    const first = await startWorker(redis, { concurrency: 1 });
    const { result } = await withExecutor(t, redis, {}, function* (executor) {
      const finished = executor.submit(jobs.task("waitForGate"), [polite, `${polite}.gate`]);
      yield* until(() => report(polite) === "started", "the first job to start");
      let closed = false;
      const closing = first.close().then(() => (closed = true));
      yield* fromAsync(() => new Promise((resolve) => setTimeout(resolve, 50)));
      const closedEarly = closed;
      writeFileSync(`${polite}.gate`, "");
      yield* fromAsync(() => closing);
      const afterClose = report(polite);
      const second = yield* fromAsync(() => startWorker(redis, { concurrency: 1 }));
      const abandoned = executor.submit(jobs.task("waitForAbort"), [forced, 60_000]);
      yield* until(() => report(forced) === "started", "the second job to start");
      const forcing = second.close({ force: true });
      t.is(second.close(), forcing);
      yield* fromAsync(() => forcing);
      abandoned.cancel(); // its worker is gone: nobody would finish it
      return { closedEarly, afterClose, value: yield* finished };
    });
    t.false(result.closedEarly, "close() waited for the running job");
    t.is(result.afterClose, "opened", "close() returned after the job's end");
    t.is(result.value, "opened");
    await untilAsync(() => report(forced).startsWith("aborted"), "the forced job to see its signal");
    t.is(report(forced), "aborted: AbortError");
  },
);

redisTest(
  "`BullMQWorker.close()` behaviour: force after a graceful close under way (a second SIGTERM) aborts the running job, and the close ends",
  async (t, redis) => {
    const file = reportFile();
    const worker = await startWorker(redis, { concurrency: 1 });
    const { result } = await withExecutor(t, redis, {}, function* (executor) {
      const future = executor.submit(jobs.task("waitForAbort"), [file, 60_000]);
      yield* until(() => report(file) === "started", "the job to start");
      const graceful = worker.close();
      const forced = worker.close({ force: true });
      yield* fromAsync(() => Promise.all([graceful, forced]));
      yield* until(() => report(file).startsWith("aborted"), "the job to see its signal");
      future.cancel(); // its worker is gone
      return { same: graceful === forced };
    });
    t.true(result.same);
    t.is(report(file), "aborted: AbortError");
  },
);

redisTest(
  "`startBullMQWorker()` behaviour: a cancel sent while the worker's connection is down reaches the running job once it reconnects",
  async (t, redis) => {
    const file = reportFile();
    const proxy = await startProxy(redis.path);
    const worker = await startWorker(redis, { connection: { path: proxy.path }, concurrency: 1 });
    worker.worker.on("error", () => undefined); // its connections are cut on purpose
    try {
      const { result } = await withExecutor(t, redis, {}, function* (executor) {
        const task = createTask(runInExecutor(executor, jobs.task("waitForAbort"), file, 60_000));
        yield* until(() => report(file) === "started", "the job to start");
        proxy.freeze(); // the cancel message will not reach the worker
        task.cancel();
        const outcome = yield* settle(task);
        yield* fromAsync(() => new Promise((resolve) => setTimeout(resolve, 50))); // the message is gone by now
        const before = report(file);
        proxy.cut(); // the worker reconnects, and reads the producer's key
        yield* until(() => report(file).startsWith("aborted"), "the job to see its signal");
        return { outcome, before };
      });
      t.true(errorOf(result.outcome) instanceof CancelledError);
      t.is(result.before, "started", "the message was lost with the frozen connection");
      t.is(report(file), "aborted: AbortError");
    } finally {
      await worker.close({ force: true });
      await proxy.close();
    }
  },
);

/** A `yieldio worker` process on the test's Redis; resolves once it takes jobs. */
async function startCliWorker(
  redis: RedisServer,
  ...extra: string[]
): Promise<{ child: ChildProcess; output: () => string; exited: Promise<number | null> }> {
  const child = spawn(
    process.execPath,
    [
      // As a user runs it (npx yieldio worker): no --import=tsx; the command registers tsx itself
      // for the TypeScript job modules, and passes it on to a sandbox's children.
      join(repository, "dist/cli/yieldio.js"),
      "worker",
      "--redis",
      redis.path,
      "--queue",
      QUEUE,
      "--root",
      MODULE_ROOT,
      ...extra,
    ],
    { cwd: repository, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  await untilAsync(() => output.includes("taking jobs") || child.exitCode !== null, "the worker to start");
  if (child.exitCode !== null) throw new Error(`yieldio worker exited: ${output}`);
  return { child, output: () => output, exited };
}

redisTest("`yieldio worker` behaviour: runs jobs; SIGTERM lets the running job finish, then it closes and exits 0", async (t, redis) => {
  const worker = await startCliWorker(redis, "--concurrency", "2");
  const file = reportFile();
  try {
    const { result } = await withExecutor(t, redis, {}, function* (executor) {
      const sum = yield* runInExecutor(executor, jobs.task("add"), 2, 3);
      const long = executor.submit(jobs.task("waitForGate"), [file, `${file}.gate`]);
      yield* until(() => report(file) === "started", "the long job to start");
      worker.child.kill("SIGTERM");
      yield* until(() => worker.output().includes("SIGTERM: closing"), "the worker to hear SIGTERM");
      const aliveMeanwhile = worker.child.exitCode === null && !long.done();
      writeFileSync(`${file}.gate`, "");
      return { sum, aliveMeanwhile, long: yield* long };
    });
    t.deepEqual(result, { sum: 5, aliveMeanwhile: true, long: "opened" });
    t.is(await worker.exited, 0);
    t.regex(worker.output(), /SIGTERM: closing once the running jobs finish/);
    t.regex(worker.output(), /yieldio worker: closed/);
  } finally {
    worker.child.kill("SIGKILL");
  }
});

redisTest("`yieldio worker --sandbox` behaviour: TypeScript job modules run in the sandbox's children too", async (t, redis) => {
  const worker = await startCliWorker(redis, "--sandbox", "--concurrency", "1");
  try {
    const { result } = await withExecutor(t, redis, {}, function* (executor) {
      return yield* gather(runInExecutor(executor, jobs.task("add"), 40, 2), runInExecutor(executor, jobs.task("pid")));
    });
    t.is(result[0], 42);
    t.not(result[1], worker.child.pid, "the job ran in a child of the worker");
    t.regex(worker.output(), /1 at a time, sandboxed/);
    worker.child.kill("SIGTERM");
    t.is(await worker.exited, 0);
  } finally {
    worker.child.kill("SIGKILL");
  }
});

redisTest(
  "`yieldio worker` behaviour: a worker process killed mid-job fails the job with WorkerExitedError (another worker's stall check); it is not run again",
  async (t, redis) => {
    const stall = ["--lock-duration", "1000", "--stalled-interval", "500"];
    const doomed = await startCliWorker(redis, ...stall);
    const file = reportFile();
    const survivor = { current: undefined as Awaited<ReturnType<typeof startWorker>> | undefined };
    try {
      const { result } = await withExecutor(t, redis, {}, function* (executor) {
        const future = executor.submit(jobs.task("waitForAbort"), [file, 60_000]);
        yield* until(() => report(file) === "started", "the job to start in the doomed worker");
        doomed.child.kill("SIGKILL");
        survivor.current = yield* fromAsync(() => startWorker(redis, { lockDuration: 1000, stalledInterval: 500 }));
        return errorOf(yield* settle(future));
      });
      t.true(result instanceof WorkerExitedError, String(result));
      t.regex((result as Error).message, /stopped renewing its lock/);
      t.is(report(file), "started", "the job was not run again");
    } finally {
      doomed.child.kill("SIGKILL");
      await survivor.current?.close();
    }
  },
);

redisTest("`yieldio worker` behaviour: missing or bad options are usage errors (exit code 2)", async (t, redis) => {
  const cases: string[][] = [
    ["--queue", QUEUE, "--root", MODULE_ROOT],
    ["--redis", redis.path, "--root", MODULE_ROOT],
    ["--redis", redis.path, "--queue", QUEUE],
    ["--redis", "http://example.com", "--queue", QUEUE, "--root", MODULE_ROOT],
    ["--redis", redis.path, "--queue", QUEUE, "--root", MODULE_ROOT, "--concurrency", "0"],
    ["--redis", redis.path, "--queue", QUEUE, "--root", MODULE_ROOT, "extra"],
  ];
  for (const args of cases) {
    const child = spawn(process.execPath, [join(repository, "dist/cli/yieldio.js"), "worker", ...args], {
      cwd: repository,
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    t.is(code, 2, args.join(" "));
    t.regex(stderr, /^yieldio: .*\nRun yieldio --help for usage\.\n$/);
  }
});

/** Something async against Redis, waited for in a coroutine. */
function fromQueue<T>(redis: RedisServer, use: (queue: Queue) => Promise<T>): Coroutine<T> {
  return fromAsync(() => withQueue(redis, use));
}
