import test from "ava";
import { CancelScope, CancelledError, createTask, gatherSettled, getRunningLoop, sleep, wait, yieldNow } from "../../../lib/index.js";
import type { Coroutine, Future, Operation, ReturnWhen, Task, WaitOptions } from "../../../lib/index.js";
import { runVirtual } from "../../helpers/loop.js";
import { thrownBy } from "../../helpers/operations.js";

function* failAfter(delayMs: number, error: unknown): Coroutine<never> {
  yield* sleep(delayMs);
  throw error;
}

/** Waits for every task, whatever its outcome, so that the test ends with nothing pending. */
function* settle(tasks: Iterable<Future<unknown>>): Coroutine<void> {
  yield* gatherSettled([...tasks]);
}

function names(set: Set<Task<unknown>>): string[] {
  return [...set].map((task) => task.name).sort();
}

test("`wait()` behaviour: ALL_COMPLETED (the default) returns once every future is done", async (t) => {
  const { result, endTime } = await runVirtual(t, function* () {
    const a = createTask(sleep(10, "a"), { name: "a" });
    const b = createTask(failAfter(20, new Error("b")), { name: "b" });
    const { done, pending } = yield* wait([a, b]);
    const outcome = [names(done), names(pending)];
    yield* settle([a, b]);
    return outcome;
  });
  t.deepEqual(result, [["a", "b"], []]);
  t.is(endTime, 20);
});

test("`wait()` behaviour: FIRST_COMPLETED returns at the first completion and cancels nothing", async (t) => {
  const { result, endTime } = await runVirtual(t, function* () {
    const fast = createTask(sleep(10), { name: "fast" });
    const slow = createTask(sleep(30), { name: "slow" });
    const { done, pending } = yield* wait([slow, fast], { returnWhen: "FIRST_COMPLETED" });
    const now = getRunningLoop().time();
    yield* slow; // still running: wait() did not cancel it
    return [names(done), names(pending), now];
  });
  t.deepEqual(result, [["fast"], ["slow"], 10]);
  t.is(endTime, 30);
});

test("`wait()` behaviour: FIRST_EXCEPTION returns at the first error; a cancellation does not count", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const cancelled = createTask(sleep(100), { name: "cancelled" });
    const failing = createTask(failAfter(20, new Error("x")), { name: "failing" });
    const slow = createTask(sleep(50), { name: "slow" });
    getRunningLoop().callLater(5, () => cancelled.cancel());
    const { done, pending } = yield* wait([cancelled, failing, slow], { returnWhen: "FIRST_EXCEPTION" });
    const outcome = [names(done), names(pending), getRunningLoop().time()];
    yield* settle([slow]);
    return outcome;
  });
  t.deepEqual(result, [["cancelled", "failing"], ["slow"], 20]);
});

test("`wait()` behaviour: FIRST_EXCEPTION without any error waits for all", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const tasks = [createTask(sleep(10)), createTask(sleep(20))];
    const { done, pending } = yield* wait(tasks, { returnWhen: "FIRST_EXCEPTION" });
    return [done.size, pending.size, getRunningLoop().time()];
  });
  t.deepEqual(result, [2, 0, 20]);
});

test("`wait()` behaviour: on timeout it returns what it has, never throws, never cancels", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const fast = createTask(sleep(10), { name: "fast" });
    const slow = createTask(sleep(100), { name: "slow" });
    const { done, pending } = yield* wait([fast, slow], { timeoutMs: 50 });
    const outcome = [names(done), names(pending), getRunningLoop().time(), slow.cancelled()];
    yield* slow;
    return outcome;
  });
  t.deepEqual(result, [["fast"], ["slow"], 50, false]);
});

test("`wait()` behaviour: a condition that already holds returns without suspending", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const loop = getRunningLoop();
    const done = loop.createFuture<number>();
    done.setResult(1);
    const pending = loop.createFuture<number>();
    const scope = new CancelScope();
    scope.cancel(); // any suspension would raise
    const sizes = yield* scope.run(function* () {
      const first = yield* wait([done, pending], { returnWhen: "FIRST_COMPLETED" });
      const all = yield* wait([done]);
      return [first.done.size, first.pending.size, all.done.size];
    });
    pending.cancel();
    return sizes;
  });
  t.deepEqual(result, [1, 1, 1]);
});

test("`wait()` behaviour: timeoutMs <= 0 looks without waiting", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const task = createTask(sleep(10));
    const { done, pending } = yield* wait([task], { timeoutMs: 0 });
    const now = getRunningLoop().time();
    yield* task;
    return [done.size, pending.size, now];
  });
  t.deepEqual(result, [0, 1, 0]);
});

test("`wait()` behaviour: a future listed twice counts once", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const task = createTask(sleep(10));
    const { done } = yield* wait([task, task, task]);
    return done.size;
  });
  t.is(result, 1);
});

