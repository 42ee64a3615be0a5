import test from "ava";
import { all, delay, isAbortError, race, retry } from "abort-controller-x";
import { CancelledError, createTask, fromAbortable, getRunningLoop, sleep, timeout, yieldNow } from "../../lib/index.js";
import { toAbortable } from "../../interop/abort.js";
import { assertPartialOrder } from "../helpers/log.js";
import { runReal, runVirtual } from "../helpers/loop.js";
import { errorOf, settle } from "../helpers/operations.js";

test("`toAbortable()` behaviour: made outside a loop, each call runs the Operation in a run() of its own; all() gathers them", async (t) => {
  const double = (n: number) =>
    toAbortable(function* () {
      yield* sleep(5);
      return n * 2;
    });
  const controller = new AbortController();
  const values = await all(controller.signal, (signal) => [double(1)(signal), double(2)(signal), double(3)(signal)]);
  t.deepEqual(values, [2, 4, 6]);
});

test("`toAbortable()` behaviour: aborting the signal cancels the Operation, runs its finally, and rejects with abort-controller-x's AbortError", async (t) => {
  const log: string[] = [];
  const controller = new AbortController();
  const running = toAbortable(function* () {
    try {
      yield* sleep(60_000);
    } finally {
      log.push("finally ran");
    }
  })(controller.signal);
  setTimeout(() => controller.abort(), 5);
  const error = await running.then(
    () => undefined,
    (failure: unknown) => failure,
  );
  t.true(isAbortError(error));
  t.true((error as { cause?: unknown }).cause instanceof CancelledError);
  t.deepEqual(log, ["finally ran"]);
  const already = await toAbortable(sleep(1))(controller.signal).catch((failure: unknown) => failure);
  t.true(isAbortError(already), "an aborted signal: it does not start");
});

// Real time: race() settles through Promise chains (microtasks), which virtual time does not
// wait for before it jumps to the next deadline.
test("`toAbortable()` behaviour: made inside a loop, the Operation runs as a task of that loop; race() of two cancels the loser", async (t) => {
  const log: string[] = [];
  const { result } = await runReal(t, function* () {
    const loop = getRunningLoop();
    const runner = (name: string, ms: number) =>
      toAbortable(function* () {
        log.push(`${name} runs on the coroutine's loop: ${String(getRunningLoop() === loop)}`);
        try {
          yield* sleep(ms);
          log.push(`${name} finished`);
          return name;
        } finally {
          log.push(`${name} finally`);
        }
      });
    const fast = runner("fast", 10);
    const slow = runner("slow", 60_000);
    return yield* fromAbortable((signal) => race(signal, (inner) => [fast(inner), slow(inner)]));
  });
  t.is(result, "fast");
  assertPartialOrder(t, log, [
    ["fast runs on the coroutine's loop: true", "fast finished", "fast finally", "slow finally"],
    ["slow runs on the coroutine's loop: true", "slow finally"],
  ]);
  t.false(log.includes("slow finished"));
});

test("`toAbortable()` behaviour: retry() runs a fresh Operation per attempt; an error rejects unchanged", async (t) => {
  let attempts = 0;
  const flaky = toAbortable(function* () {
    attempts++;
    yield* sleep(1);
    if (attempts < 3) throw new Error(`attempt ${attempts} failed`);
    return "third time";
  });
  const controller = new AbortController();
  const value = await retry(controller.signal, flaky, { baseMs: 1, maxAttempts: 5 });
  t.is(value, "third time");
  t.is(attempts, 3);
  const boom = new Error("boom");
  const failing = toAbortable(function* () {
    yield* sleep(1);
    throw boom;
  });
  t.is(await failing(controller.signal).catch((failure: unknown) => failure), boom);
});

test("`toAbortable()` behaviour: a coroutine cancelled while it awaits one (through fromAbortable) cancels the Operation", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const inner = toAbortable(function* () {
      try {
        yield* sleep(60_000);
      } finally {
        log.push(`inner finally at ${getRunningLoop().time()}`);
      }
    });
    const outer = createTask(fromAbortable((signal) => inner(signal)));
    yield* yieldNow();
    const outcome = yield* settle(timeout(20, outer));
    log.push((errorOf(outcome) as Error).name);
  });
  t.deepEqual(log, ["inner finally at 20", "TimeoutError"]);
});

test("`toAbortable()` behaviour: abort-controller-x's own functions run inside a coroutine through fromAbortable, cancelled by a timeout", async (t) => {
  const { result } = await runVirtual(
    t,
    function* () {
      const outcome = yield* settle(
        timeout(
          10,
          fromAbortable((signal) => delay(signal, 60_000)),
        ),
      );
      return (errorOf(outcome) as Error).name;
    },
    {},
  );
  t.is(result, "TimeoutError");
});

test("`toAbortable()` behaviour: anything but an Operation or a function is a TypeError", (t) => {
  t.throws(() => toAbortable(42 as never), {
    instanceOf: TypeError,
    message: /toAbortable\(\) needs an Operation or a function returning one: received number/,
  });
});
