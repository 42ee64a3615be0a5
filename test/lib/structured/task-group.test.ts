import test from "ava";
import {
  CancelScope,
  CancelledError,
  ExceptionGroup,
  InvalidStateError,
  TaskGroup,
  TimeoutError,
  createTask,
  getRunningLoop,
  shield,
  sleep,
  taskGroup,
  timeout,
  yieldNow,
} from "../../../lib/index.js";
import type { Coroutine, Operation, Task } from "../../../lib/index.js";
import { assertPartialOrder } from "../../helpers/log.js";
import { runVirtual } from "../../helpers/loop.js";
import { thrownBy, child } from "../../helpers/operations.js";

/** The messages of an ExceptionGroup's errors, nested groups as arrays. */
function messages(error: unknown): unknown {
  if (error instanceof ExceptionGroup) return error.exceptions.map(messages);
  return error instanceof Error ? error.message : String(error);
}

test("`taskGroup()` behaviour: waits for every child after the body returns, and returns the body's value", async (t) => {
  const log: string[] = [];
  const { result, endTime } = await runVirtual(t, function* () {
    const value = yield* taskGroup(function* (tg) {
      tg.createTask(child(log, "a", 20));
      tg.createTask(child(log, "b", 10));
      log.push("body returns");
      return "body";
    });
    log.push("group returned");
    return value;
  });
  t.is(result, "body");
  t.is(endTime, 20);
  t.deepEqual(log, ["body returns", "b returned @10", "b finally", "a returned @20", "a finally", "group returned"]);
});

test("`taskGroup()` behaviour: a group with no children and a body that does not wait does not suspend", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const scope = new CancelScope();
    scope.cancel(); // any suspension would raise
    return yield* scope.run(
      taskGroup(function* () {
        return "at once";
      }),
    );
  });
  t.is(result, "at once");
});

test("`taskGroup()` behaviour: createTask returns the Task, named as asked", async (t) => {
  const { result } = await runVirtual(t, function* () {
    return yield* taskGroup(function* (tg) {
      const task = tg.createTask(sleep(5, 42), { name: "answer" });
      const value = yield* task;
      return [task.name, value];
    });
  });
  t.deepEqual(result, ["answer", 42]);
});

test("`taskGroup()` behaviour: the first child failure cancels the siblings and the body", async (t) => {
  const log: string[] = [];
  const boom = new Error("boom");
  const { result, endTime } = await runVirtual(t, function* () {
    return yield* thrownBy(
      taskGroup(function* (tg) {
        tg.createTask(child(log, "sibling", 100));
        tg.createTask(child(log, "bad", 10, boom));
        try {
          yield* sleep(1000);
        } finally {
          log.push(`body unwound @${getRunningLoop().time()}`);
        }
      }),
    );
  });
  t.true(result instanceof ExceptionGroup);
  t.deepEqual((result as ExceptionGroup).exceptions, [boom]);
  t.is(endTime, 10);
  t.deepEqual(log, ["bad finally", "body unwound @10", "sibling cancelled @10", "sibling finally"]);
});

test("`taskGroup()` behaviour: errors in order of failure, the body's own error last", async (t) => {
  const { result } = await runVirtual(t, function* () {
    return yield* thrownBy(
      taskGroup(function* (tg) {
        function* failsInCleanup(name: string, delayMs: number): Coroutine<void> {
          try {
            yield* sleep(delayMs);
          } finally {
            // eslint-disable-next-line no-unsafe-finally -- on purpose: the test needs cleanup that throws while the coroutine unwinds
            throw new Error(name);
          }
        }
        tg.createTask(failsInCleanup("third", 300));
        tg.createTask(child([], "first", 10, new Error("first")));
        tg.createTask(failsInCleanup("second", 200));
        try {
          yield* sleep(1000);
        } finally {
          // eslint-disable-next-line no-unsafe-finally -- on purpose: the test needs cleanup that throws while the coroutine unwinds
          throw new Error("body");
        }
      }),
    );
  });
  // "first" fails; the cancellation makes "third" (created first) and then "second" fail while unwinding.
  t.deepEqual(messages(result), ["first", "third", "second", "body"]);
});

test("`taskGroup()` behaviour: children failing in the same pass are all reported", async (t) => {
  const { result } = await runVirtual(t, function* () {
    return yield* thrownBy(
      taskGroup(function* (tg) {
        tg.createTask(child([], "x", 10, new Error("x")));
        tg.createTask(child([], "y", 10, new Error("y")));
      }),
    );
  });
  t.deepEqual(messages(result), ["x", "y"]);
});

