import test from "ava";
import { EventEmitter } from "node:events";
import { action, createTask, getRunningLoop, sleep, timeout, yieldNow } from "../../../lib/index.js";
import type { Operation } from "../../../lib/index.js";
import { runVirtual } from "../../helpers/loop.js";
import { errorOf, settle } from "../../helpers/operations.js";

/** The next `name` event of `emitter`, as an action that always removes its listener. */
function nextEvent(emitter: EventEmitter, name: string, log: string[]): Operation<unknown> {
  return action((resolve) => {
    emitter.once(name, resolve);
    return () => {
      emitter.off(name, resolve);
      log.push("teardown");
    };
  });
}

test("`action()` behaviour: resolves with the value given later; the teardown runs after", async (t) => {
  const log: string[] = [];
  const emitter = new EventEmitter();
  const { result } = await runVirtual(t, function* () {
    getRunningLoop().callLater(10, () => emitter.emit("ready", "value"));
    const value = yield* nextEvent(emitter, "ready", log);
    log.push(`got ${String(value)}`);
    return emitter.listenerCount("ready");
  });
  t.is(result, 0);
  t.deepEqual(log, ["teardown", "got value"]);
});

test("`action()` behaviour: a resolve or reject inside the executor counts; only the first call counts; a rejection is thrown after the teardown", async (t) => {
  const log: string[] = [];
  const boom = new Error("boom");
  const { result } = await runVirtual(t, function* () {
    const now = yield* action<string>((resolve, reject) => {
      resolve("at once");
      resolve("ignored");
      reject(boom);
      return () => log.push("teardown 1");
    });
    const failed = errorOf(
      yield* settle(
        action<string>((_resolve, reject) => {
          getRunningLoop().callLater(5, () => reject(boom));
          return () => log.push("teardown 2");
        }),
      ),
    );
    return { now, failed };
  });
  t.deepEqual(result, { now: "at once", failed: boom });
  t.deepEqual(log, ["teardown 1", "teardown 2"]);
});

test("`action()` behaviour: cancelled (here by a timeout), the teardown runs and a late resolve is ignored", async (t) => {
  const log: string[] = [];
  const emitter = new EventEmitter();
  const { result } = await runVirtual(t, function* () {
    const outcome = yield* settle(timeout(20, nextEvent(emitter, "never", log)));
    emitter.emit("never", "late");
    const waiting = createTask(nextEvent(emitter, "other", log));
    yield* yieldNow();
    waiting.cancel();
    const cancelled = errorOf(yield* settle(waiting));
    yield* sleep(1);
    return {
      timedOut: (errorOf(outcome) as Error).name,
      cancelled: (cancelled as Error).name,
      listeners: emitter.listenerCount("never") + emitter.listenerCount("other"),
    };
  });
  t.deepEqual(result, { timedOut: "TimeoutError", cancelled: "CancelledError", listeners: 0 });
  t.deepEqual(log, ["teardown", "teardown"]);
});

test("`action()` behaviour: bad executors are TypeErrors; an executor that throws runs no teardown and its error is raised", async (t) => {
  const { result } = await runVirtual(t, function* () {
    return [
      errorOf(yield* settle(action(42 as never))),
      errorOf(yield* settle(action((() => "not a function") as never))),
      errorOf(
        yield* settle(
          action(() => {
            throw new RangeError("bad start");
          }),
        ),
      ),
    ].map((error) => `${(error as Error).name}: ${(error as Error).message}`);
  });
  t.deepEqual(result, [
    "TypeError: action() needs an executor function: received number",
    "TypeError: action()'s executor must return a teardown function or nothing: it returned string",
    "RangeError: bad start",
  ]);
});
