import test from "ava";
import {
  CancelScope,
  CancelledError,
  InvalidStateError,
  createTask,
  fromPromise,
  getCurrentTask,
  getRunningLoop,
  shield,
  sleep,
  yieldNow,
} from "../../../lib/index.js";
import type { Coroutine, Operation } from "../../../lib/index.js";
import { runVirtual, virtualLoop } from "../../helpers/loop.js";
import { catching } from "../../helpers/operations.js";

test("`CancelScope.run()` behaviour: runs an Operation and returns its value", async (t) => {
  const { result, endTime } = await runVirtual(t, function* () {
    const scope = new CancelScope();
    const value = yield* scope.run(sleep(10, "value"));
    t.false(scope.cancelCalled);
    t.false(scope.cancelledCaught);
    t.is(scope.cancelReason, undefined);
    return value;
  });
  t.is(result, "value");
  t.is(endTime, 10);
});

test("`CancelScope.run()` behaviour: a function body receives the scope itself", async (t) => {
  await runVirtual(t, function* () {
    const scope = new CancelScope();
    let received: CancelScope | undefined;
    const value = yield* scope.run(function* (inner) {
      received = inner;
      yield* yieldNow();
      return 3;
    });
    t.is(value, 3);
    t.true(received === scope);
  });
});

test("`CancelScope.cancel()` behaviour: cancels the parked body at once; the scope absorbs and run() returns undefined", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const loop = getRunningLoop();
    const scope = new CancelScope();
    const task = createTask(
      (function* (): Coroutine<string> {
        const value = yield* scope.run(function* () {
          try {
            yield* sleep(100);
            return "slept";
          } catch (error) {
            log.push(`body raised ${(error as Error).name} at ${loop.time()}`);
            throw error;
          }
        });
        log.push(`run returned ${String(value)}`);
        yield* sleep(5); // the task itself is not cancelled
        return "task finished";
      })(),
      { name: "worker" },
    );
    yield* sleep(20);
    scope.cancel();
    t.is(loop._liveTimerCount(), 0, "the body's sleep was withdrawn at once");
    t.is(yield* task, "task finished");
    t.true(scope.cancelCalled);
    t.true(scope.cancelledCaught);
    t.deepEqual(scope.cancelReason, { source: "explicit", scope: "CancelScope", task: "worker" });
    t.is(loop.time(), 25);
  });
  t.deepEqual(log, ["body raised CancelledError at 20", "run returned undefined"]);
});

test("`CancelScope.cancel()` behaviour: disarms the deadline timer at once: a shielded cleanup waiting outside the loop does not see the clock jump to the old deadline", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const loop = getRunningLoop();
    const scope = new CancelScope({ deadline: 1000 });
    const value = yield* scope.run(function* (self) {
      t.is(loop._liveTimerCount(), 1, "the deadline timer is armed");
      self.cancel();
      t.is(loop._liveTimerCount(), 0, "cancel() disarmed it at once, before the scope exits");
      try {
        yield* sleep(10);
      } finally {
        // Nothing on the loop is due while this waits: with a deadline timer still armed, the
        // virtual clock would jump to 1000 before the Promise settles.
        log.push(`cleanup: ${yield* shield(fromPromise(Promise.resolve("flushed")))} at ${loop.time()}`);
      }
    });
    t.is(value, undefined);
    t.true(scope.cancelledCaught);
    t.is(scope.cancelReason?.source, "explicit");
  });
  t.deepEqual(log, ["cleanup: flushed at 0"]);
});

test("`CancelScope.cancel()` behaviour: from inside the body, the next suspension raises", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const scope = new CancelScope();
    const value = yield* scope.run(function* (self) {
      self.cancel("enough");
      log.push("still running after cancel()");
      yield* sleep(10);
      log.push("not reached");
      return "value";
    });
    t.is(value, undefined);
    t.true(scope.cancelledCaught);
    t.is(scope.cancelReason?.message, "enough");
    t.is(getRunningLoop().time(), 0);
  });
  t.deepEqual(log, ["still running after cancel()"]);
});

