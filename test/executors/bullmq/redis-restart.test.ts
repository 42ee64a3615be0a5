/**
 * `BullMQExecutor` through a Redis restart: the server is stopped mid-run and a new one, empty
 * (no persistence), takes its socket. Every Future still settles (a job that is gone fails with
 * JobLostError, found by reconciliation), the loss is reported once, and the executor and the
 * worker go on with new jobs.
 */
import { gather, runInExecutor } from "../../../lib/index.js";
import { JobLostError } from "../../../executors/bullmq/index.js";
import { fromAsync, jobs, startWorker, until, withExecutor, withQueue } from "../../helpers/bullmq.js";
import { settle } from "../../helpers/operations.js";
import { redisTest } from "../../helpers/redis.js";

redisTest(
  "`BullMQExecutor` behaviour: a Redis restart mid-run (every job lost) settles every Future; new jobs run after it",
  async (t, redis) => {
    const worker = await startWorker(redis, { concurrency: 4 });
    worker.worker.on("error", () => undefined); // the worker's connection drops too
    try {
      const { result, reports } = await withExecutor(
        t,
        redis,
        { reconcileIntervalMs: 200 },
        function* (executor) {
          const futures = Array.from({ length: 20 }, (_, i) => executor.submit(jobs.task("addLater"), [i, 0, 500]));
          yield* until(() => withQueue(redis, async (queue) => (await queue.getActiveCount()) > 0), "jobs to run");
          yield* fromAsync(() => redis.restart());
          const outcomes = yield* gather(...futures.map((future) => settle(future)));
          const after = yield* runInExecutor(executor, jobs.task("add"), 40, 2);
          return { outcomes, after };
        },
        { allowReports: true },
      );
      t.is(result.outcomes.length, 20);
      for (const outcome of result.outcomes) {
        // A job that finished before the restart has its result; the others are gone with Redis's memory.
        if (outcome.ok) t.is(typeof outcome.value, "number");
        else t.true(outcome.error instanceof JobLostError, String(outcome.error));
      }
      t.true(
        result.outcomes.some((outcome) => !outcome.ok),
        "the restart lost jobs",
      );
      t.is(result.after, 42);
      t.true(reports.length >= 1);
      t.regex(reports[0]?.message ?? "", /lost its connection to Redis/);
    } finally {
      await worker.close();
    }
  },
);
