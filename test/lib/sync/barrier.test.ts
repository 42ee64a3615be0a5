import test from "ava";
import { Barrier, BrokenBarrierError, CancelledError, createTask, sleep, yieldNow } from "../../../lib/index.js";
import type { Coroutine, Operation, Task } from "../../../lib/index.js";
import { runVirtual } from "../../helpers/loop.js";
import { catching } from "../../helpers/operations.js";

/** Starts `n` tasks running `body()` and returns their results, in creation order. */
function* gatherTasks<T>(n: number, body: () => Operation<T>): Coroutine<T[]> {
  const tasks: Task<T>[] = [];
  for (let i = 0; i < n; i++) tasks.push(createTask(body()));
  const results: T[] = [];
  for (const task of tasks) results.push(yield* task);
  return results;
}

const N = 5;

test("`Barrier` behaviour: parties must be an integer ≥ 1 (CPython test_barrier_parties)", (t) => {
  t.throws(() => new Barrier(0), { instanceOf: RangeError, message: "Barrier() needs parties as an integer ≥ 1: received 0" });
  t.throws(() => new Barrier(-4), { instanceOf: RangeError });
  t.throws(() => new Barrier(2.5), { instanceOf: RangeError });
  t.throws(() => new Barrier("3" as unknown as number), { instanceOf: TypeError, message: /received string/ });
  const barrier = new Barrier(N);
  t.is(barrier.parties, N);
  t.is(barrier.nWaiting, 0);
  t.false(barrier.broken);
});

test("`Barrier.wait()` behaviour: every party gets a distinct index 0 .. parties-1 (CPython test_context_manager)", async (t) => {
  await runVirtual(t, function* () {
    const barrier = new Barrier(3);
    const results = yield* gatherTasks(3, () => barrier.wait());
    t.deepEqual([...results].sort(), [0, 1, 2]);
    t.deepEqual(results, [0, 1, 2], "indices follow arrival order");
    t.is(barrier.nWaiting, 0);
    t.false(barrier.broken);
  });
});

test("`Barrier.wait()` behaviour: with one party it returns 0 at once, every time (CPython test_filling_one_task, test_filling_one_task_twice)", async (t) => {
  await runVirtual(t, function* () {
    const barrier = new Barrier(1);
    t.is(yield* barrier.wait(), 0);
    const t1 = createTask(barrier.wait());
    yield* yieldNow();
    t.is(barrier.nWaiting, 0);
    const t2 = createTask(barrier.wait());
    yield* yieldNow();
    t.is(yield* t1, yield* t2);
    t.false(barrier.broken);
  });
});

test("`Barrier.wait()` behaviour: nWaiting counts the tasks waiting; the last one releases them all (CPython test_filling_task_by_task)", async (t) => {
  await runVirtual(t, function* () {
    const barrier = new Barrier(3);
    const t1 = createTask(barrier.wait());
    yield* yieldNow();
    t.is(barrier.nWaiting, 1);
    const t2 = createTask(barrier.wait());
    yield* yieldNow();
    t.is(barrier.nWaiting, 2);
    const t3 = createTask(barrier.wait());
    yield* yieldNow();
    t.is(barrier.nWaiting, 0);
    t.deepEqual([yield* t1, yield* t2, yield* t3], [0, 1, 2]);
  });
});

test("`Barrier.wait()` behaviour: the barrier can be passed again and again (CPython test_filling_tasks_wait_twice, test_filling_tasks_check_return_value)", async (t) => {
  await runVirtual(t, function* () {
    const barrier = new Barrier(N);
    const log: string[] = [];
    const results = yield* gatherTasks(N, function* () {
      yield* barrier.wait();
      log.push("first");
      const index = yield* barrier.wait();
      log.push("second");
      return index;
    });
    t.deepEqual(log, [...Array<string>(N).fill("first"), ...Array<string>(N).fill("second")]);
    // The last to arrive in the first round goes on without suspending: it is the first of the second.
    t.deepEqual(results, [1, 2, 3, 4, 0]);
    t.is(barrier.nWaiting, 0);
  });
});

