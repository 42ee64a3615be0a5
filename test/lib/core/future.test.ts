import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import test from "ava";
import { CancelledError, Future, InvalidStateError, createTask, currentTask, getRunningLoop, sleep, yieldNow } from "../../../lib/index.js";
import type { Coroutine, EventLoop, Operation } from "../../../lib/index.js";
import { CLEAN, leftovers, runVirtual, virtualLoop } from "../../helpers/loop.js";

function* catching<T>(op: Operation<T>): Coroutine<T | Error> {
  try {
    return yield* op;
  } catch (error) {
    return error as Error;
  }
}

// Compile-time check: Future is covariant in T (a Future<number> is a Future<unknown>) ...
function acceptsAnyFuture(future: Future<unknown>): boolean {
  return future.done();
}
function covariance(future: Future<number>): void {
  const widened: Future<unknown> = future;
  acceptsAnyFuture(future);
  acceptsAnyFuture(widened);
  // ... and not the other way round.
  // @ts-expect-error a Future<unknown> is not a Future<number>
  const narrowed: Future<number> = widened;
  void narrowed;
}

// ---- the state machine -------------------------------------------------------------------------

test("`Future` behaviour: a pending future is not done, and result()/exception() are InvalidStateError", (t) => {
  const { loop, reports } = virtualLoop();
  const future = loop.createFuture<number>();
  t.true(future instanceof Future);
  t.false(future.done());
  t.false(future.cancelled());
  t.throws(() => future.result(), { instanceOf: InvalidStateError, message: /result\(\) was called on a pending Future/ });
  t.throws(() => future.exception(), { instanceOf: InvalidStateError, message: /pending/ });
  future.cancel();
  loop.close();
  t.deepEqual(reports, []);
});

test("`Future.setResult()` behaviour: done with the value; exception() is undefined", (t) => {
  const { loop, reports } = virtualLoop();
  const future = loop.createFuture<{ n: number }>();
  const value = { n: 1 };
  future.setResult(value);
  t.true(future.done());
  t.false(future.cancelled());
  t.is(future.result(), value);
  t.is(future.exception(), undefined);
  loop.close();
  t.deepEqual(reports, []);
});

test("`Future.setException()` behaviour: result() throws the stored error, exception() returns it", (t) => {
  const { loop, reports } = virtualLoop();
  const future = loop.createFuture<number>();
  const error = new Error("failed");
  future.setException(error);
  t.true(future.done());
  t.false(future.cancelled());
  t.is(
    t.throws(() => future.result()),
    error,
  );
  t.is(future.exception(), error);
  loop.close();
  t.deepEqual(reports, [], "the exception was retrieved");
});

test("`Future.cancel()` behaviour: done and cancelled; result() and exception() throw CancelledError with the message", (t) => {
  const { loop, reports } = virtualLoop();
  const future = loop.createFuture<number>();
  t.true(future.cancel("no longer needed"));
  t.true(future.done());
  t.true(future.cancelled());
  const error = t.throws(() => future.result(), { instanceOf: CancelledError });
  t.regex(error.message, /no longer needed/);
  t.is(error.reason.message, "no longer needed");
  t.throws(() => future.exception(), { instanceOf: CancelledError });
  t.false(future.cancel(), "cancelling a done future returns false");
  const plain = loop.createFuture<number>();
  t.true(plain.cancel());
  t.is((t.throws(() => plain.result(), { instanceOf: CancelledError }) as CancelledError | undefined)?.reason.source, "explicit");
  loop.close();
  t.deepEqual(reports, [], "a cancelled future is not a failure to report");
});

test("`Future.cancel()` behaviour: a message that is not a string is a TypeError and the future stays pending", (t) => {
  const { loop, reports } = virtualLoop();
  const future = loop.createFuture<number>();
  for (const bad of [{}, 7, null]) {
    const error = t.throws(() => future.cancel(bad as unknown as string), { instanceOf: TypeError });
    t.regex(error.message, /^Future\.cancel\(\) needs a message string or nothing: received (object|number|null)$/);
  }
  t.false(future.done());
  future.setResult(1);
  t.is(future.result(), 1);
  loop.close();
  t.deepEqual(reports, []);
});

test("`Future.cancel()` behaviour: returns false on a future with a result or an error, which keep their outcome", (t) => {
  const { loop, reports } = virtualLoop();
  const done = loop.createFuture<number>();
  done.setResult(1);
  t.false(done.cancel());
  t.false(done.cancelled());
  t.is(done.result(), 1);
  const failed = loop.createFuture<number>();
  const error = new Error("x");
  failed.setException(error);
  t.false(failed.cancel());
  t.is(failed.exception(), error);
  loop.close();
  t.deepEqual(reports, []);
});