test("`taskGroup()` behaviour: an error of the body cancels the children and is reported last", async (t) => {
  const log: string[] = [];
  const { result } = await runVirtual(t, function* () {
    return yield* thrownBy(
      taskGroup(function* (tg) {
        tg.createTask(child(log, "a", 100));
        yield* sleep(10);
        throw new TypeError("body failed");
      }),
    );
  });
  t.true(result instanceof ExceptionGroup);
  t.deepEqual(messages(result), ["body failed"]);
  t.true((result as ExceptionGroup).exceptions[0] instanceof TypeError);
  t.deepEqual(log, ["a cancelled @10", "a finally"]);
});

test("`taskGroup()` behaviour: a child cancelled on its own is not an error", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const doomed = yield* taskGroup(function* (tg) {
      const task = tg.createTask(sleep(100));
      tg.createTask(sleep(20));
      yield* sleep(10);
      task.cancel();
      return task;
    });
    return doomed?.cancelled(); // (a Task is not returned from run(): it is a thenable)
  });
  t.true(result);
});

test("`taskGroup()` behaviour: external cancellation cancels every child and propagates CancelledError", async (t) => {
  const log: string[] = [];
  const { result, endTime } = await runVirtual(t, function* () {
    const outer = createTask(
      taskGroup(function* (tg) {
        tg.createTask(child(log, "a", 100));
        tg.createTask(child(log, "b", 100));
        yield* child(log, "body", 100);
      }),
    );
    yield* sleep(10);
    outer.cancel("stop");
    const error = yield* thrownBy(outer);
    log.push("outer done");
    return error;
  });
  t.true(result instanceof CancelledError);
  t.regex((result as Error).message, /stop/);
  t.is(endTime, 10);
  // The order among the children and the body is not specified; each one's is, and the group
  // ends after all of them.
  assertPartialOrder(t, log, [
    ["a cancelled @10", "a finally", "outer done"],
    ["b cancelled @10", "b finally", "outer done"],
    ["body cancelled @10", "body finally", "outer done"],
  ]);
});

test("`taskGroup()` behaviour: external cancellation after the body returned still cancels the children", async (t) => {
  const log: string[] = [];
  const { result } = await runVirtual(t, function* () {
    const outer = createTask(
      taskGroup(function* (tg) {
        tg.createTask(child(log, "a", 100));
        return "body";
      }),
    );
    yield* sleep(10);
    outer.cancel();
    return yield* thrownBy(outer);
  });
  t.true(result instanceof CancelledError);
  t.deepEqual(log, ["a cancelled @10", "a finally"]);
});

test("`taskGroup()` behaviour: with external cancellation, children's errors win: ExceptionGroup", async (t) => {
  const { result } = await runVirtual(t, function* () {
    function* failsInCleanup(): Coroutine<void> {
      try {
        yield* sleep(100);
      } finally {
        // eslint-disable-next-line no-unsafe-finally -- on purpose: the test needs cleanup that throws while the coroutine unwinds
        throw new Error("cleanup failed");
      }
    }
    const outer = createTask(
      taskGroup(function* (tg) {
        tg.createTask(failsInCleanup());
        yield* sleep(100);
      }),
    );
    yield* sleep(10);
    outer.cancel();
    return yield* thrownBy(outer);
  });
  t.true(result instanceof ExceptionGroup);
  t.deepEqual(messages(result), ["cleanup failed"]);
});

test("`taskGroup()` behaviour: nested groups failing at once give nested ExceptionGroups", async (t) => {
  const { result } = await runVirtual(t, function* () {
    function* inner(name: string): Coroutine<void> {
      yield* taskGroup(function* (tg) {
        tg.createTask(child([], `${name}-child`, 10, new Error(`${name} failed`)));
        yield* sleep(100);
      });
    }
    return yield* thrownBy(
      taskGroup(function* (tg) {
        tg.createTask(inner("left"));
        tg.createTask(inner("right"));
      }),
    );
  });
  t.deepEqual(messages(result), [["left failed"], ["right failed"]]);
});

test("`taskGroup()` behaviour: tg.cancel() in the body cancels it and the children; the group ends quietly", async (t) => {
  const log: string[] = [];
  const { result } = await runVirtual(t, function* () {
    return yield* taskGroup(function* (tg): Coroutine<string> {
      tg.createTask(child(log, "a", 100));
      yield* sleep(10);
      tg.cancel();
      yield* child(log, "body", 100);
      return "unreachable";
    });
  });
  t.is(result, undefined);
  // The child's parked wait is withdrawn by tg.cancel() at once; the body, still running, raises
  // at its next suspension (on the next pass).
  t.deepEqual(log, ["a cancelled @10", "a finally", "body cancelled @10", "body finally"]);
});

