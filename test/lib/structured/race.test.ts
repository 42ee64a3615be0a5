import test from "ava";
import { CancelScope, CancelledError, createTask, getRunningLoop, race, shield, sleep, yieldNow } from "../../../lib/index.js";
import type { Coroutine, Operation, Task } from "../../../lib/index.js";
import { runVirtual } from "../../helpers/loop.js";
import { thrownBy, child } from "../../helpers/operations.js";

test("`race()` behaviour: the first to finish wins; the others are cancelled and awaited first", async (t) => {
  const log: string[] = [];
  const { result, endTime } = await runVirtual(t, function* () {
    const winner = yield* race(child(log, "slow", 30), child(log, "fast", 10), child(log, "medium", 20));
    log.push(`race returned ${winner}`);
    return winner;
  });
  t.is(result, "fast");
  t.is(endTime, 10);
  t.deepEqual(log, [
    "fast returned @10",
    "fast finally",
    "slow cancelled @10",
    "slow finally",
    "medium cancelled @10",
    "medium finally",
    "race returned fast",
  ]);
});

test("`race()` behaviour: a first child that fails decides: its error is thrown", async (t) => {
  const log: string[] = [];
  const boom = new Error("boom");
  const { result } = await runVirtual(t, function* () {
    return yield* thrownBy(race(child(log, "slow", 30), child(log, "bad", 10, boom)));
  });
  t.is(result, boom);
  t.deepEqual(log, ["bad finally", "slow cancelled @10", "slow finally"]);
});

test("`race()` behaviour: losers that fail while unwinding do not change the result, and are not reported", async (t) => {
  const { result, reports } = await runVirtual(t, function* () {
    function* failsInCleanup(): Coroutine<string> {
      try {
        yield* sleep(100);
        return "late";
      } finally {
        // eslint-disable-next-line no-unsafe-finally -- on purpose: the test needs cleanup that throws while the coroutine unwinds
        throw new Error("cleanup failed");
      }
    }
    return yield* race(failsInCleanup(), sleep(5, "winner"));
  });
  t.is(result, "winner");
  t.deepEqual(reports, []);
});

test("`race()` behaviour: no operation is a RangeError", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const error = yield* thrownBy(race());
    yield* sleep(1);
    return error;
  });
  t.true(result instanceof RangeError);
  t.regex((result as Error).message, /race\(\) needs at least one operation: received none/);
});

test("`race()` behaviour: a non-Operation argument is a TypeError", async (t) => {
  const { result } = await runVirtual(t, function* () {
    return yield* thrownBy((race as (...a: unknown[]) => Operation<unknown>)(sleep(1), () => 2));
  });
  t.true(result instanceof TypeError);
  t.regex((result as Error).message, /race\(\) was given a function \(anonymous\) at position 1: call it/);
});

test("`race()` behaviour: one Array argument is the same as spreading it", async (t) => {
  const { result } = await runVirtual(t, function* () {
    return yield* race([sleep(3, "c"), sleep(1, "a"), sleep(2, "b")]);
  });
  t.is(result, "a");
});

test("`race()` behaviour: Tasks passed in are awaited, and cancelled when they lose", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const slow = createTask(sleep(100, "slow"));
    const fast = createTask(sleep(10, "fast"));
    const winner = yield* race(slow, fast);
    return [winner, slow.cancelled(), fast.cancelled()];
  });
  t.deepEqual(result, ["fast", true, false]);
});

test("`race()` behaviour: a done Future wins at once; later operations never start", async (t) => {
  const log: string[] = [];
  const { result } = await runVirtual(t, function* () {
    const done = getRunningLoop().createFuture<string>();
    done.setResult("ready");
    return yield* race(done, child(log, "never", 10));
  });
  t.is(result, "ready");
  t.deepEqual(log, []);
});

