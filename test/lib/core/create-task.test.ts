import test from "ava";
import { CancelledError, InvalidStateError, Task, createTask, gather, getRunningLoop, sleep, yieldNow } from "../../../lib/index.js";
import type { Coroutine, Operation } from "../../../lib/index.js";
import { runVirtual, virtualLoop } from "../../helpers/loop.js";
import { catching } from "../../helpers/operations.js";

/** A body that records when it starts, suspends once, and returns `value`. */
function* recorded<T>(log: string[], label: string, value: T): Coroutine<T> {
  log.push(`${label} started`);
  yield* yieldNow();
  log.push(`${label} resumed`);
  return value;
}

test("`createTask()` behaviour: lazy by default, the body starts on the next pass", async (t) => {
  const log: string[] = [];
  const { result } = await runVirtual(t, function* () {
    const loop = getRunningLoop();
    loop.callSoon(() => log.push("callSoon scheduled before"));
    log.push("before createTask");
    const task = createTask(recorded(log, "task", 7));
    log.push(`after createTask (${task.waitingOn})`);
    loop.callSoon(() => log.push("callSoon scheduled after"));
    return yield* task;
  });
  t.is(result, 7);
  t.deepEqual(log, [
    "before createTask",
    "after createTask (not started)",
    "callSoon scheduled before",
    "task started",
    "callSoon scheduled after",
    "task resumed",
  ]);
});

test("`createTask()` behaviour: `eager: true` runs the body up to its first suspension inside createTask", async (t) => {
  const log: string[] = [];
  const { result } = await runVirtual(t, function* () {
    log.push("before createTask");
    const task = createTask(recorded(log, "task", "eager"), { eager: true });
    log.push(`after createTask (${task.waitingOn})`);
    return yield* task;
  });
  t.is(result, "eager");
  t.deepEqual(log, ["before createTask", "task started", "after createTask (scheduled)", "task resumed"]);
});

test("`createTask()` behaviour: an eager task that never suspends is done when createTask returns", async (t) => {
  await runVirtual(t, function* () {
    const task = createTask(
      (function* (): Coroutine<number> {
        return 5;
      })(),
      { eager: true },
    );
    t.true(task.done());
    t.is(task.result(), 5);
    t.is(yield* task, 5);
  });
});

test("`createTask()` behaviour: an eager body that throws fails its task, not createTask", async (t) => {
  await runVirtual(t, function* () {
    const boom = new Error("boom");
    const task = createTask(
      (function* (): Coroutine<number> {
        throw boom;
      })(),
      { eager: true },
    );
    t.true(task.done());
    t.is(task.exception(), boom);
    yield* yieldNow(); // the loop goes on
  });
});

test("`createTask()` behaviour: run(..., { eagerTasks: true }) makes tasks eager, `eager: false` opts out", async (t) => {
  const log: string[] = [];
  await runVirtual(
    t,
    function* () {
      const eager = createTask(recorded(log, "default", 1));
      log.push("after default");
      const lazy = createTask(recorded(log, "opted out", 2), { eager: false });
      log.push("after opted out");
      t.is((yield* eager) + (yield* lazy), 3);
    },
    { eagerTasks: true },
  );
  t.deepEqual(log, [
    "default started",
    "after default",
    "after opted out",
    "default resumed", // its yieldNow was scheduled inside createTask, before the lazy task
    "opted out started",
    "opted out resumed",
  ]);
});

test("`createTask()` behaviour: `eager: true` on a loop that is not running starts the body when it runs", async (t) => {
  const { loop, reports } = virtualLoop();
  const log: string[] = [];
  const task = loop.createTask(recorded(log, "task", "later"), { eager: true });
  t.deepEqual(log, []);
  t.is(await loop.runUntilComplete(task), "later");
  t.deepEqual(log, ["task started", "task resumed"]);
  loop.close();
  t.deepEqual(reports, []);
});

test("`createTask()` behaviour: default names are Task-N with N increasing", async (t) => {
  await runVirtual(t, function* () {
    const first = createTask(sleep(1));
    const second = createTask(sleep(1));
    const number = (task: Task<unknown>): number => Number(/^Task-(\d+)$/.exec(task.name)?.[1]);
    t.regex(first.name, /^Task-\d+$/);
    t.regex(second.name, /^Task-\d+$/);
    t.is(number(second), number(first) + 1, "one counter per process, one step per unnamed task");
    yield* first;
    yield* second;
  });
});

test("`createTask()` behaviour: a custom name is kept, and the name can be changed", async (t) => {
  await runVirtual(t, function* () {
    const task = createTask(sleep(1), { name: "fetcher" });
    t.is(task.name, "fetcher");
    task.name = "renamed";
    t.is(task.name, "renamed");
    t.is(task.waitingOn, "not started");
    yield* task;
  });
});

