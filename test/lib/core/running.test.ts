import test from "ava";
import {
  InvalidStateError,
  allTasks,
  createTask,
  currentTask,
  getCurrentTask,
  getRunningLoop,
  shield,
  sleep,
  yieldNow,
} from "../../../lib/index.js";
import type { Coroutine, EventLoop, Task } from "../../../lib/index.js";
import { runVirtual, virtualLoop } from "../../helpers/loop.js";

// Tasks and loops are compared with ===: a deep comparison (or a failure diff) walks the whole loop.

test("`getRunningLoop()` behaviour: outside a loop it throws InvalidStateError with the fix", (t) => {
  t.throws(() => getRunningLoop(), {
    instanceOf: InvalidStateError,
    message: /getRunningLoop\(\) was called outside a running event loop: .*run\(main\)/,
  });
});

test("`getRunningLoop()` behaviour: inside a coroutine and a loop callback it is the loop", async (t) => {
  const { loop, reports } = virtualLoop();
  const seen: EventLoop[] = [];
  await loop.runUntilComplete(
    (function* (): Coroutine<void> {
      seen.push(getRunningLoop());
      loop.callSoon(() => seen.push(getRunningLoop()));
      yield* sleep(1);
      seen.push(getRunningLoop());
    })(),
  );
  loop.close();
  t.deepEqual(seen.length, 3);
  for (const entry of seen) t.true(entry === loop);
  t.throws(() => getRunningLoop(), { instanceOf: InvalidStateError });
  t.deepEqual(reports, []);
});

test("`getRunningLoop()` behaviour: two loops run one after the other, each sees its own", async (t) => {
  const first = virtualLoop();
  const second = virtualLoop();
  const check = (loop: EventLoop): Coroutine<boolean> =>
    (function* () {
      yield* yieldNow();
      return getRunningLoop() === loop;
    })();
  t.true(await first.loop.runUntilComplete(check(first.loop)));
  t.true(await second.loop.runUntilComplete(check(second.loop)));
  first.loop.close();
  second.loop.close();
  t.deepEqual([...first.reports, ...second.reports], []);
});

test("`currentTask()` behaviour: undefined outside a loop and in a plain callback", async (t) => {
  t.is(currentTask(), undefined);
  const inCallback: Array<Task<unknown> | undefined | "not called"> = ["not called"];
  await runVirtual(t, function* () {
    getRunningLoop().callSoon(() => (inCallback[0] = currentTask()));
    yield* yieldNow();
  });
  t.true(inCallback[0] === undefined);
  t.is(currentTask(), undefined);
});

test("`currentTask()` behaviour: inside a coroutine it is the running task, before and after suspensions", async (t) => {
  await runVirtual(t, function* () {
    const seen: Array<Task<unknown> | undefined> = [];
    const task = createTask(
      (function* (): Coroutine<void> {
        seen.push(currentTask());
        yield* sleep(1);
        seen.push(currentTask());
      })(),
    );
    const main = currentTask();
    t.not(main, undefined);
    t.true(main === (yield* getCurrentTask()));
    yield* task;
    t.is(seen.length, 2);
    t.true(seen.every((entry) => entry === task));
    t.true(currentTask() === main);
  });
});

test("`currentTask()` behaviour: an eager task is current while its first step runs inside createTask", async (t) => {
  await runVirtual(t, function* () {
    const main = currentTask();
    let inside: Task<unknown> | undefined;
    const task = createTask(
      (function* (): Coroutine<void> {
        inside = currentTask();
        yield* yieldNow();
      })(),
      { eager: true },
    );
    t.true(inside === task);
    t.true(currentTask() === main); // restored when the eager step suspended
    yield* task;
  });
});

test("`allTasks()` behaviour: lists the pending tasks, and drops them when done", async (t) => {
  // Compared by identity: a deep comparison of tasks would walk the whole loop.
  const same = (actual: Set<Task<unknown>>, expected: Array<Task<unknown>>): boolean =>
    actual.size === expected.length && expected.every((task) => actual.has(task));
  await runVirtual(t, function* () {
    const main = currentTask()!;
    t.true(same(allTasks(), [main]));
    const a = createTask(sleep(10), { name: "a" });
    const b = createTask(sleep(20), { name: "b" });
    const listed = allTasks();
    t.true(listed instanceof Set);
    t.true(same(listed, [main, a, b]));
    yield* a;
    t.true(same(allTasks(), [main, b]));
    t.true(same(listed, [main, a, b]), "a snapshot: later changes do not show in it");
    yield* b;
    t.true(same(allTasks(), [main]));
  });
});

test("`allTasks()` behaviour: includes a task that is not started yet and one cancelled but unwinding", async (t) => {
  await runVirtual(t, function* () {
    const unwinding = createTask(
      (function* (): Coroutine<void> {
        try {
          yield* sleep(100);
        } finally {
          yield* shield(sleep(5)); // unwinding takes 5 ms
        }
      })(),
    );
    yield* yieldNow();
    const fresh = createTask(sleep(1));
    unwinding.cancel();
    t.true(allTasks().has(fresh));
    t.true(allTasks().has(unwinding));
    yield* fresh;
    t.true(allTasks().has(unwinding)); // still in its cleanup
    try {
      yield* unwinding;
    } catch {
      // cancelled, as asked
    }
    t.false(allTasks().has(unwinding));
  });
});

test("`allTasks()` behaviour: outside a loop it throws InvalidStateError", (t) => {
  t.throws(() => allTasks(), { instanceOf: InvalidStateError, message: /outside a running event loop/ });
});
