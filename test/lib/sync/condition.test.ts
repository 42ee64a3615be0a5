import test from "ava";
import {
  CancelScope,
  CancelledError,
  Condition,
  InvalidStateError,
  Lock,
  TimeoutError,
  createTask,
  getRunningLoop,
  sleep,
  waitFor,
  yieldNow,
} from "../../../lib/index.js";
import type { Coroutine } from "../../../lib/index.js";
import { runVirtual } from "../../helpers/loop.js";
import { catching } from "../../helpers/operations.js";

test("`Condition.wait()` behaviour: releases the lock while waiting; notified waiters re-acquire it one at a time, in order (CPython test_wait)", async (t) => {
  await runVirtual(t, function* () {
    const cond = new Condition();
    const result: number[] = [];
    function* c(n: number): Coroutine<boolean> {
      yield* cond.acquire();
      t.true(yield* cond.wait());
      result.push(n);
      return true;
    }
    const t1 = createTask(c(1));
    const t2 = createTask(c(2));
    const t3 = createTask(c(3));
    yield* yieldNow();
    t.deepEqual(result, []);
    t.false(cond.locked());

    yield* cond.acquire();
    cond.notify();
    yield* yieldNow();
    t.deepEqual(result, [], "the notified task waits for the lock");
    t.true(cond.locked());

    cond.release();
    yield* yieldNow();
    t.deepEqual(result, [1]);
    t.true(cond.locked(), "held by task 1, which never releases it");

    cond.notify(2);
    yield* yieldNow();
    t.deepEqual(result, [1]);
    cond.release();
    yield* yieldNow();
    t.deepEqual(result, [1, 2]);
    cond.release();
    yield* yieldNow();
    t.deepEqual(result, [1, 2, 3]);
    t.true(cond.locked());
    t.true(yield* t1);
    t.true(yield* t2);
    t.true(yield* t3);
    cond.release();
  });
});

test("`Condition.wait()` behaviour: a waiter cancelled before it is notified raises CancelledError with the lock re-acquired (CPython test_wait_cancel)", async (t) => {
  await runVirtual(t, function* () {
    const cond = new Condition();
    yield* cond.acquire();
    const wait = createTask(cond.wait());
    yield* yieldNow();
    t.false(cond.locked(), "wait() released the lock");
    wait.cancel();
    t.true((yield* catching(wait)) instanceof CancelledError);
    t.true(cond.locked(), "re-acquired before the error propagated");
    cond.release();
    yield* cond.acquire();
    cond.notify(); // nobody is left to wake
    cond.release();
  });
});

test("`Condition.wait()` behaviour: notified, then cancelled while contending for the lock: it still re-acquires and returns true (CPython test_wait_cancel_contested)", async (t) => {
  await runVirtual(t, function* () {
    const cond = new Condition();
    const loop = getRunningLoop();
    yield* cond.acquire();
    const waitTask = createTask(cond.wait());
    yield* yieldNow();
    t.false(cond.locked());
    yield* cond.acquire();
    cond.notify();
    loop.callSoon(() => waitTask.cancel());
    loop.callSoon(() => cond.release());
    t.true(yield* waitTask);
    t.true(cond.locked(), "held by the waiter");
    cond.release();
  });
});

test("`Condition.wait()` behaviour: notified, then cancelled before it re-acquired: wait() returns with the lock, the cancellation comes at the next suspension (CPython test_wait_cancel_after_notify, bpo-32841)", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const cond = new Condition();
    const waiter = createTask(
      (function* () {
        using _ = yield* cond.acquire();
        log.push("waiting");
        log.push(`wait returned ${yield* cond.wait()}, locked ${cond.locked()}`);
        yield* sleep(1);
        log.push("not reached");
      })(),
    );
    yield* yieldNow(); // start waiting
    yield* cond.acquire();
    cond.notify();
    yield* yieldNow(); // the waiter tries to re-acquire
    waiter.cancel();
    yield* yieldNow(); // the re-acquisition is shielded
    t.false(waiter.done());
    cond.release();
    t.true((yield* catching(waiter)) instanceof CancelledError);
    t.false(cond.locked(), "released by the waiter's `using`");
  });
  t.deepEqual(log, ["waiting", "wait returned true, locked true"]);
});

test("`Condition.wait()` behaviour: without the lock it is an InvalidStateError, and the condition still works (CPython test_wait_unacquired)", async (t) => {
  await runVirtual(t, function* () {
    const cond = new Condition();
    const error = yield* catching(cond.wait());
    t.true(error instanceof InvalidStateError);
    t.regex((error as Error).message, /Condition\.wait\(\) was called without holding the lock: acquire it first/);
    t.false(cond.locked());
    const waiter = createTask(
      (function* () {
        using _ = yield* cond.acquire();
        return yield* cond.wait();
      })(),
    );
    yield* yieldNow();
    yield* cond.acquire();
    cond.notify();
    cond.release();
    t.true(yield* waiter);
  });
});

