import test from "ava";
import {
  BoundedSemaphore,
  CancelScope,
  CancelledError,
  InvalidStateError,
  Semaphore,
  createTask,
  sleep,
  yieldNow,
} from "../../../lib/index.js";
import type { Coroutine, Task } from "../../../lib/index.js";
import { runVirtual } from "../../helpers/loop.js";
import { catching } from "../../helpers/operations.js";

test("`Semaphore` behaviour: value 0 is locked; the default is one permit (CPython test_initial_value_zero, test_semaphore)", async (t) => {
  await runVirtual(t, function* () {
    const zero = new Semaphore(0);
    t.true(zero.locked());
    t.is(zero.value, 0);
    const one = new Semaphore();
    t.false(one.locked());
    t.is(one.value, 1);
    yield* one.acquire();
    t.true(one.locked());
    one.release();
    t.false(one.locked());
  });
});

test("`Semaphore` behaviour: a negative, fractional or non-number value is a RangeError or TypeError (CPython test_semaphore_value)", (t) => {
  t.throws(() => new Semaphore(-1), {
    instanceOf: RangeError,
    message: "Semaphore() needs an initial value that is an integer ≥ 0: received -1",
  });
  t.throws(() => new Semaphore(1.5), { instanceOf: RangeError });
  t.throws(() => new Semaphore(Number.NaN), { instanceOf: RangeError });
  t.throws(() => new BoundedSemaphore(-1), { instanceOf: RangeError, message: /^BoundedSemaphore\(\) needs/ });
  t.throws(() => new Semaphore("2" as unknown as number), { instanceOf: TypeError, message: /received string/ });
});

test("`Semaphore.acquire()` behaviour: permits are taken without waiting, then waiters are served in order (CPython test_acquire)", async (t) => {
  await runVirtual(t, function* () {
    const sem = new Semaphore(3);
    const result: number[] = [];
    yield* sem.acquire();
    yield* sem.acquire();
    t.false(sem.locked());
    function* c(n: number): Coroutine<boolean> {
      yield* sem.acquire();
      result.push(n);
      return true;
    }
    const t1 = createTask(c(1));
    const t2 = createTask(c(2));
    const t3 = createTask(c(3));
    yield* yieldNow();
    t.deepEqual(result, [1]);
    t.true(sem.locked());
    t.is(sem.value, 0);
    const t4 = createTask(c(4));
    sem.release();
    sem.release();
    t.is(sem.value, 0, "each release went to a waiter");
    yield* yieldNow();
    t.deepEqual(result, [1, 2, 3]);
    t.true(sem.locked());
    t.true(yield* t1);
    t.true(yield* t2);
    t.true(yield* t3);
    t.false(t4.done());
    sem.release();
    t.true(yield* t4);
  });
});

test("`Semaphore.acquire()` behaviour: a waiter cancelled while queued takes no permit (CPython test_acquire_cancel)", async (t) => {
  await runVirtual(t, function* () {
    const sem = new Semaphore();
    yield* sem.acquire();
    const acquire = createTask(sem.acquire());
    yield* yieldNow();
    acquire.cancel();
    t.true((yield* catching(acquire)) instanceof CancelledError);
    sem.release();
    t.is(sem.value, 1, "nobody was waiting any more");
  });
});

test("`Semaphore.release()` behaviour: waiters cancelled before the release are skipped; the permit goes to the next one (CPython test_acquire_cancel_before_awoken)", async (t) => {
  await runVirtual(t, function* () {
    const sem = new Semaphore(0);
    const tasks = [1, 2, 3, 4].map(() => createTask(sem.acquire()));
    const [t1, t2, t3, t4] = tasks as [Task<Disposable>, Task<Disposable>, Task<Disposable>, Task<Disposable>];
    yield* yieldNow();
    t1.cancel();
    t2.cancel();
    sem.release();
    yield* yieldNow();
    yield* yieldNow();
    t.true(t3.done() && !t3.cancelled());
    t.false(t4.done());
    t.true(sem.locked());
    t4.cancel();
    for (const task of tasks) yield* catching(task);
    t.true(t1.cancelled() && t2.cancelled() && t4.cancelled());
  });
});