test("`Future.setResult()` behaviour: on a done future it is an InvalidStateError and the outcome is kept", (t) => {
  const { loop, reports } = virtualLoop();
  const withResult = loop.createFuture<number>();
  withResult.setResult(1);
  const withError = loop.createFuture<number>();
  const error = new Error("first");
  withError.setException(error);
  const cancelled = loop.createFuture<number>();
  cancelled.cancel();
  for (const future of [withResult, withError, cancelled]) {
    t.throws(() => future.setResult(2), {
      instanceOf: InvalidStateError,
      message: /setResult\(\) was called on a Future that is already done/,
    });
    t.throws(() => future.setException(new Error("second")), {
      instanceOf: InvalidStateError,
      message: /setException\(\) was called on a Future that is already done/,
    });
  }
  t.is(withResult.result(), 1);
  t.is(withError.exception(), error);
  t.true(cancelled.cancelled());
  loop.close();
  t.deepEqual(reports, []);
});

test("`Future.setException()` behaviour: a CancelledError is a TypeError (use cancel()) and the future stays pending", (t) => {
  const { loop, reports } = virtualLoop();
  const future = loop.createFuture<number>();
  t.throws(() => future.setException(new CancelledError()), { instanceOf: TypeError, message: /call cancel\(\)/ });
  t.false(future.done());
  future.setResult(3);
  t.is(future.result(), 3);
  loop.close();
  t.deepEqual(reports, []);
});

test("`Future` behaviour: constructed without a loop, it uses the running loop; outside one it is an InvalidStateError", async (t) => {
  t.throws(() => new Future<number>(), { instanceOf: InvalidStateError, message: /outside a running event loop/ });
  const { result } = await runVirtual(t, function* () {
    const future = new Future<number>();
    t.is(future._loop, getRunningLoop());
    getRunningLoop().callLater(5, () => future.setResult(5));
    return yield* future;
  });
  t.is(result, 5);
});

// ---- done callbacks --------------------------------------------------------------------------

test("`Future.addDoneCallback()` behaviour: never synchronous; run through callSoon in registration order", async (t) => {
  const { loop, reports } = virtualLoop();
  const future = loop.createFuture<string>();
  const log: string[] = [];
  future.addDoneCallback((f) => log.push(`first ${f.result()}`));
  future.addDoneCallback((f) => log.push(`second ${f === future}`));
  loop.callSoon(() => {
    loop.callSoon(() => log.push("scheduled before the result"));
    future.setResult("ok");
    log.push("setResult returned");
    future.addDoneCallback(() => {
      log.push("added when done");
      loop.stop();
    });
  });
  await loop.runForever();
  t.deepEqual(log, ["setResult returned", "scheduled before the result", "first ok", "second true", "added when done"]);
  t.deepEqual(leftovers(loop), CLEAN);
  loop.close();
  t.deepEqual(reports, []);
});

test("`Future.addDoneCallback()` behaviour: on a done future, scheduled for the next pass", async (t) => {
  const { loop, reports } = virtualLoop();
  const future = loop.createFuture<number>();
  future.cancel();
  const log: string[] = [];
  future.addDoneCallback((f) => log.push(`cancelled=${f.cancelled()}`));
  t.deepEqual(log, [], "not called synchronously");
  t.is(loop._readyCount(), 1);
  loop.callSoon(() => loop.stop());
  await loop.runForever();
  t.deepEqual(log, ["cancelled=true"]);
  loop.close();
  t.deepEqual(reports, []);
});

test("`Future.addDoneCallback()` behaviour: a non-function is a TypeError and nothing is registered", (t) => {
  const { loop, reports } = virtualLoop();
  const future = loop.createFuture<number>();
  for (const bad of [undefined, null, "cb", 1]) {
    t.throws(() => future.addDoneCallback(bad as unknown as () => void), {
      instanceOf: TypeError,
      message: /addDoneCallback\(\) needs a function/,
    });
  }
  future.setResult(1);
  t.is(loop._readyCount(), 0, "no callback was scheduled");
  loop.close();
  t.deepEqual(reports, []);
});

