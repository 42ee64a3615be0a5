import test from "ava";
import {
  CancelledError,
  InvalidStateError,
  TimeoutError,
  Timeout,
  createTask,
  getRunningLoop,
  moveOnAfter,
  moveOnAt,
  shield,
  sleep,
  timeout,
  timeoutAt,
  yieldNow,
} from "../../../lib/index.js";
import type { Coroutine, Operation, Task } from "../../../lib/index.js";
import { runVirtual } from "../../helpers/loop.js";
import { settle, errorOf } from "../../helpers/operations.js";

/** A body that sleeps `ms` and logs how it leaves. */
function* logged(log: string[], ms: number): Coroutine<string> {
  try {
    yield* sleep(ms);
    log.push(`body done at ${getRunningLoop().time()}`);
    return "body";
  } catch (error) {
    log.push(`body caught ${(error as Error).name} at ${getRunningLoop().time()}`);
    throw error;
  } finally {
    log.push("body finally");
  }
}

// ---- results and errors -------------------------------------------------------------------

test("`timeout()` behaviour: returns the body's value when it finishes in time", async (t) => {
  const { result, endTime } = await runVirtual(t, function* () {
    return yield* timeout(100, sleep(40, "in time"));
  });
  t.is(result, "in time");
  t.is(endTime, 40);
});

test("`timeout()` behaviour: a body function receives the Timeout", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const start = getRunningLoop().time();
    return yield* timeout(100, function* (handle) {
      t.true(handle instanceof Timeout);
      t.is(handle.when(), start + 100);
      t.false(handle.expired());
      yield* sleep(10);
      return "with handle";
    });
  });
  t.is(result, "with handle");
});

test("`timeout()` behaviour: on expiry the body unwinds, then TimeoutError with the CancelledError as cause", async (t) => {
  const log: string[] = [];
  const { result: outcome, endTime } = await runVirtual(t, function* () {
    const outcome = yield* settle(timeout(100, logged(log, 1000)));
    log.push(`caller resumed at ${getRunningLoop().time()}`);
    return outcome;
  });
  t.deepEqual(log, ["body caught CancelledError at 100", "body finally", "caller resumed at 100"]);
  t.is(endTime, 100);
  const error = errorOf(outcome);
  t.true(error instanceof TimeoutError);
  t.regex((error as Error).message, /timeout\(100\)/);
  const cause = (error as TimeoutError).cause;
  t.true(cause instanceof CancelledError);
  t.is((cause as CancelledError).reason.source, "deadline");
  t.regex((cause as CancelledError).message, /timeout\(100\)/);
  t.regex((cause as CancelledError).message, /deadline/);
});

test("`timeout()` behaviour: the body's own errors pass through unchanged", async (t) => {
  const boom = new Error("boom");
  const { result: outcome } = await runVirtual(t, function* () {
    return yield* settle(
      timeout(100, function* () {
        yield* sleep(10);
        throw boom;
      }),
    );
  });
  t.is(errorOf(outcome), boom);
});

test("`timeout()` behaviour: an error the body throws while unwinding from expiry passes through unchanged", async (t) => {
  const cleanupFailure = new Error("cleanup failed");
  const { result: outcome } = await runVirtual(t, function* () {
    return yield* settle(
      timeout(100, function* () {
        try {
          yield* sleep(1000);
        } finally {
          // eslint-disable-next-line no-unsafe-finally -- on purpose: the test needs cleanup that throws while the coroutine unwinds
          throw cleanupFailure;
        }
      }),
    );
  });
  t.is(errorOf(outcome), cleanupFailure);
});

test("`timeout()` behaviour: a body that waits longer than the deadline but catches and returns keeps its value", async (t) => {
  const { result, endTime } = await runVirtual(t, function* () {
    let handle: Timeout | undefined;
    const value = yield* timeout(100, function* (h) {
      handle = h;
      try {
        yield* sleep(1000);
      } catch {
        // swallowed: returning normally wins over the expiry
      }
      return "swallowed";
    });
    t.true(handle!.expired());
    return value;
  });
  t.is(result, "swallowed");
  t.is(endTime, 100);
});

test("`timeout()` behaviour: a shielded body runs to the end and returns its value after expiry", async (t) => {
  const { result, endTime } = await runVirtual(t, function* () {
    return yield* timeout(100, shield(sleep(250, "shielded")));
  });
  t.is(result, "shielded");
  t.is(endTime, 250);
});

