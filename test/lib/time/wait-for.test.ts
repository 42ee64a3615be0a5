import test from "ava";
import {
  CancelledError,
  InvalidStateError,
  TimeoutError,
  createTask,
  getRunningLoop,
  shield,
  sleep,
  waitFor,
  yieldNow,
} from "../../../lib/index.js";
import type { Coroutine, Operation } from "../../../lib/index.js";
import { runVirtual } from "../../helpers/loop.js";
import { settle, errorOf } from "../../helpers/operations.js";

/** Sleeps `ms`; when cancelled, logs and cleans up for 10 ms behind a shield before unwinding. */
function* slowCleanup(log: string[], ms: number, value = "inner"): Coroutine<string> {
  log.push("inner started");
  try {
    yield* sleep(ms);
    return value;
  } finally {
    log.push(`inner finally at ${getRunningLoop().time()}`);
    yield* shield(sleep(10));
    log.push(`inner cleanup done at ${getRunningLoop().time()}`);
  }
}

test("`waitFor()` behaviour: returns the operation's value when it finishes in time", async (t) => {
  const { result, endTime } = await runVirtual(t, function* () {
    return yield* waitFor(sleep(40, "in time"), 100);
  });
  t.is(result, "in time");
  t.is(endTime, 40);
});

test("`waitFor()` behaviour: on timeout the operation is cancelled and unwinds before TimeoutError", async (t) => {
  const log: string[] = [];
  const { result: outcome, endTime } = await runVirtual(t, function* () {
    const outcome = yield* settle(waitFor(slowCleanup(log, 1000), 100));
    log.push(`waitFor threw ${(errorOf(outcome) as Error).name} at ${getRunningLoop().time()}`);
    return outcome;
  });
  t.deepEqual(log, ["inner started", "inner finally at 100", "inner cleanup done at 110", "waitFor threw TimeoutError at 110"]);
  t.is(endTime, 110);
  const error = errorOf(outcome) as TimeoutError;
  t.regex(error.message, /waitFor\(100\)/);
  t.true(error.cause instanceof CancelledError);
  t.is((error.cause as CancelledError).reason.source, "deadline");
});

test("`waitFor()` behaviour: the operation's own errors pass through unchanged", async (t) => {
  const boom = new Error("boom");
  const { result: outcome } = await runVirtual(t, function* () {
    return yield* settle(
      waitFor(
        (function* () {
          yield* sleep(5);
          throw boom;
        })(),
        100,
      ),
    );
  });
  t.is(errorOf(outcome), boom);
});

test("`waitFor()` behaviour: an operation that returns despite the cancellation gives its value", async (t) => {
  const { result, endTime } = await runVirtual(t, function* () {
    return yield* waitFor(
      (function* () {
        try {
          yield* sleep(1000);
        } catch {
          // swallowed: the operation returns normally
        }
        return "returned anyway";
      })(),
      100,
    );
  });
  t.is(result, "returned anyway");
  t.is(endTime, 100);
});

test("`waitFor()` behaviour: null means no limit", async (t) => {
  const { result, endTime } = await runVirtual(t, function* () {
    return yield* waitFor(sleep(10_000, "unlimited"), null);
  });
  t.is(result, "unlimited");
  t.is(endTime, 10_000);
});

// ---- Tasks and Futures --------------------------------------------------------------------

test("`waitFor()` behaviour: a Task that times out is cancelled and awaited before TimeoutError", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const inner = createTask(slowCleanup(log, 1000));
    const outcome = yield* settle(waitFor(inner, 100));
    log.push(`waitFor threw ${(errorOf(outcome) as Error).name} at ${getRunningLoop().time()}`);
    t.true(inner.cancelled());
  });
  t.deepEqual(log, ["inner started", "inner finally at 100", "inner cleanup done at 110", "waitFor threw TimeoutError at 110"]);
});

test("`waitFor()` behaviour: a Task that finishes in time gives its result", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const inner = createTask(sleep(30, "task result"));
    return yield* waitFor(inner, 100);
  });
  t.is(result, "task result");
});

test("`waitFor()` behaviour: cancelling the waiting task cancels the inner Task and waits for it", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const inner = createTask(slowCleanup(log, 1000), { name: "inner" });
    const waiter = createTask(
      (function* () {
        try {
          return yield* waitFor(inner, 500);
        } catch (error) {
          log.push(`waiter caught ${(error as Error).name} at ${getRunningLoop().time()}`);
          throw error;
        }
      })(),
    );
    yield* sleep(50);
    waiter.cancel("stop waiting");
    const outcome = yield* settle(waiter);
    t.true(errorOf(outcome) instanceof CancelledError);
    t.true(inner.cancelled());
  });
  t.deepEqual(log, ["inner started", "inner finally at 50", "inner cleanup done at 60", "waiter caught CancelledError at 60"]);
});