test("`Future.removeDoneCallback()` behaviour: removes every registration and returns how many", async (t) => {
  const { loop, reports } = virtualLoop();
  const future = loop.createFuture<number>();
  const log: string[] = [];
  const twice = (): number => log.push("twice");
  const kept = (): number => log.push("kept");
  const alone = (): number => log.push("alone");
  future.addDoneCallback(twice);
  future.addDoneCallback(kept);
  future.addDoneCallback(twice);
  t.is(future.removeDoneCallback(twice), 2);
  t.is(future.removeDoneCallback(twice), 0);
  t.is(future.removeDoneCallback(alone), 0);
  const single = loop.createFuture<number>();
  single.addDoneCallback(alone);
  t.is(single.removeDoneCallback(alone), 1);
  t.is(single.removeDoneCallback(alone), 0);
  future.setResult(1);
  single.setResult(2);
  loop.callSoon(() => loop.stop());
  await loop.runForever();
  t.deepEqual(log, ["kept"]);
  loop.close();
  t.deepEqual(reports, []);
});

// ---- waiting on a future ----------------------------------------------------------------------

test("`yield* future` behaviour: resumes with the value, or throws the error, once the future is done", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const loop = getRunningLoop();
    const ok = loop.createFuture<string>();
    const bad = loop.createFuture<string>();
    const error = new Error("bad");
    loop.callLater(10, () => ok.setResult("ok"));
    loop.callLater(20, () => bad.setException(error));
    const first = yield* ok;
    const second = yield* catching(bad);
    return [first, loop.time(), second === error] as const;
  });
  t.deepEqual(result, ["ok", 20, true]);
});

test("`yield* future` behaviour: a done future returns (or throws) at once, with no pass", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const loop = getRunningLoop();
    const ok = loop.createFuture<number>();
    ok.setResult(1);
    const bad = loop.createFuture<number>();
    bad.setException(new Error("stored"));
    const cancelled = loop.createFuture<number>();
    cancelled.cancel("gone");
    loop.callSoon(() => log.push("other callback"));
    log.push(`value ${yield* ok}`);
    log.push(`error ${(yield* catching(bad)) instanceof Error}`);
    log.push(`cancelled ${(yield* catching(cancelled)) instanceof CancelledError}`);
    yield* yieldNow();
  });
  t.deepEqual(log, ["value 1", "error true", "cancelled true", "other callback"]);
});

test("`yield* future` behaviour: a done future does not raise a pending cancellation; the next suspension does", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const loop = getRunningLoop();
    const done = loop.createFuture<string>();
    done.setResult("value");
    const task = createTask(
      (function* () {
        currentTask()!.cancel();
        log.push(yield* done);
        try {
          yield* sleep(1);
        } catch (error) {
          log.push(error instanceof CancelledError ? "cancelled at the next suspension" : "other");
          throw error;
        }
      })(),
    );
    yield* catching(task);
    t.true(task.cancelled());
  });
  t.deepEqual(log, ["value", "cancelled at the next suspension"]);
});

test("`yield* future` behaviour: cancelling the waiting task cancels the future", async (t) => {
  await runVirtual(t, function* () {
    const loop = getRunningLoop();
    const future = loop.createFuture<number>();
    const waiter = createTask(
      (function* () {
        return yield* future;
      })(),
    );
    yield* sleep(5);
    t.false(future.done());
    waiter.cancel("stop waiting");
    const outcome = yield* catching(waiter);
    t.true(outcome instanceof CancelledError);
    t.true(future.cancelled(), "the awaited future was cancelled too");
    t.true(waiter.cancelled());
  });
});

test("`yield* future` behaviour: cancelled while queued (before its first step), the task never waits", async (t) => {
  await runVirtual(t, function* () {
    const loop = getRunningLoop();
    const future = loop.createFuture<number>();
    const log: string[] = [];
    const waiter = createTask(
      (function* () {
        log.push("body");
        return yield* future;
      })(),
    );
    waiter.cancel();
    yield* catching(waiter);
    t.deepEqual(log, []);
    t.true(waiter.cancelled());
    t.false(future.done(), "a wait never entered cancels nothing");
    future.cancel();
  });
});

test("`yield* future` behaviour: cancelled right after the hand-off, the task gets the value, then the cancellation", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const loop = getRunningLoop();
    const future = loop.createFuture<string>();
    const waiter = createTask(
      (function* () {
        const value = yield* future;
        log.push(`got ${value}`);
        try {
          yield* sleep(1);
          log.push("not cancelled");
        } catch (error) {
          log.push(`then ${(error as Error).name}`);
          throw error;
        }
      })(),
    );
    yield* sleep(5);
    future.setResult("item");
    waiter.cancel();
    yield* catching(waiter);
    t.false(future.cancelled(), "the value was handed over, not lost");
    t.true(waiter.cancelled());
  });
  t.deepEqual(log, ["got item", "then CancelledError"]);
});

