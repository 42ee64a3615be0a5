import test from "ava";
import {
  CancelScope,
  CancelledError,
  InvalidStateError,
  Lock,
  createTask,
  getCurrentTask,
  getRunningLoop,
  sleep,
  yieldNow,
} from "../../../lib/index.js";
import type { Coroutine, Operation } from "../../../lib/index.js";
import { runVirtual } from "../../helpers/loop.js";
import { catching } from "../../helpers/operations.js";

/** Gives way for `n` passes. */
function* passes(n: number): Coroutine<void> {
  for (let i = 0; i < n; i++) yield* yieldNow();
}

test("`Lock` behaviour: acquire() locks, release() unlocks", async (t) => {
  await runVirtual(t, function* () {
    const lock = new Lock();
    t.false(lock.locked());
    const held = yield* lock.acquire();
    t.is(typeof held[Symbol.dispose], "function");
    t.true(lock.locked());
    lock.release();
    t.false(lock.locked());
  });
});

test("`Lock.acquire()` behaviour: waiters get the lock in arrival order (CPython test_acquire)", async (t) => {
  await runVirtual(t, function* () {
    const lock = new Lock();
    const result: number[] = [];
    yield* lock.acquire();
    function* c(n: number): Coroutine<boolean> {
      yield* lock.acquire();
      result.push(n);
      return true;
    }
    const t1 = createTask(c(1));
    const t2 = createTask(c(2));
    yield* yieldNow();
    t.deepEqual(result, []);
    lock.release();
    yield* yieldNow();
    t.deepEqual(result, [1]);
    yield* yieldNow();
    t.deepEqual(result, [1]);
    const t3 = createTask(c(3));
    lock.release();
    yield* yieldNow();
    t.deepEqual(result, [1, 2]);
    lock.release();
    yield* yieldNow();
    t.deepEqual(result, [1, 2, 3]);
    t.true(yield* t1);
    t.true(yield* t2);
    t.true(yield* t3);
    lock.release();
  });
});

test("`Lock.acquire()` behaviour: uncontended, it does not suspend (other tasks do not run, a pending cancellation is not raised)", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const lock = new Lock();
    createTask(
      (function* () {
        log.push("other task ran");
      })(),
    );
    const me = yield* getCurrentTask();
    const scope = new CancelScope();
    yield* scope.run(function* () {
      scope.cancel();
      yield* lock.acquire();
      log.push("acquired without suspending");
      lock.release();
      log.push("next suspension");
      yield* yieldNow();
      log.push("not reached");
    });
    t.true(scope.cancelledCaught);
    t.is(me.cancelling(), 0);
    yield* yieldNow();
  });
  t.deepEqual(log, ["acquired without suspending", "next suspension", "other task ran"]);
});

test("`Lock.acquire()` behaviour: a waiter cancelled while queued is withdrawn and never holds the lock (CPython test_acquire_cancel)", async (t) => {
  await runVirtual(t, function* () {
    const lock = new Lock();
    yield* lock.acquire();
    const task = createTask(lock.acquire());
    yield* yieldNow();
    task.cancel();
    t.true((yield* catching(task)) instanceof CancelledError);
    lock.release();
    t.false(lock.locked(), "no waiter was left to hand the lock to");
  });
});

test("`Lock.release()` behaviour: a waiter cancelled in the same step as the release is skipped; the next one gets the lock (CPython test_cancel_race)", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const lock = new Lock();
    function* lockit(name: string, blocker: Operation<unknown> | undefined): Coroutine<void> {
      using _ = yield* lock.acquire();
      log.push(`${name} holds`);
      if (blocker !== undefined) yield* blocker;
    }
    const fa = getRunningLoop().createFuture<void>();
    const ta = createTask(lockit("A", fa));
    yield* yieldNow();
    t.true(lock.locked());
    const tb = createTask(lockit("B", undefined));
    const tc = createTask(lockit("C", undefined));
    yield* yieldNow();
    fa.setResult(); // A is scheduled to release...
    tb.cancel(); // ...and B is withdrawn before A runs
    yield* passes(2);
    t.true(ta.done());
    t.true(tb.cancelled());
    t.true(tc.done());
    t.false(lock.locked());
  });
  t.deepEqual(log, ["A holds", "C holds"]);
});

