import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import test from "ava";
import {
  CancelledError,
  EventLoop as EventLoopClass,
  InvalidStateError,
  TimeoutError,
  createTask,
  currentTask,
  getCurrentTask,
  getRunningLoop,
  moveOnAfter,
  run,
  shield,
  sleep,
  timeout,
  waitFor,
  yieldNow,
} from "../../../lib/index.js";
import type { Coroutine, EventLoop, ExceptionContext, Future, Operation, Task } from "../../../lib/index.js";
import type { Executor } from "../../../executors/index.js";
import { DefaultSelector, NodeSelector, VirtualSelector } from "../../../selectors/index.js";
import { FakeExecutor, fakeWork } from "../../fixtures/fake-executor.js";
import { CLEAN, leftovers } from "../../helpers/loop.js";

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
    const source = error instanceof CancelledError ? error.reason.source : "not a cancellation";
    log.push(`${name} caught ${(error as Error).name} (${source})`);
    throw error;
  } finally {
    yield* shield(sleep(5));
    log.push(`${name} finally at ${getRunningLoop().time()}`);
  }
}

const execFileAsync = promisify(execFile);

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
            // eslint-disable-next-line no-unsafe-finally -- on purpose: the test needs cleanup that throws while the coroutine unwinds
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
            // eslint-disable-next-line no-unsafe-finally -- on purpose: the test needs cleanup that throws while the coroutine unwinds
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
test.serial("`run()` behaviour: on the default selector, no host timer is left once run settles", async (t) => {
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
  t.true(selector instanceof DefaultSelector);
  t.is(countResources("Timeout"), timersBefore);
  t.is(countResources("Immediate"), immediatesBefore);
});

// ---- main as a function, called inside the loop -------------------------------------------

/** Work of a task: sleeps `ms`, logs, returns `value`. */
function* work<T>(log: string[], ms: number, value: T): Coroutine<T> {
  yield* sleep(ms);
  log.push(`work done at ${getRunningLoop().time()}`);
  return value;
}

test("`run()` behaviour: a main function is called inside the main task, so it can create tasks on the running loop", async (t) => {
  const log: string[] = [];
  const reports: ExceptionContext[] = [];
  t.is(await run(() => createTask(work(log, 10, "task result")), virtual(reports)), "task result");
  t.is(await run(() => waitFor(createTask(work(log, 10, "in time")), 100), virtual(reports)), "in time");
  await t.throwsAsync(
    run(() => waitFor(createTask(work(log, 1000, "too late")), 100), virtual(reports)),
    { instanceOf: TimeoutError },
  );
  t.deepEqual(log, ["work done at 10", "work done at 10"]);
  t.deepEqual(reports, []);
  t.throws(() => getRunningLoop(), { instanceOf: InvalidStateError });
});

test("`run()` behaviour: a main function that returns a Promise, an array or a number rejects with a TypeError naming the fix", async (t) => {
  const reports: ExceptionContext[] = [];
  let loop: EventLoop | undefined;
  await t.throwsAsync(
    run(
      (() => {
        loop = getRunningLoop(); // called inside the loop, like any main function
        return Promise.resolve(1);
      }) as unknown as () => Operation<number>,
      virtual(reports),
    ),
    { instanceOf: TypeError, message: /run\(\) was given a Promise: wrap it as an Operation with fromPromise\(promise\)/ },
  );
  t.true(loop!.isClosed());
  t.deepEqual(leftovers(loop!), CLEAN);
  await t.throwsAsync(run((() => [sleep(1), sleep(2)]) as unknown as () => Operation<void>, virtual(reports)), {
    instanceOf: TypeError,
    message: /run\(\) needs an Operation, not an array: to run several at once use gather/,
  });
  await t.throwsAsync(run((() => 42) as unknown as () => Operation<number>, virtual(reports)), {
    instanceOf: TypeError,
    message: /run\(\) needs an Operation \(a generator object, a Future or a Task\): received number/,
  });
  t.deepEqual(reports, []);
  t.is(await run(sleep(1, "a new run still works"), virtual()), "a new run still works");
});

// ---- tasks spawned during shutdown --------------------------------------------------------

test("`run()` behaviour: a task spawned by a leftover's cleanup during shutdown is cancelled and awaited too", async (t) => {
  const log: string[] = [];
  const reports: ExceptionContext[] = [];
  let loop: EventLoop | undefined;
  const result = await run(function* () {
    loop = getRunningLoop();
    createTask(
      (function* () {
        try {
          yield* sleep(1_000_000);
        } finally {
          log.push("leftover cleanup spawns a helper");
          createTask(leftover(log, "helper"), { eager: true });
        }
      })(),
    );
    yield* sleep(10);
    log.push("main returns");
    return "main result";
  }, virtual(reports));
  log.push("run settled");
  t.is(result, "main result");
  t.deepEqual(log, [
    "main returns",
    "leftover cleanup spawns a helper",
    "helper started",
    "helper caught CancelledError (shutdown)",
    "helper finally at 15",
    "run settled",
  ]);
  t.deepEqual(reports, [], "nothing was pending when the loop closed");
  t.deepEqual(leftovers(loop!), CLEAN);
});

