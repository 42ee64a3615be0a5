import test from "ava";
import { BrokenExecutorError, CancelledError, createTask, getRunningLoop, sleep, yieldNow } from "../../../lib/index.js";
import { ThreadPoolExecutor, workerModule } from "../../../executors/index.js";
import type { Executor } from "../../../executors/index.js";
import { FakeExecutor, fakeWork } from "../../fixtures/fake-executor.js";
import { runVirtual } from "../../helpers/loop.js";
import { settle, errorOf } from "../../helpers/operations.js";

// `loop.setDefaultExecutor` and `loop.runInExecutor`, with a fake executor that runs jobs on
// loop time (see test/fixtures/fake-executor.ts).

const boom = new Error("job failed");
const WORK = {
  add: { fn: (a: number, b: number) => a + b, durationMs: 20 },
  fail: {
    fn: () => {
      throw boom;
    },
    durationMs: 10,
  },
  slow: { fn: () => "slow done", durationMs: 100 },
};
/** The executor's log without its shutdown entries (run() shuts the default executor down at the end). */
function jobLog(executor: FakeExecutor): string[] {
  return executor.log.filter((entry) => !entry.startsWith("shutdown"));
}

const add = fakeWork<[number, number], number>("add");
const realWork = workerModule<typeof import("../../fixtures/executors/work.js")>(
  new URL("../../fixtures/executors/work.ts", import.meta.url),
);
const fail = fakeWork<[], never>("fail");
const slow = fakeWork<[], string>("slow");

test("`EventLoop.runInExecutor()` behaviour: returns the job's result", async (t) => {
  const executor = new FakeExecutor(WORK);
  const { result, endTime } = await runVirtual(t, function* () {
    return yield* getRunningLoop().runInExecutor(executor, add, 2, 3);
  });
  t.is(result, 5);
  t.is(endTime, 20);
  t.deepEqual(executor.log, ["submit add#1", "start add#1", "finish add#1"]);
});

test("`EventLoop.runInExecutor()` behaviour: the job's error reaches the caller unchanged", async (t) => {
  const executor = new FakeExecutor(WORK);
  const { result: outcome } = await runVirtual(t, function* () {
    return yield* settle(getRunningLoop().runInExecutor(executor, fail));
  });
  t.is(errorOf(outcome), boom);
});

test("`EventLoop.runInExecutor()` behaviour: null uses the default executor", async (t) => {
  const executor = new FakeExecutor(WORK);
  const other = new FakeExecutor(WORK);
  const { result } = await runVirtual(t, function* () {
    const loop = getRunningLoop();
    loop.setDefaultExecutor(executor);
    t.is(loop.getDefaultExecutor(), executor);
    const viaDefault = yield* loop.runInExecutor(null, add, 1, 1);
    const explicit = yield* loop.runInExecutor(other, add, 2, 2);
    return [viaDefault, explicit];
  });
  t.deepEqual(result, [2, 4]);
  t.deepEqual(jobLog(executor), ["submit add#1", "start add#1", "finish add#1"]);
  t.deepEqual(other.log, ["submit add#1", "start add#1", "finish add#1"]);
});

test("`EventLoop.runInExecutor()` behaviour: null without a default executor creates a ThreadPoolExecutor on first use, and run() shuts it down", async (t) => {
  let pool: Executor | undefined;
  const { result } = await runVirtual(t, function* () {
    const loop = getRunningLoop();
    t.is(loop.getDefaultExecutor(), undefined);
    const sum = yield* loop.runInExecutor(null, realWork.task("add"), 1, 2);
    pool = loop.getDefaultExecutor();
    t.true(pool instanceof ThreadPoolExecutor);
    t.is(yield* loop.runInExecutor(null, realWork.task("add"), 3, 4), 7, "the same default serves the next job");
    t.is(loop.getDefaultExecutor(), pool);
    return sum;
  });
  t.is(result, 3);
  t.deepEqual((pool as ThreadPoolExecutor).stats(), { workers: 0, idle: 0, busy: 0, queued: 0 }, "run() shut it down");
});

test("`EventLoop.runInExecutor()` behaviour: a non-executor is a TypeError that names runInExecutor() and the loop goes on", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const loop = getRunningLoop();
    for (const bad of [42, {}, "pool"]) {
      const error = errorOf(yield* settle(loop.runInExecutor(bad as unknown as Executor, add, 1, 2)));
      t.true(error instanceof TypeError, JSON.stringify(bad));
      t.regex((error as Error).message, /runInExecutor\(\)/, JSON.stringify(bad));
    }
    return yield* sleep(5, "loop alive");
  });
  t.is(result, "loop alive");
});

// ---- cancellation -------------------------------------------------------------------------

test("`EventLoop.runInExecutor()` behaviour: cancelling the waiting task while the job runs cancels the job's Future", async (t) => {
  const executor = new FakeExecutor(WORK);
  const log: string[] = [];
  await runVirtual(t, function* () {
    const loop = getRunningLoop();
    const task = createTask(
      (function* () {
        try {
          return yield* loop.runInExecutor(executor, slow);
        } catch (error) {
          log.push(`caught ${(error as Error).name} at ${loop.time()}`);
          throw error;
        }
      })(),
    );
    yield* sleep(30);
    task.cancel("no longer needed");
    const outcome = yield* settle(task);
    t.true(errorOf(outcome) instanceof CancelledError);
    t.true(executor.futures[0]!.cancelled());
    yield* sleep(200); // the job's natural end passes: nothing finishes late
  });
  t.deepEqual(log, ["caught CancelledError at 30"]);
  t.deepEqual(executor.log, ["submit slow#1", "start slow#1", "signal slow#1"]);
});