test("`timeout()` behaviour: null means no limit", async (t) => {
  const { result, endTime } = await runVirtual(t, function* () {
    return yield* timeout(null, function* (handle) {
      t.is(handle.when(), null);
      return yield* sleep(10_000, "unlimited");
    });
  });
  t.is(result, "unlimited");
  t.is(endTime, 10_000);
});

// ---- nesting ------------------------------------------------------------------------------

test("`timeout()` behaviour: nested timeouts with the same deadline: only the outermost converts", async (t) => {
  const log: string[] = [];
  const { result: outcome } = await runVirtual(t, function* () {
    return yield* settle(
      timeoutAt(100, function* () {
        try {
          return yield* timeout(100, logged(log, 1000));
        } catch (error) {
          log.push(`inner limit raised ${(error as Error).name}`);
          throw error;
        }
      }),
    );
  });
  t.deepEqual(log, ["body caught CancelledError at 100", "body finally", "inner limit raised CancelledError"]);
  const error = errorOf(outcome);
  t.true(error instanceof TimeoutError);
  t.regex((error as Error).message, /timeoutAt\(100\)/);
});

test("`timeout()` behaviour: same deadline, inner timer firing first: still only the outermost converts", async (t) => {
  const log: string[] = [];
  const { result: outcome } = await runVirtual(t, function* () {
    return yield* settle(
      timeout(500, function* (outer) {
        try {
          return yield* timeoutAt(100, function* () {
            // Moving the outer deadline re-arms its timer after the inner one: the inner fires first.
            outer.reschedule(100);
            return yield* logged(log, 1000);
          });
        } catch (error) {
          log.push(`inner limit raised ${(error as Error).name}`);
          throw error;
        }
      }),
    );
  });
  t.deepEqual(log, ["body caught CancelledError at 100", "body finally", "inner limit raised CancelledError"]);
  const error = errorOf(outcome);
  t.true(error instanceof TimeoutError);
  t.regex((error as Error).message, /timeout\(500\)/);
});

test("`timeout()` behaviour: nested timeouts that both expire before the body unwinds: only the outermost converts", async (t) => {
  const log: string[] = [];
  let inner: Timeout | undefined;
  let outer: Timeout | undefined;
  const { result: outcome, endTime } = await runVirtual(t, function* () {
    return yield* settle(
      timeout(100, function* (o) {
        outer = o;
        return yield* timeout(150, function* (i) {
          inner = i;
          try {
            yield* sleep(1000);
          } finally {
            log.push(`cleanup from ${getRunningLoop().time()}`);
            yield* shield(sleep(100)); // the inner deadline passes meanwhile
            log.push(`cleanup done at ${getRunningLoop().time()}`);
          }
        });
      }),
    );
  });
  t.deepEqual(log, ["cleanup from 100", "cleanup done at 200"]);
  t.is(endTime, 200);
  const error = errorOf(outcome);
  t.true(error instanceof TimeoutError);
  t.regex((error as Error).message, /timeout\(100\)/);
  t.true(outer!.expired());
  t.true(inner!.expired(), "the inner deadline passed while active even though it did not convert");
});

test("`timeout()` behaviour: an inner timeout expiring first converts the inner one only", async (t) => {
  const log: string[] = [];
  let outer: Timeout | undefined;
  const { result, endTime } = await runVirtual(t, function* () {
    return yield* timeout(1000, function* (o) {
      outer = o;
      try {
        yield* timeout(100, sleep(500));
      } catch (error) {
        log.push(`inner: ${(error as Error).name} at ${getRunningLoop().time()}`);
      }
      yield* sleep(50);
      return "outer finished";
    });
  });
  t.deepEqual(log, ["inner: TimeoutError at 100"]);
  t.is(result, "outer finished");
  t.is(endTime, 150);
  t.false(outer!.expired());
});

// ---- Timeout handle -----------------------------------------------------------------------

test("`Timeout.reschedule()` behaviour: a later deadline gives more time", async (t) => {
  const { result, endTime } = await runVirtual(t, function* () {
    return yield* timeout(100, function* (handle) {
      yield* sleep(50);
      handle.reschedule(handle.when()! + 100); // now 200
      t.is(handle.when(), 200);
      yield* sleep(120); // ends at 170, past the old deadline
      t.false(handle.expired());
      return "extended";
    });
  });
  t.is(result, "extended");
  t.is(endTime, 170);
});

