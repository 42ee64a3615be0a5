import test from "ava";
import {
  CancelScope,
  CancelledError,
  InvalidStateError,
  createTask,
  getCurrentTask,
  getRunningLoop,
  moveOnAfter,
  shield,
  sleep,
  yieldNow,
} from "../../../lib/index.js";
import type { Coroutine, Operation } from "../../../lib/index.js";
import { runVirtual } from "../../helpers/loop.js";
import { catching } from "../../helpers/operations.js";

test("`shield()` behaviour: returns the operation's value", async (t) => {
  const { result, endTime } = await runVirtual(t, function* () {
    return yield* shield(sleep(10, "value"));
  });
  t.is(result, "value");
  t.is(endTime, 10);
});

test("`shield()` behaviour: an outer cancellation is kept out and raised at the next suspension after it returns", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const loop = getRunningLoop();
    const task = createTask(
      (function* (): Coroutine<void> {
        const value = yield* shield(sleep(50, "shielded"));
        log.push(`${value} at ${loop.time()}`);
        log.push("code after shield runs until the next suspension");
        try {
          yield* yieldNow();
        } catch (error) {
          log.push(`next suspension raised ${(error as Error).name} at ${loop.time()}`);
          throw error;
        }
      })(),
    );
    yield* sleep(10);
    task.cancel();
    t.is(loop._liveTimerCount(), 1, "the shielded sleep's timer is kept");
    t.true((yield* catching(task)) instanceof CancelledError);
  });
  t.deepEqual(log, ["shielded at 50", "code after shield runs until the next suspension", "next suspension raised CancelledError at 50"]);
});

test("`shield()` behaviour: `finally { yield* shield(op) }` completes the cleanup of a cancelled task", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const loop = getRunningLoop();
    const task = createTask(
      (function* (): Coroutine<void> {
        try {
          yield* sleep(100);
        } finally {
          log.push(`flush starts at ${loop.time()}`);
          yield* shield(sleep(10));
          log.push(`flush done at ${loop.time()}`);
          yield* shield(sleep(5));
          log.push(`close done at ${loop.time()}`);
        }
      })(),
    );
    yield* sleep(20);
    task.cancel();
    t.true((yield* catching(task)) instanceof CancelledError);
    t.true(task.cancelled());
  });
  t.deepEqual(log, ["flush starts at 20", "flush done at 30", "close done at 35"]);
});

test("`shield()` behaviour: after a shielded cleanup, the pending cancellation is raised at the next suspension", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const loop = getRunningLoop();
    const task = createTask(
      (function* (): Coroutine<string> {
        try {
          yield* sleep(100);
        } catch {
          log.push("swallowed the first CancelledError");
        } finally {
          yield* shield(sleep(10));
          log.push(`cleanup done at ${loop.time()}`);
        }
        try {
          yield* sleep(1);
        } catch (error) {
          log.push(`raised again at ${loop.time()}`);
          throw error;
        }
        return "not reached";
      })(),
    );
    yield* sleep(20);
    task.cancel();
    t.true((yield* catching(task)) instanceof CancelledError);
  });
  t.deepEqual(log, ["swallowed the first CancelledError", "cleanup done at 30", "raised again at 30"]);
});

test("`shield()` behaviour: entered when the task is already cancelled, the operation runs to completion", async (t) => {
  await runVirtual(t, function* () {
    const loop = getRunningLoop();
    const me = yield* getCurrentTask();
    const task = createTask(
      (function* (): Coroutine<string> {
        const self = yield* getCurrentTask();
        self.cancel();
        return yield* shield(sleep(15, "completed"));
      })(),
    );
    t.is(yield* task, "completed"); // returned without suspending again
    t.is(loop.time(), 15);
    t.false(me.cancelling() > 0);
  });
});

test("`shield()` behaviour: errors of the operation pass through unchanged", async (t) => {
  await runVirtual(t, function* () {
    const failure = new RangeError("flush failed");
    const error = yield* catching(
      shield(
        (function* (): Coroutine<void> {
          yield* sleep(1);
          throw failure;
        })(),
      ),
    );
    t.is(error, failure);
  });
});

test("`shield()` behaviour: a shielded `yield* future` does not cancel the future", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const loop = getRunningLoop();
    const future = loop.createFuture<string>();
    const task = createTask(
      (function* (): Coroutine<void> {
        log.push(`got ${yield* shield(future)}`);
        yield* yieldNow();
        log.push("not reached");
      })(),
    );
    yield* yieldNow();
    task.cancel();
    yield* sleep(10);
    t.false(future.done());
    future.setResult("the result");
    t.true((yield* catching(task)) instanceof CancelledError);
  });
  t.deepEqual(log, ["got the result"]);
});

test("`shield()` behaviour: a time limit inside the shield still applies", async (t) => {
  await runVirtual(t, function* () {
    const loop = getRunningLoop();
    const task = createTask(
      (function* (): Coroutine<string> {
        yield* shield(moveOnAfter(5, sleep(100)));
        return `bounded cleanup ended at ${loop.time()}`;
      })(),
    );
    yield* yieldNow();
    task.cancel();
    t.is(yield* task, "bounded cleanup ended at 5");
  });
});

test("`shield()` behaviour: a deadline scope that expires during a shielded cleanup still absorbs after it", async (t) => {
  await runVirtual(t, function* () {
    const loop = getRunningLoop();
    const scope = new CancelScope({ deadline: 20 });
    const value = yield* scope.run(function* () {
      try {
        yield* sleep(100);
      } finally {
        yield* shield(sleep(10));
      }
    });
    t.is(value, undefined);
    t.true(scope.cancelledCaught);
    t.is(loop.time(), 30);
  });
});

test("`shield()` behaviour: outside a task it is an InvalidStateError", (t) => {
  t.throws(() => shield(sleep(1)).next(), { instanceOf: InvalidStateError, message: /must run inside a task/ });
});

test("`shield()` behaviour: a non-Operation is a TypeError that names shield(), and the loop goes on", async (t) => {
  await runVirtual(t, function* () {
    const error = yield* catching(shield(42 as unknown as Operation<number>));
    t.true(error instanceof TypeError);
    t.regex((error as Error).message, /shield\(\)/);
    t.is(yield* shield(sleep(1, "alive")), "alive");
  });
});

test("`shield()` behaviour: a Promise, an array, a number or a generator function are TypeErrors naming the fix, and the loop goes on", async (t) => {
  await runVirtual(t, function* () {
    function* work(): Coroutine<string> {
      return yield* sleep(1, "work");
    }
    const cases: Array<[string, unknown, RegExp]> = [
      ["a Promise", Promise.resolve(1), /^shield\(\) was given a Promise: wrap it as an Operation with fromPromise\(promise\)/],
      ["an array", [sleep(1), sleep(2)], /^shield\(\) needs an Operation, not an array: to run several at once use gather\(\.\.\.\)/],
      ["a number", 42, /^shield\(\) needs an Operation \(a generator object, a Future or a Task\): received number/],
      ["a generator function", work, /^shield\(\) was given a function \(work\): call it and pass the result, e\.g\. shield\(work\(\)\)/],
    ];
    for (const [what, op, message] of cases) {
      const error = yield* catching(shield(op as Operation<unknown>));
      t.true(error instanceof TypeError, `shield(${what}) throws TypeError`);
      t.regex((error as Error).message, message, `shield(${what})`);
    }
    t.is(yield* shield(work()), "work");
  });
});
