import test from "ava";
import { CancelScope, CancelledError, Event, createTask, sleep, yieldNow } from "../../../lib/index.js";
import type { Coroutine } from "../../../lib/index.js";
import { runVirtual } from "../../helpers/loop.js";
import { catching } from "../../helpers/operations.js";

test("`Event.wait()` behaviour: set() wakes every waiter in arrival order; a task started after set() does not wait (CPython test_wait)", async (t) => {
  await runVirtual(t, function* () {
    const event = new Event();
    t.false(event.isSet());
    const result: number[] = [];
    function* c(n: number): Coroutine<true> {
      const value = yield* event.wait();
      result.push(n);
      return value;
    }
    const t1 = createTask(c(1));
    const t2 = createTask(c(2));
    yield* yieldNow();
    t.deepEqual(result, []);
    const t3 = createTask(c(3));
    event.set();
    yield* yieldNow();
    t.deepEqual(result, [3, 1, 2]);
    t.true(yield* t1);
    t.true(yield* t2);
    t.true(yield* t3);
  });
});

test("`Event.wait()` behaviour: on a set event it returns true without suspending, even with a pending cancellation (CPython test_wait_on_set)", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const event = new Event();
    event.set();
    const scope = new CancelScope();
    yield* scope.run(function* () {
      scope.cancel();
      t.true(yield* event.wait());
      log.push("returned without suspending");
      yield* yieldNow();
      log.push("not reached");
    });
    t.true(scope.cancelledCaught);
  });
  t.deepEqual(log, ["returned without suspending"]);
});

test("`Event.wait()` behaviour: a waiter cancelled while waiting is withdrawn; set() wakes only the others (CPython test_wait_cancel)", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const event = new Event();
    const cancelled = createTask(event.wait());
    const other = createTask(
      (function* () {
        yield* event.wait();
        log.push("other woken");
      })(),
    );
    yield* yieldNow();
    cancelled.cancel();
    t.true((yield* catching(cancelled)) instanceof CancelledError);
    event.set();
    yield* other;
  });
  t.deepEqual(log, ["other woken"]);
});

test("`Event.clear()` behaviour: resets the flag (CPython test_clear)", async (t) => {
  await runVirtual(t, function* () {
    const event = new Event();
    t.false(event.isSet());
    event.set();
    t.true(event.isSet());
    event.clear();
    t.false(event.isSet());
    event.clear();
    t.false(event.isSet());
  });
});

test("`Event.clear()` behaviour: a waiter woken by set() still returns true after clear(); set() twice wakes it once (CPython test_clear_with_waiters)", async (t) => {
  await runVirtual(t, function* () {
    const event = new Event();
    const result: number[] = [];
    const task = createTask(
      (function* () {
        t.true(yield* event.wait());
        result.push(1);
        return true;
      })(),
    );
    yield* yieldNow();
    t.deepEqual(result, []);
    event.set();
    event.clear();
    t.false(event.isSet());
    event.set();
    event.set();
    yield* yieldNow();
    t.deepEqual(result, [1]);
    t.true(yield* task);
  });
});

test("`Event.wait()` behaviour: after clear(), new waiters wait for the next set()", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const event = new Event();
    event.set();
    event.clear();
    const task = createTask(
      (function* () {
        yield* event.wait();
        log.push("woken at 5");
      })(),
    );
    yield* sleep(5);
    t.false(task.done());
    event.set();
    yield* task;
  });
  t.deepEqual(log, ["woken at 5"]);
});

test("`Event.wait()` behaviour: a waiter woken by set() and cancelled in the same step returns true; the cancellation is raised at its next suspension", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const event = new Event();
    const task = createTask(
      (function* () {
        log.push(`wait returned ${yield* event.wait()}`);
        try {
          yield* yieldNow();
        } catch (error) {
          log.push(`next suspension: ${(error as Error).name}`);
          throw error;
        }
      })(),
    );
    yield* yieldNow();
    event.set();
    task.cancel();
    t.true((yield* catching(task)) instanceof CancelledError);
  });
  t.deepEqual(log, ["wait returned true", "next suspension: CancelledError"]);
});

test("`Event.wait()` behaviour: after hundreds of waits withdrawn by their deadlines, set() still wakes the one waiting", async (t) => {
  await runVirtual(t, function* () {
    const event = new Event();
    const scopeCount = 500;
    for (let i = 0; i < scopeCount; i++) {
      const scope = new CancelScope({ deadline: i + 1 });
      yield* scope.run(event.wait());
      t.true(scope.cancelledCaught);
    }
    const waiter = createTask(event.wait());
    yield* yieldNow();
    event.set();
    t.true(yield* waiter);
  });
});