test("`Lock.release()` behaviour: cancel then release in one step takes the lock exactly once (CPython test_cancel_release_race)", async (t) => {
  await runVirtual(t, function* () {
    const lock = new Lock();
    let lockCount = 0;
    function* lockit(): Coroutine<void> {
      yield* lock.acquire();
      lockCount++;
    }
    yield* lock.acquire();
    const t1 = createTask(lockit());
    const t2 = createTask(lockit());
    const t3 = createTask(lockit());
    yield* yieldNow();
    t1.cancel();
    lock.release();
    t.true((yield* catching(t1)) instanceof CancelledError);
    yield* t2;
    t.is(lockCount, 1);
    t.true(lock.locked());
    t.false(t3.done());
    t3.cancel();
    t.true((yield* catching(t3)) instanceof CancelledError);
    t.true(lock.locked(), "held by t2, which never released it");
  });
});

test("`Lock.release()` behaviour: a waiter handed the lock and cancelled in the same step keeps it and passes it on through `using` (CPython test_finished_waiter_cancelled)", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const lock = new Lock();
    function* lockit(name: string): Coroutine<void> {
      try {
        using _ = yield* lock.acquire();
        log.push(`${name} acquired`);
        yield* sleep(1);
        log.push(`${name} not reached`);
      } catch (error) {
        log.push(`${name}: ${(error as Error).name}`);
        throw error;
      }
    }
    yield* lock.acquire();
    const tb = createTask(lockit("B"));
    yield* yieldNow();
    const tc = createTask(lockit("C"));
    lock.release(); // hands the lock to B
    tb.cancel(); // in the same step: B keeps the grant
    t.true(lock.locked());
    t.true((yield* catching(tb)) instanceof CancelledError);
    t.true(tb.cancelled());
    yield* tc;
    t.false(lock.locked());
  });
  t.deepEqual(log, ["B acquired", "B: CancelledError", "C acquired", "C not reached"]);
});

test("`Lock.release()` behaviour: hands the lock straight to the first waiter; a newcomer in the same step does not barge", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const lock = new Lock();
    function* holder(name: string): Coroutine<void> {
      using _ = yield* lock.acquire();
      log.push(`${name} holds`);
      yield* yieldNow();
    }
    yield* lock.acquire();
    const waiter = createTask(holder("waiter"));
    yield* yieldNow();
    lock.release();
    t.true(lock.locked(), "the lock stays locked: it belongs to the woken waiter");
    const newcomer = createTask(holder("newcomer"), { eager: true });
    t.false(newcomer.done());
    yield* waiter;
    yield* newcomer;
    t.false(lock.locked());
  });
  t.deepEqual(log, ["waiter holds", "newcomer holds"]);
});

test("`Lock.acquire()` behaviour: `using` releases on return, on error and on cancellation", async (t) => {
  await runVirtual(t, function* () {
    const lock = new Lock();
    function* body(ending: "return" | "throw" | "park"): Coroutine<string> {
      using _ = yield* lock.acquire();
      t.true(lock.locked());
      if (ending === "throw") throw new Error("boom");
      if (ending === "park") yield* sleep(1000);
      return "returned";
    }
    t.is(yield* body("return"), "returned");
    t.false(lock.locked());
    t.is(((yield* catching(body("throw"))) as Error).message, "boom");
    t.false(lock.locked());
    const parked = createTask(body("park"));
    yield* sleep(1);
    t.true(lock.locked());
    parked.cancel();
    t.true((yield* catching(parked)) instanceof CancelledError);
    t.false(lock.locked());
  });
});

test("`Lock.acquire()` behaviour: a holder cancelled while it holds passes the lock to the next waiter", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const lock = new Lock();
    function* worker(name: string): Coroutine<void> {
      using _ = yield* lock.acquire();
      log.push(`${name} holds`);
      yield* sleep(10);
      log.push(`${name} done`);
    }
    const first = createTask(worker("first"));
    const second = createTask(worker("second"));
    yield* sleep(5);
    first.cancel();
    t.true((yield* catching(first)) instanceof CancelledError);
    yield* second;
  });
  t.deepEqual(log, ["first holds", "second holds", "second done"]);
});

test("`Lock.acquire()` behaviour: resolves to a new grant each time; disposing it releases", async (t) => {
  await runVirtual(t, function* () {
    const lock = new Lock();
    const a = yield* lock.acquire();
    a[Symbol.dispose]();
    t.false(lock.locked());
    const b = yield* lock.acquire();
    t.not(a, b, "a grant stands for one acquire");
    b[Symbol.dispose]();
    t.false(lock.locked());
  });
});