test("`taskGroup()` behaviour: tg.cancel() after the body returned keeps the body's value", async (t) => {
  const log: string[] = [];
  const { result } = await runVirtual(t, function* () {
    return yield* taskGroup(function* (tg) {
      tg.createTask(child(log, "worker", 100));
      tg.createTask(
        (function* () {
          yield* sleep(10);
          tg.cancel();
        })(),
      );
      return "body";
    });
  });
  t.is(result, "body");
  t.deepEqual(log, ["worker cancelled @10", "worker finally"]);
});

test("`taskGroup()` behaviour: tg.cancel() with a child failure still throws the ExceptionGroup", async (t) => {
  const { result } = await runVirtual(t, function* () {
    function* failsInCleanup(): Coroutine<void> {
      try {
        yield* sleep(100);
      } finally {
        // eslint-disable-next-line no-unsafe-finally -- on purpose: the test needs cleanup that throws while the coroutine unwinds
        throw new Error("cleanup failed");
      }
    }
    return yield* thrownBy(
      taskGroup(function* (tg) {
        tg.createTask(failsInCleanup());
        yield* sleep(10);
        tg.cancel();
      }),
    );
  });
  t.deepEqual(messages(result), ["cleanup failed"]);
});

test("`taskGroup()` behaviour: tg.cancel() and an external cancellation together: CancelledError propagates", async (t) => {
  const { result } = await runVirtual(t, function* () {
    let group: TaskGroup | undefined;
    const outer = createTask(
      taskGroup(function* (tg) {
        group = tg;
        tg.createTask(sleep(100));
        yield* sleep(100);
      }),
    );
    yield* sleep(10);
    group!.cancel();
    outer.cancel();
    return yield* thrownBy(outer);
  });
  t.true(result instanceof CancelledError);
});

test("`taskGroup()` behaviour: tg.cancel() after the group finished does nothing", async (t) => {
  const { result } = await runVirtual(t, function* () {
    let group: TaskGroup | undefined;
    const value = yield* taskGroup(function* (tg) {
      group = tg;
      return 1;
    });
    group!.cancel();
    yield* sleep(1); // not cancelled
    return value;
  });
  t.is(result, 1);
});

test("`taskGroup()` behaviour: createTask on a finished group is an InvalidStateError; the op never runs", async (t) => {
  let ran = false;
  const { result } = await runVirtual(t, function* () {
    let group: TaskGroup | undefined;
    yield* taskGroup(function* (tg) {
      group = tg;
    });
    function* late(): Coroutine<void> {
      ran = true;
    }
    let error: unknown;
    try {
      group!.createTask(late());
    } catch (caught) {
      error = caught;
    }
    yield* sleep(1);
    return error;
  });
  t.true(result instanceof InvalidStateError);
  t.regex((result as Error).message, /TaskGroup\.createTask\(\) was called on a task group that has finished/);
  t.false(ran);
});

test("`taskGroup()` behaviour: createTask on a cancelled, unfinished group starts the child cancelled", async (t) => {
  const log: string[] = [];
  const { result } = await runVirtual(t, function* () {
    const late = yield* taskGroup(function* (tg) {
      tg.cancel();
      return tg.createTask(child(log, "late", 10));
    });
    return late?.cancelled(); // (a Task is not returned from run(): it is a thenable)
  });
  t.true(result);
  t.deepEqual(log, []); // its body never ran
});

test("`taskGroup()` behaviour: a child may start siblings while the group waits for its children", async (t) => {
  const log: string[] = [];
  const { endTime } = await runVirtual(t, function* () {
    yield* taskGroup(function* (tg) {
      tg.createTask(
        (function* () {
          yield* sleep(10);
          tg.createTask(child(log, "grandchild", 20));
        })(),
      );
    });
    log.push("group done");
  });
  t.is(endTime, 30);
  t.deepEqual(log, ["grandchild returned @30", "grandchild finally", "group done"]);
});

test("`taskGroup()` behaviour: createTask from the last child's done callback is refused: the group is finished", async (t) => {
  const log: string[] = [];
  const { reports } = await runVirtual(
    t,
    function* () {
      const loop = getRunningLoop();
      yield* taskGroup(function* (tg) {
        const last = tg.createTask(child(log, "last", 10));
        // Registered after the group's own done callback: it runs once the group is finished.
        last.addDoneCallback(() => {
          log.push("callback");
          tg.createTask(child(log, "late", 50));
          log.push("late child created"); // not reached
        });
      });
      log.push(`group returned @${loop.time()}`);
      yield* sleep(100); // nothing was left running
      log.push(`slept until @${loop.time()}`);
    },
    { allowReports: true },
  );
  t.deepEqual(log, ["last returned @10", "last finally", "callback", "group returned @10", "slept until @110"]);
  t.is(reports.length, 1);
  t.true(reports[0]?.exception instanceof InvalidStateError);
  t.regex((reports[0]?.exception as Error).message, /TaskGroup\.createTask\(\) was called on a task group that has finished/);
});

