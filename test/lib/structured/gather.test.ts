import test from "ava";
import {
  Barrier,
  CancelScope,
  CancelledError,
  Queue,
  Semaphore,
  TimeoutError,
  createTask,
  currentTask,
  gather,
  getRunningLoop,
  shield,
  sleep,
  timeout,
  yieldNow,
} from "../../../lib/index.js";
import type { Coroutine, Operation, Task } from "../../../lib/index.js";
import { assertPartialOrder } from "../../helpers/log.js";
import { runVirtual } from "../../helpers/loop.js";
import { thrownBy, child, settle, errorOf } from "../../helpers/operations.js";

test("`gather()` behaviour: results in argument order, children run concurrently", async (t) => {
  const log: string[] = [];
  const { result, endTime } = await runVirtual(t, function* () {
    return yield* gather(child(log, "a", 30), child(log, "b", 10), child(log, "c", 20));
  });
  t.deepEqual(result, ["a", "b", "c"]);
  t.is(endTime, 30);
  t.deepEqual(log, ["b returned @10", "b finally", "c returned @20", "c finally", "a returned @30", "a finally"]);
});

test("`gather()` behaviour: no arguments returns [] without suspending", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const scope = new CancelScope();
    scope.cancel();
    // A cancelled scope raises at every suspension: gather() must not suspend.
    return yield* scope.run(gather());
  });
  t.deepEqual(result, []);
});

test("`gather()` behaviour: one Array argument is the same as spreading it", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const ops = Array.from({ length: 10_000 }, (_, i) => sleep(i % 7, i));
    const values = yield* gather(ops);
    return values.reduce((sum, value) => sum + value, 0);
  });
  t.is(result, (10_000 * 9_999) / 2);
});

test("`gather()` behaviour: children are tasks of their own, started lazily in order", async (t) => {
  const log: string[] = [];
  function* who(tag: string): Coroutine<string> {
    log.push(`${tag} runs in ${currentTask() === parent ? "the parent" : "a child"}`);
    return tag;
  }
  let parent: Task<unknown> | undefined;
  await runVirtual(t, function* () {
    parent = currentTask();
    const op = gather(who("x"), who("y"));
    log.push("gather called");
    yield* op;
  });
  t.deepEqual(log, ["gather called", "x runs in a child", "y runs in a child"]);
});

test("`gather()` behaviour: the first failure cancels and awaits the others, then is thrown", async (t) => {
  const log: string[] = [];
  const boom = new Error("boom");
  const { result, endTime } = await runVirtual(t, function* () {
    const error = yield* thrownBy(gather(child(log, "slow", 100), child(log, "bad", 10, boom), child(log, "slower", 200)));
    log.push("gather threw");
    return error;
  });
  t.is(result, boom);
  t.is(endTime, 10);
  t.deepEqual(log, ["bad finally", "slow cancelled @10", "slow finally", "slower cancelled @10", "slower finally", "gather threw"]);
});

test("`gather()` behaviour: the siblings are cancelled with a task-group reason", async (t) => {
  const { result } = await runVirtual(t, function* () {
    let reason: unknown;
    function* victim(): Coroutine<void> {
      try {
        yield* sleep(100);
      } catch (error) {
        reason = (error as CancelledError).reason;
        throw error;
      }
    }
    yield* thrownBy(gather(victim(), child([], "bad", 1, new Error("x"))));
    return reason;
  });
  t.like(result, { source: "task-group", message: "gather() saw a child fail" });
});

test("`gather()` behaviour: errors of cancelled siblings are dropped, not reported", async (t) => {
  const first = new Error("first");
  const { result, reports } = await runVirtual(t, function* () {
    function* failsInCleanup(): Coroutine<void> {
      try {
        yield* sleep(100);
      } finally {
        // eslint-disable-next-line no-unsafe-finally -- on purpose: the test needs cleanup that throws while the coroutine unwinds
        throw new Error("second, during cleanup");
      }
    }
    return yield* thrownBy(gather(failsInCleanup(), child([], "bad", 5, first)));
  });
  t.is(result, first);
  t.deepEqual(reports, []);
});

test("`gather()` behaviour: a child cancelled by someone else is a failure (CancelledError)", async (t) => {
  const log: string[] = [];
  const { result } = await runVirtual(t, function* () {
    const victim = createTask(child(log, "victim", 100));
    const other = child(log, "other", 100);
    yield* yieldNow();
    getRunningLoop().callLater(10, () => victim.cancel("stop it"));
    return yield* thrownBy(gather(victim, other));
  });
  t.true(result instanceof CancelledError);
  t.regex((result as Error).message, /stop it/);
  t.deepEqual(log, ["victim cancelled @10", "victim finally", "other cancelled @10", "other finally"]);
});

