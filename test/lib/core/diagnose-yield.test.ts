import test from "ava";
import { createTask, getRunningLoop, sleep, yieldNow } from "../../../lib/index.js";
import type { Coroutine, Instruction } from "../../../lib/index.js";
import { diagnoseYield } from "../../../lib/core/diagnose-yield.js";
import { runVirtual } from "../../helpers/loop.js";

/** Lets a test yield something that is not an instruction (the mistake under test). */
function wrong(value: unknown): Instruction {
  return value as Instruction;
}

/** Yields `value` with a plain `yield` and returns the error thrown back at that yield. */
function* yieldAndCatch(value: unknown): Coroutine<TypeError> {
  try {
    yield wrong(value);
  } catch (error) {
    if (error instanceof TypeError) return error;
    throw error;
  }
  throw new Error("the bad yield was accepted");
}

test("`diagnoseYield()` behaviour: a yielded Promise is a TypeError that points at fromPromise", async (t) => {
  await runVirtual(t, function* () {
    const error = yield* yieldAndCatch(Promise.resolve(1));
    t.regex(error.message, /yielded a Promise: .*cannot wait on Promises directly; use `yield\* fromPromise\(promise\)`/);
  });
});

test("`diagnoseYield()` behaviour: any thenable counts as a Promise", async (t) => {
  await runVirtual(t, function* () {
    const error = yield* yieldAndCatch({ then() {} });
    t.regex(error.message, /yielded a Promise/);
  });
});

test("`diagnoseYield()` behaviour: `yield op` instead of `yield* op` says to use yield*", async (t) => {
  await runVirtual(t, function* () {
    const op = sleep(10);
    const error = yield* yieldAndCatch(op);
    t.regex(error.message, /yielded an Operation \(.*\) with `yield`: use `yield\*` to run it \(`yield\* op`, not `yield op`\)/);
    t.is(getRunningLoop().time(), 0); // the operation was not run
  });
});

test("`diagnoseYield()` behaviour: `yield task` instead of `yield* task` says to use yield*, not fromPromise", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const task = createTask(sleep(5, "value"), { name: "worker" });
    const error = yield* yieldAndCatch(task);
    t.is(getRunningLoop().time(), 0); // it did not wait
    return [error.message, yield* task];
  });
  t.regex(result[0]!, /a coroutine yielded Task worker with `yield`: use `yield\*` to wait for it \(`yield\* task`, not `yield task`\)/);
  t.notRegex(result[0]!, /Promise/);
  t.is(result[1], "value");
});

test("`diagnoseYield()` behaviour: `yield future` instead of `yield* future` says to use yield*", async (t) => {
  await runVirtual(t, function* () {
    const future = getRunningLoop().createFuture<number>();
    const error = yield* yieldAndCatch(future);
    t.regex(error.message, /yielded Future with `yield`: use `yield\*` to wait for it/);
    t.notRegex(error.message, /Promise/);
    future.cancel();
  });
});

test("`diagnoseYield()` behaviour: the message for an Operation also points at gather for `yield* [a, b]`", (t) => {
  const error = diagnoseYield(sleep(1));
  t.true(error instanceof TypeError);
  t.regex(error.message, /to run several at once use `yield\* gather\(a, b\)`, not `yield\* \[a, b\]`/);
});

test("`diagnoseYield()` behaviour: a task that does `yield* [a, b]` fails with the gather hint", async (t) => {
  await runVirtual(t, function* () {
    const task = createTask(
      (function* (): Coroutine<void> {
        // The array's iterator yields the operations themselves, with a plain yield.
        yield* [sleep(1), sleep(2)] as unknown as Coroutine<void>;
      })(),
    );
    let caught: unknown;
    try {
      yield* task;
    } catch (error) {
      caught = error;
    }
    t.true(caught instanceof TypeError);
    // An array iterator has no throw(), so the engine replaces the diagnosis thrown into the
    // `yield*` with its own "The iterator does not provide a 'throw' method": the hint must
    // survive that (as the error or as its cause).
    const messages = [(caught as Error).message, String(((caught as Error).cause as Error | undefined)?.message)];
    t.true(
      messages.some((message) => /`yield\* gather\(a, b\)`, not `yield\* \[a, b\]`/.test(message)),
      `the task failed with: ${messages[0]}`,
    );
  });
});

test("`diagnoseYield()` behaviour: a bare value says to use yield* with an operation or return it", async (t) => {
  await runVirtual(t, function* () {
    const number = yield* yieldAndCatch(42);
    t.regex(number.message, /yielded a bare value \(42\): .*use `yield\*` with one \(`yield\* sleep\(10\)`\), or `return` the value/);
    const nothing = yield* yieldAndCatch(undefined);
    t.regex(nothing.message, /bare value \(undefined\)/);
    const text = yield* yieldAndCatch("hello");
    t.regex(text.message, /bare value \("hello"\)/);
    const object = yield* yieldAndCatch(new Date(0));
    t.regex(object.message, /bare value \(Date\)/);
    const bare = yield* yieldAndCatch(Object.create(null));
    t.regex(bare.message, /bare value \(object\)/);
  });
});

test("`diagnoseYield()` behaviour: a yielded function says to call it", async (t) => {
  await runVirtual(t, function* () {
    function* work(): Coroutine<number> {
      return 1;
    }
    const named = yield* yieldAndCatch(work);
    t.regex(named.message, /yielded function work: call it and run the result with `yield\*` \(`yield\* work\(\)`, not `yield work`\)/);
    const anonymous = yield* yieldAndCatch(() => 1);
    t.regex(anonymous.message, /yielded function/);
  });
});

test("`diagnoseYield()` behaviour: the error is thrown back at the yield, and the coroutine can go on", async (t) => {
  const log: string[] = [];
  const { result } = await runVirtual(t, function* () {
    const loop = getRunningLoop();
    const task = createTask(
      (function* (): Coroutine<string> {
        try {
          yield wrong(Promise.resolve("never awaited"));
          log.push("not reached");
        } catch (error) {
          log.push(`caught ${(error as Error).name} at ${loop.time()}`);
        }
        yield* sleep(5);
        log.push(`slept until ${loop.time()}`);
        return "went on";
      })(),
    );
    return yield* task;
  });
  t.is(result, "went on");
  t.deepEqual(log, ["caught TypeError at 0", "slept until 5"]);
});

test("`diagnoseYield()` behaviour: the error is thrown back in the same step, without a pass", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    getRunningLoop().callSoon(() => log.push("next pass"));
    yield* yieldAndCatch(7);
    log.push("diagnosed");
    yield* yieldNow();
  });
  t.deepEqual(log, ["diagnosed", "next pass"]);
});

test("`diagnoseYield()` behaviour: an uncaught bad yield fails the task with the TypeError", async (t) => {
  await runVirtual(t, function* () {
    const task = createTask(
      (function* (): Coroutine<void> {
        yield wrong(42);
      })(),
    );
    try {
      yield* task;
      t.fail("the task should have failed");
    } catch (error) {
      t.true(error instanceof TypeError);
      t.regex((error as Error).message, /bare value \(42\)/);
    }
  });
});

test("`diagnoseYield()` behaviour: long strings are shortened in the message", (t) => {
  const error = diagnoseYield("x".repeat(100));
  t.true(error instanceof TypeError);
  t.true(error.message.includes(`"${"x".repeat(40)}…"`));
  t.false(error.message.includes("x".repeat(41)));
});
