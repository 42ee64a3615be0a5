/**
 * `ensure()`: Effection's `ensure`. Cleanup registered on the current task runs after its body,
 * newest first and shielded, before the task settles, whichever way the body ended.
 */
import test from "ava";
import { CancelledError, ContextVar, createTask, currentTask, ensure, getRunningLoop, run, sleep, taskGroup } from "../../../lib/index.js";
import type { Coroutine, Operation } from "../../../lib/index.js";
import { VirtualSelector } from "../../../selectors/index.js";
import { runReal, runVirtual } from "../../helpers/loop.js";
import { errorOf, settle } from "../../helpers/operations.js";

function now(): number {
  return getRunningLoop().time();
}

/** A cleanup that logs, sleeps `ms` (a suspension the cancelled task must still get through), and logs again. */
function* slowCleanup(log: string[], name: string, ms: number): Coroutine<void> {
  log.push(`${name} begins @${now()}`);
  yield* sleep(ms);
  log.push(`${name} done @${now()}`);
}

test("`ensure()` behaviour: cleanups run after the body returns, newest first, and the task settles after the last", async (t) => {
  const log: string[] = [];
  const { result } = await runVirtual(t, function* () {
    const task = createTask(
      (function* () {
        yield* ensure(() => slowCleanup(log, "first", 5));
        yield* ensure(() => {
          log.push(`second (no suspension) @${now()}`);
        });
        yield* ensure(() => slowCleanup(log, "third", 10));
        yield* sleep(1);
        log.push(`body returns @${now()}`);
        return "value";
      })(),
    );
    const value = yield* task;
    log.push(`awaiter resumed with ${value} @${now()}`);
    return value;
  });
  t.is(result, "value");
  t.deepEqual(log, [
    "body returns @1",
    "third begins @1",
    "third done @11",
    "second (no suspension) @11",
    "first begins @11",
    "first done @16",
    "awaiter resumed with value @16",
  ]);
});

test("`ensure()` behaviour: cleanups run when the body fails, and the task fails with the body's error", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const boom = new Error("boom");
    const outcome = yield* settle(
      createTask(
        (function* () {
          yield* ensure(() => slowCleanup(log, "cleanup", 3));
          yield* sleep(1);
          throw boom;
        })(),
      ),
    );
    t.is(errorOf(outcome), boom);
    log.push(`awaiter resumed @${now()}`);
  });
  t.deepEqual(log, ["cleanup begins @1", "cleanup done @4", "awaiter resumed @4"]);
});

test("`ensure()` behaviour: a cancelled task runs its cleanups to the end (they are shielded), then ends cancelled", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const task = createTask(
      (function* () {
        yield* ensure(() => slowCleanup(log, "cleanup", 20));
        yield* sleep(1000);
      })(),
    );
    yield* sleep(5);
    task.cancel("stop");
    const outcome = yield* settle(task);
    t.true(errorOf(outcome) instanceof CancelledError);
    log.push(`awaiter resumed @${now()}`);
  });
  t.deepEqual(log, ["cleanup begins @5", "cleanup done @25", "awaiter resumed @25"]);
});

test("`ensure()` behaviour: a cancellation while the cleanups run does not cut them short; a body that returned still gives its value", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const task = createTask(
      (function* () {
        yield* ensure(() => slowCleanup(log, "cleanup", 20));
        return "kept";
      })(),
    );
    yield* sleep(10); // the body returned at 0; the cleanup runs until 20
    t.false(task.done(), "the task is not done while its cleanup runs");
    task.cancel("too late");
    t.is(yield* task, "kept");
    log.push(`awaiter resumed @${now()}`);
  });
  t.deepEqual(log, ["cleanup begins @0", "cleanup done @20", "awaiter resumed @20"]);
});

test("`ensure()` behaviour: a failing cleanup replaces a value or a cancellation; the other cleanups still run", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const broken = new Error("cleanup broke");
    const afterValue = yield* settle(
      createTask(
        (function* () {
          yield* ensure(() => {
            log.push("older cleanup ran");
          });
          yield* ensure(() => {
            throw broken;
          });
          return "value";
        })(),
      ),
    );
    t.is(errorOf(afterValue), broken);

    const cancelled = createTask(
      (function* () {
        yield* ensure(function* () {
          yield* sleep(1);
          throw broken;
        });
        yield* sleep(1000);
      })(),
    );
    yield* sleep(1);
    cancelled.cancel();
    t.is(errorOf(yield* settle(cancelled)), broken, "a failure beats a cancellation");
  });
  t.deepEqual(log, ["older cleanup ran"]);
});