test("`taskGroup()` behaviour: a CancelledError the body raises on its own cancels the children and propagates", async (t) => {
  const log: string[] = [];
  const { result, endTime } = await runVirtual(t, function* () {
    const loop = getRunningLoop();
    const stray = loop.createFuture<void>();
    stray.cancel("cancelled by someone else");
    const error = yield* thrownBy(
      taskGroup(function* (tg) {
        tg.createTask(child(log, "child", 1000));
        yield* sleep(1);
        try {
          yield* stray; // a CancelledError nobody cancelled the group for
        } finally {
          log.push(`body raised @${loop.time()}`);
        }
      }),
    );
    log.push(`group threw ${(error as Error).name} @${loop.time()}`);
    yield* sleep(5); // the caller itself was not cancelled
    log.push(`caller slept until @${loop.time()}`);
    return error;
  });
  t.true(result instanceof CancelledError);
  t.regex((result as Error).message, /cancelled by someone else/);
  t.is(endTime, 6);
  t.deepEqual(log, ["body raised @1", "child cancelled @1", "child finally", "group threw CancelledError @1", "caller slept until @6"]);
});

test("`taskGroup()` behaviour: a body that swallows the cancellation is still cancelled (level-triggered)", async (t) => {
  const log: string[] = [];
  const { result } = await runVirtual(t, function* () {
    return yield* thrownBy(
      taskGroup(function* (tg) {
        tg.createTask(child([], "bad", 10, new Error("bad")));
        try {
          yield* sleep(100);
        } catch {
          log.push("swallowed");
        }
        try {
          yield* sleep(100);
        } catch (error) {
          log.push(`raised again: ${(error as Error).name}`);
          throw error;
        }
      }),
    );
  });
  t.deepEqual(messages(result), ["bad"]);
  t.deepEqual(log, ["swallowed", "raised again: CancelledError"]);
});

test("`taskGroup()` behaviour: children cleaning up in shield() are awaited", async (t) => {
  const log: string[] = [];
  const { endTime } = await runVirtual(t, function* () {
    function* flushes(): Coroutine<void> {
      try {
        yield* sleep(100);
      } finally {
        yield* shield(sleep(40));
        log.push(`flushed @${getRunningLoop().time()}`);
      }
    }
    const outer = createTask(
      taskGroup(function* (tg) {
        tg.createTask(flushes());
      }),
    );
    yield* sleep(10);
    outer.cancel();
    yield* thrownBy(outer);
    log.push(`outer done @${getRunningLoop().time()}`);
  });
  t.is(endTime, 50);
  t.deepEqual(log, ["flushed @50", "outer done @50"]);
});

test("`taskGroup()` behaviour: a timeout around a group cancels it and converts to TimeoutError", async (t) => {
  const log: string[] = [];
  const { result } = await runVirtual(t, function* () {
    return yield* thrownBy(
      timeout(15, function* () {
        yield* taskGroup(function* (tg) {
          tg.createTask(child(log, "a", 10));
          tg.createTask(child(log, "b", 20));
        });
      }),
    );
  });
  t.true(result instanceof TimeoutError);
  t.deepEqual(log, ["a returned @10", "a finally", "b cancelled @15", "b finally"]);
});

test("`taskGroup()` behaviour: inside a shielded scope, an outer cancellation does not reach the children", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const outer = createTask(
      shield(
        taskGroup(function* (tg) {
          const child = tg.createTask(sleep(30, "finished"));
          return yield* child;
        }),
      ),
    );
    yield* sleep(10);
    outer.cancel();
    return yield* outer; // shield: the group finished; the cancellation waits for a later suspension
  });
  t.is(result, "finished");
});

test("`taskGroup()` behaviour: in an already cancelled scope, the body and children never get going", async (t) => {
  const log: string[] = [];
  const { result } = await runVirtual(t, function* () {
    const scope = new CancelScope();
    scope.cancel();
    yield* scope.run(
      taskGroup(function* (tg) {
        tg.createTask(child(log, "child", 10));
        yield* child(log, "body", 10);
      }),
    );
    return scope.cancelledCaught;
  });
  t.true(result);
  t.deepEqual(log, ["body cancelled @0", "body finally"]);
});

