/**
 * `CapacityLimiter`, adapted from Trio's test_sync.py (test_CapacityLimiter,
 * test_CapacityLimiter_inf, test_CapacityLimiter_change_total_tokens,
 * test_CapacityLimiter_memleak_548), plus cancellation at every wait.
 */
import test from "ava";
import { CapacityLimiter, InvalidStateError, WouldBlock, createTask, currentTask, sleep, yieldNow } from "../../../lib/index.js";
import type { Task } from "../../../lib/index.js";
import { runVirtual } from "../../helpers/loop.js";
import { errorOf, settle } from "../../helpers/operations.js";

test("`CapacityLimiter` behaviour: tokens, borrowers, statistics; no borrowing twice; fair hand-off (Trio's test_CapacityLimiter)", async (t) => {
  t.throws(() => new CapacityLimiter(1.5), { instanceOf: RangeError });
  t.throws(() => new CapacityLimiter(-1), { instanceOf: RangeError });
  t.throws(() => new CapacityLimiter("2" as never), { instanceOf: TypeError });
  await runVirtual(t, function* () {
    const c = new CapacityLimiter(2);
    t.is(c.totalTokens, 2);
    t.is(c.borrowedTokens, 0);
    t.is(c.availableTokens, 2);
    t.throws(() => c.release(), { instanceOf: InvalidStateError });
    t.is(c.borrowedTokens, 0);
    const mine = c.acquireNowait();
    t.is(c.borrowedTokens, 1);
    t.is(c.availableTokens, 1);
    t.deepEqual(c.statistics(), { borrowedTokens: 1, totalTokens: 2, borrowers: [currentTask()], tasksWaiting: 0 });
    // Can't re-acquire when we already have it.
    t.throws(() => c.acquireNowait(), { instanceOf: InvalidStateError, message: /holds a token already/ });
    t.is(errorOf(yield* settle(c.acquire()))?.constructor, InvalidStateError);
    // We can acquire on behalf of someone else though,
    yield* c.acquireOnBehalfOf("someone");
    // but then we've run out of capacity.
    t.is(c.borrowedTokens, 2);
    t.throws(() => c.acquireOnBehalfOfNowait("third party"), { instanceOf: WouldBlock });
    t.deepEqual(new Set(c.statistics().borrowers), new Set([currentTask(), "someone"]));
    // Until we release one.
    mine[Symbol.dispose]();
    t.deepEqual(c.statistics().borrowers, ["someone"]);
    t.throws(() => mine[Symbol.dispose](), { instanceOf: InvalidStateError, message: /disposed twice/ });
    c.releaseOnBehalfOf("someone");
    t.is(c.borrowedTokens, 0);
    {
      using _held = yield* c.acquire();
      t.is(c.borrowedTokens, 1);
    }
    t.is(c.borrowedTokens, 0);
    yield* c.acquireOnBehalfOf("value 1");
    yield* c.acquireOnBehalfOf("value 2");
    const third = createTask(c.acquireOnBehalfOf("value 3"));
    yield* yieldNow();
    t.is(c.borrowedTokens, 2);
    t.is(c.statistics().tasksWaiting, 1);
    c.releaseOnBehalfOf("value 2");
    // Fairness: the token went to the waiter, not to a newcomer.
    t.is(c.borrowedTokens, 2);
    t.throws(() => c.acquireNowait(), { instanceOf: WouldBlock });
    yield* third;
    c.releaseOnBehalfOf("value 3");
    c.releaseOnBehalfOf("value 1");
    t.is(c.borrowedTokens, 0);
  });
});

test("`CapacityLimiter` behaviour: Infinity tokens (Trio's test_CapacityLimiter_inf)", async (t) => {
  await runVirtual(t, function* () {
    const c = new CapacityLimiter(Number.POSITIVE_INFINITY);
    yield* c.acquireOnBehalfOf("a");
    yield* c.acquireOnBehalfOf("b");
    t.is(c.borrowedTokens, 2);
    t.is(c.availableTokens, Number.POSITIVE_INFINITY);
    c.totalTokens = 1;
    t.is(c.availableTokens, 0);
    c.releaseOnBehalfOf("a");
    c.releaseOnBehalfOf("b");
  });
});