test("`Semaphore.release()` behaviour: a cancelled waiter does not make the next one hang (CPython test_acquire_hang)", async (t) => {
  await runVirtual(t, function* () {
    const sem = new Semaphore(0);
    const t1 = createTask(sem.acquire());
    const t2 = createTask(sem.acquire());
    yield* yieldNow();
    t1.cancel();
    sem.release();
    yield* yieldNow();
    yield* yieldNow();
    t.true(sem.locked());
    t.true(t2.done());
    yield* catching(t1);
    yield* t2;
  });
});

test("`Semaphore.acquire()` behaviour: a waiter cancelled by the holder as it releases leaves the permit free (CPython test_acquire_no_hang)", async (t) => {
  await runVirtual(t, function* () {
    const sem = new Semaphore(1);
    // Declared, not called in place: it refers to t2, created after t1.
    function* holder(): Coroutine<void> {
      {
        using _ = yield* sem.acquire();
        yield* yieldNow();
        t2.cancel(); // before the release at the end of the block
      }
    }
    const t1 = createTask(holder());
    const t2 = createTask(
      (function* () {
        using _ = yield* sem.acquire();
        t.fail("t2 must not get the permit");
      })(),
    );
    t.is(yield* catching(t1), undefined);
    t.true((yield* catching(t2)) instanceof CancelledError);
    t.false(sem.locked());
    yield* sem.acquire();
  });
});

test("`BoundedSemaphore.release()` behaviour: releasing above the initial value is a RangeError, and the semaphore still works (CPython test_release_not_acquired)", async (t) => {
  await runVirtual(t, function* () {
    const sem = new BoundedSemaphore();
    const error = t.throws(() => sem.release(), { instanceOf: RangeError });
    t.regex(error.message, /BoundedSemaphore\.release\(\) was called with all 1 permits already free: release once per acquire\(\)/);
    t.is(sem.value, 1);
    {
      using _ = yield* sem.acquire();
      t.true(sem.locked());
    }
    t.false(sem.locked());
    t.throws(() => sem.release(), { instanceOf: RangeError });
    const zero = new BoundedSemaphore(0);
    t.throws(() => zero.release(), { instanceOf: RangeError });
  });
});

test("`BoundedSemaphore.release()` behaviour: with waiters, each release hands a permit over until the bound", async (t) => {
  await runVirtual(t, function* () {
    const sem = new BoundedSemaphore(2);
    yield* sem.acquire();
    yield* sem.acquire();
    const waiter = createTask(sem.acquire());
    yield* yieldNow();
    sem.release(); // to the waiter
    yield* waiter;
    sem.release();
    sem.release();
    t.is(sem.value, 2);
    t.throws(() => sem.release(), { instanceOf: RangeError });
  });
});

test("`Semaphore.release()` behaviour: without waiters it unlocks (CPython test_release_no_waiters)", async (t) => {
  await runVirtual(t, function* () {
    const sem = new Semaphore();
    yield* sem.acquire();
    t.true(sem.locked());
    sem.release();
    t.false(sem.locked());
    sem.release(); // a plain Semaphore counts beyond its initial value
    t.is(sem.value, 2);
  });
});

test("`Semaphore.acquire()` behaviour: FIFO across re-acquisitions (CPython test_acquire_fifo_order)", async (t) => {
  const result: string[] = [];
  await runVirtual(t, function* () {
    const sem = new Semaphore(1);
    function* coro(tag: string): Coroutine<void> {
      yield* sem.acquire();
      result.push(`${tag}_1`);
      yield* sleep(10);
      sem.release();
      yield* sem.acquire();
      result.push(`${tag}_2`);
      yield* sleep(10);
      sem.release();
    }
    const tasks = [createTask(coro("c1")), createTask(coro("c2")), createTask(coro("c3"))];
    for (const task of tasks) yield* task;
  });
  t.deepEqual(result, ["c1_1", "c2_1", "c3_1", "c1_2", "c2_2", "c3_2"]);
});