test("`taskGroup()` behaviour: failed children are not reported as never retrieved", async (t) => {
  const { reports } = await runVirtual(t, function* () {
    yield* thrownBy(
      taskGroup(function* (tg) {
        tg.createTask(child([], "x", 1, new Error("x")));
      }),
    );
  });
  t.deepEqual(reports, []);
});

test("`taskGroup()` behaviour: the siblings are cancelled with a task-group reason naming the failed child", async (t) => {
  const { result } = await runVirtual(t, function* () {
    let reason: unknown;
    yield* thrownBy(
      taskGroup(function* (tg) {
        tg.createTask(
          (function* () {
            try {
              yield* sleep(100);
            } catch (error) {
              reason = (error as CancelledError).reason;
              throw error;
            }
          })(),
        );
        tg.createTask(child([], "bad", 1, new Error("x")), { name: "bad-child" });
      }),
    );
    return reason;
  });
  t.like(result, { source: "task-group", message: "bad-child failed", scope: "taskGroup()" });
});

test("`taskGroup()` behaviour: eager children start at once", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    yield* taskGroup(function* (tg) {
      tg.createTask(
        (function* () {
          log.push("child started");
          yield* yieldNow();
        })(),
        { eager: true },
      );
      log.push("after createTask");
    });
  });
  t.deepEqual(log, ["child started", "after createTask"]);
});

test("`taskGroup()` behaviour: a body that is not a function is a TypeError", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const error = yield* thrownBy(taskGroup(sleep(1) as unknown as () => Operation<void>));
    yield* sleep(1);
    return error;
  });
  t.true(result instanceof TypeError);
  t.regex(
    (result as Error).message,
    /taskGroup\(\) needs a function of the group: received an object \(an Operation\?\); write taskGroup\(function\* \(tg\)/,
  );
});

test("`taskGroup()` behaviour: a body that returns no Operation fails the group with a TypeError", async (t) => {
  const { result } = await runVirtual(t, function* () {
    return yield* thrownBy(taskGroup((() => undefined) as unknown as () => Operation<void>));
  });
  t.true(result instanceof ExceptionGroup);
  t.true((result as ExceptionGroup).exceptions[0] instanceof TypeError);
  t.regex(String(messages(result)), /taskGroup\(\)'s body returned undefined, not an Operation/);
});

const badTaskArguments: Array<[string, (tg: TaskGroup) => unknown, RegExp]> = [
  ["a Promise", (tg) => tg.createTask(Promise.resolve(1) as unknown as Operation<number>), /createTask\(\) was given a Promise/],
  [
    "a name that is not a string",
    (tg) => tg.createTask(sleep(1), { name: 3 as unknown as string }),
    /options\.name as a string: received number/,
  ],
  [
    "eager that is not a boolean",
    (tg) => tg.createTask(sleep(1), { eager: "yes" as unknown as boolean }),
    /options\.eager as a boolean: received string/,
  ],
  [
    "options that are not an object",
    (tg) => tg.createTask(sleep(1), 5 as unknown as { name: string }),
    /needs an options object: received number/,
  ],
  [
    "a Set",
    (tg) => tg.createTask(new Set([sleep(1)]) as unknown as Operation<void>),
    /createTask\(\) needs an Operation, not a Set: pass its operations as an Array, e\.g\. gather\(\[\.\.\.set\]\)/,
  ],
];

for (const [what, call, message] of badTaskArguments) {
  test(`\`taskGroup()\` behaviour: createTask with ${what} is a TypeError; the group goes on`, async (t) => {
    const { result } = await runVirtual(t, function* () {
      return yield* taskGroup(function* (tg) {
        let error: unknown;
        try {
          call(tg);
        } catch (caught) {
          error = caught;
        }
        const task: Task<string> = tg.createTask(sleep(5, "fine"));
        return [error, yield* task];
      });
    });
    t.true(result?.[0] instanceof TypeError);
    t.regex((result?.[0] as Error).message, message);
    t.is(result?.[1], "fine");
  });
}

test("`taskGroup()` behaviour: outside a task it is an InvalidStateError", async (t) => {
  const { result } = await runVirtual(t, function* () {
    let error: unknown;
    getRunningLoop().callSoon(() => {
      try {
        const operation = taskGroup(function* () {});
        operation[Symbol.iterator]().next();
      } catch (caught) {
        error = caught;
      }
    });
    yield* sleep(1);
    return error;
  });
  t.true(result instanceof InvalidStateError);
});
