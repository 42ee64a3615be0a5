import test from "ava";
import { runInExecutor } from "../../lib/index.js";
import { ProcessPoolExecutor, WorkerExitedError } from "../../executors/index.js";
import type { PoolOptions } from "../../executors/index.js";
import { poolContract, until, withPool, work } from "../helpers/pool-contract.js";
import { errorOf, settle } from "../helpers/operations.js";

poolContract("ProcessPoolExecutor", (options) => new ProcessPoolExecutor(options));

test("`ProcessPoolExecutor` behaviour: workers are child processes; a killed one fails its job with WorkerExitedError naming the signal", async (t) => {
  const { result } = await withPool(
    t,
    (options) => new ProcessPoolExecutor(options),
    { maxWorkers: 1 },
    function* (pool) {
      const who = yield* runInExecutor(pool, work.task("whoAmI"));
      const pid = Number(who.split(" ")[1]);
      const future = pool.submit(work.task("spin"), [60_000]);
      yield* until(() => pool.stats().busy === 1, "the job is dispatched");
      process.kill(pid, "SIGKILL");
      const failure = errorOf(yield* settle(future));
      return { who, pid, failure, after: yield* runInExecutor(pool, work.task("add"), 2, 3) };
    },
  );
  t.not(result.pid, process.pid);
  t.true(result.failure instanceof WorkerExitedError);
  t.is((result.failure as WorkerExitedError).signal, "SIGKILL");
  t.is((result.failure as WorkerExitedError).exitCode, null);
  t.is(result.after, 5);
});

test("`ProcessPoolExecutor` behaviour: resourceLimits is refused with a TypeError that says how to limit a process", (t) => {
  const error = t.throws(() => new ProcessPoolExecutor({ resourceLimits: {} } as PoolOptions));
  t.regex(error.message, /--max-old-space-size/);
});