test("`waitFor()` behaviour: cancelling the waiting task cancels a generator operation and waits for it", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const waiter = createTask(waitFor(slowCleanup(log, 1000), 500));
    yield* sleep(50);
    waiter.cancel();
    const outcome = yield* settle(waiter);
    log.push(`waiter done at ${getRunningLoop().time()}`);
    t.true(errorOf(outcome) instanceof CancelledError);
  });
  t.deepEqual(log, ["inner started", "inner finally at 50", "inner cleanup done at 60", "waiter done at 60"]);
});

test("`waitFor()` behaviour: cancelling the waiting task before it starts never starts the operation", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const waiter = createTask(waitFor(slowCleanup(log, 1000), 500));
    waiter.cancel();
    const outcome = yield* settle(waiter);
    t.true(errorOf(outcome) instanceof CancelledError);
  });
  t.deepEqual(log, []);
});

test("`waitFor()` behaviour: a cancel right after the inner Task handed its result over keeps the result", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const loop = getRunningLoop();
    const inner = createTask(sleep(10, "handed over"));
    const waiter = createTask(
      (function* () {
        const value = yield* waitFor(inner, 100);
        log.push(`got ${value}`);
        try {
          yield* yieldNow();
        } catch (error) {
          log.push(`next suspension raised ${(error as Error).name}`);
          throw error;
        }
      })(),
    );
    yield* yieldNow(); // both started: the inner task's timer is armed before the cancel below
    loop.callAt(10, () => waiter.cancel()); // same pass, after the inner task finished
    t.true(errorOf(yield* settle(waiter)) instanceof CancelledError);
  });
  t.deepEqual(log, ["got handed over", "next suspension raised CancelledError"]);
});

test("`waitFor()` behaviour: cancelling the caller while the operation cleans up after a timeout gives CancelledError", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const waiter = createTask(
      (function* () {
        try {
          return yield* waitFor(slowCleanup(log, 1000), 100);
        } catch (error) {
          log.push(`waiter caught ${(error as Error).name} at ${getRunningLoop().time()}`);
          throw error;
        }
      })(),
    );
    yield* sleep(105); // the timeout fired at 100; the cleanup runs until 110
    waiter.cancel();
    t.true(errorOf(yield* settle(waiter)) instanceof CancelledError);
  });
  t.deepEqual(log, ["inner started", "inner finally at 100", "inner cleanup done at 110", "waiter caught CancelledError at 110"]);
});

test("`waitFor()` behaviour: a pending Future is cancelled on timeout", async (t) => {
  await runVirtual(t, function* () {
    const future = getRunningLoop().createFuture<string>();
    const outcome = yield* settle(waitFor(future, 100));
    t.true(errorOf(outcome) instanceof TimeoutError);
    t.true(future.cancelled());
    t.is(getRunningLoop().time(), 100);
  });
});

// ---- timeoutMs <= 0 -----------------------------------------------------------------------

test("`waitFor()` behaviour: timeoutMs <= 0 with a generator that has not started: its body never runs", async (t) => {
  const log: string[] = [];
  const { endTime } = await runVirtual(t, function* () {
    for (const timeoutMs of [0, -10]) {
      const outcome = yield* settle(waitFor(slowCleanup(log, 10), timeoutMs));
      const error = errorOf(outcome);
      t.true(error instanceof TimeoutError);
      t.regex((error as Error).message, new RegExp(`waitFor\\(${timeoutMs}\\)`));
    }
  });
  t.deepEqual(log, []);
  t.is(endTime, 0);
});

test("`waitFor()` behaviour: timeoutMs <= 0 with a done Future or Task returns its result at once", async (t) => {
  const boom = new Error("boom");
  await runVirtual(t, function* () {
    const loop = getRunningLoop();
    const future = loop.createFuture<string>();
    future.setResult("ready");
    t.is(yield* waitFor(future, 0), "ready");
    const task = createTask(sleep(5, "task done"));
    yield* sleep(10);
    t.is(yield* waitFor(task, -1), "task done");
    const failed = loop.createFuture<string>();
    failed.setException(boom);
    t.is(errorOf(yield* settle(waitFor(failed, 0))), boom);
    t.is(loop.time(), 10);
  });
});

test("`waitFor()` behaviour: timeoutMs 0 with a pending Task cancels it and throws TimeoutError after it unwound", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const inner = createTask(slowCleanup(log, 1000));
    yield* yieldNow(); // the inner task is running (parked in its sleep)
    const outcome = yield* settle(waitFor(inner, 0));
    log.push(`waitFor threw ${(errorOf(outcome) as Error).name} at ${getRunningLoop().time()}`);
    const error = errorOf(outcome) as TimeoutError;
    t.true(error.cause instanceof CancelledError);
    t.true(inner.cancelled());
  });
  t.deepEqual(log, ["inner started", "inner finally at 0", "inner cleanup done at 10", "waitFor threw TimeoutError at 10"]);
});