test("`createTask()` behaviour: the name setter rejects a non-string with a TypeError", async (t) => {
  await runVirtual(t, function* () {
    const task = createTask(sleep(1), { name: "kept" });
    t.throws(
      () => {
        (task as { name: unknown }).name = 42;
      },
      { instanceOf: TypeError, message: /name must be a string: received number/ },
    );
    t.is(task.name, "kept");
    yield* task;
  });
});

test("`createTask()` behaviour: accepts a Future and a Task as the Operation", async (t) => {
  await runVirtual(t, function* () {
    const future = getRunningLoop().createFuture<string>();
    const fromFuture = createTask(future);
    const fromTask = createTask(fromFuture);
    getRunningLoop().callLater(5, () => future.setResult("settled"));
    t.is(yield* fromTask, "settled");
    t.is(fromFuture.result(), "settled");
  });
});

test("`createTask()` behaviour: the task is not owned by its creator", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    let orphan: Task<void> | undefined;
    const parent = createTask(
      (function* (): Coroutine<void> {
        orphan = createTask(
          (function* (): Coroutine<void> {
            yield* sleep(10);
            log.push("orphan finished");
          })(),
        );
        yield* sleep(1);
        log.push("parent finished");
      })(),
    );
    yield* parent;
    t.false(orphan!.done());
    yield* orphan!;
  });
  t.deepEqual(log, ["parent finished", "orphan finished"]);
});

test("`createTask()` behaviour: a task cancelled before its first step never runs its body", async (t) => {
  let entered = false;
  await runVirtual(t, function* () {
    const task = createTask(
      (function* (): Coroutine<void> {
        entered = true;
        yield* sleep(1);
      })(),
    );
    t.true(task.cancel());
    const error = yield* catching(task);
    t.true(error instanceof CancelledError);
    t.true(task.cancelled());
  });
  t.false(entered);
});

test("`createTask()` behaviour: outside a running loop it throws InvalidStateError", (t) => {
  const op = sleep(1);
  t.throws(() => createTask(op), { instanceOf: InvalidStateError, message: /outside a running event loop/ });
});

test("`createTask()` behaviour: a Promise is a TypeError that points at fromPromise", async (t) => {
  await runVirtual(t, function* () {
    const promise = Promise.resolve(1);
    t.throws(() => createTask(promise as unknown as Operation<number>), {
      instanceOf: TypeError,
      message: /was given a Promise.*fromPromise\(promise\)/,
    });
    yield* yieldNow(); // the loop is still alive
  });
});

test("`createTask()` behaviour: a function is a TypeError that says to call it", async (t) => {
  await runVirtual(t, function* () {
    function* work(): Coroutine<number> {
      return 1;
    }
    t.throws(() => createTask(work as unknown as Operation<number>), {
      instanceOf: TypeError,
      message: /was given a function \(work\): call it and pass the result, e\.g\. createTask\(work\(\)\)/,
    });
    t.is(yield* createTask(work()), 1); // called, it works
  });
});

test("`createTask()` behaviour: a number, null or an array is a TypeError naming what it needs", async (t) => {
  await runVirtual(t, function* () {
    t.throws(() => createTask(42 as unknown as Operation<number>), {
      instanceOf: TypeError,
      message: /needs an Operation \(a generator object, a Future or a Task\): received number/,
    });
    t.throws(() => createTask(null as unknown as Operation<number>), {
      instanceOf: TypeError,
      message: /needs an Operation.*received null/,
    });
    t.throws(() => createTask([sleep(1)] as unknown as Operation<void>), {
      instanceOf: TypeError,
      message: /needs an Operation/,
    });
    t.is(getRunningLoop()._pendingTaskCount(), 1); // nothing half-created: only main
    yield* yieldNow();
  });
});

test("`createTask()` behaviour: a Set or a Map is a TypeError that says to pass an Array to gather", async (t) => {
  await runVirtual(t, function* () {
    t.throws(() => void createTask(new Set() as unknown as Operation<void>), {
      instanceOf: TypeError,
      message: /^createTask\(\) needs an Operation, not a Set: pass its operations as an Array, e\.g\. gather\(\[\.\.\.set\]\)/,
    });
    t.throws(() => void createTask(new Set([sleep(1)]) as unknown as Operation<void>), { instanceOf: TypeError, message: /not a Set/ });
    t.throws(() => void createTask(new Map() as unknown as Operation<void>), {
      instanceOf: TypeError,
      message: /needs an Operation, not a Map/,
    });
    t.is(getRunningLoop()._pendingTaskCount(), 1); // nothing half-created: only main
    yield* yieldNow();
  });
});