test("`EventLoop.runInExecutor()` behaviour: cancelling the waiting task while the job is queued: it never runs", async (t) => {
  const executor = new FakeExecutor(WORK, { maxWorkers: 1 });
  await runVirtual(t, function* () {
    const loop = getRunningLoop();
    const first = createTask(loop.runInExecutor(executor, add, 1, 1));
    const second = createTask(loop.runInExecutor(executor, add, 2, 2));
    yield* sleep(5); // both submitted, the second one queued behind the first
    second.cancel();
    t.true(errorOf(yield* settle(second)) instanceof CancelledError);
    t.true(executor.futures[1]!.cancelled());
    t.is(yield* first, 2);
  });
  t.deepEqual(executor.log, ["submit add#1", "start add#1", "submit add#2", "dequeue add#2", "finish add#1"]);
});

test("`EventLoop.runInExecutor()` behaviour: cancelling the task before its first step submits nothing", async (t) => {
  const executor = new FakeExecutor(WORK);
  await runVirtual(t, function* () {
    const task = createTask(getRunningLoop().runInExecutor(executor, add, 1, 1));
    task.cancel();
    t.true(errorOf(yield* settle(task)) instanceof CancelledError);
  });
  t.deepEqual(executor.log, []);
});

test("`EventLoop.runInExecutor()` behaviour: a cancellation right after the result was handed over keeps the result", async (t) => {
  const executor = new FakeExecutor(WORK);
  const log: string[] = [];
  await runVirtual(t, function* () {
    const loop = getRunningLoop();
    const task = createTask(
      (function* () {
        const value = yield* loop.runInExecutor(executor, add, 20, 22);
        log.push(`got ${value}`);
        try {
          yield* yieldNow();
        } catch (error) {
          log.push(`next suspension raised ${(error as Error).name}`);
          throw error;
        }
      })(),
    );
    yield* yieldNow(); // the job is submitted; its timer ends at 20
    // Scheduled after the job's timer: runs in the same pass, once the result is handed over.
    loop.callAt(20, () => task.cancel());
    t.true(errorOf(yield* settle(task)) instanceof CancelledError);
  });
  t.deepEqual(log, ["got 42", "next suspension raised CancelledError"]);
  t.deepEqual(executor.log, ["submit add#1", "start add#1", "finish add#1"]);
});

// ---- setDefaultExecutor -------------------------------------------------------------------

test("`EventLoop.setDefaultExecutor()` behaviour: a non-executor is a TypeError and the default is unchanged", async (t) => {
  const executor = new FakeExecutor(WORK);
  const { result } = await runVirtual(t, function* () {
    const loop = getRunningLoop();
    loop.setDefaultExecutor(executor);
    for (const bad of [null, undefined, 42, "pool", {}, { submit: "not a function" }]) {
      t.throws(() => loop.setDefaultExecutor(bad as unknown as Executor), { instanceOf: TypeError, message: /setDefaultExecutor\(\)/ });
    }
    t.is(loop.getDefaultExecutor(), executor);
    return yield* loop.runInExecutor(null, add, 3, 4);
  });
  t.is(result, 7);
});

test("`EventLoop.setDefaultExecutor()` behaviour: an object with submit() but no shutdown() is a TypeError", async (t) => {
  await runVirtual(t, function* () {
    const loop = getRunningLoop();
    const halfExecutor = { submit: () => loop.createFuture<never>() };
    t.throws(() => loop.setDefaultExecutor(halfExecutor as unknown as Executor), { instanceOf: TypeError, message: /shutdown/ });
    t.is(loop.getDefaultExecutor(), undefined);
    yield* yieldNow();
  });
});

test("`EventLoop.setDefaultExecutor()` behaviour: a later call replaces the default", async (t) => {
  const first = new FakeExecutor(WORK);
  const second = new FakeExecutor(WORK);
  await runVirtual(t, function* () {
    const loop = getRunningLoop();
    loop.setDefaultExecutor(first);
    loop.setDefaultExecutor(second);
    t.is(loop.getDefaultExecutor(), second);
    t.is(yield* loop.runInExecutor(null, add, 1, 2), 3);
  });
  t.deepEqual(first.log, []);
  t.deepEqual(jobLog(second), ["submit add#1", "start add#1", "finish add#1"]);
});

test("`run()` behaviour: run(main, { executor }) makes a real pool the default and shuts it down at the end; a later submit is BrokenExecutorError", async (t) => {
  const pool = new ThreadPoolExecutor({ maxWorkers: 1 });
  const { result } = await runVirtual(
    t,
    function* () {
      t.is(getRunningLoop().getDefaultExecutor(), pool);
      return yield* getRunningLoop().runInExecutor(null, realWork.task("add"), 20, 22);
    },
    { executor: pool },
  );
  t.is(result, 42);
  t.deepEqual(pool.stats(), { workers: 0, idle: 0, busy: 0, queued: 0 });
  const later = await runVirtual(t, function* () {
    return errorOf(yield* settle(getRunningLoop().runInExecutor(pool, realWork.task("add"), 1, 1)));
  });
  t.true(later.result instanceof BrokenExecutorError);
});
