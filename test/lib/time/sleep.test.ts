import test from "ava";
import { CancelledError, createTask, getRunningLoop, sleep, yieldNow } from "../../../lib/index.js";
import type { Coroutine, EventLoop } from "../../../lib/index.js";
import { runVirtual } from "../../helpers/loop.js";
import { catching } from "../../helpers/operations.js";

/** Schedules `passes` chained callbacks, one per pass, each logging `pass N`. */
function ticker(loop: EventLoop, log: string[], passes: number): void {
  const tick = (n: number): void => {
    log.push(`pass ${n}`);
    if (n < passes) loop.callSoon(tick, n + 1);
  };
  loop.callSoon(tick, 1);
}

test("`sleep()` behaviour: resolves to its value after the delay", async (t) => {
  const { result, endTime } = await runVirtual(t, function* () {
    const nothing: void = yield* sleep(10);
    t.is(nothing, undefined);
    return yield* sleep(90, { answer: 42 });
  });
  t.deepEqual(result, { answer: 42 });
  t.is(endTime, 100);
});

test("`sleep()` behaviour: never resumes early on virtual time", async (t) => {
  const times: number[] = [];
  await runVirtual(t, function* () {
    const loop = getRunningLoop();
    for (const delayMs of [0.5, 1, 7.25, 1000, 3_600_000]) {
      const start = loop.time();
      yield* sleep(delayMs);
      times.push(loop.time() - start);
    }
  });
  t.deepEqual(times, [0.5, 1, 7.25, 1000, 3_600_000]);
});

test("`sleep()` behaviour: sleepers with equal deadlines resume in the order they slept", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const sleeper = function* (name: string): Coroutine<void> {
      yield* sleep(10);
      log.push(name);
    };
    const tasks = ["a", "b", "c"].map((name) => createTask(sleeper(name)));
    for (const task of tasks) yield* task;
  });
  t.deepEqual(log, ["a", "b", "c"]);
});

test("`sleep()` behaviour: `ms <= 0` is exactly one pass and arms no timer", async (t) => {
  for (const delayMs of [0, -5, Number.NEGATIVE_INFINITY]) {
    const log: string[] = [];
    await runVirtual(t, function* () {
      const loop = getRunningLoop();
      ticker(loop, log, 3);
      loop.callSoon(() => log.push(`live timers: ${loop._liveTimerCount()}`));
      const value = yield* sleep(delayMs, "v");
      log.push(`resumed with ${value}`);
      yield* sleep(1); // let the ticker finish
      t.is(loop.time(), 1);
    });
    t.deepEqual(log, ["pass 1", "live timers: 0", "resumed with v", "pass 2", "pass 3"], `sleep(${delayMs})`);
  }
});

test("`sleep()` behaviour: a positive delay arms one timer", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const loop = getRunningLoop();
    loop.callSoon(() => log.push(`live timers: ${loop._liveTimerCount()}`));
    yield* sleep(1);
    log.push(`live timers after: ${loop._liveTimerCount()}`);
  });
  t.deepEqual(log, ["live timers: 1", "live timers after: 0"]);
});

test("`yieldNow()` behaviour: exactly one pass, in the same place as sleep(0)", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const loop = getRunningLoop();
    ticker(loop, log, 4);
    yield* yieldNow();
    log.push("after yieldNow");
    yield* sleep(0);
    log.push("after sleep(0)");
    yield* yieldNow();
    log.push("after yieldNow again");
    yield* yieldNow(); // the ticker's last pass
    t.is(loop.time(), 0);
  });
  t.deepEqual(log, ["pass 1", "after yieldNow", "pass 2", "after sleep(0)", "pass 3", "after yieldNow again", "pass 4"]);
});

test("`yieldNow()` behaviour: lets every other ready task run once", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const worker = function* (name: string): Coroutine<void> {
      for (let round = 0; round < 3; round++) {
        log.push(`${name}${round}`);
        yield* yieldNow();
      }
    };
    const a = createTask(worker("a"));
    const b = createTask(worker("b"));
    yield* a;
    yield* b;
  });
  t.deepEqual(log, ["a0", "b0", "a1", "b1", "a2", "b2"]);
});