test("`waitFor()` behaviour: timeoutMs 0 with a Task that returns despite the cancellation gives its value", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const inner = createTask(
      (function* () {
        try {
          yield* sleep(1000);
        } catch {
          // swallowed
        }
        return "returned anyway";
      })(),
    );
    yield* yieldNow();
    return yield* waitFor(inner, 0);
  });
  t.is(result, "returned anyway");
});

test("`waitFor()` behaviour: timeoutMs 0 with a Task not started yet: its body never runs", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const inner = createTask(slowCleanup(log, 1000));
    const outcome = yield* settle(waitFor(inner, 0));
    t.true(errorOf(outcome) instanceof TimeoutError);
    t.true(inner.cancelled());
  });
  t.deepEqual(log, []);
});

// ---- bad arguments ------------------------------------------------------------------------

test("`waitFor()` behaviour: NaN is a RangeError, a string a TypeError; the operation never runs and the loop goes on", async (t) => {
  const log: string[] = [];
  const { result } = await runVirtual(t, function* () {
    const nan = errorOf(yield* settle(waitFor(slowCleanup(log, 10), Number.NaN)));
    t.true(nan instanceof RangeError);
    t.regex((nan as Error).message, /waitFor\(\).*NaN/);
    const text = errorOf(yield* settle(waitFor(slowCleanup(log, 10), "10" as unknown as number)));
    t.true(text instanceof TypeError);
    t.regex((text as Error).message, /waitFor\(\).*string/);
    return yield* sleep(5, "loop alive");
  });
  t.is(result, "loop alive");
  t.deepEqual(log, []);
});

test("`waitFor()` behaviour: an op that is not an Operation is a TypeError naming the fix, whatever the timeout, and the loop goes on", async (t) => {
  const log: string[] = [];
  const { result } = await runVirtual(t, function* () {
    const loop = getRunningLoop();
    const cases: Array<[string, unknown, RegExp]> = [
      ["a Promise", Promise.resolve(1), /^waitFor\(\) was given a Promise: wrap it as an Operation with fromPromise\(promise\)/],
      [
        "an array",
        [slowCleanup(log, 10), slowCleanup(log, 20)],
        /^waitFor\(\) needs an Operation, not an array: to run several at once use gather\(\.\.\.\)/,
      ],
      ["a number", 42, /^waitFor\(\) needs an Operation \(a generator object, a Future or a Task\): received number/],
      [
        "a generator function",
        slowCleanup,
        /^waitFor\(\) was given a function \(slowCleanup\): call it and pass the result, e\.g\. waitFor\(slowCleanup\(\)\)/,
      ],
    ];
    for (const timeoutMs of [100, 0, null]) {
      for (const [what, op, message] of cases) {
        const error = errorOf(yield* settle(waitFor(op as Operation<unknown>, timeoutMs)));
        t.true(error instanceof TypeError, `waitFor(${what}, ${timeoutMs}) throws TypeError`);
        t.regex((error as Error).message, message, `waitFor(${what}, ${timeoutMs})`);
        t.is(loop._liveTimerCount(), 0);
      }
    }
    return yield* waitFor(sleep(5, "loop alive"), 100);
  });
  t.is(result, "loop alive");
  t.deepEqual(log, [], "no operation of the arrays ran");
});

test("`waitFor()` behaviour: a bad timeoutMs is named timeoutMs in the error", async (t) => {
  await runVirtual(t, function* () {
    const error = errorOf(yield* settle(waitFor(sleep(1), "soon" as unknown as number)));
    t.true(error instanceof TypeError);
    t.is((error as Error).message, "waitFor() needs timeoutMs as a number of ms or null: received string");
  });
});

test("`waitFor()` behaviour: timeoutMs <= 0 with a generator another task drives: InvalidStateError, and that task is undisturbed", async (t) => {
  await runVirtual(t, function* () {
    const log: string[] = [];
    function* work(): Coroutine<string> {
      try {
        yield* sleep(10);
        return "finished";
      } finally {
        log.push("work's finally");
      }
    }
    const job = work();
    const owner = createTask(job, { name: "owner" });
    yield* sleep(1);
    const error = errorOf(yield* settle(waitFor(job, 0)));
    t.true(error instanceof InvalidStateError);
    t.regex((error as Error).message, /generator object that is already driven by Task owner/);
    t.deepEqual(log, [], "the owner's generator was not closed");
    t.is(yield* owner, "finished");
    t.deepEqual(log, ["work's finally"]);
  });
});
