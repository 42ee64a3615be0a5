import test from "ava";
import { getEventListeners } from "node:events";
import {
  CancelledError,
  InvalidStateError,
  createTask,
  getRunningLoop,
  moveOnAfter,
  shield,
  sleep,
  useAbortSignal,
  yieldNow,
} from "../../../lib/index.js";
import { runVirtual } from "../../helpers/loop.js";
import { errorOf, settle } from "../../helpers/operations.js";

function* recordAbort(log: string[], name: string): Generator<never, AbortSignal, unknown> {
  const signal = useAbortSignal();
  signal.addEventListener("abort", () => log.push(`${name} aborted at ${getRunningLoop().time()}: ${(signal.reason as Error).name}`));
  return signal;
}

test("`useAbortSignal()` behaviour: aborted with the CancelledError when the task is cancelled; the same signal for every call in a scope", async (t) => {
  const log: string[] = [];
  const { result } = await runVirtual(t, function* () {
    let first: AbortSignal | undefined;
    let same = false;
    const task = createTask(
      (function* () {
        first = yield* recordAbort(log, "task");
        same = useAbortSignal() === first;
        yield* sleep(1_000);
      })(),
    );
    yield* sleep(10);
    task.cancel("enough");
    const outcome = yield* settle(task);
    const error = errorOf(outcome) as CancelledError;
    return { same, reason: (first?.reason as CancelledError).message, error: `${error.name}: ${error.message}` };
  });
  t.deepEqual(result, {
    same: true,
    reason: "cancelled explicitly in task Task-2: enough",
    error: "CancelledError: cancelled explicitly in task Task-2: enough",
  });
  t.deepEqual(log, ["task aborted at 10: CancelledError"]);
});

test("`useAbortSignal()` behaviour: in an inner scope, its deadline aborts it; the outer signal stays; both abort with AbortError when their scope ends", async (t) => {
  const log: string[] = [];
  const { result } = await runVirtual(t, function* () {
    const outer = yield* recordAbort(log, "outer");
    let inner: AbortSignal | undefined;
    yield* moveOnAfter(
      50,
      (function* () {
        inner = yield* recordAbort(log, "inner");
        yield* sleep(1_000);
      })(),
    );
    log.push(`outer aborted after the inner scope: ${String(outer.aborted)}`);
    return { different: inner !== outer };
  });
  t.true(result.different);
  t.deepEqual(log, [
    "inner aborted at 50: CancelledError",
    "outer aborted after the inner scope: false",
    "outer aborted at 50: AbortError",
  ]);
});

test("`useAbortSignal()` behaviour: a shielded scope's signal is not aborted by an outer cancellation", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const task = createTask(
      (function* () {
        yield* recordAbort(log, "outer");
        yield* shield(
          (function* () {
            yield* recordAbort(log, "shielded");
            yield* sleep(100);
            log.push("shielded work done");
          })(),
        );
      })(),
    );
    yield* sleep(10);
    task.cancel();
    yield* settle(task);
  });
  t.deepEqual(log, ["outer aborted at 10: CancelledError", "shielded work done", "shielded aborted at 100: AbortError"]);
});

test("`useAbortSignal()` behaviour: called in a scope already cancelled, the signal is aborted already", async (t) => {
  const { result } = await runVirtual(t, function* () {
    let aborted: boolean | undefined;
    const task = createTask(
      (function* () {
        try {
          yield* sleep(1_000);
        } finally {
          aborted = useAbortSignal().aborted; // in the finally of a cancelled task
        }
      })(),
    );
    yield* yieldNow();
    task.cancel();
    yield* settle(task);
    return aborted;
  });
  t.true(result);
});

test("`useAbortSignal()` behaviour: 100k calls in one task, and 100k tasks calling it, add no listener anywhere", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const root = useAbortSignal();
    let same = true;
    for (let call = 0; call < 100_000; call++) same &&= useAbortSignal() === root;
    const tasks = Array.from({ length: 100_000 }, () =>
      createTask(
        (function* () {
          const signal = useAbortSignal();
          yield* yieldNow();
          return signal.aborted;
        })(),
      ),
    );
    let abortedWhileRunning = 0;
    for (const task of tasks) if (yield* task) abortedWhileRunning++;
    return { same, listeners: getEventListeners(root, "abort").length, abortedWhileRunning };
  });
  t.deepEqual(result, { same: true, listeners: 0, abortedWhileRunning: 0 });
});

test("`useAbortSignal()` behaviour: outside a running task it is an InvalidStateError", (t) => {
  const error = t.throws(() => useAbortSignal(), { instanceOf: InvalidStateError });
  t.regex(error.message, /must be called inside a running task/);
});