test("`run()` behaviour: chains of tasks spawned during shutdown are followed until none is left", async (t) => {
  const log: string[] = [];
  const reports: ExceptionContext[] = [];
  /** Sleeps; once cancelled, spawns the next generation in its cleanup. */
  function* generation(n: number): Coroutine<void> {
    log.push(`generation ${n} started`);
    try {
      yield* sleep(1_000_000);
    } finally {
      log.push(`generation ${n} cleanup`);
      if (n < 3) createTask(generation(n + 1), { eager: true });
      else createTask(leftover(log, "last")); // lazy
    }
  }
  await run(function* () {
    createTask(generation(1));
    yield* sleep(1);
  }, virtual(reports));
  t.deepEqual(log, [
    "generation 1 started",
    "generation 1 cleanup",
    "generation 2 started",
    "generation 2 cleanup",
    "generation 3 started",
    "generation 3 cleanup",
    "last started",
    "last caught CancelledError (shutdown)",
    "last finally at 6",
  ]);
  t.deepEqual(reports, []);
});

test("`run()` behaviour: a task started by the default executor's shutdown is cancelled and awaited before run settles", async (t) => {
  const log: string[] = [];
  const reports: ExceptionContext[] = [];
  let loop: EventLoop | undefined;
  const executor: Executor = {
    submit(): never {
      throw new Error("no jobs in this test");
    },
    shutdown(): Future<void> {
      const current = getRunningLoop();
      log.push("executor shutdown starts a task");
      createTask(leftover(log, "started by shutdown"), { eager: true });
      const done = current.createFuture<void>();
      done.setResult();
      return done;
    },
  };
  await run(
    function* () {
      loop = getRunningLoop();
      yield* sleep(1);
    },
    { ...virtual(reports), executor },
  );
  log.push("run settled");
  t.deepEqual(log, [
    "executor shutdown starts a task",
    "started by shutdown started",
    "started by shutdown caught CancelledError (shutdown)",
    "started by shutdown finally at 6",
    "run settled",
  ]);
  t.deepEqual(reports, []);
  t.deepEqual(leftovers(loop!), CLEAN);
});

// ---- main returns a Promise (issue 7, defect 1) ------------------------------------------------

test("`run()` behaviour: main returning a Promise that waits on a task rejects with a TypeError instead of a silent exit", async (t) => {
  const reports: ExceptionContext[] = [];
  const error = await t.throwsAsync(
    run(
      function* () {
        const task = createTask(sleep(10, "late"));
        return (async () => await task)();
      },
      { selector: new NodeSelector(), exceptionHandler: (context) => reports.push(context) },
    ),
    { instanceOf: TypeError },
  );
  t.is(
    error.message,
    "run()'s main operation returned a Promise (a thenable) instead of a value: the loop stops when the operation returns, so it could never settle. Wait for it inside the coroutine and return the result: `return yield* task` for a Task or Future, `return yield* fromPromise(promise)` for a Promise",
  );
  t.deepEqual(reports, []);
});