test("`CancelScope.cancel()` behaviour: the reason's message reaches the CancelledError; the first reason wins", async (t) => {
  const messages: string[] = [];
  await runVirtual(t, function* () {
    const scope = new CancelScope();
    const main = yield* getCurrentTask();
    yield* scope.run(function* (self) {
      self.cancel({ source: "signal", message: "SIGINT" });
      self.cancel("ignored");
      try {
        yield* yieldNow();
      } catch (error) {
        messages.push((error as CancelledError).message);
        t.deepEqual((error as CancelledError).reason, { source: "signal", message: "SIGINT", scope: "CancelScope", task: main.name });
        throw error;
      }
    });
    t.is(scope.cancelReason?.source, "signal");
    t.is(scope.cancelReason?.message, "SIGINT");
  });
  t.is(messages.length, 1);
  t.regex(messages[0]!, /^cancelled by signal of CancelScope in task Task-\d+: SIGINT$/);
});

test("`CancelScope.cancel()` behaviour: a scope cancelled before it is entered raises at the first suspension", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const scope = new CancelScope();
    scope.cancel();
    t.true(scope.cancelCalled);
    const value = yield* scope.run(function* () {
      log.push("body started");
      yield* sleep(10);
      log.push("not reached");
    });
    t.is(value, undefined);
    t.true(scope.cancelledCaught);
    t.is(getRunningLoop().time(), 0);
  });
  t.deepEqual(log, ["body started"]);
});

test("`CancelScope.cancel()` behaviour: after the scope exited it does nothing", async (t) => {
  await runVirtual(t, function* () {
    const scope = new CancelScope();
    t.is(yield* scope.run(sleep(1, "done")), "done");
    scope.cancel();
    t.true(scope.cancelCalled);
    t.false(scope.cancelledCaught);
    yield* sleep(1); // the task is not affected
  });
});

test("`CancelScope` behaviour: level-triggered, every suspension inside a cancelled scope raises until it is exited", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const loop = getRunningLoop();
    const scope = new CancelScope();
    const value = yield* scope.run(function* (self) {
      self.cancel();
      for (let attempt = 0; attempt < 3; attempt++) {
        try {
          yield* sleep(10);
        } catch (error) {
          log.push(`attempt ${attempt}: ${(error as Error).name}`);
        }
      }
      return "swallowed";
    });
    t.is(value, "swallowed"); // the body returned normally: its value is kept
    t.false(scope.cancelledCaught);
    yield* sleep(10); // outside the scope, suspensions work again
    log.push(`outside at ${loop.time()}`);
  });
  t.deepEqual(log, ["attempt 0: CancelledError", "attempt 1: CancelledError", "attempt 2: CancelledError", "outside at 10"]);
});

test("`CancelScope` behaviour: a CancelledError it did not cause passes through", async (t) => {
  await runVirtual(t, function* () {
    const future = getRunningLoop().createFuture<void>();
    future.cancel("someone else");
    const scope = new CancelScope();
    const error = yield* catching(scope.run(future));
    t.true(error instanceof CancelledError);
    t.regex((error as Error).message, /someone else/);
    t.false(scope.cancelledCaught);
  });
});

test("`CancelScope` behaviour: an error other than CancelledError passes through a cancelled scope unchanged", async (t) => {
  await runVirtual(t, function* () {
    const scope = new CancelScope();
    const failure = new RangeError("cleanup failed");
    const error = yield* catching(
      scope.run(function* (self) {
        self.cancel();
        try {
          yield* sleep(1);
        } finally {
          // eslint-disable-next-line no-unsafe-finally -- on purpose: the test needs cleanup that throws while the coroutine unwinds
          throw failure;
        }
      }),
    );
    t.is(error, failure);
    t.true(scope.cancelCalled);
    t.false(scope.cancelledCaught);
  });
});