test("`Barrier.wait()` behaviour: tasks that come back at once start the next round (CPython test_blocking_tasks_while_draining)", async (t) => {
  await runVirtual(t, function* () {
    const rewait = 2;
    const barrier = new Barrier(N);
    const others = new Barrier(N - rewait);
    let rewaitLeft = rewait;
    yield* gatherTasks(N, function* () {
      yield* barrier.wait();
      if (rewaitLeft > 0) {
        rewaitLeft--;
        yield* barrier.wait();
      } else {
        yield* others.wait();
        yield* barrier.wait();
      }
    });
    t.is(barrier.nWaiting, 0);
    t.is(others.nWaiting, 0);
  });
});

test("`Barrier.wait()` behaviour: a task cancelled while waiting leaves the round without breaking it (CPython test_filling_tasks_cancel_one)", async (t) => {
  await runVirtual(t, function* () {
    const barrier = new Barrier(3);
    const results: boolean[] = [];
    function* coro(): Coroutine<void> {
      yield* barrier.wait();
      results.push(true);
    }
    const t1 = createTask(coro());
    yield* yieldNow();
    t.is(barrier.nWaiting, 1);
    const t2 = createTask(coro());
    yield* yieldNow();
    t.is(barrier.nWaiting, 2);
    t1.cancel();
    t.is(barrier.nWaiting, 1, "withdrawn at once");
    t.true((yield* catching(t1)) instanceof CancelledError);
    const t3 = createTask(coro());
    yield* yieldNow();
    t.is(barrier.nWaiting, 2);
    const t4 = createTask(coro());
    yield* t2;
    yield* t3;
    yield* t4;
    t.deepEqual(results, [true, true, true]);
    t.is(barrier.nWaiting, 0);
    t.false(barrier.broken);
  });
});

test("`Barrier.wait()` behaviour: a waiter cancelled after the round completed still gets its index; the cancellation comes at its next suspension", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const barrier = new Barrier(2);
    const waiter = createTask(
      (function* () {
        log.push(`index ${yield* barrier.wait()}`);
        yield* sleep(1);
        log.push("not reached");
      })(),
    );
    yield* yieldNow();
    t.is(yield* barrier.wait(), 1);
    waiter.cancel();
    t.true((yield* catching(waiter)) instanceof CancelledError);
  });
  t.deepEqual(log, ["index 0"]);
});

test("`Barrier.reset()` behaviour: on an idle barrier it changes nothing (CPython test_reset_barrier)", async (t) => {
  await runVirtual(t, function* () {
    const barrier = new Barrier(1);
    barrier.reset();
    yield* yieldNow();
    t.is(barrier.nWaiting, 0);
    t.false(barrier.broken);
    t.is(yield* barrier.wait(), 0);
  });
});

test("`Barrier.reset()` behaviour: the waiting tasks raise BrokenBarrierError; the barrier is not broken (CPython test_reset_barrier_while_tasks_waiting)", async (t) => {
  await runVirtual(t, function* () {
    const barrier = new Barrier(N);
    const results: boolean[] = [];
    const tasks: Task<void>[] = [];
    for (let i = 0; i < N - 1; i++) {
      tasks.push(
        createTask(
          (function* () {
            try {
              yield* barrier.wait();
            } catch (error) {
              if (error instanceof BrokenBarrierError) results.push(true);
              else throw error;
            }
          })(),
        ),
      );
    }
    yield* yieldNow();
    barrier.reset();
    for (const task of tasks) yield* task;
    t.deepEqual(results, Array(N - 1).fill(true));
    t.is(barrier.nWaiting, 0);
    t.false(barrier.broken);
  });
});

test("`Barrier.reset()` behaviour: the tasks it sent away can fill the next round (CPython test_reset_barrier_while_tasks_waiting_and_waiting_again)", async (t) => {
  await runVirtual(t, function* () {
    const barrier = new Barrier(N);
    const results1: boolean[] = [];
    const results2: boolean[] = [];
    const tasks: Task<void>[] = [];
    for (let i = 0; i < N - 1; i++) {
      tasks.push(
        createTask(
          (function* () {
            try {
              yield* barrier.wait();
            } catch (error) {
              if (error instanceof BrokenBarrierError) results1.push(true);
              else throw error;
            } finally {
              yield* barrier.wait();
              results2.push(true);
            }
          })(),
        ),
      );
    }
    yield* yieldNow();
    barrier.reset();
    yield* yieldNow();
    const last = createTask(
      (function* () {
        yield* barrier.wait();
        results2.push(true);
      })(),
    );
    for (const task of tasks) yield* task;
    yield* last;
    t.false(barrier.broken);
    t.is(results1.length, N - 1);
    t.is(results2.length, N);
    t.is(barrier.nWaiting, 0);
  });
});