test("`Condition.waitFor()` behaviour: re-checks the predicate after each notification (CPython test_wait_for)", async (t) => {
  await runVirtual(t, function* () {
    const cond = new Condition();
    let presult = false;
    const result: number[] = [];
    const task = createTask(
      (function* () {
        yield* cond.acquire();
        if (yield* cond.waitFor(() => presult)) {
          result.push(1);
          cond.release();
        }
        return true;
      })(),
    );
    yield* yieldNow();
    t.deepEqual(result, []);
    yield* cond.acquire();
    cond.notify();
    cond.release();
    yield* yieldNow();
    t.deepEqual(result, []);
    presult = true;
    yield* cond.acquire();
    cond.notify();
    cond.release();
    yield* yieldNow();
    t.deepEqual(result, [1]);
    t.true(yield* task);
  });
});

test("`Condition.waitFor()` behaviour: a predicate already true returns its value without the lock and without suspending; a false one needs the lock (CPython test_wait_for_unacquired)", async (t) => {
  await runVirtual(t, function* () {
    const cond = new Condition();
    t.deepEqual(yield* cond.waitFor(() => [1, 2, 3]), [1, 2, 3]);
    t.true((yield* catching(cond.waitFor(() => false))) instanceof InvalidStateError);
    t.false(cond.locked());
  });
});

test("`Condition.notify()` behaviour: wakes n waiters, in order; n larger than the waiters is fine (CPython test_notify)", async (t) => {
  await runVirtual(t, function* () {
    const cond = new Condition();
    const result: number[] = [];
    function* c(n: number): Coroutine<boolean> {
      yield* cond.acquire();
      t.true(yield* cond.wait());
      result.push(n);
      cond.release();
      return true;
    }
    const tasks = [createTask(c(1)), createTask(c(2)), createTask(c(3))];
    yield* yieldNow();
    t.deepEqual(result, []);
    yield* cond.acquire();
    cond.notify(1);
    cond.release();
    yield* yieldNow();
    t.deepEqual(result, [1]);
    yield* cond.acquire();
    cond.notify(1);
    cond.notify(2048);
    cond.release();
    yield* yieldNow();
    t.deepEqual(result, [1, 2, 3]);
    for (const task of tasks) t.true(yield* task);
  });
});

test("`Condition.notifyAll()` behaviour: wakes every waiter (CPython test_notify_all)", async (t) => {
  await runVirtual(t, function* () {
    const cond = new Condition();
    const result: number[] = [];
    function* c(n: number): Coroutine<boolean> {
      yield* cond.acquire();
      t.true(yield* cond.wait());
      result.push(n);
      cond.release();
      return true;
    }
    const t1 = createTask(c(1));
    const t2 = createTask(c(2));
    yield* yieldNow();
    yield* cond.acquire();
    cond.notifyAll();
    cond.release();
    yield* yieldNow();
    t.deepEqual(result, [1, 2]);
    t.true(yield* t1);
    t.true(yield* t2);
  });
});

test("`Condition.notify()` behaviour: without the lock it is an InvalidStateError, and so is notifyAll() (CPython test_notify_unacquired)", async (t) => {
  await runVirtual(t, function* () {
    const cond = new Condition();
    const error = t.throws(() => cond.notify(), { instanceOf: InvalidStateError });
    t.regex(error.message, /Condition\.notify\(\) was called without holding the lock/);
    t.throws(() => cond.notifyAll(), {
      instanceOf: InvalidStateError,
      message: /Condition\.notifyAll\(\) was called without holding the lock/,
    });
    yield* cond.acquire();
    cond.notify();
    cond.notifyAll();
    cond.release();
  });
});

test("`Condition.acquire()` behaviour: `using` holds the lock for the block (CPython test_context_manager)", async (t) => {
  await runVirtual(t, function* () {
    const cond = new Condition();
    t.false(cond.locked());
    {
      using _ = yield* cond.acquire();
      t.true(cond.locked());
    }
    t.false(cond.locked());
  });
});

test("`Condition` behaviour: an explicit lock is shared with the condition (CPython test_explicit_lock)", async (t) => {
  await runVirtual(t, function* () {
    function* check(lock: Lock, cond: Condition): Coroutine<void> {
      t.false(lock.locked());
      t.false(cond.locked());
      {
        using _ = yield* cond.acquire();
        t.true(lock.locked());
        t.true(cond.locked());
      }
      t.false(lock.locked());
      {
        using _ = yield* lock.acquire();
        t.true(cond.locked());
      }
      t.false(cond.locked());
    }
    const lock = new Lock();
    yield* check(lock, new Condition(lock));
  });
});

test("`Condition.wait()` behaviour: a timeout around it raises TimeoutError with the lock held again (CPython test_timeout_in_block)", async (t) => {
  await runVirtual(t, function* () {
    const cond = new Condition();
    {
      using _ = yield* cond.acquire();
      t.true((yield* catching(waitFor(cond.wait(), 500))) instanceof TimeoutError);
      t.true(cond.locked());
    }
    t.false(cond.locked());
  });
});