test("`CancelScope.deadline` behaviour: absolute loop time; the scope cancels itself when it passes", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const loop = getRunningLoop();
    yield* sleep(5);
    const scope = new CancelScope({ deadline: loop.time() + 50 });
    t.is(scope.deadline, 55);
    const value = yield* scope.run(function* () {
      try {
        yield* sleep(100);
      } catch (error) {
        log.push(`raised at ${loop.time()}`);
        throw error;
      }
    });
    t.is(value, undefined);
    t.true(scope.cancelCalled);
    t.true(scope.cancelledCaught);
    t.is(scope.cancelReason?.source, "deadline");
    t.is(loop._liveTimerCount(), 0);
  });
  t.deepEqual(log, ["raised at 55"]);
});

test("`CancelScope.deadline` behaviour: defaults to Infinity, and a scope that ends first leaves no timer", async (t) => {
  await runVirtual(t, function* () {
    const loop = getRunningLoop();
    t.is(new CancelScope().deadline, Number.POSITIVE_INFINITY);
    const scope = new CancelScope({ deadline: 1000 });
    t.is(yield* scope.run(sleep(10, "in time")), "in time");
    t.is(loop._liveTimerCount(), 0);
    t.false(scope.cancelCalled);
  });
});

test("`CancelScope.deadline` behaviour: rescheduling moves the timer, later or earlier", async (t) => {
  const ends: number[] = [];
  await runVirtual(t, function* () {
    const loop = getRunningLoop();
    for (const moveTo of [80, 20]) {
      const start = loop.time();
      yield* new CancelScope({ deadline: start + 50 }).run(function* (scope) {
        yield* sleep(10);
        scope.deadline = start + moveTo;
        t.is(scope.deadline, start + moveTo);
        t.is(loop._liveTimerCount(), 1, "one deadline timer, the old one is cancelled");
        yield* sleep(1000);
      });
      ends.push(loop.time() - start);
    }
  });
  t.deepEqual(ends, [80, 20]);
});

test("`CancelScope.deadline` behaviour: Infinity disables an armed deadline", async (t) => {
  await runVirtual(t, function* () {
    const loop = getRunningLoop();
    const scope = new CancelScope({ deadline: 10 });
    const value = yield* scope.run(function* (self) {
      self.deadline = Number.POSITIVE_INFINITY;
      t.is(loop._liveTimerCount(), 0);
      return yield* sleep(30, "outlived the old deadline");
    });
    t.is(value, "outlived the old deadline");
    t.false(scope.cancelCalled);
  });
});

test("`CancelScope.deadline` behaviour: a deadline already past when entered cancels at the first suspension", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const loop = getRunningLoop();
    yield* sleep(10);
    for (const deadline of [loop.time() - 5, loop.time(), Number.NEGATIVE_INFINITY]) {
      const scope = new CancelScope({ deadline });
      const value = yield* scope.run(function* () {
        log.push(`body ran (deadline ${deadline})`);
        yield* sleep(10);
        log.push("not reached");
      });
      t.is(value, undefined);
      t.true(scope.cancelledCaught);
      t.is(scope.cancelReason?.source, "deadline");
    }
    t.is(loop.time(), 10);
  });
  t.deepEqual(log, ["body ran (deadline 5)", "body ran (deadline 10)", "body ran (deadline -Infinity)"]);
});

test("`CancelScope.deadline` behaviour: moved into the past while the body is parked, it cancels at once", async (t) => {
  await runVirtual(t, function* () {
    const loop = getRunningLoop();
    const scope = new CancelScope({ deadline: 1000 });
    const task = createTask(scope.run(sleep(500)));
    yield* sleep(30);
    scope.deadline = 0;
    t.is(yield* task, undefined);
    t.true(scope.cancelledCaught);
    t.is(loop.time(), 30);
  });
});