test("`sleep()` behaviour: NaN is a RangeError when the operation starts, and the loop goes on", async (t) => {
  await runVirtual(t, function* () {
    const op = sleep(Number.NaN); // nothing happens until it is run
    const error = yield* catching(op);
    t.true(error instanceof RangeError);
    t.is((error as Error).message, "sleep() needs a finite number of milliseconds: received NaN");
    t.is(yield* sleep(5, "still alive"), "still alive");
  });
});

test("`sleep()` behaviour: a non-number is a TypeError naming what it received", async (t) => {
  await runVirtual(t, function* () {
    for (const [bad, received] of [
      ["10", "string"],
      [null, "null"],
      [undefined, "undefined"],
      [10n, "bigint"],
    ] as const) {
      const error = yield* catching(sleep(bad as unknown as number));
      t.true(error instanceof TypeError, String(bad));
      t.is((error as Error).message, `sleep() needs a number of milliseconds: received ${received}`);
    }
    t.is(getRunningLoop()._liveTimerCount(), 0);
    yield* sleep(1);
  });
});

test("`sleep()` behaviour: cancelling a sleeping task cancels its timer at once", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const loop = getRunningLoop();
    const task = createTask(
      (function* (): Coroutine<void> {
        try {
          yield* sleep(1000, "never");
          log.push("slept");
        } catch (error) {
          log.push(`raised ${(error as Error).name} at ${loop.time()}`);
          throw error;
        }
      })(),
    );
    yield* sleep(10);
    t.is(loop._liveTimerCount(), 1);
    task.cancel();
    t.is(loop._liveTimerCount(), 0);
    t.true((yield* catching(task)) instanceof CancelledError);
    t.is(loop.time(), 10);
  });
  t.deepEqual(log, ["raised CancelledError at 10"]);
});

test("`sleep()` behaviour: sleep(Infinity) waits until cancelled", async (t) => {
  await runVirtual(t, function* () {
    const loop = getRunningLoop();
    const task = createTask(sleep(Number.POSITIVE_INFINITY));
    yield* sleep(50);
    t.false(task.done());
    task.cancel();
    t.true((yield* catching(task)) instanceof CancelledError);
    t.is(loop.time(), 50);
    t.is(loop._liveTimerCount(), 0);
  });
});

test("`sleep()` behaviour: cancelled while queued after sleep(0), it raises instead of returning the value", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const task = createTask(
      (function* (): Coroutine<void> {
        const value = yield* sleep(0, "value");
        log.push(`got ${value}`);
      })(),
      { eager: true },
    );
    task.cancel();
    t.true((yield* catching(task)) instanceof CancelledError);
  });
  t.deepEqual(log, []);
});

test("`sleep()` behaviour: cancelled in the pass its timer fires, it still raises", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const loop = getRunningLoop();
    // Scheduled before the task's timer: in the pass where both are due, it runs first, while
    // the task's timer is already on the ready queue.
    loop.callAt(10, () => {
      log.push("cancel");
      task.cancel();
    });
    const task = createTask(
      (function* (): Coroutine<void> {
        try {
          yield* sleep(10);
          log.push("slept");
        } catch (error) {
          log.push(`raised ${(error as Error).name}`);
          throw error;
        }
      })(),
    );
    t.true((yield* catching(task)) instanceof CancelledError);
    t.is(loop.time(), 10);
  });
  t.deepEqual(log, ["cancel", "raised CancelledError"]);
});

test("`yieldNow()` behaviour: a task cancelled before it resumes raises CancelledError", async (t) => {
  await runVirtual(t, function* () {
    const task = createTask(
      (function* (): Coroutine<string> {
        yield* yieldNow();
        return "resumed";
      })(),
    );
    yield* yieldNow(); // the task ran up to its yieldNow and is queued again
    task.cancel();
    t.true((yield* catching(task)) instanceof CancelledError);
  });
});
