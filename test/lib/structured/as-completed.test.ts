import test from "ava";
import {
  CancelledError,
  InvalidStateError,
  TimeoutError,
  asCompleted,
  createTask,
  gatherSettled,
  getRunningLoop,
  sleep,
  timeout,
  yieldNow,
} from "../../../lib/index.js";
import type { Coroutine, Future, Operation, Task } from "../../../lib/index.js";
import { runVirtual } from "../../helpers/loop.js";
import { thrownBy } from "../../helpers/operations.js";

function* failAfter(delayMs: number, error: unknown): Coroutine<never> {
  yield* sleep(delayMs);
  throw error;
}

test("`asCompleted()` behaviour: results in the order the futures finish; errors are thrown in turn", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const tasks = [createTask(sleep(30, "c")), createTask(failAfter(20, new Error("b"))), createTask(sleep(10, "a"))];
    const seen: string[] = [];
    for (const next of asCompleted(tasks)) {
      try {
        seen.push(`${yield* next} @${getRunningLoop().time()}`);
      } catch (error) {
        seen.push(`error ${(error as Error).message} @${getRunningLoop().time()}`);
      }
    }
    return seen;
  });
  t.deepEqual(result, ["a @10", "error b @20", "c @30"]);
});

test("`asCompleted()` behaviour: futures that are already done come first, in input order", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const loop = getRunningLoop();
    const later = createTask(sleep(5, "later"));
    const one = loop.createFuture<string>();
    one.setResult("one");
    const two = loop.createFuture<string>();
    two.setResult("two");
    const seen: string[] = [];
    for (const next of asCompleted([later, one, two])) seen.push(yield* next);
    return seen;
  });
  t.deepEqual(result, ["one", "two", "later"]);
});

test("`asCompleted()` behaviour: after the timeout the remaining Operations throw TimeoutError; nothing is cancelled", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const fast = createTask(sleep(10, "fast"));
    const slow = createTask(sleep(100, "slow"));
    const slower = createTask(sleep(200, "slower"));
    const seen: string[] = [];
    for (const next of asCompleted([slow, fast, slower], { timeoutMs: 50 })) {
      try {
        seen.push(yield* next);
      } catch (error) {
        seen.push(`${(error as Error).name} @${getRunningLoop().time()}`);
      }
    }
    seen.push(`slow cancelled: ${slow.cancelled()}`);
    yield* gatherSettled(slow, slower);
    return seen;
  });
  t.deepEqual(result, ["fast", "TimeoutError @50", "TimeoutError @50", "slow cancelled: false"]);
});

test("`asCompleted()` behaviour: the timeout message says nothing was cancelled", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const slow = createTask(sleep(100));
    const [next] = [...asCompleted([slow], { timeoutMs: 5 })];
    const error = yield* thrownBy(next!);
    yield* slow;
    return error;
  });
  t.true(result instanceof TimeoutError);
  t.regex((result as Error).message, /asCompleted\(\) timed out after 5 ms: .*\(none was cancelled\)/);
});

test("`asCompleted()` behaviour: breaking out of the loop releases the callbacks and the timer", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const tasks = [createTask(sleep(10, "a")), createTask(sleep(20, "b"))];
    let first: string | undefined;
    for (const next of asCompleted(tasks, { timeoutMs: 1000 })) {
      first = yield* next;
      break;
    }
    yield* tasks[1]!; // runVirtual checks that no timer is left behind
    return first;
  });
  t.is(result, "a");
});

test("`asCompleted()` behaviour: one Operation per distinct future", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const task = createTask(sleep(1, "x"));
    const ops = [...asCompleted([task, task])];
    const value = yield* ops[0]!;
    return [ops.length, value];
  });
  t.deepEqual(result, [1, "x"]);
});

test("`asCompleted()` behaviour: no futures gives no Operations", async (t) => {
  const { result } = await runVirtual(t, function* () {
    return [...asCompleted([])].length;
  });
  t.is(result, 0);
});

test("`asCompleted()` behaviour: Operations run by several tasks each take the next result", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const tasks = [createTask(sleep(20, "second")), createTask(sleep(10, "first"))];
    const [a, b] = [...asCompleted(tasks)];
    const consumers = [createTask(b!), createTask(a!)]; // the order of taking, not of the list
    const values: string[] = [];
    for (const consumer of consumers) values.push(yield* consumer);
    return values;
  });
  t.deepEqual(result, ["first", "second"]);
});

test("`asCompleted()` behaviour: a consumer cancelled while waiting loses nothing: the next one gets the result", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const task = createTask(sleep(20, "result"));
    const other = createTask(sleep(30, "other"));
    const [first, second] = [...asCompleted([task, other])];
    const impatient = createTask(first!);
    yield* sleep(10);
    impatient.cancel();
    const error = yield* thrownBy(impatient);
    const value = yield* second!;
    yield* other;
    return [error instanceof CancelledError, value, task.cancelled()];
  });
  t.deepEqual(result, [true, "result", false]);
});