test("`Timeout.reschedule()` behaviour: an earlier deadline expires earlier", async (t) => {
  const log: string[] = [];
  const { result: outcome, endTime } = await runVirtual(t, function* () {
    return yield* settle(
      timeout(1000, function* (handle) {
        handle.reschedule(getRunningLoop().time() + 30);
        return yield* logged(log, 500);
      }),
    );
  });
  t.true(errorOf(outcome) instanceof TimeoutError);
  t.deepEqual(log, ["body caught CancelledError at 30", "body finally"]);
  t.is(endTime, 30);
});

test("`Timeout.reschedule()` behaviour: a deadline in the past cancels the body at its first suspension", async (t) => {
  const log: string[] = [];
  const { result: outcome, endTime } = await runVirtual(t, function* () {
    return yield* settle(
      timeout(1000, function* (handle) {
        yield* sleep(50);
        handle.reschedule(10);
        log.push("runs on until the next suspension");
        t.true(handle.expired());
        return yield* logged(log, 500);
      }),
    );
  });
  t.true(errorOf(outcome) instanceof TimeoutError);
  t.deepEqual(log, ["runs on until the next suspension", "body caught CancelledError at 50", "body finally"]);
  t.is(endTime, 50);
});

test("`Timeout.reschedule()` behaviour: null disables the deadline", async (t) => {
  const { result, endTime } = await runVirtual(t, function* () {
    return yield* timeout(100, function* (handle) {
      handle.reschedule(null);
      t.is(handle.when(), null);
      yield* sleep(1000);
      t.false(handle.expired());
      return "disabled";
    });
  });
  t.is(result, "disabled");
  t.is(endTime, 1000);
});

test("`Timeout.reschedule()` behaviour: after the time limit finished it throws InvalidStateError", async (t) => {
  await runVirtual(t, function* () {
    let finished: Timeout | undefined;
    yield* timeout(100, function* (handle) {
      finished = handle;
      yield* sleep(10);
    });
    t.throws(() => finished!.reschedule(500), { instanceOf: InvalidStateError, message: /after the time limit finished/ });
    let expired: Timeout | undefined;
    const outcome = yield* settle(
      timeout(10, function* (handle) {
        expired = handle;
        yield* sleep(100);
      }),
    );
    t.true(errorOf(outcome) instanceof TimeoutError);
    t.throws(() => expired!.reschedule(null), { instanceOf: InvalidStateError });
    // The loop is still fine.
    yield* sleep(5);
  });
});

test("`Timeout.reschedule()` behaviour: NaN is a RangeError, a string a TypeError, and the deadline is unchanged", async (t) => {
  const { result } = await runVirtual(t, function* () {
    return yield* timeout(100, function* (handle) {
      t.throws(() => handle.reschedule(Number.NaN), { instanceOf: RangeError, message: /NaN/ });
      t.throws(() => handle.reschedule("200" as unknown as number), { instanceOf: TypeError, message: /string/ });
      t.is(handle.when(), 100);
      return yield* sleep(10, "still running");
    });
  });
  t.is(result, "still running");
});

test("`Timeout.when()` behaviour: the absolute deadline, or null when disabled", async (t) => {
  await runVirtual(t, function* () {
    yield* sleep(30);
    yield* timeout(100, function* (handle) {
      t.is(handle.when(), 130);
      handle.reschedule(400);
      t.is(handle.when(), 400);
      handle.reschedule(null);
      t.is(handle.when(), null);
      yield* yieldNow();
    });
    yield* timeoutAt(null, function* (handle) {
      t.is(handle.when(), null);
      yield* yieldNow();
    });
  });
});

// ---- zero and past deadlines --------------------------------------------------------------

test("`timeout()` behaviour: a zero delay cancels the body at its first suspension", async (t) => {
  const log: string[] = [];
  const { result: outcome, endTime } = await runVirtual(t, function* () {
    return yield* settle(
      timeout(0, function* (handle) {
        log.push("body starts");
        t.true(handle.expired());
        return yield* logged(log, 10);
      }),
    );
  });
  t.true(errorOf(outcome) instanceof TimeoutError);
  t.deepEqual(log, ["body starts", "body caught CancelledError at 0", "body finally"]);
  t.is(endTime, 0);
});