test("`CancelScope.deadline` behaviour: moved into the past by the body itself, the next suspension raises", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const scope = new CancelScope({ deadline: 1000 });
    yield* scope.run(function* (self) {
      self.deadline = getRunningLoop().time() - 1;
      log.push("running on");
      yield* yieldNow();
      log.push("not reached");
    });
    t.true(scope.cancelledCaught);
  });
  t.deepEqual(log, ["running on"]);
});

test("`CancelScope` behaviour: bad deadlines and shields are TypeError or RangeError, and the loop goes on", async (t) => {
  await runVirtual(t, function* () {
    t.throws(() => new CancelScope({ deadline: "10" as unknown as number }), {
      instanceOf: TypeError,
      message: /CancelScope\(\) needs a deadline in ms \(a number\): received string/,
    });
    t.throws(() => new CancelScope({ deadline: Number.NaN }), {
      instanceOf: RangeError,
      message: /CancelScope\(\) needs a deadline in ms: received NaN/,
    });
    t.throws(() => new CancelScope({ shield: 1 as unknown as boolean }), {
      instanceOf: TypeError,
      message: /CancelScope\(\) needs a boolean shield: received number/,
    });
    const scope = new CancelScope({ deadline: 100 });
    t.throws(
      () => {
        scope.deadline = null as unknown as number;
      },
      { instanceOf: TypeError, message: /CancelScope\.deadline needs a deadline in ms \(a number\): received object/ },
    );
    t.throws(
      () => {
        scope.deadline = Number.NaN;
      },
      { instanceOf: RangeError, message: /CancelScope\.deadline needs a deadline in ms: received NaN/ },
    );
    t.throws(
      () => {
        scope.shield = "yes" as unknown as boolean;
      },
      { instanceOf: TypeError, message: /CancelScope\.shield must be a boolean: received string/ },
    );
    t.is(scope.deadline, 100);
    t.false(scope.shield);
    t.is(yield* scope.run(sleep(10, "unchanged")), "unchanged");
  });
});

test("`CancelScope.shield` behaviour: keeps an outer cancellation out; it is raised after the scope", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const loop = getRunningLoop();
    const task = createTask(
      (function* (): Coroutine<void> {
        const scope = new CancelScope({ shield: true });
        t.true(scope.shield);
        const value = yield* scope.run(sleep(50, "shielded sleep finished"));
        log.push(`${String(value)} at ${loop.time()}`);
        try {
          yield* sleep(10);
        } catch (error) {
          log.push(`next suspension raised ${(error as Error).name} at ${loop.time()}`);
          throw error;
        }
      })(),
    );
    yield* sleep(10);
    task.cancel();
    t.true((yield* catching(task)) instanceof CancelledError);
  });
  t.deepEqual(log, ["shielded sleep finished at 50", "next suspension raised CancelledError at 50"]);
});

test("`CancelScope.shield` behaviour: a shielded scope can still be cancelled itself", async (t) => {
  await runVirtual(t, function* () {
    const loop = getRunningLoop();
    const scope = new CancelScope({ shield: true, deadline: 20 });
    t.is(yield* scope.run(sleep(100)), undefined);
    t.true(scope.cancelledCaught);
    t.is(loop.time(), 20);
  });
});

test("`CancelScope.shield` behaviour: turning it off exposes a parked body to a pending outer cancellation at once", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const loop = getRunningLoop();
    const scope = new CancelScope({ shield: true });
    const task = createTask(
      (function* (): Coroutine<void> {
        try {
          yield* scope.run(sleep(100));
        } catch (error) {
          log.push(`raised ${(error as Error).name} at ${loop.time()}`);
          throw error;
        }
      })(),
    );
    yield* sleep(10);
    task.cancel();
    yield* sleep(10);
    log.push(`still shielded at ${loop.time()}`);
    scope.shield = false;
    t.true((yield* catching(task)) instanceof CancelledError);
    t.false(scope.cancelledCaught, "the outer cancellation is not the scope's own: it does not absorb it");
  });
  t.deepEqual(log, ["still shielded at 20", "raised CancelledError at 20"]);
});