test("`Semaphore.release()` behaviour: permits are handed over in arrival order; a task that releases and re-acquires takes only a free permit (CPython test_acquire_fifo_order_2, adapted)", async (t) => {
  const result: number[] = [];
  await runVirtual(t, function* () {
    const sem = new Semaphore(1);
    const t1 = createTask(
      (function* () {
        yield* sem.acquire();
        result.push(1);
      })(),
    );
    const t2 = createTask(
      (function* () {
        yield* sem.acquire();
        result.push(2);
        sem.release();
        yield* sem.acquire();
        result.push(4);
      })(),
    );
    const t3 = createTask(
      (function* () {
        yield* sem.acquire();
        result.push(3);
      })(),
    );
    yield* yieldNow();
    sem.release(); // handed to t2
    sem.release(); // handed to t3: it owns it now, before it runs
    yield* t1;
    yield* t2;
    yield* t3;
    t.is(sem.value, 0, "t1, t2 and t3 each hold one of the three permits");
  });
  // asyncio wakes t3 without giving it the permit, so t2's re-acquire must queue behind it and
  // the order is [1, 2, 3, 4]. Here t3 was handed its permit by the second release; the permit
  // t2 gives back is a free one, and t2 takes it without waiting.
  t.deepEqual(result, [1, 2, 4, 3]);
});

test("`Semaphore.release()` behaviour: permits skip a waiter that was cancelled earlier (CPython test_acquire_fifo_order_3)", async (t) => {
  const result: number[] = [];
  await runVirtual(t, function* () {
    const sem = new Semaphore(0);
    function* c(n: number): Coroutine<void> {
      yield* sem.acquire();
      result.push(n);
    }
    const tasks = [createTask(c(1)), createTask(c(2)), createTask(c(3))];
    yield* yieldNow();
    tasks[0]!.cancel();
    yield* yieldNow();
    sem.release();
    sem.release();
    for (const task of tasks) yield* catching(task);
  });
  t.deepEqual(result, [2, 3]);
});

test("`Semaphore.acquire()` behaviour: a waiter handed a permit and cancelled in the same step keeps it, and `using` gives it back", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const sem = new Semaphore(1);
    yield* sem.acquire();
    const first = createTask(
      (function* () {
        using _ = yield* sem.acquire();
        log.push("first holds a permit");
        yield* sleep(1);
      })(),
    );
    const second = createTask(
      (function* () {
        using _ = yield* sem.acquire();
        log.push("second holds a permit");
      })(),
    );
    yield* yieldNow();
    sem.release(); // to first
    first.cancel();
    t.true((yield* catching(first)) instanceof CancelledError);
    yield* second;
    t.is(sem.value, 1);
  });
  t.deepEqual(log, ["first holds a permit", "second holds a permit"]);
});

test("`Semaphore.acquire()` behaviour: with a free permit it does not suspend, even with a pending cancellation", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const sem = new Semaphore(2);
    const scope = new CancelScope();
    yield* scope.run(function* () {
      scope.cancel();
      using _ = yield* sem.acquire();
      log.push(`took a permit, ${sem.value} left`);
      yield* yieldNow();
      log.push("not reached");
    });
    t.is(sem.value, 2);
  });
  t.deepEqual(log, ["took a permit, 1 left"]);
});

// ---- grants release once (issue 7, defect 8) ---------------------------------------------------

test("`Semaphore.acquire()` behaviour: a grant disposed twice throws InvalidStateError and releases one permit only", async (t) => {
  await runVirtual(t, function* () {
    const semaphore = new Semaphore(2);
    const a = yield* semaphore.acquire();
    const b = yield* semaphore.acquire();
    t.not(a, b, "one grant per acquire");
    t.is(semaphore.value, 0);
    a[Symbol.dispose]();
    t.is(semaphore.value, 1);
    t.throws(() => a[Symbol.dispose](), { instanceOf: InvalidStateError, message: /^a grant of acquire\(\) was disposed twice/ });
    t.is(semaphore.value, 1, "the second dispose released nothing");
    b[Symbol.dispose]();
    t.is(semaphore.value, 2);
  });
});

test("`BoundedSemaphore.acquire()` behaviour: a stale grant cannot over-release: InvalidStateError, not a silent extra permit", async (t) => {
  await runVirtual(t, function* () {
    const semaphore = new BoundedSemaphore(1);
    const grant = yield* semaphore.acquire();
    grant[Symbol.dispose]();
    const holder = yield* semaphore.acquire();
    t.throws(() => grant[Symbol.dispose](), { instanceOf: InvalidStateError });
    t.true(semaphore.locked(), "the current holder keeps its permit");
    holder[Symbol.dispose]();
  });
});
