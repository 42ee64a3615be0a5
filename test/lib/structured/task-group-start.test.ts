/**
 * `TaskGroup.start()`: Trio's `nursery.start`, adapted from Trio's test_nursery_start
 * (test_run.py): the value of started(), an error before started() raised to the caller and
 * not into the group, a child that never says it started, cancellation of the caller while it
 * waits, and errors after started() belonging to the group.
 */
import test from "ava";
import { CancelledError, ExceptionGroup, createTask, getRunningLoop, sleep, taskGroup, yieldNow } from "../../../lib/index.js";
import type { Coroutine, TaskStatus } from "../../../lib/index.js";
import { runVirtual } from "../../helpers/loop.js";
import { errorOf, settle } from "../../helpers/operations.js";

function now(): number {
  return getRunningLoop().time();
}

test("`TaskGroup.start()` behaviour: returns the value given to started(); the child goes on in the group, which waits for it", async (t) => {
  const log: string[] = [];
  const { result } = await runVirtual(t, function* () {
    const grouped = yield* taskGroup(function* (tg) {
      const port = yield* tg.start(function* (status: TaskStatus<number>) {
        yield* sleep(10); // getting ready
        status.started(8080);
        log.push(`child ready at ${now()}`);
        yield* sleep(50);
        log.push(`child done at ${now()}`);
      });
      log.push(`start() returned ${port} at ${now()}`);
      return port;
    });
    log.push(`group done at ${now()}`);
    return grouped;
  });
  t.is(result, 8080);
  t.deepEqual(log, ["child ready at 10", "start() returned 8080 at 10", "child done at 60", "group done at 60"]);
});

test("`TaskGroup.start()` behaviour: an error before started() is raised from start(), not into the group; the body and siblings go on", async (t) => {
  const log: string[] = [];
  const { result } = await runVirtual(t, function* () {
    return yield* taskGroup(function* (tg) {
      tg.createTask(
        (function* () {
          yield* sleep(30);
          log.push("sibling done");
        })(),
      );
      const failed = errorOf(
        yield* settle(
          tg.start(function* () {
            yield* sleep(5);
            throw new Error("could not bind");
          }),
        ),
      );
      log.push(`start() raised ${(failed as Error).message}`);
      return "body done";
    });
  });
  t.is(result, "body done");
  t.deepEqual(log, ["start() raised could not bind", "sibling done"]);
});

test("`TaskGroup.start()` behaviour: a child that returns without calling started() makes start() raise an InvalidStateError", async (t) => {
  const { result } = await runVirtual(t, function* () {
    return yield* taskGroup(function* (tg) {
      const error = errorOf(
        yield* settle(
          tg.start(function* () {
            yield* sleep(1);
          }),
        ),
      );
      return `${(error as Error).name}: ${(error as Error).message}`;
    });
  });
  t.is(result, "InvalidStateError: the child of TaskGroup.start() returned without calling status.started()");
});

test("`TaskGroup.start()` behaviour: cancelled while it waits, the child is cancelled and has unwound when start() raises", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const caller = createTask(
      taskGroup(function* (tg) {
        yield* tg.start(function* (status: TaskStatus<void>) {
          try {
            yield* sleep(1_000);
            status.started();
          } finally {
            log.push(`child unwound at ${now()}`);
          }
        });
        log.push("start() returned (unexpected)");
      }),
    );
    yield* sleep(20);
    caller.cancel();
    const outcome = yield* settle(caller);
    log.push(`caller ended with ${(errorOf(outcome) as Error).name} at ${now()}`);
  });
  t.deepEqual(log, ["child unwound at 20", "caller ended with CancelledError at 20"]);
});

test("`TaskGroup.start()` behaviour: after started(), the child's error is the group's (an ExceptionGroup); started() twice is an InvalidStateError", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const outcome = yield* settle(
      taskGroup(function* (tg) {
        yield* tg.start(function* (status: TaskStatus<string>) {
          status.started("ready");
          yield* sleep(5);
          status.started("again");
        });
        yield* sleep(1_000); // cancelled by the child's failure
      }),
    );
    const group = errorOf(outcome) as ExceptionGroup;
    return { isGroup: group instanceof ExceptionGroup, errors: group.errors.map((error) => (error as Error).name) };
  });
  t.deepEqual(result, { isGroup: true, errors: ["InvalidStateError"] });
});

test("`TaskGroup.start()` behaviour: a group cancelled before started() cancels the child; start() raises its CancelledError", async (t) => {
  const { result } = await runVirtual(t, function* () {
    let raised: unknown;
    yield* taskGroup(function* (tg) {
      tg.createTask(
        (function* () {
          yield* sleep(5);
          tg.cancel();
        })(),
      );
      raised = errorOf(
        yield* settle(
          tg.start(function* (status: TaskStatus<number>) {
            yield* sleep(1_000);
            status.started(1);
          }),
        ),
      );
    });
    return raised instanceof CancelledError;
  });
  t.true(result);
});

test("`TaskGroup.start()` behaviour: bad arguments are TypeErrors; on a finished group an InvalidStateError; the loop goes on", async (t) => {
  const { result } = await runVirtual(t, function* () {
    let leaked: { start: (fn: (status: TaskStatus<number>) => Coroutine<void>) => Coroutine<number> } | undefined;
    const errors = yield* taskGroup(function* (tg) {
      leaked = { start: (fn) => tg.start(fn) };
      return [errorOf(yield* settle(tg.start(42 as never))), errorOf(yield* settle(tg.start((() => "not an operation") as never)))];
    });
    const finished = errorOf(
      yield* settle(
        leaked!.start(function* (status) {
          status.started(1);
        }),
      ),
    );
    yield* yieldNow();
    return [...(errors ?? []), finished].map((error) => (error as Error).name);
  });
  t.deepEqual(result, ["TypeError", "TypeError", "InvalidStateError"]);
});