test("`gather()` behaviour: cancelling the awaiting task cancels and awaits every child", async (t) => {
  const log: string[] = [];
  const { result, endTime } = await runVirtual(t, function* () {
    const outside = createTask(child(log, "passed-in", 100));
    const waiter = createTask(gather(child(log, "a", 100), outside, child(log, "b", 100)));
    yield* sleep(10);
    waiter.cancel("enough");
    const error = yield* thrownBy(waiter);
    log.push("waiter done");
    return error;
  });
  t.true(result instanceof CancelledError);
  t.regex((result as Error).message, /enough/);
  t.is(endTime, 10);
  t.deepEqual(log, [
    "a cancelled @10",
    "a finally",
    "passed-in cancelled @10",
    "passed-in finally",
    "b cancelled @10",
    "b finally",
    "waiter done",
  ]);
});

test("`gather()` behaviour: called in an already cancelled scope, the children never run", async (t) => {
  const log: string[] = [];
  const { result } = await runVirtual(t, function* () {
    const scope = new CancelScope();
    scope.cancel();
    yield* scope.run(function* () {
      try {
        yield* gather(child(log, "a", 10), child(log, "b", 10));
      } catch (error) {
        log.push(`raised ${(error as Error).name}`);
        throw error;
      }
    });
    return scope.cancelledCaught;
  });
  t.true(result);
  t.deepEqual(log, ["raised CancelledError"]);
});

test("`gather()` behaviour: a cancellation arriving after the children finished returns the results", async (t) => {
  const log: string[] = [];
  const { result } = await runVirtual(t, function* () {
    const gate = getRunningLoop().createFuture<string>();
    function* lastChild(): Coroutine<string> {
      return yield* gate;
    }
    function* canceller(): Coroutine<void> {
      yield* gate; // woken right after lastChild, in the same pass: the gather is already woken
      waiter.cancel();
    }
    const waiter: Task<string[]> = createTask(
      (function* () {
        const values = yield* gather(lastChild());
        log.push(`gather returned ${values.join()}`);
        try {
          yield* yieldNow();
        } catch (error) {
          log.push(`next suspension raised ${(error as Error).name}`);
          throw error;
        }
        return values;
      })(),
    );
    yield* yieldNow(); // lastChild parks on the gate first
    const cancelling = createTask(canceller());
    yield* yieldNow();
    gate.setResult("ok");
    const error = yield* thrownBy(waiter);
    yield* cancelling;
    return error;
  });
  t.true(result instanceof CancelledError);
  t.deepEqual(log, ["gather returned ok", "next suspension raised CancelledError"]);
});

test("`gather()` behaviour: interrupted, a real error of a child wins over CancelledError", async (t) => {
  const cleanupError = new Error("cleanup failed");
  const { result } = await runVirtual(t, function* () {
    function* failsInCleanup(): Coroutine<void> {
      try {
        yield* sleep(100);
      } finally {
        // eslint-disable-next-line no-unsafe-finally -- on purpose: the test needs cleanup that throws while the coroutine unwinds
        throw cleanupError;
      }
    }
    const waiter = createTask(gather(sleep(100), failsInCleanup()));
    yield* sleep(10);
    waiter.cancel();
    return yield* thrownBy(waiter);
  });
  t.is(result, cleanupError);
});

test("`gather()` behaviour: interrupted, children that return anyway still give CancelledError", async (t) => {
  const { result } = await runVirtual(t, function* () {
    function* stubborn(): Coroutine<string> {
      try {
        yield* sleep(100);
      } catch {
        return "returned anyway"; // swallowed the cancellation and did not suspend again
      }
      return "slept";
    }
    const waiter = createTask(gather(stubborn()));
    yield* sleep(10);
    waiter.cancel();
    return yield* thrownBy(waiter);
  });
  t.true(result instanceof CancelledError);
});