test("`wait()` behaviour: cancelling the waiting task withdraws the wait; the futures run on", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const watched = createTask(sleep(100, "finished"));
    const waiter = createTask(wait([watched], { timeoutMs: 1000 }));
    yield* sleep(10);
    waiter.cancel();
    const error = yield* thrownBy(waiter);
    // Its done callback and its timer are gone (runVirtual checks that no timer is left).
    return [error instanceof CancelledError, watched.cancelled(), yield* watched];
  });
  t.deepEqual(result, [true, false, "finished"]);
});

test("`wait()` behaviour: a cancellation right after the condition was met returns the result", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const gate = getRunningLoop().createFuture<void>();
    function* cancelAfterGate(): Coroutine<void> {
      yield* gate;
      yield* yieldNow(); // the pass in which wait()'s done callback wakes the waiter
      waiter.cancel();
    }
    const waiter: Task<number> = createTask(
      (function* () {
        const { done } = yield* wait([gate]);
        return done.size;
      })(),
    );
    const canceller = createTask(cancelAfterGate());
    yield* yieldNow();
    gate.setResult();
    const size = yield* waiter;
    yield* canceller;
    return size;
  });
  t.is(result, 1);
});

const badCalls: Array<[string, (futures: Future<unknown>[]) => Operation<unknown>, new (...args: never[]) => Error, RegExp]> = [
  ["an empty list", () => wait([]), RangeError, /wait\(\) needs at least one Future or Task: received none/],
  [
    "an unknown returnWhen",
    (f) => wait(f, { returnWhen: "FIRST" as ReturnWhen }),
    RangeError,
    /wait\(\) got an unknown returnWhen "FIRST": use one of "ALL_COMPLETED", "FIRST_COMPLETED", "FIRST_EXCEPTION"/,
  ],
  [
    "a returnWhen that is not a string",
    (f) => wait(f, { returnWhen: 1 as unknown as ReturnWhen }),
    TypeError,
    /returnWhen as a string: received number/,
  ],
  ["a NaN timeoutMs", (f) => wait(f, { timeoutMs: Number.NaN }), RangeError, /timeoutMs as a number of ms or null: received NaN/],
  [
    "a string timeoutMs",
    (f) => wait(f, { timeoutMs: "10" as unknown as number }),
    TypeError,
    /timeoutMs as a number of ms or null: received string/,
  ],
  [
    "options that are not an object",
    (f) => wait(f, 10 as unknown as WaitOptions),
    TypeError,
    /wait\(\) needs an options object as its second argument: received number/,
  ],
  [
    "an Operation instead of a future",
    () => wait([sleep(1)] as unknown as Future<unknown>[]),
    TypeError,
    /wait\(\) was given an Operation at position 0, not a Future or Task: start it first with createTask\(op\)/,
  ],
  [
    "a Promise instead of a future",
    () => wait([Promise.resolve()] as unknown as Future<unknown>[]),
    TypeError,
    /wait\(\) was given a Promise at position 0/,
  ],
  [
    "a single Task instead of a list",
    (f) => wait(f[0] as unknown as Future<unknown>[]),
    TypeError,
    /wait\(\) needs an iterable of Futures or Tasks: received a single Task .*; pass a list: wait\(\[task\]\)/,
  ],
  [
    "a generator object as the list",
    () =>
      wait(
        (function* () {
          yield* sleep(1);
        })() as unknown as Future<unknown>[],
      ),
    TypeError,
    /wait\(\) was given a generator object \(an Operation\)/,
  ],
  [
    "a generator object yielding Tasks as the list",
    (f) =>
      wait(
        (function* () {
          yield* f;
        })() as unknown as Future<unknown>[],
      ),
    TypeError,
    /wait\(\) was given a generator object \(an Operation\).*if the generator yields Futures, pass them as an Array: \[\.\.\.generator\]/,
  ],
  [
    "null as the list",
    () => wait(null as unknown as Future<unknown>[]),
    TypeError,
    /wait\(\) needs an iterable of Futures or Tasks: received null/,
  ],
];

for (const [what, call, errorClass, message] of badCalls) {
  test(`\`wait()\` behaviour: ${what} is a ${errorClass.name}, and the loop goes on`, async (t) => {
    const { result } = await runVirtual(t, function* () {
      const task = createTask(sleep(5, "still fine"));
      const error = yield* thrownBy(call([task]));
      return [error, yield* task];
    });
    t.true(result[0] instanceof errorClass);
    t.regex((result[0] as Error).message, message);
    t.is(result[1], "still fine");
  });
}

test("`wait()` behaviour: a negative timeoutMs means now, as 0: it looks without waiting", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const finished = createTask(sleep(0, "done"));
    yield* sleep(1);
    const task = createTask(sleep(10));
    const { done, pending } = yield* wait([finished, task], { timeoutMs: -5 });
    const now = getRunningLoop().time();
    yield* task;
    return [[...done].includes(finished), [...pending].includes(task), now];
  });
  t.deepEqual(result, [true, true, 1]);
});