test("`yield* future` behaviour: cancelled during cleanup, an unshielded wait in `finally` raises at once without waiting (level-triggered)", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const loop = getRunningLoop();
    const future = loop.createFuture<number>();
    const cleanup = loop.createFuture<number>();
    const waiter = createTask(
      (function* () {
        try {
          yield* future;
        } finally {
          log.push("cleanup starts");
          try {
            yield* cleanup;
          } catch (error) {
            log.push(`cleanup wait: ${(error as Error).name}`);
          }
        }
      })(),
    );
    yield* sleep(5);
    waiter.cancel();
    yield* catching(waiter);
    t.true(future.cancelled());
    t.false(cleanup.done(), "the wait in cleanup never started, so it cancelled nothing");
    cleanup.cancel();
  });
  t.deepEqual(log, ["cleanup starts", "cleanup wait: CancelledError"]);
});

test("`Future.then()` behaviour: `await future` from async code resolves after the loop sets it", async (t) => {
  const { loop, reports } = virtualLoop();
  const future = loop.createFuture<number>();
  const log: string[] = [];
  const awaited = (async () => {
    const value = await future;
    log.push(`awaited ${value}`);
    return value;
  })();
  await Promise.resolve(); // let `await` subscribe before the loop runs
  loop.callLater(10, () => {
    future.setResult(42);
    log.push("set");
  });
  await loop.runUntilComplete(future);
  t.is(await awaited, 42);
  t.deepEqual(log, ["set", "awaited 42"]);
  const failed = loop.createFuture<number>();
  const error = new Error("async failure");
  failed.setException(error);
  await t.throwsAsync(async () => await failed, { is: error });
  const cancelled = loop.createFuture<number>();
  cancelled.cancel();
  await t.throwsAsync(async () => await cancelled, { instanceOf: CancelledError });
  t.deepEqual(leftovers(loop), CLEAN);
  loop.close();
  t.deepEqual(reports, [], "awaiting the failed future retrieved its exception");
});

// ---- never-retrieved exceptions --------------------------------------------------------------

test("`Future` behaviour: a failed future nobody looked at is reported when the loop closes (no debug mode)", (t) => {
  const { loop, reports } = virtualLoop();
  t.false(loop.debug);
  const future = loop.createFuture<number>();
  const error = new Error("lost");
  future.setException(error);
  loop.close();
  t.is(reports.length, 1);
  t.is(reports[0]!.message, "Future exception was never retrieved");
  t.is(reports[0]!.exception, error);
  t.is(reports[0]!.future, future);
});

test("`Future` behaviour: retrieving the exception, in any way, prevents the report", async (t) => {
  const { loop, reports } = virtualLoop();
  const byResult = loop.createFuture<number>();
  const byException = loop.createFuture<number>();
  const byYield = loop.createFuture<number>();
  const byAwait = loop.createFuture<number>();
  const byRun = loop.createFuture<number>();
  for (const future of [byResult, byException, byYield, byAwait, byRun]) future.setException(new Error("seen"));
  t.throws(() => byResult.result());
  byException.exception();
  await t.throwsAsync(async () => await byAwait);
  await t.throwsAsync(loop.runUntilComplete(byRun));
  await loop.runUntilComplete(
    (function* () {
      yield* catching(byYield);
    })(),
  );
  loop.close();
  t.deepEqual(reports, []);
});

test("`Future` behaviour: a failed future retrieved after the run is not reported", async (t) => {
  const { result, reports } = await runVirtual(t, function* () {
    const loop = getRunningLoop();
    const future = loop.createFuture<number>();
    loop.callLater(5, () => future.setException(new Error("late look")));
    yield* sleep(10);
    return future.exception();
  });
  t.true(result instanceof Error);
  t.deepEqual(reports, []);
});

test("`Future` behaviour: covariance holds at compile time", (t) => {
  const { loop } = virtualLoop();
  const future = loop.createFuture<number>();
  future.setResult(1);
  covariance(future);
  t.true(acceptsAnyFuture(future));
  loop.close();
});

// ---- completed after the loop closed ---------------------------------------------------------

/** One turn of Node's own loop: every Promise reaction that is going to run has run after it. */
function hostTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

