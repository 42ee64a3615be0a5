import test from "ava";
import http from "node:http";
import type { AddressInfo } from "node:net";
import {
  CancelledError,
  Semaphore,
  createTask,
  fromAbortable,
  gatherSettled,
  getRunningLoop,
  sleep,
  timeout,
  yieldNow,
} from "../../../lib/index.js";
import { runReal, runVirtual } from "../../helpers/loop.js";
import { errorOf, settle } from "../../helpers/operations.js";
import { until } from "../../helpers/pool-contract.js";

test("`fromAbortable()` behaviour: resolves with the Promise's value; the signal it gave is never aborted", async (t) => {
  let given: AbortSignal | undefined;
  const { result } = await runVirtual(t, function* () {
    return yield* fromAbortable((signal) => {
      given = signal;
      return Promise.resolve("done");
    });
  });
  t.is(result, "done");
  t.false(given?.aborted);
});

test("`fromAbortable()` behaviour: raises the Promise's rejection unchanged", async (t) => {
  const boom = new Error("boom");
  const { result } = await runVirtual(t, function* () {
    return yield* settle(fromAbortable(() => Promise.reject(boom)));
  });
  t.is(errorOf(result), boom);
});

test("`fromAbortable()` behaviour: cancelled while waiting, the signal is aborted with the CancelledError; the task raises it once the work has stopped", async (t) => {
  const log: string[] = [];
  const { result } = await runVirtual(t, function* () {
    let signal: AbortSignal | undefined;
    const waiting = createTask(
      fromAbortable(
        (given) =>
          new Promise<never>((_resolve, reject) => {
            signal = given;
            given.addEventListener("abort", () => {
              log.push("aborted");
              // The work takes 30 ms to wind down, then says it stopped.
              getRunningLoop().callLater(30, () => {
                log.push(`work stopped at ${getRunningLoop().time()}`);
                reject(given.reason as Error);
              });
            });
          }),
      ),
    );
    yield* yieldNow();
    log.push("cancel");
    waiting.cancel("stop");
    const outcome = yield* settle(waiting);
    log.push(`task done at ${getRunningLoop().time()}`);
    return { error: errorOf(outcome), reason: signal?.reason as unknown };
  });
  t.deepEqual(log, ["cancel", "aborted", "work stopped at 30", "task done at 30"]);
  t.true(result.error instanceof CancelledError);
  t.is(result.reason, result.error, "the signal's reason is the task's CancelledError");
});

test("`fromAbortable()` behaviour: an AbortError rejection (the work's own signal) is a CancelledError with that error as cause", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const aborted = new DOMException("the operation was aborted", "AbortError");
    return errorOf(yield* settle(fromAbortable(() => Promise.reject(aborted))));
  });
  t.true(result instanceof CancelledError);
  const error = result as CancelledError;
  t.is(error.reason.source, "abort");
  t.is((error.cause as Error).name, "AbortError");
  t.regex(error.message, /cancelled by abort: the operation was aborted/);
});

test("`fromAbortable()` behaviour: a timeout around it aborts the work at the deadline", async (t) => {
  const log: string[] = [];
  const { endTime } = await runVirtual(t, function* () {
    const outcome = yield* settle(
      timeout(
        50,
        fromAbortable(
          (signal) =>
            new Promise<never>((_resolve, reject) => {
              signal.addEventListener("abort", () => {
                log.push(`aborted at ${getRunningLoop().time()}`);
                reject(signal.reason as Error);
              });
            }),
        ),
      ),
    );
    log.push((errorOf(outcome) as Error).name);
  });
  t.deepEqual(log, ["aborted at 50", "TimeoutError"]);
  t.is(endTime, 50);
});

test("`fromAbortable()` behaviour: bad arguments are TypeErrors; the loop goes on", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const errors = [
      errorOf(yield* settle(fromAbortable(42 as never))),
      errorOf(yield* settle(fromAbortable((() => "not a promise") as never))),
    ].map((error) => `${(error as Error).name}: ${(error as Error).message}`);
    yield* sleep(1);
    return errors;
  });
  t.deepEqual(result, [
    "TypeError: fromAbortable() needs a function (signal) => Promise: received number",
    "TypeError: fromAbortable() needs its function to return a Promise: it returned string",
  ]);
});

test("`fromAbortable()` behaviour: fetch calls limited by a Semaphore(10), each with a timeout, leave nothing running on the server once the program gives up", async (t) => {
  let inFlight = 0; // on the server
  let received = 0;
  let running = 0; // fetch() calls not yet settled, on the client
  let mostAtOnce = 0;
  const server = http.createServer((request) => {
    received++;
    inFlight++;
    request.socket.on("close", () => inFlight--); // never answered: only an abort ends it
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  try {
    const { result } = await runReal(t, function* () {
      const limit = new Semaphore(10);
      const fetchOne = function* (id: number) {
        yield* limit.acquire();
        try {
          // Long enough for the request to reach the server on a loaded machine (at 100 ms, one
          // in twenty sometimes timed out before it was sent): the test is about what the abort ends.
          return yield* timeout(
            1000,
            fromAbortable((signal) => {
              mostAtOnce = Math.max(mostAtOnce, ++running);
              return fetch(`http://127.0.0.1:${port}/${id}`, { signal }).finally(() => running--);
            }),
          );
        } finally {
          limit.release();
        }
      };
      const outcomes = yield* gatherSettled(Array.from({ length: 20 }, (_, id) => fetchOne(id)));
      yield* until(() => inFlight === 0, "the server to see every request end");
      return outcomes.map((outcome) => (outcome.status === "rejected" ? (outcome.reason as Error).name : "fulfilled"));
    });
    t.deepEqual(
      result,
      Array.from({ length: 20 }, () => "TimeoutError"),
    );
    t.is(received, 20);
    t.is(mostAtOnce, 10, "at most 10 fetches running at once: a cancelled one has stopped before its permit is released");
    t.is(inFlight, 0);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});