test("`CancelScope.shield` behaviour: turning it off from inside the body, the next suspension raises", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const task = createTask(
      (function* (): Coroutine<void> {
        const me = yield* getCurrentTask();
        yield* new CancelScope({ shield: true }).run(function* (scope) {
          me.cancel();
          yield* yieldNow();
          log.push("shielded suspension went through");
          scope.shield = false;
          try {
            yield* yieldNow();
          } catch (error) {
            log.push(`unshielded suspension raised ${(error as Error).name}`);
            throw error;
          }
        });
      })(),
    );
    t.true((yield* catching(task)) instanceof CancelledError);
  });
  t.deepEqual(log, ["shielded suspension went through", "unshielded suspension raised CancelledError"]);
});

test("`CancelScope` behaviour: nested scopes, the outermost cancelled scope absorbs", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const outer = new CancelScope();
    const inner = new CancelScope();
    const value = yield* outer.run(function* () {
      yield* inner.run(function* () {
        inner.cancel();
        outer.cancel();
        yield* sleep(10);
      });
      log.push("between the scopes: not reached");
      return "outer body";
    });
    t.is(value, undefined);
    t.false(inner.cancelledCaught);
    t.true(outer.cancelledCaught);
  });
  t.deepEqual(log, []);
});

test("`CancelScope.run()` behaviour: an outer and a shielded inner scope both cancelled, the inner run() absorbs its own CancelledError and the code after it runs", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const loop = getRunningLoop();
    const outer = new CancelScope();
    const inner = new CancelScope({ shield: true });
    const value = yield* outer.run(function* () {
      const innerValue = yield* inner.run(function* () {
        outer.cancel();
        inner.cancel();
        try {
          yield* sleep(10);
        } catch (error) {
          log.push(`inner body raised ${(error as Error).name} at ${loop.time()}`);
          throw error;
        }
        log.push("not reached");
      });
      log.push(`after the inner scope: ${String(innerValue)}`);
      try {
        yield* sleep(10); // outside the shield, the outer cancellation applies
      } catch (error) {
        log.push(`outer body raised ${(error as Error).name} at ${loop.time()}`);
        throw error;
      }
      return "not reached";
    });
    t.is(value, undefined);
    t.true(inner.cancelledCaught, "the shielded scope caught what it caused");
    t.true(outer.cancelledCaught);
  });
  t.deepEqual(log, ["inner body raised CancelledError at 0", "after the inner scope: undefined", "outer body raised CancelledError at 0"]);
});

test("`CancelScope` behaviour: nested scopes, a cancelled inner scope absorbs and the outer body goes on", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const outer = new CancelScope();
    const inner = new CancelScope({ deadline: 10 });
    const value = yield* outer.run(function* () {
      yield* inner.run(sleep(100));
      log.push(`after inner at ${getRunningLoop().time()}`);
      return yield* sleep(5, "outer body");
    });
    t.is(value, "outer body");
    t.true(inner.cancelledCaught);
    t.false(outer.cancelCalled);
  });
  t.deepEqual(log, ["after inner at 10"]);
});

test("`CancelScope` behaviour: a task cancelled while inside an uncancelled scope unwinds through it", async (t) => {
  await runVirtual(t, function* () {
    const scope = new CancelScope();
    const task = createTask(scope.run(sleep(100)));
    yield* yieldNow();
    task.cancel();
    t.true((yield* catching(task)) instanceof CancelledError);
    t.false(scope.cancelCalled);
    t.false(scope.cancelledCaught);
  });
});

test("`CancelScope` behaviour: a scope and its task cancelled in the same step, the task's cancellation wins", async (t) => {
  await runVirtual(t, function* () {
    const scope = new CancelScope();
    const task = createTask(scope.run(sleep(100)));
    yield* yieldNow();
    scope.cancel();
    task.cancel();
    t.true((yield* catching(task)) instanceof CancelledError);
    t.true(scope.cancelCalled);
    t.false(scope.cancelledCaught);
  });
});