test("`gather()` behaviour: cleanup that suspends in shield() is awaited", async (t) => {
  const log: string[] = [];
  const { endTime } = await runVirtual(t, function* () {
    function* flushes(): Coroutine<void> {
      try {
        yield* sleep(100);
      } finally {
        yield* shield(sleep(50));
        log.push(`flushed @${getRunningLoop().time()}`);
      }
    }
    const waiter = createTask(gather(flushes(), flushes()));
    yield* sleep(10);
    waiter.cancel();
    yield* thrownBy(waiter);
    log.push(`waiter done @${getRunningLoop().time()}`);
  });
  t.is(endTime, 60);
  t.deepEqual(log, ["flushed @60", "flushed @60", "waiter done @60"]);
});

test("`gather()` behaviour: cancelled again while its children unwind, it still waits for them", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    function* slowCleanup(): Coroutine<void> {
      try {
        yield* sleep(100);
      } finally {
        yield* shield(sleep(30));
        log.push(`child cleaned up @${getRunningLoop().time()}`);
      }
    }
    const waiter = createTask(gather(slowCleanup()));
    yield* sleep(10);
    waiter.cancel("first");
    yield* sleep(10);
    waiter.cancel("second");
    yield* thrownBy(waiter);
    log.push(`waiter done @${getRunningLoop().time()}`);
  });
  t.deepEqual(log, ["child cleaned up @40", "waiter done @40"]);
});

test("`gather()` behaviour: a timeout around it cancels the children and converts", async (t) => {
  const log: string[] = [];
  const { result, endTime } = await runVirtual(t, function* () {
    return yield* thrownBy(timeout(15, gather(child(log, "a", 10), child(log, "b", 20))));
  });
  t.true(result instanceof TimeoutError);
  t.true((result as Error).cause instanceof CancelledError);
  t.is(((result as Error).cause as CancelledError).reason.source, "deadline");
  t.is(endTime, 15);
  t.deepEqual(log, ["a returned @10", "a finally", "b cancelled @15", "b finally"]);
});

test("`gather()` behaviour: many Tasks passed in are awaited in argument order", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const tasks = Array.from({ length: 5_000 }, (_, i) => createTask(sleep((i * 7919) % 13, i)));
    const values = yield* gather(tasks);
    return values.every((value, i) => value === i);
  });
  t.true(result);
});

test("`gather()` behaviour: the same Task passed twice is awaited once, its result in both places", async (t) => {
  let runs = 0;
  const { result } = await runVirtual(t, function* () {
    function* once(): Coroutine<number> {
      runs++;
      yield* sleep(5);
      return 7;
    }
    const task = createTask(once());
    return yield* gather(task, sleep(1, 1), task);
  });
  t.deepEqual(result, [7, 1, 7]);
  t.is(runs, 1);
});

test("`gather()` behaviour: the same generator object passed twice runs once", async (t) => {
  let runs = 0;
  const { result } = await runVirtual(t, function* () {
    function* once(value: string): Coroutine<string> {
      runs++;
      yield* sleep(5);
      return value;
    }
    const op = once("abc");
    return yield* gather(op, op, once("def"), op);
  });
  t.deepEqual(result, ["abc", "abc", "def", "abc"]);
  t.is(runs, 2);
});

test("`gather()` behaviour: an operation used by an earlier gather runs again in a later one", async (t) => {
  let runs = 0;
  const { result } = await runVirtual(t, function* () {
    const reusable: Operation<number> = {
      *[Symbol.iterator]() {
        runs++;
        yield* sleep(1);
        return runs;
      },
    };
    const first = yield* gather(reusable);
    const second = yield* gather(reusable);
    return [first, second];
  });
  t.deepEqual(result, [[1], [2]]);
});

test("`gather()` behaviour: a reusable Operation passed twice runs once per position", async (t) => {
  const log: string[] = [];
  const { result } = await runVirtual(t, function* () {
    let runs = 0;
    const reusable: Operation<number> = {
      *[Symbol.iterator]() {
        const run = ++runs;
        log.push(`run ${run} started`);
        yield* sleep(run);
        return run;
      },
    };
    return yield* gather(reusable, reusable);
  });
  t.deepEqual(result, [1, 2]);
  t.deepEqual(log, ["run 1 started", "run 2 started"]);
});

test("`gather()` behaviour: `queue.get()` twice takes two items", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const queue = new Queue<string>();
    queue.putNowait("a");
    queue.putNowait("b");
    const items = yield* gather(queue.get(), queue.get());
    return [items, queue.qsize()];
  });
  t.deepEqual(result, [["a", "b"], 0]);
});