test("`Future.setResult()` behaviour: on a future of a closed loop it does not throw; its done callbacks still run, in order, never synchronously", async (t) => {
  const { loop, reports } = virtualLoop();
  const log: string[] = [];
  const withCallbacks = loop.createFuture<string>();
  withCallbacks.addDoneCallback((f) => log.push(`first ${f.result()}`));
  withCallbacks.addDoneCallback(function broken() {
    throw new Error("a done callback failed");
  });
  withCallbacks.addDoneCallback((f) => log.push(`third ${f.result()}`));
  const failing = loop.createFuture<string>();
  failing.addDoneCallback((f) => log.push(`failing ${(f.exception() as Error).message}`));
  const cancelled = loop.createFuture<string>();
  cancelled.addDoneCallback((f) => log.push(`cancelled ${f.cancelled()}`));
  loop.close();
  t.notThrows(() => withCallbacks.setResult("after close"));
  t.notThrows(() => failing.setException(new Error("after close")));
  t.true(cancelled.cancel("after close"));
  t.notThrows(() => withCallbacks.addDoneCallback(() => log.push("added when done, after close")));
  log.push("all returned");
  await hostTurn();
  t.deepEqual(log, [
    "all returned",
    "first after close",
    "third after close",
    "failing after close",
    "cancelled true",
    "added when done, after close",
  ]);
  t.deepEqual(
    reports.map((report) => report.message),
    ["Exception in callback broken"],
    "a failing callback is reported and the others still run",
  );
  t.throws(() => withCallbacks.setResult("twice"), { instanceOf: InvalidStateError }, "it still completes only once");
  t.is(loop._readyCount(), 0, "nothing was queued on the closed loop");
});

test("`Future.then()` behaviour: `await future` after a closed loop's future completed settles at once", async (t) => {
  const { loop, reports } = virtualLoop();
  const future = loop.createFuture<number>();
  future.addDoneCallback(() => {});
  loop.close();
  future.setResult(7);
  t.is(await future, 7);
  const failed = loop.createFuture<number>();
  const error = new Error("late failure");
  failed.setException(error);
  await t.throwsAsync(async () => await failed, { is: error });
  t.deepEqual(reports, []);
});

test("`Future.then()` behaviour: an `await` registered before the loop closed settles when the future completes after close", async (t) => {
  const { loop, reports } = virtualLoop();
  const future = loop.createFuture<number>();
  future.addDoneCallback(() => {}); // registered first, so the await is not the only listener
  let outcome = "pending";
  const awaited = (async () => {
    outcome = `awaited ${await future}`;
  })();
  await hostTurn(); // `await` has subscribed
  loop.close();
  future.setResult(42);
  await hostTurn();
  t.is(outcome, "awaited 42", "the Promise of `await future` settled");
  if (outcome !== "pending") await awaited;
  t.deepEqual(reports, []);
});

// ---- failures nobody retrieved, reported when collected (issue 7, defect 9) --------------------

setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc") as () => void;

/** Collects garbage and gives finalizers a turn until `done()` or 50 rounds. */
async function collectUntil(done: () => boolean): Promise<void> {
  for (let round = 0; round < 50 && !done(); round++) {
    collectGarbage();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Fails a new future of `loop` and drops it (nothing else refers to it). */
function failAndDrop(loop: EventLoop, error: Error): void {
  loop.createFuture<number>().setException(error);
}

test("`Future` behaviour: a failed future collected unretrieved is reported then, not kept until close", async (t) => {
  const { loop, reports } = virtualLoop();
  const error = new Error("lost failure");
  failAndDrop(loop, error);
  await collectUntil(() => reports.length > 0);
  t.deepEqual(
    reports.map((r) => [r.message, r.exception]),
    [["Future exception was never retrieved", error]],
  );
  loop.close();
  t.is(reports.length, 1, "not reported again at close");
});

test("`Future` behaviour: a future that fails after its loop closed is reported when collected", async (t) => {
  const { loop, reports } = virtualLoop();
  const late = (() => {
    const future = loop.createFuture<number>();
    loop.close();
    return new WeakRef(future);
  })();
  const error = new Error("failed after close");
  late.deref()!.setException(error);
  await collectUntil(() => reports.length > 0);
  t.deepEqual(
    reports.map((r) => [r.message, r.exception]),
    [["Future exception was never retrieved", error]],
  );
});

test("`Future` behaviour: a failure retrieved before collection is never reported, even after the collector runs", async (t) => {
  const { loop, reports } = virtualLoop();
  (() => {
    const future = loop.createFuture<number>();
    future.setException(new Error("seen"));
    t.true(future.exception() instanceof Error);
  })();
  let sentinelCollected = false;
  const sentinel = new FinalizationRegistry(() => (sentinelCollected = true));
  sentinel.register({}, 0); // collected in the same cycles as the future
  await collectUntil(() => sentinelCollected);
  t.true(sentinelCollected, "the collector ran");
  loop.close();
  t.deepEqual(reports, []);
});
