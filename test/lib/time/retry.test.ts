import test from "ava";
import { CancelledError, createTask, getRunningLoop, retry, sleep, timeout } from "../../../lib/index.js";
import type { Coroutine } from "../../../lib/index.js";
import { runVirtual } from "../../helpers/loop.js";
import { errorOf, settle } from "../../helpers/operations.js";

/** An operation that fails `failures` times (logging the loop time of each attempt), then returns "ok". */
function flaky(log: string[], failures: number): () => Coroutine<string> {
  let attempt = 0;
  return function* () {
    attempt++;
    log.push(`attempt ${attempt} at ${getRunningLoop().time()}`);
    yield* sleep(0);
    if (attempt <= failures) throw new Error(`failure ${attempt}`);
    return "ok";
  };
}

test("`retry()` behaviour: tries again with exponential backoff on loop time, and returns the first success", async (t) => {
  const log: string[] = [];
  const { result } = await runVirtual(t, function* () {
    return yield* retry(flaky(log, 3), { attempts: 5 });
  });
  t.is(result, "ok");
  t.deepEqual(log, ["attempt 1 at 0", "attempt 2 at 100", "attempt 3 at 300", "attempt 4 at 700"]);
});

test("`retry()` behaviour: the waits are capped at maxMs; the last error is raised when the attempts are used up", async (t) => {
  const log: string[] = [];
  const { result } = await runVirtual(t, function* () {
    return errorOf(yield* settle(retry(flaky(log, 10), { attempts: 4, backoff: { initialMs: 100, factor: 10, maxMs: 500 } })));
  });
  t.is((result as Error).message, "failure 4");
  t.deepEqual(log, ["attempt 1 at 0", "attempt 2 at 100", "attempt 3 at 600", "attempt 4 at 1100"]);
});

test("`retry()` behaviour: retryIf decides, given the error and the attempt number; a CancelledError is never retried", async (t) => {
  const seen: string[] = [];
  const { result } = await runVirtual(t, function* () {
    const permanent = errorOf(
      yield* settle(
        retry(
          function* () {
            yield* sleep(1);
            throw new RangeError("bad request");
          },
          {
            attempts: 10,
            retryIf: (error, attempt) => {
              seen.push(`${(error as Error).name} #${attempt}`);
              return !(error instanceof RangeError);
            },
          },
        ),
      ),
    );
    let cancelledAttempts = 0;
    const cancelled = errorOf(
      yield* settle(
        retry(
          function* () {
            cancelledAttempts++;
            yield* sleep(1);
            throw new CancelledError({ source: "explicit", message: "from inside" });
          },
          { attempts: 10 },
        ),
      ),
    );
    return { permanent: (permanent as Error).name, cancelled: (cancelled as Error).name, cancelledAttempts };
  });
  t.deepEqual(result, { permanent: "RangeError", cancelled: "CancelledError", cancelledAttempts: 1 });
  t.deepEqual(seen, ["RangeError #1"]);
});

test("`retry()` behaviour: a cancellation during a backoff wait ends it at once", async (t) => {
  const log: string[] = [];
  const { result, endTime } = await runVirtual(t, function* () {
    const outcome = yield* settle(timeout(250, retry(flaky(log, 10), { attempts: 10 })));
    return (errorOf(outcome) as Error).name;
  });
  t.is(result, "TimeoutError");
  t.is(endTime, 250, "the wait from 100 to 300 was cut at 250");
  t.deepEqual(log, ["attempt 1 at 0", "attempt 2 at 100"]);
});

test("`retry()` behaviour: jitter takes up to its fraction off each wait, from the random source given: repeatable", async (t) => {
  const runOnce = async (): Promise<string[]> => {
    const log: string[] = [];
    const draws = [0.5, 0.25, 1 - Number.EPSILON];
    let draw = 0;
    await runVirtual(t, function* () {
      yield* retry(flaky(log, 3), { attempts: 4, backoff: { jitter: 0.5 }, random: () => draws[draw++ % draws.length]! });
    });
    return log;
  };
  const first = await runOnce();
  // Waits: 100 × (1 − 0.5 × 0.5) = 75; 200 × (1 − 0.5 × 0.25) = 175; 400 × (1 − 0.5 × ~1) ≈ 200.
  t.deepEqual(first.slice(0, 3), ["attempt 1 at 0", "attempt 2 at 75", "attempt 3 at 250"]);
  t.regex(first[3]!, /^attempt 4 at 45\d/);
  t.deepEqual(await runOnce(), first);
});

test("`retry()` behaviour: a cancelled task running it stops between attempts, nothing left behind", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const task = createTask(retry(flaky(log, 10), { attempts: Number.POSITIVE_INFINITY }));
    yield* sleep(150);
    task.cancel();
    log.push((errorOf(yield* settle(task)) as Error).name);
  });
  t.deepEqual(log, ["attempt 1 at 0", "attempt 2 at 100", "CancelledError"]);
});

test("`retry()` behaviour: bad arguments are TypeErrors and RangeErrors; a generator object with more than one attempt is refused", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const ok = function* (): Coroutine<number> {
      yield* sleep(1);
      return 1;
    };
    const errors = [
      errorOf(yield* settle(retry(42 as never))),
      errorOf(yield* settle(retry(ok, null as never))),
      errorOf(yield* settle(retry(ok, { attempts: 0 }))),
      errorOf(yield* settle(retry(ok, { attempts: 1.5 }))),
      errorOf(yield* settle(retry(ok, { backoff: { factor: 0.5 } }))),
      errorOf(yield* settle(retry(ok, { backoff: { jitter: 2 } }))),
      errorOf(yield* settle(retry(ok, { retryIf: "yes" as never }))),
      errorOf(yield* settle(retry(ok(), { attempts: 2 }))),
      errorOf(yield* settle(retry((() => 5) as never))),
    ].map((error) => (error as Error).name);
    const once = yield* retry(ok(), { attempts: 1 });
    return { errors, once };
  });
  t.deepEqual(result, {
    errors: ["TypeError", "TypeError", "RangeError", "RangeError", "RangeError", "RangeError", "TypeError", "TypeError", "TypeError"],
    once: 1,
  });
});