test("`ensure()` behaviour: once the task has failed, a later cleanup error is reported to the exception handler, not raised", async (t) => {
  const first = new Error("body failed");
  const second = new Error("cleanup failed");
  const { reports } = await runVirtual(
    t,
    function* () {
      const task = createTask(
        (function* () {
          yield* ensure(() => {
            throw second;
          });
          throw first;
        })(),
        { name: "worker" },
      );
      t.is(errorOf(yield* settle(task)), first);
    },
    { allowReports: true },
  );
  t.is(reports.length, 1);
  t.is(reports[0]?.exception, second);
  t.is(reports[0]?.task?.name, "worker");
  t.regex(reports[0]?.message ?? "", /a cleanup of Task worker failed after the task had already failed/);
});

test("`ensure()` behaviour: a cleanup that registers another gets it run after the current round", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    yield* createTask(
      (function* () {
        yield* ensure(function* () {
          log.push("outer cleanup");
          yield* ensure(() => {
            log.push("registered during cleanup");
          });
        });
        yield* ensure(() => {
          log.push("newest cleanup");
        });
      })(),
    );
  });
  t.deepEqual(log, ["newest cleanup", "outer cleanup", "registered during cleanup"]);
});

test("`ensure()` behaviour: a cleanup returning a Promise is waited for", async (t) => {
  const log: string[] = [];
  await runReal(t, function* () {
    yield* createTask(
      (function* () {
        yield* ensure(async () => {
          await new Promise((resolve) => setImmediate(resolve));
          log.push("promise cleanup settled");
        });
      })(),
    );
    log.push("awaiter resumed");
  });
  t.deepEqual(log, ["promise cleanup settled", "awaiter resumed"]);
});

test("`ensure()` behaviour: a task group waits for its children's cleanups; run() returns after main's", async (t) => {
  const log: string[] = [];
  const result = await run(
    function* () {
      yield* ensure(() => slowCleanup(log, "main's cleanup", 7));
      yield* taskGroup(function* (tg) {
        tg.createTask(
          (function* () {
            yield* ensure(() => slowCleanup(log, "child's cleanup", 4));
          })(),
        );
      });
      log.push(`group done @${now()}`);
      return "main value";
    },
    { selector: new VirtualSelector() },
  );
  t.is(result, "main value");
  t.deepEqual(log, [
    "child's cleanup begins @0",
    "child's cleanup done @4",
    "group done @4",
    "main's cleanup begins @4",
    "main's cleanup done @11",
  ]);
});

test("`ensure()` behaviour: bad input is a TypeError and the loop goes on", async (t) => {
  await runVirtual(t, function* () {
    const notAFunction = errorOf(yield* settle(ensure(42 as unknown as () => void)));
    t.true(notAFunction instanceof TypeError);
    t.regex((notAFunction as Error).message, /ensure\(\) needs a cleanup function: received/);

    const wrongReturn = errorOf(
      yield* settle(
        createTask(
          (function* () {
            yield* ensure(() => 42 as unknown as Operation<void>);
          })(),
        ),
      ),
    );
    t.true(wrongReturn instanceof TypeError);
    t.regex((wrongReturn as Error).message, /returned number: return an Operation, a Promise or nothing/);
    yield* sleep(1);
    t.is(now(), 1, "the loop still runs");
  });
});

test("`ensure()` behaviour: a cleanup runs as the task: its name and its ContextVar values", async (t) => {
  const log: string[] = [];
  const user = new ContextVar<string>("user", { default: "nobody" });
  await runVirtual(t, function* () {
    yield* createTask(
      (function* () {
        user.set("ada");
        yield* ensure(() => {
          log.push(`${currentTask()?.name} cleans up for ${user.get()}`);
        });
      })(),
      { name: "session" },
    );
  });
  t.deepEqual(log, ["session cleans up for ada"]);
});
