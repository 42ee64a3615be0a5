import test from "ava";
import {
  CancelledError,
  InvalidStateError,
  createTask,
  currentTask,
  getRunningLoop,
  moveOnAfter,
  run,
  shield,
  sleep,
  timeout,
  yieldNow,
} from "../../lib/index.js";
import type { Coroutine, EventLoop, ExceptionContext, Operation, Task } from "../../lib/index.js";
import { NodeSelector, VirtualSelector } from "../../selectors/index.js";
import { FakeExecutor, fakeWork } from "../fixtures/fake-executor.js";
import { CLEAN, leftovers } from "../helpers/loop.js";

/** Options for a run on virtual time whose reports are collected. */
function virtual(reports: ExceptionContext[] = []): { selector: VirtualSelector; exceptionHandler: (context: ExceptionContext) => void } {
  return { selector: new VirtualSelector(), exceptionHandler: (context) => reports.push(context) };
}

/** A task left over when main returns: logs how it is cancelled and cleans up behind a shield. */
function* leftover(log: string[], name: string): Coroutine<void> {
  log.push(`${name} started`);
  try {
    yield* sleep(1_000_000);
  } catch (error) {
    log.push(`${name} caught ${(error as Error).name} (${(error as CancelledError).reason?.source})`);
    throw error;
  } finally {
    yield* shield(sleep(5));
    log.push(`${name} finally at ${getRunningLoop().time()}`);
  }
}

function countResources(type: string): number {
  return process.getActiveResourcesInfo().filter((name) => name === type).length;
}

// ---- results ------------------------------------------------------------------------------

test("`run()` behaviour: returns the result of main given as an Operation", async (t) => {
  t.is(await run(sleep(100, "operation"), virtual()), "operation");
});

test("`run()` behaviour: returns the result of main given as a function, called once the loop runs", async (t) => {
  let calls = 0;
  const result = await run(function* () {
    calls++;
    const loop = getRunningLoop(); // the function runs with the new loop in place
    yield* sleep(10);
    return loop.time();
  }, virtual());
  t.is(result, 10);
  t.is(calls, 1);
});

test("`run()` behaviour: rejects with main's error, unchanged", async (t) => {
  const boom = new Error("boom");
  const reports: ExceptionContext[] = [];
  await t.throwsAsync(
    run(function* () {
      yield* sleep(10);
      throw boom;
    }, virtual(reports)),
    { is: boom },
  );
  t.deepEqual(reports, []);
});

test("`run()` behaviour: rejects with CancelledError when main is cancelled", async (t) => {
  await t.throwsAsync(
    run(function* () {
      const me = currentTask()!;
      getRunningLoop().callLater(10, () => me.cancel("from a callback"));
      yield* sleep(1000);
    }, virtual()),
    { instanceOf: CancelledError, message: /from a callback/ },
  );
});

test("`run()` behaviour: a main that is not an Operation rejects with TypeError", async (t) => {
  await t.throwsAsync(run(42 as unknown as Operation<number>, virtual()), { instanceOf: TypeError, message: /Operation/ });
  await t.throwsAsync(run((() => Promise.resolve(1)) as unknown as () => Operation<number>, virtual()), {
    instanceOf: TypeError,
    message: /fromPromise/,
  });
  t.throws(() => getRunningLoop(), { instanceOf: InvalidStateError });
});

// ---- shutdown of leftover tasks -----------------------------------------------------------

test("`run()` behaviour: leftover tasks are cancelled with reason shutdown and awaited before run settles", async (t) => {
  const log: string[] = [];
  const reports: ExceptionContext[] = [];
  let loop: EventLoop | undefined;
  const result = await run(function* () {
    loop = getRunningLoop();
    createTask(leftover(log, "sleeper"));
    yield* sleep(10);
    log.push("main returns");
    return "main result";
  }, virtual(reports));
  log.push("run settled");
  t.is(result, "main result");
  t.deepEqual(log, ["sleeper started", "main returns", "sleeper caught CancelledError (shutdown)", "sleeper finally at 15", "run settled"]);
  t.deepEqual(reports, []);
  t.true(loop!.isClosed());
  t.deepEqual(leftovers(loop!), CLEAN);
});

test("`run()` behaviour: leftover tasks are cleaned up when main fails too", async (t) => {
  const log: string[] = [];
  const boom = new Error("boom");
  await t.throwsAsync(
    run(function* () {
      createTask(leftover(log, "sleeper"));
      yield* sleep(10);
      log.push("main throws");
      throw boom;
    }, virtual()),
    { is: boom },
  );
  t.deepEqual(log, ["sleeper started", "main throws", "sleeper caught CancelledError (shutdown)", "sleeper finally at 15"]);
});

test("`run()` behaviour: non-cancellation failures of leftover tasks go to the exception handler", async (t) => {
  const reports: ExceptionContext[] = [];
  const cleanupFailure = new Error("cleanup failed");
  const lateFailure = new Error("failed after a suspension in cleanup");
  const tasks: Array<Task<unknown>> = [];
  const result = await run(function* () {
    tasks.push(
      createTask(
        (function* () {
          try {
            yield* sleep(1_000_000);
          } finally {
            throw cleanupFailure;
          }
        })(),
        { name: "fails-in-cleanup" },
      ),
    );
    tasks.push(
      createTask(
        (function* () {
          try {
            yield* sleep(1_000_000);
          } catch {
            // swallowed: returns normally, nothing to report
          }
          return "swallowed";
        })(),
        { name: "swallows" },
      ),
    );
    tasks.push(
      createTask(
        (function* () {
          try {
            yield* sleep(1_000_000);
          } finally {
            yield* shield(sleep(5)); // suspends while unwinding, then fails
            throw lateFailure;
          }
        })(),
        { name: "fails-after-suspending" },
      ),
    );
    yield* sleep(1);
    return "main result";
  }, virtual(reports));
  t.is(result, "main result");
  const byTask = new Map(reports.map((report) => [report.task, report]));
  t.is(reports.length, 2);
  t.is(byTask.get(tasks[0])?.exception, cleanupFailure);
  t.regex(byTask.get(tasks[0])?.message ?? "", /fails-in-cleanup/);
  t.is(byTask.get(tasks[2])?.exception, lateFailure);
  t.regex(byTask.get(tasks[2])?.message ?? "", /fails-after-suspending/);
  t.is(tasks[1]!.result(), "swallowed");
});