test("`Barrier.reset()` behaviour: reset by the last task out of a round breaks the next round, which the others already joined (CPython test_reset_barrier_while_tasks_draining, adapted)", async (t) => {
  // asyncio keeps tasks that wait again at once out of the next round until every task of the
  // round has left (its "draining" state), so such a reset breaks nobody there. Here a round
  // hands every waiter its index as it completes, so the next round starts filling at once:
  // the tasks that came back are its waiters, and the reset sends them away.
  await runVirtual(t, function* () {
    const barrier = new Barrier(N);
    const results1: boolean[] = [];
    const results2: boolean[] = [];
    const results3: boolean[] = [];
    let count = 0;
    yield* gatherTasks(N, function* () {
      yield* barrier.wait();
      count++;
      if (count === N) {
        t.is(barrier.nWaiting, N - 1);
        barrier.reset();
      } else {
        try {
          yield* barrier.wait();
          results1.push(true);
        } catch (error) {
          if (!(error instanceof BrokenBarrierError)) throw error;
          results2.push(true);
        }
      }
      yield* barrier.wait();
      results3.push(true);
    });
    t.false(barrier.broken);
    t.is(results1.length, 0);
    t.is(results2.length, N - 1);
    t.is(results3.length, N);
    t.is(barrier.nWaiting, 0);
  });
});

test("`Barrier.abort()` behaviour: breaks the barrier: waiters and later waits raise BrokenBarrierError at once, until reset() (CPython test_abort_barrier)", async (t) => {
  await runVirtual(t, function* () {
    const barrier = new Barrier(3);
    const waiter = createTask(barrier.wait());
    yield* yieldNow();
    barrier.abort();
    t.true(barrier.broken);
    t.is(barrier.nWaiting, 0);
    const error = yield* catching(waiter);
    t.true(error instanceof BrokenBarrierError);
    t.regex((error as Error).message, /the barrier was aborted/);
    const later = yield* catching(barrier.wait());
    t.true(later instanceof BrokenBarrierError);
    t.regex((later as Error).message, /Barrier\.wait\(\) was called on a broken barrier: call reset\(\) before using it again/);
    barrier.reset();
    t.false(barrier.broken);
    const results = yield* gatherTasks(3, () => barrier.wait());
    t.deepEqual(results, [0, 1, 2]);
  });
});

test("`Barrier.abort()` behaviour: a task that fails aborts the barrier so the others do not wait forever (CPython test_abort_barrier_when_exception)", async (t) => {
  await runVirtual(t, function* () {
    const barrier = new Barrier(N);
    const results1: boolean[] = [];
    const results2: boolean[] = [];
    yield* gatherTasks(N, function* () {
      try {
        const index = yield* barrier.wait();
        if (index === N >> 1) throw new RangeError("this party failed");
        yield* barrier.wait();
        results1.push(true);
      } catch (error) {
        if (error instanceof BrokenBarrierError) results2.push(true);
        else if (error instanceof RangeError) barrier.abort();
        else throw error;
      }
    });
    t.true(barrier.broken);
    t.is(results1.length, 0);
    t.is(results2.length, N - 1);
    t.is(barrier.nWaiting, 0);
  });
});

test("`Barrier.reset()` behaviour: after an abort, a reset makes the barrier usable again (CPython test_abort_barrier_when_exception_then_resetting)", async (t) => {
  await runVirtual(t, function* () {
    const barrier1 = new Barrier(N);
    const barrier2 = new Barrier(N);
    const results1: boolean[] = [];
    const results2: boolean[] = [];
    const results3: boolean[] = [];
    yield* gatherTasks(N, function* () {
      try {
        const index = yield* barrier1.wait();
        if (index === N >> 1) throw new RangeError("this party failed");
        yield* barrier1.wait();
        results1.push(true);
      } catch (error) {
        if (error instanceof BrokenBarrierError) results2.push(true);
        else if (error instanceof RangeError) barrier1.abort();
        else throw error;
      }
      const index = yield* barrier2.wait();
      if (index === N >> 1) barrier1.reset();
      yield* barrier2.wait();
      yield* barrier1.wait();
      results3.push(true);
    });
    t.false(barrier1.broken);
    t.is(results1.length, 0);
    t.is(results2.length, N - 1);
    t.is(results3.length, N);
    t.is(barrier1.nWaiting, 0);
  });
});
