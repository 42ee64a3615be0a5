import test from "ava";
import { runInExecutor, yieldNow } from "../../lib/index.js";
import { BrokenExecutorError, ThreadPoolExecutor, WorkerExitedError, transfer } from "../../executors/index.js";
import type { ThreadPoolOptions } from "../../executors/index.js";
import { poolContract, withPool, work } from "../helpers/pool-contract.js";
import { errorOf, settle } from "../helpers/operations.js";

poolContract("ThreadPoolExecutor", (options) => new ThreadPoolExecutor(options));

test("`ThreadPoolExecutor` behaviour: transfer() moves an argument's buffer to the worker and the result's back", async (t) => {
  const { result } = await withPool(
    t,
    (options) => new ThreadPoolExecutor(options),
    { maxWorkers: 1 },
    function* (pool) {
      const input = new Uint8Array(1024).fill(1);
      const output = yield* runInExecutor(pool, work.task("fill"), transfer(input), 7);
      return { inputLength: input.byteLength, output };
    },
  );
  t.is(result.inputLength, 0, "the argument's buffer was moved, not copied");
  t.is(result.output.length, 1024);
  t.is(result.output[0], 7);
});

test("`ThreadPoolExecutor` behaviour: a worker beyond its resourceLimits ends; its job fails with WorkerExitedError and the pool goes on", async (t) => {
  const { result } = await withPool(
    t,
    (options: ThreadPoolOptions) => new ThreadPoolExecutor(options),
    { maxWorkers: 1, resourceLimits: { maxOldGenerationSizeMb: 32 } },
    function* (pool) {
      const failure = errorOf(yield* settle(runInExecutor(pool, work.task("allocate"))));
      return { failure, after: yield* runInExecutor(pool, work.task("add"), 1, 2) };
    },
  );
  t.true(result.failure instanceof WorkerExitedError);
  t.regex(String((result.failure as Error).cause), /memory/i);
  t.is(result.after, 3);
});

test("`ThreadPoolExecutor` behaviour: workers are threads of this process", async (t) => {
  const { result } = await withPool(
    t,
    (options) => new ThreadPoolExecutor(options),
    { maxWorkers: 1 },
    function* (pool) {
      return yield* runInExecutor(pool, work.task("whoAmI"));
    },
  );
  t.regex(result, /^thread \d+$/);
});

test("`ThreadPoolExecutor` behaviour: options Node refuses for a thread (execArgv: --expose-gc) break the pool; the job fails with BrokenExecutorError, none is left queued", async (t) => {
  const { result } = await withPool(
    t,
    (options) => new ThreadPoolExecutor(options),
    { maxWorkers: 1, execArgv: ["--expose-gc"] },
    function* (pool) {
      const failure = errorOf(yield* settle(runInExecutor(pool, work.task("add"), 1, 2)));
      yield* yieldNow(); // the pool's done callback of the failed job
      return { failure, stats: pool.stats() };
    },
  );
  t.true(result.failure instanceof BrokenExecutorError);
  t.regex(String((result.failure as Error).cause), /ERR_WORKER_INVALID_EXEC_ARGV|execArgv/);
  t.is(result.stats.queued, 0);
});