test("`timeout()` behaviour: a negative delay or a past timeoutAt deadline expires at the first suspension", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    yield* sleep(100);
    const negative = yield* settle(timeout(-5, logged(log, 10)));
    t.true(errorOf(negative) instanceof TimeoutError);
    const past = yield* settle(timeoutAt(20, logged(log, 10)));
    t.true(errorOf(past) instanceof TimeoutError);
    t.is(getRunningLoop().time(), 100);
  });
  t.deepEqual(log, ["body caught CancelledError at 100", "body finally", "body caught CancelledError at 100", "body finally"]);
});

test("`timeout()` behaviour: a zero delay with a body that never suspends returns its value", async (t) => {
  const { result } = await runVirtual(t, function* () {
    return yield* timeout(0, function* () {
      return "no suspension";
    });
  });
  t.is(result, "no suspension");
});

// ---- cancellation from outside --------------------------------------------------------------

test("`timeout()` behaviour: cancelling the task while the body runs raises CancelledError, not TimeoutError", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const task = createTask(
      (function* () {
        try {
          return yield* timeout(100, logged(log, 1000));
        } catch (error) {
          log.push(`task saw ${(error as Error).name}`);
          throw error;
        }
      })(),
    );
    yield* sleep(30);
    task.cancel("stop");
    const outcome = yield* settle(task);
    t.true(errorOf(outcome) instanceof CancelledError);
    t.true(task.cancelled());
  });
  t.deepEqual(log, ["body caught CancelledError at 30", "body finally", "task saw CancelledError"]);
});

test("`timeout()` behaviour: a timeout and a task.cancel() in the same pass: the caller sees CancelledError", async (t) => {
  for (const cancelFirst of [true, false]) {
    const log: string[] = [];
    await runVirtual(t, function* () {
      const loop = getRunningLoop();
      // Registered before the task arms its deadline timer: the cancel runs first in the pass.
      if (cancelFirst) loop.callAt(100, () => task.cancel());
      const task: Task<string> = createTask(
        (function* () {
          try {
            return yield* timeout(100, logged(log, 1000));
          } catch (error) {
            log.push(`task saw ${(error as Error).name}`);
            throw error;
          }
        })(),
      );
      yield* yieldNow(); // the task starts and arms its deadline
      if (!cancelFirst) loop.callAt(100, () => task.cancel());
      const outcome = yield* settle(task);
      t.true(errorOf(outcome) instanceof CancelledError, `cancel first: ${cancelFirst}`);
      t.is(loop.time(), 100);
    });
    t.deepEqual(log, ["body caught CancelledError at 100", "body finally", "task saw CancelledError"], `cancel first: ${cancelFirst}`);
  }
});

test("`timeout()` behaviour: a task.cancel() during the body's cleanup after expiry wins: CancelledError", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const task = createTask(
      (function* () {
        try {
          return yield* timeout(100, function* () {
            try {
              yield* sleep(1000);
            } finally {
              yield* shield(sleep(50));
              log.push(`cleanup done at ${getRunningLoop().time()}`);
            }
          });
        } catch (error) {
          log.push(`task saw ${(error as Error).name}`);
          throw error;
        }
      })(),
    );
    yield* sleep(120);
    task.cancel();
    const outcome = yield* settle(task);
    t.true(errorOf(outcome) instanceof CancelledError);
  });
  t.deepEqual(log, ["cleanup done at 150", "task saw CancelledError"]);
});

// ---- timeoutAt, moveOnAfter, moveOnAt ------------------------------------------------------

test("`timeoutAt()` behaviour: an absolute deadline in loop time", async (t) => {
  const log: string[] = [];
  const { result: outcome, endTime } = await runVirtual(t, function* () {
    yield* sleep(40);
    t.is(yield* timeoutAt(100, sleep(20, "early")), "early");
    return yield* settle(timeoutAt(100, logged(log, 1000)));
  });
  const error = errorOf(outcome);
  t.true(error instanceof TimeoutError);
  t.regex((error as Error).message, /timeoutAt\(100\)/);
  t.deepEqual(log, ["body caught CancelledError at 100", "body finally"]);
  t.is(endTime, 100);
});