test("`CancelScope` behaviour: cancelling a scope around `yield* future` cancels the future", async (t) => {
  await runVirtual(t, function* () {
    const future = getRunningLoop().createFuture<number>();
    const scope = new CancelScope({ deadline: 10 });
    t.is(yield* scope.run(future), undefined);
    t.true(future.cancelled());
    t.true(scope.cancelledCaught);
  });
});

test("`CancelScope.run()` behaviour: a scope entered twice is an InvalidStateError", async (t) => {
  await runVirtual(t, function* () {
    const scope = new CancelScope();
    yield* scope.run(sleep(1));
    const again = yield* catching(scope.run(sleep(1)));
    t.true(again instanceof InvalidStateError);
    t.regex((again as Error).message, /already entered: create a new CancelScope for each run/);
    const nested = new CancelScope();
    const error = yield* nested.run(function* () {
      return yield* catching(nested.run(sleep(1)));
    });
    t.true(error instanceof InvalidStateError);
    yield* sleep(1); // the task's scopes are intact
    t.is(yield* new CancelScope().run(sleep(1, "fresh scope")), "fresh scope");
  });
});

test("`CancelScope.run()` behaviour: outside a task it is an InvalidStateError", async (t) => {
  t.throws(() => new CancelScope().run(sleep(1)).next(), {
    instanceOf: InvalidStateError,
    message: /CancelScope\.run\(\) must run inside a task: use it with yield\* in a coroutine/,
  });
  const { loop, reports } = virtualLoop();
  const errors: unknown[] = [];
  loop.callSoon(() => {
    try {
      new CancelScope().run(sleep(1)).next();
    } catch (error) {
      errors.push(error);
    }
  });
  loop.callSoon(() => loop.stop());
  await loop.runForever();
  loop.close();
  t.is(errors.length, 1);
  t.true(errors[0] instanceof InvalidStateError);
  t.deepEqual(reports, []);
});

test("`CancelScope.run()` behaviour: a body that is not an Operation is a TypeError that names run(), and the loop goes on", async (t) => {
  await runVirtual(t, function* () {
    const scope = new CancelScope();
    const error = yield* catching(scope.run(42 as unknown as Operation<number>));
    t.true(error instanceof TypeError);
    t.regex((error as Error).message, /CancelScope\.run\(\)/);
    t.is(yield* new CancelScope().run(sleep(1, "alive")), "alive");
  });
});

test("`CancelScope.run()` behaviour: a Promise, an array or a number is a TypeError naming the fix; the scope is not entered", async (t) => {
  await runVirtual(t, function* () {
    const cases: Array<[string, unknown, RegExp]> = [
      ["a Promise", Promise.resolve(1), /^CancelScope\.run\(\) was given a Promise: wrap it as an Operation with fromPromise\(promise\)/],
      [
        "an array",
        [sleep(1), sleep(2)],
        /^CancelScope\.run\(\) needs an Operation, not an array: to run several at once use gather\(\.\.\.\)/,
      ],
      ["a number", 42, /^CancelScope\.run\(\) needs an Operation \(a generator object, a Future or a Task\): received number/],
    ];
    for (const [what, body, message] of cases) {
      const scope = new CancelScope();
      const error = yield* catching(scope.run(body as Operation<unknown>));
      t.true(error instanceof TypeError, `run(${what}) throws TypeError`);
      t.regex((error as Error).message, message, `run(${what})`);
      t.is(yield* scope.run(sleep(1, "entered later")), "entered later", "the scope was never entered, so it can still run");
    }
  });
});