test("`Condition.notify()` behaviour: a waiter cancelled just before the notify is skipped: the notification goes to the next waiter", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const cond = new Condition();
    function* waiter(name: string): Coroutine<void> {
      using _ = yield* cond.acquire();
      yield* cond.wait();
      log.push(`${name} notified`);
    }
    const first = createTask(waiter("first"));
    const second = createTask(waiter("second"));
    yield* yieldNow();
    yield* cond.acquire();
    first.cancel();
    cond.notify(1);
    cond.release();
    t.true((yield* catching(first)) instanceof CancelledError);
    yield* second;
  });
  t.deepEqual(log, ["second notified"]);
});

test("`Condition.notify()` behaviour: a waiter notified and cancelled in the same step keeps the notification and acts on it; the cancellation comes after", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const cond = new Condition();
    const jobs: string[] = [];
    function* consumer(name: string): Coroutine<void> {
      try {
        using _ = yield* cond.acquire();
        const job = yield* cond.waitFor(() => jobs.shift());
        log.push(`${name} took ${job}`);
        yield* sleep(1);
      } catch (error) {
        log.push(`${name}: ${(error as Error).name}`);
        throw error;
      }
    }
    const first = createTask(consumer("first"));
    const second = createTask(consumer("second"));
    yield* yieldNow();
    yield* cond.acquire();
    jobs.push("job-1");
    cond.notify(1);
    first.cancel();
    cond.release();
    t.true((yield* catching(first)) instanceof CancelledError);
    t.deepEqual(jobs, [], "the job was taken, not lost");
    yield* cond.acquire();
    jobs.push("job-2");
    cond.notify(1);
    cond.release();
    yield* second;
  });
  t.deepEqual(log, ["first took job-1", "first: CancelledError", "second took job-2"]);
});

test("`Condition.wait()` behaviour: in an already cancelled scope it raises, after waiting (shielded) for a contender to give the lock back", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const cond = new Condition();
    const contender = createTask(
      (function* () {
        using _ = yield* cond.acquire();
        log.push("contender holds");
        yield* sleep(10);
        log.push("contender releases");
      })(),
    );
    yield* cond.acquire();
    const scope = new CancelScope();
    scope.cancel();
    const error = yield* catching(
      scope.run(function* () {
        try {
          yield* cond.wait();
        } finally {
          log.push(`wait ended at ${getRunningLoop().time()}, locked ${cond.locked()}`);
        }
      }),
    );
    t.is(error, undefined, "the scope absorbed its CancelledError");
    t.true(scope.cancelledCaught);
    cond.release();
    yield* contender;
  });
  t.deepEqual(log, ["contender holds", "contender releases", "wait ended at 10, locked true"]);
});

test("`Condition` behaviour: bad arguments are TypeError or RangeError, and the condition still works", async (t) => {
  await runVirtual(t, function* () {
    t.throws(() => new Condition(42 as unknown as Lock), {
      instanceOf: TypeError,
      message: /Condition\(\) needs a Lock .*: received number/,
    });
    t.throws(() => new Condition(null as unknown as Lock), { instanceOf: TypeError, message: /received null/ });
    const cond = new Condition();
    yield* cond.acquire();
    t.throws(() => cond.notify(-1), { instanceOf: RangeError, message: /Condition\.notify\(\) needs a count ≥ 0: received -1/ });
    t.throws(() => cond.notify(Number.NaN), { instanceOf: RangeError });
    t.throws(() => cond.notify("1" as unknown as number), { instanceOf: TypeError, message: /received string/ });
    const error = yield* catching(cond.waitFor("ready" as unknown as () => boolean));
    t.true(error instanceof TypeError);
    t.regex((error as Error).message, /Condition\.waitFor\(\) needs a predicate function: received string/);
    t.true(cond.locked());
    cond.notify(0);
    cond.release();
    t.false(cond.locked());
  });
});

// ---- grants and wait() (issue 7, defect 8) -----------------------------------------------------

test("`Condition.wait()` behaviour: the caller's grant holds the lock again after wait(), so its `using` releases it once", async (t) => {
  await runVirtual(t, function* () {
    const condition = new Condition();
    const log: string[] = [];
    const waiter = createTask(
      (function* (): Coroutine<void> {
        using _ = yield* condition.acquire();
        yield* condition.wait();
        log.push(`woken, locked=${String(condition.locked())}`);
      })(), // the grant is disposed here: it must release the re-acquired lock
    );
    yield* yieldNow();
    {
      using _ = yield* condition.acquire();
      condition.notify();
    }
    yield* waiter;
    t.deepEqual(log, ["woken, locked=true"]);
    t.false(condition.locked());
  });
});

test("`Condition.wait()` behaviour: cancelled while waiting, the caller's grant still releases the re-acquired lock", async (t) => {
  await runVirtual(t, function* () {
    const condition = new Condition();
    const waiter = createTask(
      (function* (): Coroutine<void> {
        using _ = yield* condition.acquire();
        yield* condition.wait();
      })(),
    );
    yield* yieldNow();
    waiter.cancel();
    t.true((yield* catching(waiter)) instanceof CancelledError);
    t.false(condition.locked());
  });
});