test("`moveOnAfter()` behaviour: returns undefined on expiry after the body unwound", async (t) => {
  const log: string[] = [];
  const { result, endTime } = await runVirtual(t, function* () {
    const expired = yield* moveOnAfter(100, logged(log, 1000));
    log.push(`moved on at ${getRunningLoop().time()}`);
    const inTime = yield* moveOnAfter(100, sleep(10, "in time"));
    return { expired, inTime };
  });
  t.deepEqual(result, { expired: undefined, inTime: "in time" });
  t.deepEqual(log, ["body caught CancelledError at 100", "body finally", "moved on at 100"]);
  t.is(endTime, 110);
});

test("`moveOnAfter()` behaviour: the body's errors pass through and the Timeout handle works", async (t) => {
  const boom = new Error("boom");
  const { result: outcome } = await runVirtual(t, function* () {
    const extended = yield* moveOnAfter(10, function* (handle) {
      handle.reschedule(handle.when()! + 100);
      return yield* sleep(50, "extended");
    });
    t.is(extended, "extended");
    return yield* settle(
      moveOnAfter(100, function* () {
        yield* sleep(1);
        throw boom;
      }),
    );
  });
  t.is(errorOf(outcome), boom);
});

test("`moveOnAt()` behaviour: an absolute deadline; undefined on expiry, the value otherwise", async (t) => {
  const { result, endTime } = await runVirtual(t, function* () {
    const inTime = yield* moveOnAt(100, sleep(20, "in time"));
    const expired = yield* moveOnAt(100, sleep(1000, "too late"));
    const disabled = yield* moveOnAt(null, sleep(10, "no limit"));
    return { inTime, expired, disabled };
  });
  t.deepEqual(result, { inTime: "in time", expired: undefined, disabled: "no limit" });
  t.is(endTime, 110);
});

test("`moveOnAfter()` behaviour: an outer cancellation still propagates as CancelledError", async (t) => {
  await runVirtual(t, function* () {
    const task = createTask(moveOnAfter(100, sleep(1000)));
    yield* sleep(10);
    task.cancel();
    const outcome = yield* settle(task);
    t.true(errorOf(outcome) instanceof CancelledError);
  });
});

// ---- bad arguments ------------------------------------------------------------------------

test("`timeout()` behaviour: bad delays are rejected with the right class and the loop goes on", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const cases: Array<[string, () => Operation<unknown>, new (...args: never[]) => Error, RegExp]> = [
      ["timeout(NaN)", () => timeout(Number.NaN, sleep(1)), RangeError, /timeout\(\).*NaN/],
      ["timeout('5')", () => timeout("5" as unknown as number, sleep(1)), TypeError, /timeout\(\).*string/],
      ["timeoutAt(NaN)", () => timeoutAt(Number.NaN, sleep(1)), RangeError, /timeoutAt\(\).*NaN/],
      ["timeoutAt('5')", () => timeoutAt("5" as unknown as number, sleep(1)), TypeError, /timeoutAt\(\).*string/],
      ["moveOnAfter(NaN)", () => moveOnAfter(Number.NaN, sleep(1)), RangeError, /moveOnAfter\(\).*NaN/],
      ["moveOnAfter('5')", () => moveOnAfter("5" as unknown as number, sleep(1)), TypeError, /moveOnAfter\(\).*string/],
      ["moveOnAt(NaN)", () => moveOnAt(Number.NaN, sleep(1)), RangeError, /moveOnAt\(\).*NaN/],
      ["moveOnAt('5')", () => moveOnAt("5" as unknown as number, sleep(1)), TypeError, /moveOnAt\(\).*string/],
    ];
    for (const [name, make, kind, message] of cases) {
      const outcome = yield* settle(make());
      const error = errorOf(outcome);
      t.true(error instanceof kind, `${name} throws ${kind.name}`);
      t.regex((error as Error).message, message, name);
    }
    return yield* sleep(5, "loop alive");
  });
  t.is(result, "loop alive");
});