test("`Lock.acquire()` behaviour: one Operation object can be run by several tasks at once", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const lock = new Lock();
    const op = lock.acquire();
    const tasks = [1, 2, 3].map((n) =>
      createTask(
        (function* () {
          yield* op;
          log.push(`task ${n} holds`);
          yield* sleep(1);
          lock.release();
        })(),
      ),
    );
    for (const task of tasks) yield* task;
  });
  t.deepEqual(log, ["task 1 holds", "task 2 holds", "task 3 holds"]);
});

test("`Lock.release()` behaviour: releasing an unlocked lock is an InvalidStateError, and the lock still works", async (t) => {
  await runVirtual(t, function* () {
    const lock = new Lock();
    const error = t.throws(() => lock.release(), { instanceOf: InvalidStateError });
    t.regex(error.message, /Lock\.release\(\) was called on a lock that is not locked: release it once per acquire\(\)/);
    yield* lock.acquire();
    lock.release();
    t.throws(() => lock.release(), { instanceOf: InvalidStateError });
    t.false(lock.locked());
    yield* lock.acquire();
    t.true(lock.locked());
    lock.release();
  });
});

test("`Lock.acquire()` behaviour: a waiter whose wait was withdrawn raises CancelledError even if the cancellation was shielded off before it ran; it never takes the lock", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const lock = new Lock();
    yield* lock.acquire();
    let inner: CancelScope | undefined;
    const task = createTask(
      (function* () {
        inner = new CancelScope();
        yield* inner.run(function* () {
          using _ = yield* lock.acquire();
          log.push("acquired");
        });
        return "done";
      })(),
    );
    yield* yieldNow(); // parked in acquire()
    task.cancel(); // the wait is withdrawn
    inner!.shield = true; // too late: a withdrawn wait never resumes as if it had been granted
    t.true((yield* catching(task)) instanceof CancelledError);
    t.true(lock.locked(), "still ours");
    lock.release();
    t.false(lock.locked(), "nobody was left waiting");
  });
  t.deepEqual(log, []);
});

// ---- grants release once (issue 7, defect 8) ---------------------------------------------------

test("`Lock.acquire()` behaviour: a grant disposed twice throws InvalidStateError and does not unlock the lock another task holds", async (t) => {
  await runVirtual(t, function* () {
    const lock = new Lock();
    const log: string[] = [];
    const stale = yield* lock.acquire();
    stale[Symbol.dispose](); // released: the lock is free
    const other = createTask(
      (function* (): Coroutine<void> {
        using _ = yield* lock.acquire();
        log.push("other holds the lock");
        yield* sleep(10);
        log.push("other releases");
      })(),
    );
    yield* sleep(1);
    t.true(lock.locked());
    const error = t.throws(() => stale[Symbol.dispose](), { instanceOf: InvalidStateError });
    t.regex(error.message, /^a grant of acquire\(\) was disposed twice: each acquire releases once/);
    t.true(lock.locked(), "the other task still holds the lock");
    yield* other;
    t.false(lock.locked());
    t.deepEqual(log, ["other holds the lock", "other releases"]);
  });
});

test("`Lock.acquire()` behaviour: a grant disposed after lock.release() throws InvalidStateError; the new holder keeps the lock", async (t) => {
  await runVirtual(t, function* () {
    const lock = new Lock();
    const first = yield* lock.acquire();
    lock.release(); // released the other way
    const second = yield* lock.acquire();
    const error = t.throws(() => first[Symbol.dispose](), { instanceOf: InvalidStateError });
    t.regex(error.message, /^a grant of lock\.acquire\(\) was disposed after it stopped holding the lock/);
    t.true(lock.locked());
    second[Symbol.dispose]();
    t.false(lock.locked());
  });
});

test("`Lock.acquire()` behaviour: each acquire gets its own grant; a grant handed over to a waiter releases for that waiter", async (t) => {
  await runVirtual(t, function* () {
    const lock = new Lock();
    const grants: Disposable[] = [];
    const first = yield* lock.acquire();
    const waiter = createTask(
      (function* (): Coroutine<void> {
        const grant = yield* lock.acquire();
        grants.push(grant);
        grant[Symbol.dispose]();
      })(),
    );
    yield* yieldNow(); // the waiter parks
    first[Symbol.dispose](); // hands the lock over
    yield* waiter;
    t.is(grants.length, 1);
    t.not(grants[0], first);
    t.false(lock.locked());
  });
});