test("`CapacityLimiter.totalTokens` behaviour: raising it wakes waiters at once, lowering waits for tokens to come back (Trio's test_CapacityLimiter_change_total_tokens)", async (t) => {
  await runVirtual(t, function* () {
    const c = new CapacityLimiter(2);
    t.throws(() => (c.totalTokens = 1.5), { instanceOf: RangeError });
    t.throws(() => (c.totalTokens = 0), { instanceOf: RangeError });
    t.is(c.totalTokens, 2);
    const waiters: Task<Disposable>[] = [];
    for (let i = 0; i < 5; i++) waiters.push(createTask(c.acquireOnBehalfOf(i)));
    yield* yieldNow();
    t.is(c.borrowedTokens, 2);
    t.is(c.statistics().tasksWaiting, 3);
    c.totalTokens += 2;
    t.is(c.borrowedTokens, 4);
    t.is(c.statistics().tasksWaiting, 1);
    c.totalTokens = 1;
    t.is(c.borrowedTokens, 4);
    t.is(c.statistics().tasksWaiting, 1);
    c.releaseOnBehalfOf(0);
    c.releaseOnBehalfOf(1);
    c.releaseOnBehalfOf(2);
    t.is(c.borrowedTokens, 1);
    t.is(c.statistics().tasksWaiting, 1, "still one over the new total: no hand-off yet");
    c.releaseOnBehalfOf(3);
    t.is(c.borrowedTokens, 1, "the last waiter got the freed token");
    t.is(c.statistics().tasksWaiting, 0);
    c.releaseOnBehalfOf(4);
    for (const waiter of waiters) yield* waiter;
  });
});

test("`CapacityLimiter.acquire()` behaviour: cancelled while waiting, the task is no borrower and holds nothing (Trio's test_CapacityLimiter_memleak_548)", async (t) => {
  await runVirtual(t, function* () {
    const limiter = new CapacityLimiter(1);
    const held = limiter.acquireOnBehalfOf("holder");
    yield* held;
    const waiter = createTask(limiter.acquire());
    yield* yieldNow();
    t.is(limiter.statistics().tasksWaiting, 1);
    waiter.cancel();
    t.is(errorOf(yield* settle(waiter))?.constructor.name, "CancelledError");
    t.is(limiter.statistics().tasksWaiting, 0);
    t.deepEqual(limiter.statistics().borrowers, ["holder"]);
    limiter.releaseOnBehalfOf("holder");
    t.is(limiter.borrowedTokens, 0, "the withdrawn waiter got nothing");
  });
});

test("`CapacityLimiter.acquire()` behaviour: cancelled right after the hand-off, the task still holds the token, and its using gives it back", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const limiter = new CapacityLimiter(1);
    yield* limiter.acquireOnBehalfOf("holder");
    const worker = createTask(
      (function* () {
        using _token = yield* limiter.acquire();
        log.push(`worker holds a token (${limiter.borrowedTokens} borrowed)`);
        yield* sleep(10); // the pending cancellation is raised here; using gives the token back
      })(),
    );
    yield* yieldNow();
    limiter.releaseOnBehalfOf("holder"); // hands the token to the worker
    worker.cancel(); // before the worker's task runs again
    const outcome = yield* settle(worker);
    log.push(`worker ended with ${(errorOf(outcome) as Error).name}; ${limiter.borrowedTokens} borrowed`);
  });
  t.deepEqual(log, ["worker holds a token (1 borrowed)", "worker ended with CancelledError; 0 borrowed"]);
});

test("`CapacityLimiter` behaviour: outside a task, acquireNowait() and release() are InvalidStateErrors; the OnBehalfOf forms work", (t) => {
  const limiter = new CapacityLimiter(1);
  t.throws(() => limiter.acquireNowait(), { instanceOf: InvalidStateError, message: /must run inside a task/ });
  t.throws(() => limiter.release(), { instanceOf: InvalidStateError });
  using _grant = limiter.acquireOnBehalfOfNowait("job-1");
  t.deepEqual(limiter.statistics().borrowers, ["job-1"]);
});