test("`asCompleted()` behaviour: a result handed over just before a cancellation is kept", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const gate = getRunningLoop().createFuture<string>();
    const [only] = [...asCompleted([gate])];
    function* cancelInSamePass(): Coroutine<void> {
      yield* gate; // the done callback of asCompleted runs first and hands the result over
      yield* yieldNow();
      consumer.cancel();
    }
    const consumer: Task<string> = createTask(only!);
    const canceller = createTask(cancelInSamePass());
    yield* yieldNow();
    gate.setResult("kept");
    const value = yield* consumer;
    yield* canceller;
    return value;
  });
  t.is(result, "kept");
});

test("`asCompleted()` behaviour: an Operation run after the loop was left is an InvalidStateError", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const task = createTask(sleep(5));
    const iterator = asCompleted([task]);
    const { value } = iterator.next();
    iterator.return!();
    const error = yield* thrownBy(value!);
    yield* task;
    return error;
  });
  t.true(result instanceof InvalidStateError);
});

test("`asCompleted()` behaviour: a task parked in one of its Operations gets InvalidStateError when the loop is left", async (t) => {
  const log: string[] = [];
  const { result } = await runVirtual(t, function* () {
    const loop = getRunningLoop();
    const tasks = [createTask(sleep(10, "p")), createTask(sleep(20, "q"))];
    const iterator = asCompleted(tasks);
    const first = iterator.next().value!;
    const second = iterator.next().value!;
    function* consumer(name: string, op: Operation<string>): Coroutine<void> {
      try {
        log.push(`${name} got ${yield* op}`);
      } catch (error) {
        log.push(`${name} raised ${(error as Error).name} @${loop.time()}`);
        throw error;
      }
    }
    const consumers = [createTask(consumer("one", first)), createTask(consumer("two", second))];
    yield* sleep(1); // both are parked, waiting for a result
    iterator.return!(); // a `break` out of the loop
    log.push("returned");
    const errors: unknown[] = [];
    // Bounded: without the fix they would wait forever.
    for (const consumer of consumers) errors.push(yield* thrownBy(timeout(100, consumer)));
    yield* gatherSettled(tasks);
    return errors;
  });
  t.true(result.every((error) => error instanceof InvalidStateError));
  t.regex((result[0] as Error).message, /an Operation of asCompleted\(\) ran after the iteration was stopped/);
  t.deepEqual(log, ["returned", "one raised InvalidStateError @1", "two raised InvalidStateError @1"]);
});

const badCalls: Array<[string, () => unknown, new (...args: never[]) => Error, RegExp]> = [
  [
    "an Operation instead of a future",
    () => asCompleted([sleep(1)] as unknown as Future<unknown>[]),
    TypeError,
    /asCompleted\(\) was given an Operation at position 0/,
  ],
  ["a NaN timeoutMs", () => asCompleted([], { timeoutMs: Number.NaN }), RangeError, /received NaN/],
  ["a string timeoutMs", () => asCompleted([], { timeoutMs: "1" as unknown as number }), TypeError, /received string/],
  [
    "a number as the list",
    () => asCompleted(3 as unknown as Future<unknown>[]),
    TypeError,
    /asCompleted\(\) needs an iterable of Futures or Tasks: received number/,
  ],
];

for (const [what, call, errorClass, message] of badCalls) {
  test(`\`asCompleted()\` behaviour: ${what} is a ${errorClass.name} at once`, async (t) => {
    const { result } = await runVirtual(t, function* () {
      try {
        call();
      } catch (error) {
        yield* sleep(1); // the loop is alive
        return error;
      }
      return undefined;
    });
    t.true(result instanceof errorClass);
    t.regex((result as Error).message, message);
  });
}

test("`asCompleted()` behaviour: outside a running loop is an InvalidStateError", (t) => {
  t.throws(() => asCompleted([]), { instanceOf: InvalidStateError });
});

test("`asCompleted()` behaviour: a negative timeoutMs means now: done futures come first, the others throw TimeoutError without waiting", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const finished = createTask(sleep(0, "done"));
    yield* sleep(1);
    const slow = createTask(sleep(10, "slow"));
    const seen: string[] = [];
    for (const next of asCompleted([slow, finished], { timeoutMs: -5 })) {
      try {
        seen.push(`${yield* next} @${getRunningLoop().time()}`);
      } catch (error) {
        seen.push(`${(error as Error).name} @${getRunningLoop().time()}`);
      }
    }
    yield* slow;
    return seen;
  });
  t.deepEqual(result, ["done @1", "TimeoutError @1"]);
});