test("`run()` behaviour: main returning a Task (even a done one) rejects with a TypeError naming it", async (t) => {
  const error = await t.throwsAsync(
    run(function* () {
      const task = createTask(sleep(1, 5), { name: "worker" });
      yield* sleep(2);
      return task;
    }, virtual()),
    { instanceOf: TypeError },
  );
  t.regex(error.message, /^run\(\)'s main operation returned Task worker instead of a value: .*`return yield\* task`/);
});

test("`run()` behaviour: main returning a Promise that rejects later: TypeError, and no unhandled rejection", async (t) => {
  // The listener is process-wide and the tests of this file run concurrently: only this test's
  // own rejection counts.
  const failure = new Error("nobody waits for me");
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => {
    if (reason === failure) unhandled.push(reason);
  };
  process.on("unhandledRejection", onUnhandled);
  try {
    await t.throwsAsync(
      run(function* () {
        yield* sleep(1);
        return Promise.reject(failure);
      }, virtual()),
      { instanceOf: TypeError, message: /^run\(\)'s main operation returned a Promise/ },
    );
    await new Promise((resolve) => setImmediate(resolve)); // where an unhandled rejection would show
    t.deepEqual(unhandled, []);
  } finally {
    process.off("unhandledRejection", onUnhandled);
  }
});

test("`EventLoop.runUntilComplete()` behaviour: an operation returning a Promise rejects with a TypeError; the loop can run again", async (t) => {
  const loop = new EventLoopClass({ selector: new VirtualSelector() });
  await t.throwsAsync(
    loop.runUntilComplete(
      (function* () {
        return Promise.resolve(1);
      })(),
    ),
    { instanceOf: TypeError, message: /^the operation given to runUntilComplete\(\) returned a Promise/ },
  );
  t.is(await loop.runUntilComplete(sleep(5, "again")), "again");
  loop.close();
});

// ---- options are checked up front (issue 7, defect 6) ------------------------------------------

test("`run()` behaviour: options of the wrong kind reject with a TypeError naming the option, before any loop exists", async (t) => {
  function* main(): Coroutine<number> {
    return 1;
  }
  const cases: Array<[unknown, string]> = [
    [5, "run() needs an options object as its second argument (or none): received number 5"],
    [null, "run() needs an options object as its second argument (or none): received null"],
    ["fast", 'run() needs an options object as its second argument (or none): received the string "fast"'],
    [{ debug: "yes" }, 'run() needs options.debug to be true or false: received the string "yes"'],
    [{ eagerTasks: 1 }, "run() needs options.eagerTasks to be true or false: received number 1"],
    [{ exceptionHandler: "log" }, 'run() needs options.exceptionHandler to be a function: received the string "log"'],
    [
      { debgu: true },
      'run() got an unknown option "debgu": the options are selector, debug, eagerTasks, exceptionHandler, instruments, executor, name',
    ],
    [
      { selector: { time: () => 0 } },
      "run() needs options.selector to be a Selector (new NodeSelector(), new VirtualSelector() or your own): the object given has no register(), unregister(), modify(), select(), getKey(), getMap(), close(), wake()",
    ],
    [
      { selector: 42 },
      "run() needs options.selector to be a Selector (new NodeSelector(), new VirtualSelector() or your own): received number 42",
    ],
    [{ executor: { submit: () => undefined } }, "run() needs options.executor to be an Executor: the object given has no shutdown()"],
  ];
  for (const [options, message] of cases) {
    const error = await t.throwsAsync(run(main(), options as never), { instanceOf: TypeError });
    t.is(error.message, message);
  }
  t.is(getRunningLoopOrUndefined(), undefined);
  t.is(
    await run(main(), { ...virtual(), debug: undefined } as never),
    1,
    "undefined options are absent options (plain JavaScript), and run() still works",
  );
});

test("`run()` behaviour: a selector without select() is refused up front, not reported from close() behind another error", async (t) => {
  const broken = {
    ...Object.fromEntries(["register", "unregister", "modify", "getKey", "getMap", "time", "wake"].map((m) => [m, () => undefined])),
    close: () => {
      throw new Error("close failed");
    },
  };
  const error = await t.throwsAsync(run(sleep(1), { selector: broken as never }), { instanceOf: TypeError });
  t.regex(error.message, /options\.selector .* has no select\(\)$/);
});

test("`run()` behaviour: when main fails and the shutdown fails too, main's error wins and the other is reported", async (t) => {
  const reports: ExceptionContext[] = [];
  const selector = new VirtualSelector();
  const close = selector.close.bind(selector);
  selector.close = () => {
    close();
    throw new Error("selector close failed");
  };
  const mainError = new Error("main failed");
  const error = await t.throwsAsync(
    run(
      function* () {
        yield* sleep(1);
        throw mainError;
      },
      { selector, exceptionHandler: (context) => reports.push(context) },
    ),
  );
  t.is(error, mainError);
  t.deepEqual(
    reports.map((r) => [r.message, (r.exception as Error).message]),
    [["run() failed to shut down after its main operation failed", "selector close failed"]],
  );
});

test("`run()` behaviour: when main succeeds but the shutdown fails, run rejects with the shutdown's error", async (t) => {
  const selector = new VirtualSelector();
  const close = selector.close.bind(selector);
  selector.close = () => {
    close();
    throw new Error("selector close failed");
  };
  await t.throwsAsync(run(sleep(1, "fine"), { selector }), { message: "selector close failed" });
});

test("`EventLoop` behaviour: constructor options and the debug setter are checked, with a TypeError naming the option", (t) => {
  t.throws(() => new EventLoopClass({ debug: "yes" } as never), {
    instanceOf: TypeError,
    message: 'new EventLoop() needs options.debug to be true or false: received the string "yes"',
  });
  t.throws(() => new EventLoopClass({ executor: {} } as never), {
    instanceOf: TypeError,
    message: 'new EventLoop() got an unknown option "executor": the options are selector, debug, eagerTasks, exceptionHandler, instruments',
  });
  t.throws(() => new EventLoopClass(7 as never), {
    instanceOf: TypeError,
    message: /^new EventLoop\(\) needs an options object as its first argument/,
  });
  const loop = new EventLoopClass({ selector: new VirtualSelector() });
  t.throws(
    () => {
      loop.debug = "on" as never;
    },
    { instanceOf: TypeError, message: "EventLoop.debug must be true or false: received string" },
  );
  t.false(loop.debug);
  loop.close();
});

function getRunningLoopOrUndefined(): EventLoop | undefined {
  try {
    return getRunningLoop();
  } catch {
    return undefined;
  }
}

test("`run()` behaviour: the issue's program (main returns a Promise awaiting a task) exits normally and says why, in a real process", async (t) => {
  // A child process, because the defect was the process itself exiting (code 13) in silence.
  const { stdout, stderr } = await execFileAsync(process.execPath, ["--import=tsx", "test/fixtures/run-returns-promise.ts"], {
    cwd: fileURLToPath(new URL("../../../", import.meta.url)),
    timeout: 20_000,
  });
  t.is(stdout, "rejected with TypeError\n");
  t.is(stderr, "");
});

// On the native selector too: its poll handle runs only while a socket is registered, so an
// empty epoll set does not keep Node's loop alive.
for (const selector of ["node", "virtual", ...(process.platform === "linux" ? ["native"] : [])]) {
  test(`\`run()\` behaviour: a deadlock (every task waits, nothing can wake them) rejects with InvalidStateError on the ${selector} selector instead of a silent exit`, async (t) => {
    // A child process: Node notices that nothing is left to do only when its own loop empties,
    // which never happens inside the test runner (its IPC channel stays open).
    const { stdout, stderr } = await execFileAsync(process.execPath, ["--import=tsx", "test/fixtures/run-deadlock.ts", selector], {
      cwd: fileURLToPath(new URL("../../../", import.meta.url)),
      timeout: 20_000,
    });
    t.is(
      stdout,
      "rejected with InvalidStateError: the event loop is deadlocked: it waits, and nothing left in the process can wake it (no timer, no I/O, no pending Promise); pending: Task helper (waiting on Future), Task Task-1 (waiting on Future). Something must set the Future, release the lock or put the item these tasks wait for\n",
      "and nothing reported at close: the shutdown cancelled both tasks",
    );
    t.is(stderr, "");
  });
}

test("`run()` behaviour: a wait that a beforeExit listener ends is not a deadlock", async (t) => {
  const { stdout, stderr } = await execFileAsync(process.execPath, ["--import=tsx", "test/fixtures/run-before-exit-wakes.ts"], {
    cwd: fileURLToPath(new URL("../../../", import.meta.url)),
    timeout: 20_000,
  });
  t.is(stdout, "resolved with flushed\n");
  t.is(stderr, "");
});

test("`run()` behaviour: options.name names the main task; a name that is not a string rejects with a TypeError before any loop exists", async (t) => {
  const name = await run(
    function* () {
      return (yield* getCurrentTask()).name;
    },
    { ...virtual(), name: "main" },
  );
  t.is(name, "main");
  const error = await t.throwsAsync(run(sleep(1), { ...virtual(), name: 42 as never }), { instanceOf: TypeError });
  t.is(error.message, "run() needs options.name to be a string: received number 42");
});

test("`run()` behaviour: options.instruments are installed on the loop; a bad one rejects with a TypeError naming it", async (t) => {
  const log: string[] = [];
  await run(sleep(1), { ...virtual(), instruments: [{ beforeRun: () => log.push("beforeRun"), afterRun: () => log.push("afterRun") }] });
  t.deepEqual(log, ["beforeRun", "afterRun"]);
  const notArray = await t.throwsAsync(run(sleep(1), { ...virtual(), instruments: {} as never }), { instanceOf: TypeError });
  t.regex(notArray.message, /^run\(\) needs options.instruments to be an array of instruments: received object/);
  const noHooks = await t.throwsAsync(run(sleep(1), { ...virtual(), instruments: [{ beforeStep: () => undefined } as never] }), {
    instanceOf: TypeError,
  });
  t.regex(noHooks.message, /options.instruments\[0\]\) got an object with none of the instrument hooks/);
});

test("`run()` behaviour: when main returns a Promise that rejects, its error goes to the exception handler (not lost)", async (t) => {
  const reports: ExceptionContext[] = [];
  const failure = new Error("the returned promise failed");
  await t.throwsAsync(
    run(function* () {
      return Promise.reject(failure);
    }, virtual(reports)),
    { instanceOf: TypeError },
  );
  await new Promise((resolve) => setImmediate(resolve));
  t.deepEqual(
    reports.map((r) => [r.message, r.exception]),
    [["the Promise that run()'s main operation returned failed", failure]],
  );
});
