import test from "ava";
import { BrokenExecutorError, CancelledError, createTask, getRunningLoop, runInExecutor, yieldNow } from "../../lib/index.js";
import { InlineExecutor } from "../../executors/index.js";
import { work } from "../helpers/pool-contract.js";
import { runVirtual } from "../helpers/loop.js";
import { errorOf, settle } from "../helpers/operations.js";

test("`InlineExecutor` behaviour: runs work functions on the loop's thread, with their results and errors", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const inline = new InlineExecutor();
    const sum = yield* runInExecutor(inline, work.task("add"), 2, 3);
    const where = yield* runInExecutor(inline, work.task("whoAmI"));
    const failure = errorOf(yield* settle(runInExecutor(inline, work.task("failWith"), "inline failure")));
    yield* inline.shutdown();
    return { sum, where, failure };
  });
  t.is(result.sum, 5);
  t.is(result.where, `process ${process.pid}`, "the main thread of this process");
  t.true(result.failure instanceof TypeError);
  t.is((result.failure as Error).message, "inline failure");
});

test("`InlineExecutor` behaviour: cancelled before its callback runs, a job never runs; once running, its signal is aborted", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const inline = new InlineExecutor();
    const never = inline.submit(work.task("waitForAbort"), [10_000]);
    never.cancel();
    const running = createTask(runInExecutor(inline, work.task("waitForAbort"), 10_000));
    yield* yieldNow();
    yield* yieldNow();
    running.cancel();
    const outcome = yield* settle(running);
    yield* inline.shutdown(); // waits for the aborted job to end
    return { never: never.cancelled(), outcome, report: yield* runInExecutor(new InlineExecutor(), work.task("lastReport")) };
  });
  t.true(result.never);
  t.true(errorOf(result.outcome) instanceof CancelledError);
  t.is(result.report, "aborted: AbortError, signal.aborted true");
});

test("`InlineExecutor` behaviour: submit() after shutdown() is BrokenExecutorError; shutdown({ wait: false }) fails a running job", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const inline = new InlineExecutor();
    const running = inline.submit(work.task("waitForAbort"), [10_000]);
    yield* yieldNow();
    yield* inline.shutdown({ wait: false });
    let later: unknown;
    try {
      inline.submit(work.task("add"), [1, 1]);
    } catch (error) {
      later = error;
    }
    return { running: errorOf(yield* settle(running)), later, loopAlive: getRunningLoop().isRunning() };
  });
  t.true(result.running instanceof BrokenExecutorError);
  t.true(result.later instanceof BrokenExecutorError);
  t.true(result.loopAlive);
});

test("`InlineExecutor` behaviour: a bad reference is a TypeError", async (t) => {
  await runVirtual(t, function* () {
    const inline = new InlineExecutor();
    t.throws(() => inline.submit((() => 1) as never, []), { instanceOf: TypeError, message: /cannot be sent to another thread/ });
    t.throws(() => inline.submit(work.task("add"), "1, 2" as never), { instanceOf: TypeError });
    yield* inline.shutdown();
  });
});

test("`InlineExecutor.shutdown()` behaviour: waits for jobs submitted but not started; with cancelFutures they are cancelled and never run", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const waiting = new InlineExecutor();
    const queued = waiting.submit(work.task("addLater"), [1, 2, 5]);
    yield* waiting.shutdown();
    const cancelling = new InlineExecutor();
    const dropped = cancelling.submit(work.task("add"), [3, 4]);
    yield* cancelling.shutdown({ cancelFutures: true });
    return { ran: queued.result(), dropped: dropped.cancelled() };
  });
  t.is(result.ran, 3, "shutdown() waited for the job that had not started");
  t.true(result.dropped);
});