test("`CancelScope.run()` behaviour: a body function returning a non-Operation is a TypeError naming the fix; the scope is exited cleanly", async (t) => {
  await runVirtual(t, function* () {
    const loop = getRunningLoop();
    const me = yield* getCurrentTask();
    const cases: Array<[string, unknown, RegExp]> = [
      [
        "a Promise",
        Promise.resolve(1),
        /^the body function of CancelScope was given a Promise: wrap it as an Operation with fromPromise\(promise\)/,
      ],
      [
        "an array",
        [sleep(1), sleep(2)],
        /^the body function of CancelScope needs an Operation, not an array: to run several at once use gather\(\.\.\.\)/,
      ],
      ["a number", 42, /^the body function of CancelScope needs an Operation \(a generator object, a Future or a Task\): received number/],
    ];
    yield* new CancelScope().run(yieldNow()); // the task's root scope now exists
    const outer = me._innermostScope();
    for (const [what, value, message] of cases) {
      const scope = new CancelScope({ deadline: loop.time() + 100 });
      const error = yield* catching(scope.run(() => value as Operation<unknown>));
      t.true(error instanceof TypeError, `a body function returning ${what} throws TypeError`);
      t.regex((error as Error).message, message, `a body function returning ${what}`);
      t.true(me._innermostScope() === outer, "the scope was exited");
      t.is(loop._liveTimerCount(), 0, "its deadline timer is gone");
      t.is(errorName(yield* catching(scope.run(sleep(1)))), "InvalidStateError", "it was entered once");
    }
    t.is(yield* new CancelScope().run(() => sleep(1, "alive")), "alive");
  });
});

test("`CancelScope` behaviour: options that are not an object are a TypeError", async (t) => {
  await runVirtual(t, function* () {
    t.throws(() => new CancelScope(null as never), {
      instanceOf: TypeError,
      message: /^CancelScope\(\) needs an options object \(\{ deadline\?, shield\? \}\): received null/,
    });
    t.throws(() => new CancelScope(100 as never), { instanceOf: TypeError, message: /needs an options object.*received number/ });
    t.throws(() => new CancelScope("shield" as never), { instanceOf: TypeError, message: /needs an options object.*received string/ });
    t.is(yield* new CancelScope(undefined).run(sleep(1, "default options")), "default options");
  });
});

test("`CancelScope.cancel()` behaviour: a reason that is neither a message nor a CancelReason is a TypeError; the scope is not cancelled", async (t) => {
  await runVirtual(t, function* () {
    const loop = getRunningLoop();
    const scope = new CancelScope();
    const result = yield* scope.run(function* () {
      for (const bad of [42, null, {}, { source: 7 }, true]) {
        t.throws(() => scope.cancel(bad as never), {
          instanceOf: TypeError,
          message: /^cancel\(\) needs a message or a CancelReason \(\{ source, message\? \}\): received /,
        });
      }
      t.false(scope.cancelCalled);
      yield* sleep(10); // not cancelled: the sleep completes
      loop.callLater(5, () => scope.cancel({ source: "explicit", message: "a valid reason" }));
      yield* sleep(100);
      return "not reached";
    });
    t.is(result, undefined);
    t.true(scope.cancelledCaught);
    t.is(scope.cancelReason?.message, "a valid reason");
    t.is(loop.time(), 15);
  });
});

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : String(error);
}

test("`CancelScope.run()` behaviour: a body function returning a generator function is a TypeError that says to call it, with a readable example", async (t) => {
  await runVirtual(t, function* () {
    function* work(): Coroutine<void> {
      yield* sleep(1);
    }
    const error = yield* catching(new CancelScope().run(() => work as unknown as Operation<void>));
    t.true(error instanceof TypeError);
    const message = (error as Error).message;
    t.regex(message, /^the body function of CancelScope was given a function \(work\): call it/);
    // The example must not be cut out of the label ("e.g. the body function of CancelScop(work())").
    t.notRegex(message, /CancelScop\(/);
    t.notRegex(message, /of CancelScope\(work\(\)\)/);
    t.is(yield* new CancelScope().run(() => sleep(1, "called, it works")), "called, it works");
  });
});