test("`gather()` behaviour: `queue.get()` twice on an empty queue waits for two items", async (t) => {
  const log: string[] = [];
  const { result } = await runVirtual(t, function* () {
    const loop = getRunningLoop();
    const queue = new Queue<string>();
    loop.callLater(5, () => queue.putNowait("first"));
    loop.callLater(10, () => queue.putNowait("second"));
    const items = yield* gather(queue.get(), queue.get());
    log.push(`gather returned @${loop.time()}`);
    return [items, queue.qsize()];
  });
  t.deepEqual(result, [["first", "second"], 0]);
  t.deepEqual(log, ["gather returned @10"]);
});

test("`gather()` behaviour: `semaphore.acquire()` twice takes two permits", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const semaphore = new Semaphore(2);
    const grants = yield* gather(semaphore.acquire(), semaphore.acquire());
    const held = semaphore.value;
    for (const grant of grants) grant[Symbol.dispose]();
    return [held, semaphore.value];
  });
  t.deepEqual(result, [0, 2]);
});

test("`gather()` behaviour: `barrier.wait()` twice completes a round of two", async (t) => {
  const { result, endTime } = await runVirtual(t, function* () {
    const barrier = new Barrier(2);
    // Bounded: if both positions shared one task, the round would never complete.
    const indexes = yield* timeout(100, gather(barrier.wait(), barrier.wait()));
    return [indexes, barrier.nWaiting];
  });
  t.deepEqual(result, [[0, 1], 0]);
  t.is(endTime, 0);
});

test("`gather()` behaviour: done Futures are used at once, without suspending", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const done = getRunningLoop().createFuture<number>();
    done.setResult(3);
    const scope = new CancelScope();
    scope.cancel(); // any suspension would raise
    return yield* scope.run(gather(done, done));
  });
  t.deepEqual(result, [3, 3]);
});

test("`gather()` behaviour: a pending Future is awaited; a failed one fails the gather", async (t) => {
  const log: string[] = [];
  const { result } = await runVirtual(t, function* () {
    const loop = getRunningLoop();
    const later = loop.createFuture<string>();
    loop.callLater(20, () => later.setResult("later"));
    const values = yield* gather(later, child(log, "c", 10));
    const failed = loop.createFuture<string>();
    loop.callLater(5, () => failed.setException(new RangeError("bad")));
    const error = yield* thrownBy(gather(child(log, "d", 50), failed));
    return [values, (error as Error).name];
  });
  t.deepEqual(result, [["later", "c"], "RangeError"]);
  t.deepEqual(log, ["c returned @10", "c finally", "d cancelled @25", "d finally"]);
});

test("`gather()` behaviour: an already failed Future decides at once; later operations never start", async (t) => {
  const log: string[] = [];
  const { result } = await runVirtual(t, function* () {
    const failed = getRunningLoop().createFuture<string>();
    failed.setException(new Error("early"));
    const error = yield* thrownBy(gather(child(log, "before", 10), failed, child(log, "after", 10)));
    return (error as Error).message;
  });
  t.is(result, "early");
  t.deepEqual(log, []); // "before" was cancelled before its first step; "after" never started
});

test("`gather()` behaviour: a plain Future passed in is cancelled when a sibling fails", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const pending = getRunningLoop().createFuture<string>();
    yield* thrownBy(gather(pending, child([], "bad", 5, new Error("x"))));
    return pending.cancelled();
  });
  t.true(result);
});

test("`gather()` behaviour: a Task passed after an already failed Future is cancelled and awaited", async (t) => {
  const log: string[] = [];
  const { result } = await runVirtual(t, function* () {
    const failed = getRunningLoop().createFuture<string>();
    failed.setException(new Error("early"));
    const task = createTask(child(log, "task", 50));
    yield* yieldNow(); // the task is running (parked in its sleep)
    const error = yield* thrownBy(gather(failed, task));
    log.push(`gather threw ${(error as Error).message}; task done: ${task.done()}, cancelled: ${task.cancelled()}`);
    return getRunningLoop().time();
  });
  t.is(result, 0);
  t.deepEqual(log, ["task cancelled @0", "task finally", "gather threw early; task done: true, cancelled: true"]);
});

test("`gather()` behaviour: a pending Future passed after an already failed Future is cancelled", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const loop = getRunningLoop();
    const failed = loop.createFuture<string>();
    failed.setException(new Error("early"));
    const pending = loop.createFuture<string>();
    const error = yield* thrownBy(gather(failed, pending));
    return [(error as Error).message, pending.cancelled()];
  });
  t.deepEqual(result, ["early", true]);
});