test("`timeout()` behaviour: a body that is not an Operation is a TypeError naming the fix, for every time limit; no deadline is left armed", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const loop = getRunningLoop();
    const promise = Promise.resolve("a promise");
    const limits: Array<[string, (body: unknown) => Operation<unknown>]> = [
      ["timeout", (body) => timeout(10, body as Operation<unknown>)],
      ["timeoutAt", (body) => timeoutAt(100, body as Operation<unknown>)],
      ["moveOnAfter", (body) => moveOnAfter(10, body as Operation<unknown>)],
      ["moveOnAt", (body) => moveOnAt(100, body as Operation<unknown>)],
    ];
    for (const [name, limit] of limits) {
      const cases: Array<[string, unknown, RegExp]> = [
        ["a Promise", promise, new RegExp(`^${name}\\(\\) was given a Promise: wrap it as an Operation with fromPromise\\(promise\\)`)],
        [
          "an array",
          [sleep(1), sleep(2)],
          new RegExp(`^${name}\\(\\) needs an Operation, not an array: to run several at once use gather\\(\\.\\.\\.\\)`),
        ],
        ["a number", 42, new RegExp(`^${name}\\(\\) needs an Operation \\(a generator object, a Future or a Task\\): received number`)],
      ];
      for (const [what, body, message] of cases) {
        const error = errorOf(yield* settle(limit(body)));
        t.true(error instanceof TypeError, `${name}(${what}) throws TypeError`);
        t.regex((error as Error).message, message, `${name}(${what})`);
        t.is(loop._liveTimerCount(), 0, `${name}(${what}) left no deadline timer`);
      }
    }
    return yield* timeout(10, sleep(5, "loop alive"));
  });
  t.is(result, "loop alive");
});

test("`timeout()` behaviour: a body function returning a non-Operation is a TypeError naming the fix; the scope is exited and no deadline is left armed", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const loop = getRunningLoop();
    const cases: Array<[string, () => Operation<unknown>, RegExp]> = [
      [
        "timeout(10, () => promise)",
        () => timeout(10, (() => Promise.resolve(1)) as unknown as () => Operation<number>),
        /^the body function of timeout\(10\) was given a Promise: wrap it as an Operation with fromPromise\(promise\)/,
      ],
      [
        "timeoutAt(100, () => [a, b])",
        () => timeoutAt(100, (() => [sleep(1), sleep(2)]) as unknown as () => Operation<number>),
        /^the body function of timeoutAt\(100\) needs an Operation, not an array: to run several at once use gather/,
      ],
      [
        "moveOnAfter(10, () => 42)",
        () => moveOnAfter(10, (() => 42) as unknown as () => Operation<number>),
        /^the body function of moveOnAfter\(10\) needs an Operation \(a generator object, a Future or a Task\): received number/,
      ],
      [
        "moveOnAt(100, () => null)",
        () => moveOnAt(100, (() => null) as unknown as () => Operation<number>),
        /^the body function of moveOnAt\(100\) needs an Operation .*received null/,
      ],
    ];
    for (const [name, make, message] of cases) {
      const error = errorOf(yield* settle(make()));
      t.true(error instanceof TypeError, `${name} throws TypeError`);
      t.regex((error as Error).message, message, name);
      t.is(loop._liveTimerCount(), 0, `${name} left no deadline timer`);
    }
    // The task's scopes were unwound: a suspension here is not cancelled by a leftover scope.
    yield* sleep(20);
    return yield* moveOnAfter(10, () => sleep(5, "loop alive"));
  });
  t.is(result, "loop alive");
});

test("`timeout()` behaviour: a body function returning a generator function is a TypeError that says to call it, with a readable example", async (t) => {
  await runVirtual(t, function* () {
    const error = errorOf(yield* settle(timeout(10, () => logged as unknown as Operation<string>)));
    t.true(error instanceof TypeError);
    const message = (error as Error).message;
    t.regex(message, /^the body function of timeout\(10\) was given a function \(logged\): call it/);
    // The example must be code one can write, not the label with the call pasted in
    // ("e.g. the body function of timeout(logged())").
    t.notRegex(message, /the body function of timeout\(logged\(\)\)/);
    const log: string[] = [];
    t.is(yield* timeout(10, () => logged(log, 5)), "body");
  });
});

test("`moveOnAfter()` behaviour: a negative delay or a past moveOnAt deadline means now: the body starts, is cancelled at its first suspension, and undefined is returned", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    yield* sleep(100);
    t.is(yield* moveOnAfter(-5, logged(log, 10)), undefined);
    t.is(yield* moveOnAt(20, logged(log, 10)), undefined);
    // A body that never suspends is not interrupted: it returns its value.
    t.is(
      yield* moveOnAfter(-5, function* () {
        return "no suspension";
      }),
      "no suspension",
    );
    t.is(getRunningLoop().time(), 100);
  });
  t.deepEqual(log, ["body caught CancelledError at 100", "body finally", "body caught CancelledError at 100", "body finally"]);
});