test("`createTask()` behaviour: a name that is not a string is a TypeError; nothing is created and the operation can still be used", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const loop = getRunningLoop();
    const op = recorded(log, "body", "value");
    // The callbacks return nothing, so that a failure does not print a whole Task.
    t.throws(() => void createTask(op, { name: 7 as never }), {
      instanceOf: TypeError,
      message: /^createTask\(\) needs a string name: received number/,
    });
    t.throws(() => void createTask(op, { name: null as never }), { instanceOf: TypeError, message: /needs a string name: received null/ });
    t.throws(() => void loop.createTask(op, { name: { toString: () => "x" } as never }), {
      instanceOf: TypeError,
      message: /needs a string name: received object/,
    });
    t.is(loop._pendingTaskCount(), 1, "nothing half-created: only main");
    t.deepEqual(log, [], "the body did not run");
    const task = createTask(op, { name: "named" });
    t.is(task.name, "named");
    t.is(yield* task, "value");
  });
  t.deepEqual(log, ["body started", "body resumed"]);
});

// ---- one generator object, one task (issue 7, defect 3) -------------------------------------

test("`createTask()` behaviour: a generator object given to a second task fails that task, naming both; the first runs undisturbed", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const loop = getRunningLoop();
    function* napper(): Coroutine<string> {
      log.push(`nap @${loop.time()}`);
      yield* sleep(100);
      log.push(`woke @${loop.time()}`);
      return "rested";
    }
    const job = napper();
    const first = createTask(job, { name: "first" });
    yield* sleep(10); // first is inside its sleep
    const second = createTask(job, { name: "second" });
    const error = yield* catching(second);
    t.true(error instanceof InvalidStateError);
    t.is(
      (error as Error).message,
      "Task second was given a generator object that is already driven by Task first: a generator object can be run by one task only; call the generator function again for each task (createTask(work()) twice, not the same work() object)",
    );
    t.is(yield* first, "rested");
  });
  t.deepEqual(log, ["nap @0", "woke @100"]); // the sleep was not resumed early by the second task
});

test("`createTask()` behaviour: two tasks created with one generator object before either ran: the second fails at its first step", async (t) => {
  await runVirtual(t, function* () {
    function* work(): Coroutine<number> {
      yield* sleep(5);
      return 1;
    }
    const job = work();
    const a = createTask(job);
    const b = createTask(job);
    t.is(yield* a, 1);
    const error = yield* catching(b);
    t.true(error instanceof InvalidStateError);
    t.true((error as Error).message.startsWith(`Task ${b.name} was given a generator object that is already driven by Task ${a.name}:`));
  });
});

test("`createTask()` behaviour: a finished generator object given to a new task fails it instead of returning undefined", async (t) => {
  await runVirtual(t, function* () {
    function* work(): Coroutine<number> {
      yield* yieldNow();
      return 7;
    }
    const job = work();
    const first = createTask(job, { name: "first" });
    t.is(yield* first, 7);
    const error = yield* catching(createTask(job, { name: "again" }));
    t.true(error instanceof InvalidStateError);
    t.regex((error as Error).message, /^Task again was given a generator object that already ran in Task first:/);
  });
});

test("`createTask()` behaviour: a generator object a task runs, passed to gather, fails that child and leaves the task alone", async (t) => {
  await runVirtual(t, function* () {
    const log: string[] = [];
    function* work(): Coroutine<string> {
      log.push("started");
      yield* sleep(50);
      log.push("finished");
      return "done";
    }
    const job = work();
    const owner = createTask(job, { name: "owner" });
    yield* sleep(1);
    const error = yield* catching(gather(job, sleep(10)));
    t.true(error instanceof InvalidStateError);
    t.regex((error as Error).message, /generator object that is already driven by Task owner:/);
    t.is(yield* owner, "done");
    t.deepEqual(log, ["started", "finished"]);
  });
});

test("`createTask()` behaviour: a shared generator given to a task cancelled before it starts is not closed under its owner", async (t) => {
  await runVirtual(t, function* () {
    function* work(): Coroutine<string> {
      yield* sleep(20);
      return "kept";
    }
    const job = work();
    const owner = createTask(job);
    yield* yieldNow();
    const intruder = createTask(job);
    intruder.cancel();
    const error = yield* catching(intruder);
    t.true(error instanceof CancelledError, "the intruder ends cancelled, as any task cancelled before its first step");
    t.is(yield* owner, "kept");
  });
});

test("`createTask()` behaviour: shared Operations that are not generator objects (a Future, a lock's acquire()) may still go to several tasks", async (t) => {
  await runVirtual(t, function* () {
    const future = getRunningLoop().createFuture<number>();
    const a = createTask(future);
    const b = createTask(future);
    future.setResult(3);
    t.deepEqual([yield* a, yield* b], [3, 3]);
  });
});