// ---- the default executor -----------------------------------------------------------------

test("`run()` behaviour: RunOptions.executor is the default executor and is shut down after the leftovers", async (t) => {
  const log: string[] = [];
  const executor = new FakeExecutor({ double: { fn: (x: number) => 2 * x, durationMs: 20 } });
  const double = fakeWork<[number], number>("double");
  const result = await run(
    function* () {
      const loop = getRunningLoop();
      t.is(loop.getDefaultExecutor(), executor);
      createTask(leftover(log, "sleeper"));
      return yield* loop.runInExecutor(null, double, 21);
    },
    { ...virtual(), executor },
  );
  log.push("run settled");
  t.is(result, 42);
  t.deepEqual(log, ["sleeper started", "sleeper caught CancelledError (shutdown)", "sleeper finally at 25", "run settled"]);
  t.deepEqual(executor.shutdownCalls[0], { wait: true });
  t.deepEqual(executor.log.slice(0, 4), ["submit double#1", "start double#1", "finish double#1", "shutdown wait=true"]);
});

test("`run()` behaviour: run waits for the executor's shutdown to finish its running jobs", async (t) => {
  const executor = new FakeExecutor({ slow: { fn: () => "slow done", durationMs: 50 } });
  let job: PromiseLike<unknown> | undefined;
  await run(
    function* () {
      job = getRunningLoop().getDefaultExecutor()!.submit(fakeWork<[], string>("slow"), []);
      yield* sleep(10);
      return "main result";
    },
    { ...virtual(), executor },
  );
  executor.log.push("run settled");
  t.deepEqual(executor.log.slice(0, 4), ["submit slow#1", "start slow#1", "shutdown wait=true", "finish slow#1"]);
  t.is(executor.log.at(-1), "run settled");
  t.is(await job, "slow done");
});

test("`run()` behaviour: the default executor is shut down when main fails", async (t) => {
  const executor = new FakeExecutor({});
  const boom = new Error("boom");
  await t.throwsAsync(
    run(
      function* () {
        yield* sleep(1);
        throw boom;
      },
      { ...virtual(), executor },
    ),
    { is: boom },
  );
  t.deepEqual(executor.shutdownCalls[0], { wait: true });
});

// ---- misuse and leftovers on the host -------------------------------------------------------

test("`run()` behaviour: calling run() inside a running coroutine's step throws InvalidStateError synchronously", async (t) => {
  const log: string[] = [];
  const result = await run(function* () {
    const nested = (function* () {
      log.push("nested main ran");
      return 1;
    })();
    t.throws(() => run(nested, virtual()), { instanceOf: InvalidStateError, message: /run\(\)/ });
    t.throws(
      () =>
        run(() => {
          log.push("nested main function called");
          return nested;
        }, virtual()),
      { instanceOf: InvalidStateError },
    );
    // Inside a plain loop callback as well.
    let fromCallback: unknown;
    getRunningLoop().callSoon(() => {
      try {
        void run(nested, virtual());
      } catch (error) {
        fromCallback = error;
      }
    });
    yield* yieldNow();
    t.true(fromCallback instanceof InvalidStateError);
    return yield* sleep(5, "outer loop alive");
  }, virtual());
  t.is(result, "outer loop alive");
  t.deepEqual(log, []);
});

test("`run()` behaviour: once run settles there is no running loop and the loop is closed and empty", async (t) => {
  let loop: EventLoop | undefined;
  await run(function* () {
    loop = getRunningLoop();
    loop.callLater(1000, () => {});
    yield* sleep(1);
  }, virtual());
  t.throws(() => getRunningLoop(), { instanceOf: InvalidStateError, message: /getRunningLoop\(\)/ });
  t.true(loop!.isClosed());
  t.false(loop!.isRunning());
  t.deepEqual(leftovers(loop!), CLEAN);
  await t.throwsAsync(
    run(function* () {
      loop = getRunningLoop();
      yield* sleep(1);
      throw new Error("failed");
    }, virtual()),
  );
  t.throws(() => getRunningLoop(), { instanceOf: InvalidStateError });
  t.true(loop!.isClosed());
});

// Serial: it counts the process's host timers, so no other test may run at the same time.
test.serial("`run()` behaviour: on the default NodeSelector, no host timer is left once run settles", async (t) => {
  const timersBefore = countResources("Timeout");
  const immediatesBefore = countResources("Immediate");
  let selector: unknown;
  const result = await run(function* () {
    selector = getRunningLoop().selector;
    createTask(sleep(60_000)); // a leftover with a far deadline: its host timer must go
    yield* sleep(1);
    yield* sleep(2);
    yield* timeout(60_000, sleep(1)); // a deadline timer armed, then cancelled
    yield* moveOnAfter(1, sleep(60_000));
    return "slept";
  });
  t.is(result, "slept");
  t.true(selector instanceof NodeSelector);
  t.is(countResources("Timeout"), timersBefore);
  t.is(countResources("Immediate"), immediatesBefore);
});
