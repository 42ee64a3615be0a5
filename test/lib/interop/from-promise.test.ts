import test from "ava";
import { CancelledError, createTask, fromPromise, getRunningLoop, sleep, yieldNow } from "../../../lib/index.js";
import { assertPartialOrder } from "../../helpers/log.js";
import { runVirtual } from "../../helpers/loop.js";
import { settle, errorOf } from "../../helpers/operations.js";

// Virtual time plus real Promises: a Promise settles in a microtask, outside loop time, so
// every test here is exact and never waits on the wall clock.

/** A Promise and the functions that settle it. */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: unknown) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

test("`fromPromise()` behaviour: resolves with the Promise's value", async (t) => {
  const { result } = await runVirtual(t, function* () {
    return yield* fromPromise(Promise.resolve(42));
  });
  t.is(result, 42);
});

test("`fromPromise()` behaviour: raises the Promise's rejection unchanged", async (t) => {
  const boom = new Error("boom");
  const { result: outcome } = await runVirtual(t, function* () {
    return yield* settle(fromPromise(Promise.reject(boom)));
  });
  t.is(errorOf(outcome), boom);
});

test("`fromPromise()` behaviour: waits for a Promise settled later from a loop callback, on loop time", async (t) => {
  const { result, endTime } = await runVirtual(t, function* () {
    const { promise, resolve } = deferred<string>();
    getRunningLoop().callLater(30, () => resolve("later"));
    return yield* fromPromise(promise);
  });
  t.is(result, "later");
  t.is(endTime, 30);
});

test("`fromPromise()` behaviour: a thunk is called only when the operation starts", async (t) => {
  const log: string[] = [];
  const { result } = await runVirtual(t, function* () {
    const op = fromPromise(() => {
      log.push("thunk called");
      return Promise.resolve("from thunk");
    });
    log.push("operation created");
    yield* sleep(10);
    log.push("starting");
    return yield* op;
  });
  t.is(result, "from thunk");
  t.deepEqual(log, ["operation created", "starting", "thunk called"]);
});

test("`fromPromise()` behaviour: a thunk that throws raises its error at the start", async (t) => {
  const boom = new Error("thunk failed");
  const { result: outcome } = await runVirtual(t, function* () {
    return yield* settle(
      fromPromise((): Promise<number> => {
        throw boom;
      }),
    );
  });
  t.is(errorOf(outcome), boom);
});

test("`fromPromise()` behaviour: the resume goes through the ready queue, after a callSoon made when the Promise settled", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const loop = getRunningLoop();
    const { promise, resolve } = deferred<string>();
    // Registered before fromPromise's own reaction, so it runs first, at settlement.
    void promise.then(() => {
      log.push("promise settled");
      loop.callSoon(() => log.push("callSoon from the settlement"));
    });
    loop.callLater(10, () => resolve("value"));
    const value = yield* fromPromise(promise);
    log.push(`resumed with ${value}`);
  });
  // A synchronous resume would log "resumed" before the callSoon ran.
  t.deepEqual(log, ["promise settled", "callSoon from the settlement", "resumed with value"]);
});

test("`fromPromise()` behaviour: an already resolved Promise still resumes through the loop, never synchronously", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const loop = getRunningLoop();
    const promise = Promise.resolve("ready");
    loop.callSoon(() => log.push("callSoon before the wait"));
    queueMicrotask(() => log.push("microtask"));
    const value = yield* fromPromise(promise);
    log.push(`resumed with ${value}`);
  });
  // The loop may hand Node a turn (its time budget) between any two entries, so the callback
  // and the host microtask have no order between them; both come before the resume.
  assertPartialOrder(t, log, [
    ["callSoon before the wait", "resumed with ready"],
    ["microtask", "resumed with ready"],
  ]);
});

test("`fromPromise()` behaviour: a Promise resolved inside a loop callback resumes the task only after the loop's ready work", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const loop = getRunningLoop();
    const { promise, resolve } = deferred<string>();
    loop.callLater(10, () => {
      resolve("value");
      loop.callSoon(() => log.push("callSoon after resolve"));
      log.push("timer callback done");
    });
    const value = yield* fromPromise(promise);
    log.push(`resumed with ${value} at ${loop.time()}`);
  });
  t.deepEqual(log, ["timer callback done", "callSoon after resolve", "resumed with value at 10"]);
});

// ---- cancellation -------------------------------------------------------------------------

test("`fromPromise()` behaviour: cancellation while waiting raises CancelledError at once; the late result is dropped", async (t) => {
  for (const late of ["resolve", "reject"] as const) {
    const log: string[] = [];
    await runVirtual(t, function* () {
      const loop = getRunningLoop();
      const { promise, resolve, reject } = deferred<string>();
      loop.callLater(50, () => {
        if (late === "resolve") resolve("too late");
        else reject(new Error("too late"));
        log.push("promise settled late");
      });
      const task = createTask(
        (function* () {
          try {
            return yield* fromPromise(promise);
          } catch (error) {
            log.push(`caught ${(error as Error).name} at ${loop.time()}`);
            throw error;
          }
        })(),
      );
      yield* sleep(10);
      task.cancel("not needed");
      const outcome = yield* settle(task);
      t.true(errorOf(outcome) instanceof CancelledError);
      t.regex((errorOf(outcome) as Error).message, /not needed/);
      yield* sleep(100); // the late settlement happens, and must leave no trace
      yield* fromPromise(Promise.resolve()); // let its reactions run
    });
    // runVirtual fails the test if the late result or error was reported.
    t.deepEqual(log, ["caught CancelledError at 10", "promise settled late"], late);
  }
});

test("`fromPromise()` behaviour: a task cancelled before it starts never calls the thunk", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const task = createTask(
      fromPromise(() => {
        log.push("thunk called");
        return Promise.resolve(1);
      }),
    );
    task.cancel();
    const outcome = yield* settle(task);
    t.true(errorOf(outcome) instanceof CancelledError);
  });
  t.deepEqual(log, []);
});

test("`fromPromise()` behaviour: a cancellation right after the value was handed over keeps the value", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const { promise, resolve } = deferred<string>();
    const task = createTask(
      (function* () {
        const value = yield* fromPromise(promise);
        log.push(`got ${value}`);
        try {
          yield* yieldNow();
        } catch (error) {
          log.push(`next suspension raised ${(error as Error).name}`);
          throw error;
        }
      })(),
    );
    yield* yieldNow(); // the task is parked on the promise
    // Registered after fromPromise's reaction: the value is handed over first, then the cancel.
    void promise.then(() => task.cancel());
    resolve("handed over");
    const outcome = yield* settle(task);
    t.true(errorOf(outcome) instanceof CancelledError);
  });
  t.deepEqual(log, ["got handed over", "next suspension raised CancelledError"]);
});

// ---- bad arguments ------------------------------------------------------------------------

test("`fromPromise()` behaviour: a non-thenable is a TypeError and the loop goes on", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const cases: Array<[unknown, RegExp]> = [
      [42, /number/],
      [null, /null/],
      [{ then: "not a function" }, /object/],
      [() => 42, /number/],
      [() => undefined, /undefined/],
    ];
    for (const [argument, message] of cases) {
      const error = errorOf(yield* settle(fromPromise(argument as PromiseLike<unknown>)));
      t.true(error instanceof TypeError, String(argument));
      t.regex((error as Error).message, /fromPromise\(\)/);
      t.regex((error as Error).message, message);
    }
    return yield* sleep(5, "loop alive");
  });
  t.is(result, "loop alive");
});
