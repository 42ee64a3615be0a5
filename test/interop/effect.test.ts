/**
 * The Effect bridge with the real effect 4. Effect schedules on the host (its own timers and
 * microtasks), so these tests run on real time, with short waits, and assert order only.
 */
import test from "ava";
import { Effect, Exit } from "effect";
import { CancelledError, createTask, getRunningLoop, shield, sleep, timeout, yieldNow } from "../../lib/index.js";
import { EffectFailure, fromEffect, toEffect } from "../../interop/effect.js";
import { runReal } from "../helpers/loop.js";
import { errorOf, settle } from "../helpers/operations.js";

test("`fromEffect()` behaviour: returns the Effect's value", async (t) => {
  const { result } = await runReal(t, function* () {
    return yield* fromEffect(Effect.map(Effect.succeed(20), (n) => n + 1));
  });
  t.is(result, 21);
});

test("`fromEffect()` behaviour: a failure is an EffectFailure keeping the typed value; a defect is raised as it is", async (t) => {
  class NotFound {
    readonly _tag = "NotFound";
    constructor(readonly id: number) {}
  }
  const boom = new Error("boom");
  const { result } = await runReal(t, function* () {
    const failed = errorOf(yield* settle(fromEffect(Effect.fail(new NotFound(7)))));
    const died = errorOf(yield* settle(fromEffect(Effect.die(boom))));
    return { failed, died };
  });
  t.true(result.failed instanceof EffectFailure);
  const failure = (result.failed as EffectFailure<NotFound>).failure;
  t.is(failure._tag, "NotFound");
  t.is(failure.id, 7);
  t.is(result.died, boom);
});

test("`fromEffect()` behaviour: cancelling the task interrupts the fiber and waits for its finalizers before raising", async (t) => {
  const log: string[] = [];
  const { result } = await runReal(t, function* () {
    const resource = Effect.acquireUseRelease(
      Effect.sync(() => log.push("acquired")),
      () => Effect.never,
      () =>
        Effect.promise(async () => {
          await new Promise((resolve) => setTimeout(resolve, 20)); // a release that takes a while
          log.push("released");
        }),
    );
    const task = createTask(fromEffect(resource));
    while (!log.includes("acquired")) yield* sleep(1);
    task.cancel();
    const outcome = yield* settle(task);
    log.push("task done");
    return errorOf(outcome) instanceof CancelledError;
  });
  t.true(result);
  t.deepEqual(log, ["acquired", "released", "task done"]);
});

test("`fromEffect()` behaviour: an Effect that interrupts itself is a CancelledError; anything but an Effect is a TypeError", async (t) => {
  const { result } = await runReal(t, function* () {
    const interrupted = errorOf(yield* settle(fromEffect(Effect.interrupt)));
    const bad = errorOf(yield* settle(fromEffect(Promise.resolve(1) as never)));
    return [interrupted, bad].map((error) => `${(error as Error).name}: ${(error as Error).message}`);
  });
  t.deepEqual(result, [
    "CancelledError: cancelled by abort: the Effect was interrupted",
    "TypeError: fromEffect() needs an Effect: received object",
  ]);
});

test("`toEffect()` behaviour: the Effect runs the Operation; its error is the Effect's failure", async (t) => {
  const boom = new Error("boom");
  const ok = await Effect.runPromise(
    toEffect(function* () {
      yield* sleep(5);
      return "from yieldio";
    }),
  );
  const failed = await Effect.runPromiseExit(
    toEffect(function* () {
      yield* sleep(1);
      throw boom;
    }),
  );
  t.is(ok, "from yieldio");
  t.true(Exit.isFailure(failed));
  t.deepEqual(failed, Exit.fail(boom));
});

test("`toEffect()` behaviour: interrupting the fiber (Effect.timeout) cancels the task and waits for its finally blocks", async (t) => {
  const log: string[] = [];
  const program = Effect.timeout(
    toEffect(function* () {
      try {
        yield* sleep(60_000);
      } finally {
        yield* shield(sleep(10)); // cleanup that waits (shielded: the task is cancelled); the interruption waits for it
        log.push("finally done");
      }
    }),
    "20 millis",
  );
  const exit = await Effect.runPromiseExit(program);
  log.push("effect done");
  t.true(Exit.isFailure(exit));
  t.deepEqual(log, ["finally done", "effect done"]);
});

test("`toEffect()` behaviour: made inside a loop, runs there; fromEffect reads it back, cancellation crossing both", async (t) => {
  const log: string[] = [];
  await runReal(t, function* () {
    const loop = getRunningLoop();
    const inner = toEffect(function* () {
      log.push(`on the same loop: ${String(getRunningLoop() === loop)}`);
      try {
        yield* sleep(60_000);
      } finally {
        log.push("inner finally");
      }
    });
    const outer = createTask(fromEffect(inner));
    yield* yieldNow();
    const outcome = yield* settle(timeout(20, outer));
    log.push((errorOf(outcome) as Error).name);
  });
  t.deepEqual(log, ["on the same loop: true", "inner finally", "TimeoutError"]);
});

test("`toEffect()` behaviour: anything but an Operation or a function is a TypeError, at once", (t) => {
  t.throws(() => toEffect("crawl" as never), {
    instanceOf: TypeError,
    message: "toEffect() needs an Operation or a function returning one: received string",
  });
});