test("`race()` behaviour: a done Future wins at once; Tasks and Futures passed after it are cancelled and awaited first", async (t) => {
  const log: string[] = [];
  const { result } = await runVirtual(t, function* () {
    const loop = getRunningLoop();
    const done = loop.createFuture<string>();
    done.setResult("ready");
    const loser = createTask(child(log, "loser", 50));
    const pending = loop.createFuture<string>();
    yield* yieldNow(); // the loser is running (parked in its sleep)
    const winner = yield* race(done, loser, pending);
    log.push(`race returned ${winner}; loser done: ${loser.done()}, cancelled: ${loser.cancelled()}`);
    return [loop.time(), pending.cancelled()];
  });
  t.deepEqual(result, [0, true]);
  t.deepEqual(log, ["loser cancelled @0", "loser finally", "race returned ready; loser done: true, cancelled: true"]);
});

test("`race()` behaviour: a Task passed after a done Future that fails while unwinding is not reported", async (t) => {
  const { result, reports } = await runVirtual(t, function* () {
    const done = getRunningLoop().createFuture<string>();
    done.setResult("ready");
    function* failsInCleanup(): Coroutine<string> {
      try {
        yield* sleep(100);
        return "late";
      } finally {
        // eslint-disable-next-line no-unsafe-finally -- on purpose: the test needs cleanup that throws while the coroutine unwinds
        throw new Error("cleanup failed"); // retrieved by the race: dropped, not reported
      }
    }
    const loser = createTask(failsInCleanup());
    yield* yieldNow();
    const winner = yield* race(done, loser);
    return [winner, loser.done()];
  });
  t.deepEqual(result, ["ready", true]);
  t.deepEqual(reports, []);
});

test("`race()` behaviour: cancelling the awaiting task before a winner cancels every child and raises", async (t) => {
  const log: string[] = [];
  const { result, endTime } = await runVirtual(t, function* () {
    const waiter = createTask(race(child(log, "a", 100), child(log, "b", 100)));
    yield* sleep(10);
    waiter.cancel("give up");
    const error = yield* thrownBy(waiter);
    log.push("waiter done");
    return error;
  });
  t.true(result instanceof CancelledError);
  t.regex((result as Error).message, /give up/);
  t.is(endTime, 10);
  t.deepEqual(log, ["a cancelled @10", "a finally", "b cancelled @10", "b finally", "waiter done"]);
});

test("`race()` behaviour: a cancellation while the losers unwind keeps the winner; the next suspension raises", async (t) => {
  const log: string[] = [];
  const { result } = await runVirtual(t, function* () {
    function* slowLoser(): Coroutine<string> {
      try {
        yield* sleep(100);
        return "loser";
      } finally {
        yield* shield(sleep(20));
        log.push(`loser unwound @${getRunningLoop().time()}`);
      }
    }
    const waiter: Task<string> = createTask(
      (function* () {
        const winner = yield* race(slowLoser(), sleep(10, "winner"));
        log.push(`race returned ${winner}`);
        try {
          yield* yieldNow();
        } catch (error) {
          log.push(`next suspension raised ${(error as Error).name}`);
        }
        return winner;
      })(),
    );
    yield* sleep(15); // the winner finished at 10; the loser unwinds until 30
    waiter.cancel();
    return yield* waiter;
  });
  t.is(result, "winner");
  t.deepEqual(log, ["loser unwound @30", "race returned winner", "next suspension raised CancelledError"]);
});

test("`race()` behaviour: interrupted, a loser's real error while unwinding wins over CancelledError", async (t) => {
  const cleanupError = new Error("cleanup failed");
  const { result } = await runVirtual(t, function* () {
    function* failsInCleanup(): Coroutine<void> {
      try {
        yield* sleep(100);
      } finally {
        // eslint-disable-next-line no-unsafe-finally -- on purpose: the test needs cleanup that throws while the coroutine unwinds
        throw cleanupError;
      }
    }
    const waiter = createTask(race(failsInCleanup(), sleep(100)));
    yield* sleep(10);
    waiter.cancel();
    return yield* thrownBy(waiter);
  });
  t.is(result, cleanupError);
});

test("`race()` behaviour: in an already cancelled scope, no operation starts", async (t) => {
  const log: string[] = [];
  const { result } = await runVirtual(t, function* () {
    const scope = new CancelScope();
    scope.cancel();
    yield* scope.run(race(child(log, "a", 10), child(log, "b", 10)));
    return scope.cancelledCaught;
  });
  t.true(result);
  t.deepEqual(log, []);
});