test("`gather()` behaviour: a Task passed after an already failed Future that fails while unwinding is not reported", async (t) => {
  const log: string[] = [];
  const { result, reports } = await runVirtual(t, function* () {
    const failed = getRunningLoop().createFuture<string>();
    failed.setException(new Error("early"));
    function* failsInCleanup(): Coroutine<void> {
      try {
        yield* sleep(100);
      } finally {
        log.push(`cleanup @${getRunningLoop().time()}`);
        // eslint-disable-next-line no-unsafe-finally -- on purpose: the test needs cleanup that throws while the coroutine unwinds
        throw new Error("cleanup failed"); // retrieved by the gather: dropped, not reported
      }
    }
    const task = createTask(failsInCleanup());
    yield* yieldNow();
    const outcome = yield* settle(gather(failed, task));
    log.push("gather threw");
    return (errorOf(outcome) as Error).message;
  });
  t.is(result, "early");
  t.deepEqual(reports, []);
  t.deepEqual(log, ["cleanup @0", "gather threw"]);
});

test("`gather()` behaviour: with eager tasks, a Task passed after a child that fails at once is cancelled and awaited", async (t) => {
  const log: string[] = [];
  const { reports } = await runVirtual(
    t,
    function* () {
      function* failsAtOnce(): Coroutine<never> {
        throw new Error("at once");
      }
      function* failsLater(): Coroutine<void> {
        try {
          yield* sleep(50);
          throw new Error("passed-in task failed later"); // would be reported as never retrieved
        } finally {
          log.push(`passed-in finally @${getRunningLoop().time()}`);
        }
      }
      const task = createTask(failsLater());
      const error = yield* thrownBy(gather(failsAtOnce(), task));
      log.push(`gather threw ${(error as Error).message}; task cancelled: ${task.cancelled()}`);
    },
    { eagerTasks: true },
  );
  t.deepEqual(log, ["passed-in finally @0", "gather threw at once; task cancelled: true"]);
  t.deepEqual(reports, []);
});

test("`gather()` behaviour: with eager tasks, a child that fails at once stops the rest from starting", async (t) => {
  const log: string[] = [];
  const { result } = await runVirtual(
    t,
    function* () {
      function* failsAtOnce(): Coroutine<never> {
        log.push("failing");
        throw new Error("at once");
      }
      function* other(name: string): Coroutine<void> {
        log.push(`${name} started`);
        yield* sleep(10);
      }
      const error = yield* thrownBy(gather(other("first"), failsAtOnce(), other("never")));
      return (error as Error).message;
    },
    { eagerTasks: true },
  );
  t.is(result, "at once");
  t.deepEqual(log, ["first started", "failing"]);
});

test("`gather()` behaviour: with eager tasks, the children start within the gather call", async (t) => {
  const log: string[] = [];
  const { result } = await runVirtual(
    t,
    function* () {
      function* immediate(value: number): Coroutine<number> {
        log.push(`child ${value} ran`);
        return value;
      }
      getRunningLoop().callSoon(() => log.push("callback scheduled before the gather"));
      return yield* gather(immediate(1), immediate(2));
    },
    { eagerTasks: true },
  );
  t.deepEqual(result, [1, 2]);
  t.deepEqual(log, ["child 1 ran", "child 2 ran", "callback scheduled before the gather"]);
});

test("`gather()` behaviour: an Operation whose [Symbol.iterator]() throws fails its child; the siblings are cancelled and awaited", async (t) => {
  const log: string[] = [];
  const broken = new Error("iterator() failed");
  const { result, endTime } = await runVirtual(t, function* () {
    const bad: Operation<number> = {
      [Symbol.iterator]() {
        log.push("iterator() called");
        throw broken;
      },
    };
    const error = yield* thrownBy(gather(child(log, "before", 10), bad, child(log, "after", 10)));
    log.push("gather threw");
    return error;
  });
  t.is(result, broken);
  t.is(endTime, 0);
  // "after" was cancelled before its first step: its body never ran.
  t.deepEqual(log, ["iterator() called", "before cancelled @0", "before finally", "gather threw"]);
});

test("`gather()` behaviour: an Operation's [Symbol.iterator]() is called in its child task", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const parent = currentTask();
    const probe: Operation<string> = {
      [Symbol.iterator]() {
        log.push(`iterator() called in ${currentTask() === parent ? "the parent" : "a child"}`);
        return sleep(1, "probe")[Symbol.iterator]();
      },
    };
    const op = gather(probe);
    log.push("gather called");
    log.push(`gather returned ${(yield* op).join()}`);
  });
  t.deepEqual(log, ["gather called", "iterator() called in a child", "gather returned probe"]);
});

