/**
 * `BullMQExecutor` against a real Redis, with a real BullMQ worker in the test's process
 * (startBullMQWorker): results and errors across Redis, cancellation at every stage, backpressure,
 * bounded memory, the four shutdowns, the eviction check, and bad inputs. Loop time is virtual;
 * what Redis and the worker do takes real time, polled.
 */
import { writeFileSync } from "node:fs";
import { Redis } from "ioredis";
import { BrokenExecutorError, CancelledError, QueueFull, createTask, gather, runInExecutor, yieldNow } from "../../../lib/index.js";
import type { Future } from "../../../lib/index.js";
import { workerFunction } from "../../../executors/index.js";
import { BullMQExecutor, JobLostError } from "../../../executors/bullmq/index.js";
import {
  fromAsync,
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

redisTest(
  "`BullMQExecutor.submit()` behaviour: results cross Redis with what structured clone keeps (Maps, Sets, BigInts, Dates, typed arrays, nested objects)",
  async (t, redis) => {
    const worker = await startWorker(redis);
    try {
      const value = {
        n: 1,
        big: 2n ** 70n,
        map: new Map([["k", [1, 2]]]),
        set: new Set([3]),
        bytes: new Uint8Array([4, 5]),
        when: new Date(6),
        nested: { deep: [null, true, undefined] },
      };
      const { result } = await withExecutor(t, redis, {}, function* (executor) {
        return yield* gather(runInExecutor(executor, jobs.task("add"), 2, 3), runInExecutor(executor, jobs.task("echo"), value));
      });
      t.is(result[0], 5);
      t.deepEqual(result[1], value);
    } finally {
      await worker.close();
    }
  },
);

redisTest(
  "`BullMQExecutor.submit()` behaviour: a job's error comes back with its class, message, worker stack, cause and code",
  async (t, redis) => {
    const worker = await startWorker(redis);
    try {
      const { result: error } = await withExecutor(t, redis, {}, function* (executor) {
        return errorOf(yield* settle(runInExecutor(executor, jobs.task("failWith"), "no good")));
      });
      t.true(error instanceof TypeError);
      const typed = error as TypeError & { code: string; cause: Error };
      t.is(typed.message, "no good");
      t.is(typed.code, "E_WORK");
      t.true(typed.cause instanceof RangeError);
      t.is(typed.cause.message, "the inner reason");
      t.regex(typed.stack ?? "", /failWith .*bullmq-jobs\.ts/);
    } finally {
      await worker.close();
    }
  },
);

redisTest(
  "`BullMQExecutor.submit()` behaviour: a result v8 cannot serialise, a missing export and a module the worker cannot load fail their job only",
  async (t, redis) => {
    const worker = await startWorker(redis);
    try {
      const { result } = await withExecutor(t, redis, {}, function* (executor) {
        const missing = workerFunction<() => number>(jobs.url, "noSuchExport");
        const outcomes = yield* gather(
          settle(runInExecutor(executor, jobs.task("returnsFunction"))),
          settle(runInExecutor(executor, missing)),
          settle(runInExecutor(executor, workerFunction<() => number>(new URL("./no-such-module.ts", jobs.url).href, "f"))),
        );
        return { errors: outcomes.map(errorOf), after: yield* runInExecutor(executor, jobs.task("add"), 1, 1) };
      });
      const [unserialisable, noExport, noModule] = result.errors as Error[];
      t.true(unserialisable instanceof TypeError);
      t.regex(unserialisable?.message ?? "", /the result of .*returnsFunction.* cannot be sent through Redis/);
      t.true(noExport instanceof TypeError);
      t.regex(noExport?.message ?? "", /has no export named noSuchExport/);
      t.true(noModule instanceof TypeError);
      t.regex(noModule?.message ?? "", /cannot load .*no-such-module\.ts/);
      t.is(result.after, 2, "the worker goes on");
    } finally {
      await worker.close();
    }
  },
);

redisTest(
  "`BullMQExecutor.submit()` behaviour: bad inputs throw TypeError at once, before anything reaches Redis; the executor goes on",
  async (t, redis) => {
    const worker = await startWorker(redis);
    try {
      const { result } = await withExecutor(t, redis, {}, function* (executor) {
        const thrown = (fn: () => unknown): unknown => {
          try {
            fn();
            return undefined;
          } catch (error) {
            return error;
          }
        };
        const add = jobs.task("add");
        const errors = [
          thrown(() => executor.submit({} as never, [])),
          thrown(() => executor.submit(add, 1 as never)),
          thrown(() => executor.submit(add, [1, 2], { cancel: "kill" as never })),
          thrown(() => executor.submit(workerFunction<() => number>("file:///etc/elsewhere.js", "f"), [])),
          thrown(() => executor.submit(workerFunction<() => number>("data:text/javascript,export const f=()=>1", "f"), [])),
          thrown(() => executor.submit(jobs.task("echo"), [() => 1])),
        ];
        return { errors, after: yield* runInExecutor(executor, add, 2, 2) };
      });
      t.is(result.errors.length, 6);
      for (const error of result.errors) t.true(error instanceof TypeError, String(error));
      t.regex(String(result.errors[3]), /outside moduleRoot/);
      t.regex(String(result.errors[4]), /file: URL/);
      t.regex(String(result.errors[5]), /cannot be sent through Redis/);
      t.is(result.after, 4);
      t.is(await withQueue(redis, (queue) => queue.count()), 0, "nothing bad was added");
    } finally {
      await worker.close();
    }
  },
);

redisTest(
  "`BullMQExecutor` behaviour: an ioredis client as the connection lends its options; yieldio and BullMQ use connections of their own and leave the client open",
  async (t, redis) => {
    const client = new Redis({ path: redis.path }); // ioredis's default maxRetriesPerRequest: BullMQ refuses it on its blocking connections
    try {
      const worker = await startWorker(redis, { connection: client });
      try {
        const { result } = await withExecutor(t, redis, { connection: client }, function* (executor) {
          return yield* runInExecutor(executor, jobs.task("add"), 20, 22);
        });
        t.is(result, 42);
      } finally {
        await worker.close();
      }
      t.is(await client.ping(), "PONG", "the client is still open");
    } finally {
      client.disconnect();
    }
  },
);

redisTest("`BullMQExecutor()` behaviour: bad options throw TypeError", (t) => {
  const connection = { path: "/nowhere" };
  const bad: unknown[] = [
    undefined,
    { queueName: "q" },
    { connection: "redis://x", queueName: "q" },
    { connection, queueName: "" },
    { connection, queueName: "a:b" },
    { connection, queueName: "q", maxQueue: 0 },
    { connection, queueName: "q", maxQueue: 1.5 },
    { connection, queueName: "q", reconcileIntervalMs: -1 },
    { connection, queueName: "q", eventsMaxLen: 0 },
    { connection, queueName: "q", allowEviction: "yes" },
    { connection, queueName: "q", prefix: 7 },
    { connection, queueName: "q", moduleRoot: 3 },
    { connection, queueName: "q", defaultJobOptions: "fast" },
  ];
  for (const options of bad) t.throws(() => new BullMQExecutor(options as never), { instanceOf: TypeError }, JSON.stringify(options));
  return Promise.resolve();
});

redisTest(
  "`BullMQExecutor.submit()` behaviour: cancelling a queued job removes it from Redis; it never runs, and the next job does",
  async (t, redis) => {
    const file = reportFile();
    const { result } = await withExecutor(t, redis, {}, function* (executor) {
      const future = executor.submit(jobs.task("waitForAbort"), [file, 50]);
      yield* until(() => withQueue(redis, async (queue) => (await queue.getWaitingCount()) === 1), "the job to be queued");
      t.true(future.cancel());
      yield* until(() => withQueue(redis, async (queue) => (await queue.count()) === 0), "the job to be removed");
      const worker = yield* fromAsync(() => startWorker(redis));
      try {
        return yield* runInExecutor(executor, jobs.task("add"), 1, 2);
      } finally {
        yield* fromAsync(() => worker.close());
      }
    });
    t.is(result, 3);
    t.is(report(file), "", "the cancelled job never started");
  },
);

redisTest(
  "`BullMQExecutor.submit()` behaviour: cancelling right after the hand-off (while the job is being added) withdraws it once it is in Redis",
  async (t, redis) => {
    const file = reportFile();
    const worker = await startWorker(redis);
    try {
      const { result } = await withExecutor(t, redis, {}, function* (executor) {
        const future = executor.submit(jobs.task("waitForAbort"), [file, 60_000]);
        yield* yieldNow();
        future.cancel();
        const outcome = yield* settle(future);
        // The job is either removed before it starts, or aborted by its signal: it never waits out its minute.
        yield* until(
          () => withQueue(redis, async (queue) => (await queue.getActiveCount()) + (await queue.getWaitingCount()) === 0),
          "the job to end",
        );
        return outcome;
      });
      t.true(errorOf(result) instanceof CancelledError);
      t.not(report(file), "timed out");
    } finally {
      await worker.close();
    }
  },
);

redisTest(
  "`BullMQExecutor.submit()` behaviour: cancelling a running job aborts its currentSignal() in the worker; the late outcome is dropped",
  async (t, redis) => {
    const file = reportFile();
    const worker = await startWorker(redis);
    try {
      const { result } = await withExecutor(t, redis, {}, function* (executor) {
        const task = createTask(runInExecutor(executor, jobs.task("waitForAbort"), file, 60_000));
        yield* until(() => report(file) === "started", "the job to start");
        task.cancel();
        const outcome = yield* settle(task);
        yield* until(() => report(file).startsWith("aborted"), "the worker to abort the job");
        return outcome;
      });
      t.true(errorOf(result) instanceof CancelledError);
      t.is(report(file), "aborted: AbortError");
      t.is(await withQueue(redis, (queue) => queue.getActiveCount()), 0);
    } finally {
      await worker.close();
    }
  },
);

redisTest(
  "`BullMQExecutor.submit()` behaviour: 200 jobs cancelled at every stage (being added, queued, just fetched, running) all end; none runs out its time",
  async (t, redis) => {
    const worker = await startWorker(redis, { concurrency: 8 });
    try {
      const files = Array.from({ length: 200 }, () => reportFile());
      const { result } = await withExecutor(t, redis, {}, function* (executor) {
        const futures: Future<string>[] = [];
        for (const [i, file] of files.entries()) {
          futures.push(executor.submit(jobs.task("waitForAbort"), [file, 60_000]));
          if (i % 3 === 0) yield* yieldNow();
          if (i % 7 === 0) yield* fromAsync(() => new Promise((resolve) => setTimeout(resolve, 1)));
          const victim = futures[i - (i % 4)];
          victim?.cancel();
        }
        for (const future of futures) future.cancel();
        const outcomes = yield* gather(...futures.map((future) => settle(future)));
        yield* until(
          () => withQueue(redis, async (queue) => (await queue.getActiveCount()) + (await queue.getWaitingCount()) === 0),
          "every job to end",
        );
        return outcomes.map(errorOf);
      });
      t.true(result.every((error) => error instanceof CancelledError));
      t.false(
        files.some((file) => report(file) === "timed out"),
        "no job ran out its minute",
      );
    } finally {
      await worker.close();
    }
  },
);

redisTest(
  "`BullMQExecutor.submit()` behaviour: maxQueue bounds the unfinished jobs: submit() throws QueueFull, runInExecutor() waits for room",
  async (t, redis) => {
    const { result } = await withExecutor(t, redis, { maxQueue: 2 }, function* (executor) {
      const first = executor.submit(jobs.task("addLater"), [1, 1, 10]);
      const second = executor.submit(jobs.task("addLater"), [2, 2, 10]);
      let full: unknown;
      try {
        executor.submit(jobs.task("add"), [0, 0]);
      } catch (error) {
        full = error;
      }
      const room = executor.room();
      const waitingForRoom = createTask(runInExecutor(executor, jobs.task("add"), 3, 3));
      const withdrawn = createTask(runInExecutor(executor, jobs.task("add"), 4, 4));
      yield* yieldNow();
      withdrawn.cancel(); // cancelled while it waits for room
      const roomBefore = room.done();
      const worker = yield* fromAsync(() => startWorker(redis));
      try {
        const results = yield* gather(first, second, waitingForRoom);
        return { full, roomBefore, results, withdrawn: errorOf(yield* settle(withdrawn)) };
      } finally {
        yield* fromAsync(() => worker.close());
      }
    });
    t.true(result.full instanceof QueueFull);
    t.false(result.roomBefore);
    t.deepEqual(result.results, [2, 4, 6]);
    t.true(result.withdrawn instanceof CancelledError);
  },
);

redisTest(
  "`BullMQExecutor` behaviour: 10k jobs leave Redis's memory bounded: finished jobs are removed by default (removeOnComplete)",
  async (t, redis) => {
    const worker = await startWorker(redis, { concurrency: 16 });
    try {
      const { result } = await withExecutor(t, redis, { maxQueue: 500 }, function* (executor) {
        const n = 10_000;
        const results = yield* gather(...Array.from({ length: n }, (_, i) => runInExecutor(executor, jobs.task("add"), i, 1)));
        return results.every((value, i) => value === i + 1);
      });
      t.true(result);
      const keys = await withQueue(redis, async (_queue, client) =>
        (await client.keys("bull:tests:*")).filter((key) => /:\w+-\d+$/.test(key)),
      );
      t.true(keys.length <= 5000, `${keys.length} job keys are left: at most removeOnComplete's count (eventsMaxLen / 2: 5,000)`);
      t.true(keys.length > 0, "the most recent jobs are kept, as removeOnComplete's count says");
    } finally {
      await worker.close();
    }
  },
);

redisTest(
  "`BullMQExecutor.shutdown()` behaviour: { wait: true } (the default) runs every submitted job, then closes; submit() then throws BrokenExecutorError",
  async (t, redis) => {
    const worker = await startWorker(redis, { concurrency: 1 });
    try {
      const { result } = await withExecutor(t, redis, {}, function* (executor) {
        const futures = [1, 2, 3].map((i) => executor.submit(jobs.task("addLater"), [i, 0, 20]));
        yield* executor.shutdown();
        const after = (() => {
          try {
            executor.submit(jobs.task("add"), [1, 1]);
            return undefined;
          } catch (error) {
            return error;
          }
        })();
        return { done: futures.map((f) => f.done()), results: yield* gather(...futures), after };
      });
      t.deepEqual(result.done, [true, true, true]);
      t.deepEqual(result.results, [1, 2, 3]);
      t.true(result.after instanceof BrokenExecutorError);
    } finally {
      await worker.close();
    }
  },
);

redisTest(
  "`BullMQExecutor.shutdown()` behaviour: { wait: true, cancelFutures: true } lets the running job finish and cancels the queued ones, removed from Redis",
  async (t, redis) => {
    const file = reportFile();
    const worker = await startWorker(redis, { concurrency: 1 });
    try {
      const gate = `${file}.gate`;
      const { result } = await withExecutor(t, redis, {}, function* (executor) {
        const running = executor.submit(jobs.task("waitForGate"), [file, gate]);
        yield* until(() => report(file) === "started", "the first job to start");
        const queued = [1, 2].map((i) => executor.submit(jobs.task("add"), [i, 0]));
        yield* until(() => withQueue(redis, async (queue) => (await queue.getWaitingCount()) === 2), "the others to be queued");
        const shutdown = createTask(executor.shutdown({ cancelFutures: true }));
        yield* until(() => queued.every((f) => f.done()), "the queued jobs to be cancelled");
        const runningBefore = running.done();
        writeFileSync(gate, ""); // the running job may finish now
        yield* shutdown;
        return { runningBefore, running: yield* running, queued: yield* gather(...queued.map((f) => settle(f))) };
      });
      t.false(result.runningBefore, "the shutdown waited for the running job");
      t.is(result.running, "opened", "the running job ran to its end");
      t.true(
        result.queued.every((outcome) => errorOf(outcome) instanceof CancelledError),
        JSON.stringify(result.queued.map(String)) + String(result.queued.map(errorOf)),
      );
      t.is(await withQueue(redis, (queue) => queue.getWaitingCount()), 0);
    } finally {
      await worker.close();
    }
  },
);

for (const cancelFutures of [false, true]) {
  redisTest(
    `\`BullMQExecutor.shutdown()\` behaviour: { wait: false, cancelFutures: ${cancelFutures} } fails every unfinished job with BrokenExecutorError at once; the running one is aborted, the queued ones removed`,
    async (t, redis) => {
      const file = reportFile();
      const worker = await startWorker(redis, { concurrency: 1 });
      try {
        const { result } = await withExecutor(t, redis, {}, function* (executor) {
          const running = executor.submit(jobs.task("waitForAbort"), [file, 60_000]);
          yield* until(() => report(file) === "started", "the first job to start");
          const queued = [1, 2].map((i) => executor.submit(jobs.task("add"), [i, 0]));
          yield* until(() => withQueue(redis, async (queue) => (await queue.getWaitingCount()) === 2), "the others to be queued");
          const shutdown = executor.shutdown({ wait: false, cancelFutures });
          const failedAtOnce = [running, ...queued].every((f) => f.done());
          yield* shutdown;
          yield* until(() => report(file).startsWith("aborted"), "the running job to be aborted");
          return { failedAtOnce, errors: [running, ...queued].map((f) => f.exception()) };
        });
        t.true(result.failedAtOnce);
        t.true(result.errors.every((error) => error instanceof BrokenExecutorError));
        t.is(report(file), "aborted: AbortError");
        await untilAsync(
          () => withQueue(redis, async (queue) => (await queue.getWaitingCount()) + (await queue.getActiveCount()) === 0),
          "Redis to be empty",
        );
        t.pass();
      } finally {
        await worker.close();
      }
    },
  );
}

redisTest(
  "`BullMQExecutor.shutdown()` behaviour: cancelling the wait for a shutdown stops only the waiting; the jobs finish and the executor closes",
  async (t, redis) => {
    const worker = await startWorker(redis, { concurrency: 1 });
    try {
      const { result } = await withExecutor(t, redis, {}, function* (executor) {
        const future = executor.submit(jobs.task("addLater"), [1, 2, 100]);
        const waiter = createTask(executor.shutdown());
        yield* yieldNow();
        waiter.cancel();
        const waited = errorOf(yield* settle(waiter));
        const value = yield* future;
        yield* executor.shutdown(); // the same end, waited for this time
        return { waited, value };
      });
      t.true(result.waited instanceof CancelledError);
      t.is(result.value, 3);
    } finally {
      await worker.close();
    }
  },
);

redisTest(
  "`BullMQExecutor.shutdown()` behaviour: an executor that never connected shuts down at once; twice is harmless",
  async (t, redis) => {
    const { result } = await withExecutor(t, redis, {}, function* (executor) {
      yield* executor.shutdown();
      yield* executor.shutdown({ wait: false });
      return "closed";
    });
    t.is(result, "closed");
  },
);

redisTest(
  "`BullMQExecutor` behaviour: a Redis that may evict keys breaks the executor (BrokenExecutorError) unless allowEviction",
  async (t, redis) => {
    await withQueue(redis, (_queue, client) => client.config("SET", "maxmemory-policy", "allkeys-lru"));
    const worker = await startWorker(redis, { allowEviction: true });
    try {
      const { result } = await withExecutor(t, redis, {}, function* (executor) {
        const first = errorOf(yield* settle(runInExecutor(executor, jobs.task("add"), 1, 1)));
        let later: unknown;
        try {
          executor.submit(jobs.task("add"), [1, 1]);
        } catch (error) {
          later = error;
        }
        return { first, later };
      });
      t.true(result.first instanceof BrokenExecutorError);
      t.regex((result.first as Error).message, /maxmemory-policy is allkeys-lru/);
      t.true(result.later instanceof BrokenExecutorError);
      const { result: allowed } = await withExecutor(t, redis, { allowEviction: true }, function* (executor) {
        return yield* runInExecutor(executor, jobs.task("add"), 2, 2);
      });
      t.is(allowed, 4);
    } finally {
      await worker.close();
    }
  },
);

redisTest("`BullMQExecutor` behaviour: a job removed from Redis by someone else fails its Future with JobLostError", async (t, redis) => {
  const { result } = await withExecutor(t, redis, {}, function* (executor) {
    const future = executor.submit(jobs.task("add"), [1, 1]);
    yield* until(() => withQueue(redis, async (queue) => (await queue.getWaitingCount()) === 1), "the job to be queued");
    yield* fromAsync(() =>
      withQueue(redis, async (queue) => {
        const [job] = await queue.getWaiting();
        await job?.remove();
      }),
    );
    return errorOf(yield* settle(future));
  });
  t.true(result instanceof JobLostError);
  t.regex((result as Error).message, /removed from the queue by someone else/);
});

redisTest(
  "`BullMQExecutor` behaviour: a Future whose completion event was lost in an outage still settles: reconciliation reads the job's state",
  async (t, redis) => {
    const worker = await startWorker(redis);
    const proxy = await startProxy(redis.path);
    try {
      const { result } = await withExecutor(
        t,
        { ...redis, path: proxy.path },
        { reconcileIntervalMs: 100 },
        function* (executor) {
          const file = reportFile();
          const future = executor.submit(jobs.task("waitForGate"), [file, `${file}.gate`]);
          yield* until(() => report(file) === "started", "the job to start");
          proxy.freeze(); // the executor hears nothing more
          writeFileSync(`${file}.gate`, "");
          yield* until(() => withQueue(redis, async (queue) => (await queue.getCompletedCount()) === 1), "the job to complete");
          yield* fromAsync(() => withQueue(redis, (_queue, client) => client.del("bull:tests:events"))); // its event is gone
          proxy.cut(); // the executor reconnects, and resumes reading events after what it had seen
          return yield* future;
        },
        { allowReports: true },
      );
      t.is(result, "opened");
    } finally {
      await proxy.close();
      await worker.close();
    }
  },
);
