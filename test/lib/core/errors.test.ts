import test from "ava";
import {
  CancelScope,
  CancelledError,
  InvalidStateError,
  TimeoutError,
  createTask,
  formatCancelReason,
  sleep,
  yieldNow,
} from "../../../lib/index.js";
import type { CancelReason, Coroutine } from "../../../lib/index.js";
import { runVirtual } from "../../helpers/loop.js";

test("`CancelledError` behaviour: defaults to an explicit reason with its message rendered", (t) => {
  const error = new CancelledError();
  t.deepEqual(error.reason, { source: "explicit" });
  t.is(error.message, "cancelled explicitly");
  t.is(error.name, "CancelledError");
  t.is(String(error), "CancelledError: cancelled explicitly");
  t.true(error instanceof CancelledError);
  t.true(error instanceof Error);
  t.false(error instanceof InvalidStateError);
  t.regex(error.stack ?? "", /^CancelledError: cancelled explicitly/);
});

test("`CancelledError` behaviour: the message is rendered from the reason's fields", (t) => {
  const reason: CancelReason = { source: "deadline", scope: "timeout(100)", task: "fetchAll", message: "slow" };
  const error = new CancelledError(reason);
  t.is(error.reason, reason);
  t.is(error.message, "cancelled by deadline of timeout(100) in task fetchAll: slow");
});

test("`CancelledError` behaviour: name lives on the prototype, so it is not an own enumerable field", (t) => {
  const error = new CancelledError({ source: "shutdown" });
  t.false(Object.hasOwn(error, "name"));
  t.is(CancelledError.prototype.name, "CancelledError");
  t.is(error.constructor, CancelledError);
});

test("`TimeoutError` and `InvalidStateError` behaviour: named classes that extend Error", (t) => {
  const timeout = new TimeoutError("too slow", { cause: new CancelledError() });
  t.is(timeout.name, "TimeoutError");
  t.is(String(timeout), "TimeoutError: too slow");
  t.true(timeout instanceof TimeoutError);
  t.true(timeout instanceof Error);
  t.false(timeout instanceof CancelledError);
  t.true(timeout.cause instanceof CancelledError);
  const state = new InvalidStateError("bad state");
  t.is(state.name, "InvalidStateError");
  t.is(String(state), "InvalidStateError: bad state");
  t.true(state instanceof InvalidStateError);
  t.true(state instanceof Error);
  t.false(state instanceof TimeoutError);
});

test("`formatCancelReason()` behaviour: each source reads as a sentence", (t) => {
  t.is(formatCancelReason({ source: "explicit" }), "cancelled explicitly");
  t.is(formatCancelReason({ source: "deadline" }), "cancelled by deadline");
  t.is(formatCancelReason({ source: "task-group" }), "cancelled by task-group");
  t.is(formatCancelReason({ source: "shutdown" }), "cancelled by shutdown");
  t.is(formatCancelReason({ source: "signal" }), "cancelled by signal");
});

test("`formatCancelReason()` behaviour: scope, task and message are appended in that order", (t) => {
  t.is(formatCancelReason({ source: "explicit", task: "Task-3" }), "cancelled explicitly in task Task-3");
  t.is(formatCancelReason({ source: "explicit", message: "stop" }), "cancelled explicitly: stop");
  t.is(formatCancelReason({ source: "deadline", scope: "timeout(100)" }), "cancelled by deadline of timeout(100)");
  t.is(
    formatCancelReason({ message: "user pressed stop", task: "worker", scope: "CancelScope", source: "explicit" }),
    "cancelled explicitly of CancelScope in task worker: user pressed stop",
  );
});

test("`formatCancelReason()` behaviour: an empty message is left out", (t) => {
  t.is(formatCancelReason({ source: "signal", message: "" }), "cancelled by signal");
});

test("`CancelledError` behaviour: task.cancel(message) renders the task's name and the message", async (t) => {
  await runVirtual(t, function* () {
    const task = createTask(sleep(100), { name: "poller" });
    yield* yieldNow();
    task.cancel("shutting down");
    try {
      yield* task;
      t.fail("the task should be cancelled");
    } catch (error) {
      t.true(error instanceof CancelledError);
      const cancelled = error as CancelledError;
      t.deepEqual(cancelled.reason, { source: "explicit", message: "shutting down", task: "poller" });
      t.is(cancelled.message, "cancelled explicitly in task poller: shutting down");
    }
  });
});

test("`CancelledError` behaviour: a deadline renders the scope and the task", async (t) => {
  const seen: CancelledError[] = [];
  await runVirtual(t, function* () {
    const scope = new CancelScope({ deadline: 10 });
    const task = createTask(
      scope.run(function* (): Coroutine<void> {
        try {
          yield* sleep(100);
        } catch (error) {
          if (error instanceof CancelledError) seen.push(error);
          throw error;
        }
      }),
      { name: "slowpoke" },
    );
    yield* task;
  });
  t.is(seen.length, 1);
  t.deepEqual(seen[0]!.reason, { source: "deadline", scope: "CancelScope", task: "slowpoke" });
  t.is(seen[0]!.message, "cancelled by deadline of CancelScope in task slowpoke");
});

test("`CancelledError` behaviour: each suspension in a cancelled scope gets a fresh error with the same reason", async (t) => {
  const seen: CancelledError[] = [];
  await runVirtual(t, function* () {
    const scope = new CancelScope();
    yield* scope.run(function* (self) {
      self.cancel("twice");
      for (let attempt = 0; attempt < 2; attempt++) {
        try {
          yield* yieldNow();
        } catch (error) {
          seen.push(error as CancelledError);
        }
      }
    });
  });
  t.is(seen.length, 2);
  t.not(seen[0], seen[1]);
  t.is(seen[0]!.reason, seen[1]!.reason);
  t.is(seen[0]!.message, seen[1]!.message);
});