test("`gather()` behaviour: with eager tasks, an Operation whose [Symbol.iterator]() throws stops the rest from starting", async (t) => {
  const log: string[] = [];
  const broken = new Error("iterator() failed");
  const { result } = await runVirtual(
    t,
    function* () {
      const bad: Operation<number> = {
        [Symbol.iterator]() {
          throw broken;
        },
      };
      const error = yield* thrownBy(gather(child(log, "first", 10), bad, child(log, "never", 10)));
      log.push("gather threw");
      return error;
    },
    { eagerTasks: true },
  );
  t.is(result, broken);
  t.deepEqual(log, ["first cancelled @0", "first finally", "gather threw"]);
});

test("`gather()` behaviour: a Set of Tasks is a TypeError that says to spread it; the Tasks run on", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const tasks = [createTask(sleep(5, 1)), createTask(sleep(5, 2))];
    const error = yield* thrownBy(gather(new Set(tasks) as unknown as Operation<number>));
    return [error, yield* gather(tasks)];
  });
  t.true(result[0] instanceof TypeError);
  t.regex(
    (result[0] as Error).message,
    /gather\(\) was given a Set at position 0: pass its operations as one Array, e\.g\. gather\(\[\.\.\.set\]\)/,
  );
  t.deepEqual(result[1], [1, 2]);
});

test("`gather()` behaviour: nested gathers are cancelled as a whole", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const waiter = createTask(gather(gather(child(log, "a", 100), child(log, "b", 100)), child(log, "c", 100)));
    yield* sleep(10);
    waiter.cancel();
    yield* thrownBy(waiter);
  });
  // The order among siblings is not specified; each one's is.
  assertPartialOrder(t, log, [
    ["a cancelled @10", "a finally"],
    ["b cancelled @10", "b finally"],
    ["c cancelled @10", "c finally"],
  ]);
});

/** Each case builds the arguments around `canary`, an operation placed before the bad one. */
const badArguments: Array<[string, (canary: Operation<void>) => unknown[], RegExp]> = [
  ["a Promise", (c) => [c, Promise.resolve(1)], /gather\(\) was given a Promise at position 1: wrap it as an Operation with fromPromise/],
  [
    "a function",
    (c) => [c, sleep],
    /gather\(\) was given a function \(sleep\) at position 1: call it and pass the result, e\.g\. gather\(sleep\(\)\)/,
  ],
  ["a number", (c) => [c, 42], /gather\(\) needs Operations .*received number at position 1/],
  ["null", (c) => [c, null], /received null at position 1/],
  ["an Array among other arguments", (c) => [c, [sleep(1)]], /gather\(\) was given an Array at position 1 among other arguments/],
  ["an Array inside the Array argument", (c) => [[c, [sleep(1)]]], /gather\(\) was given an Array at position 1: pass one Array/],
  [
    "a Set",
    (c) => [c, new Set([sleep(1)])],
    /gather\(\) was given a Set at position 1: pass its operations as one Array, e\.g\. gather\(\[\.\.\.set\]\)/,
  ],
  [
    "a Map",
    (c) => [c, new Map([["k", sleep(1)]])],
    /gather\(\) was given a Map at position 1: pass its operations as one Array, e\.g\. gather\(\[\.\.\.map\.values\(\)\]\)/,
  ],
];

for (const [what, build, message] of badArguments) {
  test(`\`gather()\` behaviour: ${what} is a TypeError, and nothing starts`, async (t) => {
    let started = false;
    function* canary(): Coroutine<void> {
      started = true;
    }
    const { result } = await runVirtual(t, function* () {
      const error = yield* thrownBy((gather as (...a: unknown[]) => Operation<unknown>)(...build(canary())));
      yield* sleep(1); // the loop is alive
      return error;
    });
    t.true(result instanceof TypeError);
    t.regex((result as Error).message, message);
    t.false(started);
  });
}

test("`gather()` behaviour: failures nobody else retrieved are not reported", async (t) => {
  const { reports } = await runVirtual(t, function* () {
    yield* thrownBy(gather(child([], "x", 1, new Error("x")), child([], "y", 1, new Error("y"))));
  });
  t.deepEqual(reports, []);
});
