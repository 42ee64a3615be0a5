import test from "ava";
import { CancelScope, CancelledError, Queue, createTask, gatherSettled, getRunningLoop, sleep, yieldNow } from "../../../lib/index.js";
import type { Operation, SettledResult } from "../../../lib/index.js";
import { runVirtual } from "../../helpers/loop.js";
import { thrownBy, child } from "../../helpers/operations.js";

test("`gatherSettled()` behaviour: every outcome in argument order; a failure cancels nothing", async (t) => {
  const log: string[] = [];
  const boom = new Error("boom");
  const { result, endTime, reports } = await runVirtual(t, function* () {
    return yield* gatherSettled(child(log, "a", 30), child(log, "b", 10, boom), child(log, "c", 20));
  });
  t.deepEqual(result, [
    { status: "fulfilled", value: "a" },
    { status: "rejected", reason: boom },
    { status: "fulfilled", value: "c" },
  ]);
  t.is(endTime, 30);
  t.deepEqual(log, ["b finally", "c returned @20", "c finally", "a returned @30", "a finally"]);
  t.deepEqual(reports, []); // the failure was handed over, not left unretrieved
});

test("`gatherSettled()` behaviour: a child cancelled by someone else is rejected with CancelledError", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const victim = createTask(sleep(100, "never"));
    getRunningLoop().callLater(10, () => victim.cancel("not needed"));
    return yield* gatherSettled(victim, sleep(20, "ok"));
  });
  t.is(result[0].status, "rejected");
  t.true((result[0] as { reason: unknown }).reason instanceof CancelledError);
  t.deepEqual(result[1], { status: "fulfilled", value: "ok" });
});

test("`gatherSettled()` behaviour: no arguments returns []", async (t) => {
  const { result } = await runVirtual(t, function* () {
    return yield* gatherSettled();
  });
  t.deepEqual(result, []);
});

test("`gatherSettled()` behaviour: one Array argument is the same as spreading it", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const outcomes = yield* gatherSettled([sleep(2, 1), sleep(1, 2)]);
    return outcomes.map((outcome: SettledResult<number>) => (outcome.status === "fulfilled" ? outcome.value : -1));
  });
  t.deepEqual(result, [1, 2]);
});

test("`gatherSettled()` behaviour: cancelling the awaiting task cancels and awaits every child, then raises", async (t) => {
  const log: string[] = [];
  const { result, endTime } = await runVirtual(t, function* () {
    const passedIn = createTask(child(log, "passed-in", 100));
    const waiter = createTask(gatherSettled(child(log, "a", 100), passedIn));
    yield* sleep(10);
    waiter.cancel("stop");
    const error = yield* thrownBy(waiter);
    log.push("waiter done");
    return error;
  });
  t.true(result instanceof CancelledError);
  t.is(endTime, 10);
  t.deepEqual(log, ["a cancelled @10", "a finally", "passed-in cancelled @10", "passed-in finally", "waiter done"]);
});

test("`gatherSettled()` behaviour: in an already cancelled scope, operations never start and Tasks passed in are cancelled", async (t) => {
  const log: string[] = [];
  const { result } = await runVirtual(t, function* () {
    const passedIn = createTask(child(log, "passed-in", 100));
    yield* yieldNow(); // it is running (parked in its sleep)
    const scope = new CancelScope();
    scope.cancel();
    yield* scope.run(gatherSettled(child(log, "never", 10), passedIn));
    return [scope.cancelledCaught, passedIn.cancelled()];
  });
  t.deepEqual(result, [true, true]);
  t.deepEqual(log, ["passed-in cancelled @0", "passed-in finally"]);
});

test("`gatherSettled()` behaviour: the same Task twice gives its outcome twice", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const failing = createTask(child([], "x", 5, new RangeError("x")));
    return yield* gatherSettled(failing, failing);
  });
  t.is(result[0].status, "rejected");
  t.is((result[0] as { reason: unknown }).reason, (result[1] as { reason: unknown }).reason);
});

test("`gatherSettled()` behaviour: `queue.get()` twice takes two items", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const queue = new Queue<string>();
    queue.putNowait("a");
    queue.putNowait("b");
    const outcomes = yield* gatherSettled(queue.get(), queue.get());
    return [outcomes, queue.qsize()];
  });
  t.deepEqual(result, [
    [
      { status: "fulfilled", value: "a" },
      { status: "fulfilled", value: "b" },
    ],
    0,
  ]);
});

test("`gatherSettled()` behaviour: an Operation whose [Symbol.iterator]() throws is rejected with that error; the others run on", async (t) => {
  const log: string[] = [];
  const broken = new Error("iterator() failed");
  const { result, endTime } = await runVirtual(t, function* () {
    const bad: Operation<string> = {
      [Symbol.iterator]() {
        throw broken;
      },
    };
    return yield* gatherSettled(child(log, "a", 10), bad);
  });
  t.deepEqual(result, [
    { status: "fulfilled", value: "a" },
    { status: "rejected", reason: broken },
  ]);
  t.is(endTime, 10);
  t.deepEqual(log, ["a returned @10", "a finally"]);
});

test("`gatherSettled()` behaviour: a non-Operation argument is a TypeError", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const error = yield* thrownBy((gatherSettled as (...a: unknown[]) => Operation<unknown>)(sleep(1), Promise.resolve(2)));
    yield* sleep(1);
    return error;
  });
  t.true(result instanceof TypeError);
  t.regex(
    (result as Error).message,
    /gatherSettled\(\) was given a Promise at position 1: wrap it as an Operation with fromPromise\(promise\)/,
  );
});
