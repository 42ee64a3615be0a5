import test from "ava";
import {
  CancelScope,
  CancelledError,
  Event,
  LifoQueue,
  PriorityQueue,
  Queue,
  QueueEmpty,
  QueueFull,
  QueueShutDown,
  TimeoutError,
  createTask,
  fromPromise,
  getRunningLoop,
  sleep,
  waitFor,
  yieldNow,
} from "../../../lib/index.js";
import type { Coroutine, QueueOptions, Task } from "../../../lib/index.js";
import { runVirtual } from "../../helpers/loop.js";
import { catching } from "../../helpers/operations.js";

/**
 * The three queue classes, for the tests that every kind must pass, each with the order in which
 * it gives back items put in a given order: first in first out, last in first out, smallest first.
 */
const KINDS = [
  ["Queue", (options?: QueueOptions) => new Queue<string>(options), (put: readonly string[]) => [...put]],
  ["LifoQueue", (options?: QueueOptions) => new LifoQueue<string>(options), (put: readonly string[]) => [...put].reverse()],
  ["PriorityQueue", (options?: QueueOptions) => new PriorityQueue<string>(options), (put: readonly string[]) => [...put].sort()],
] as const;

// ---- basics (CPython QueueBasicTests) ---------------------------------------------------------------

test("`Queue.empty()` behaviour: true until an item is put, and again once it is taken (CPython test_empty)", (t) => {
  const q = new Queue<number>();
  t.true(q.empty());
  q.putNowait(1);
  t.false(q.empty());
  t.is(q.getNowait(), 1);
  t.true(q.empty());
});

test("`Queue.full()` behaviour: never for an unbounded queue; at maxsize for a bounded one (CPython test_full)", (t) => {
  const unbounded = new Queue<number>();
  t.false(unbounded.full());
  for (let i = 0; i < 1000; i++) unbounded.putNowait(i);
  t.false(unbounded.full());
  const bounded = new Queue<number>({ maxsize: 1 });
  bounded.putNowait(1);
  t.true(bounded.full());
  t.is(bounded.qsize(), 1);
});

test("`Queue.getNowait()` behaviour: first in, first out (CPython test_order)", (t) => {
  const q = new Queue<number>();
  for (const i of [1, 3, 2]) q.putNowait(i);
  t.deepEqual([q.getNowait(), q.getNowait(), q.getNowait()], [1, 3, 2]);
});

test("`Queue.maxsize` behaviour: as given; 0, negative or missing is unbounded", (t) => {
  t.is(new Queue().maxsize, 0);
  t.is(new Queue({ maxsize: 2 }).maxsize, 2);
  const negative = new Queue<number>({ maxsize: -1 });
  t.is(negative.maxsize, -1);
  for (let i = 0; i < 10; i++) negative.putNowait(i);
  t.false(negative.full());
});

test("`Queue.put()` behaviour: waits while the queue is full (CPython test_maxsize)", async (t) => {
  const { endTime } = await runVirtual(t, function* () {
    const q = new Queue<number>({ maxsize: 2 });
    t.is(q.maxsize, 2);
    const haveBeenPut: number[] = [];
    const putter = createTask(
      (function* () {
        for (let i = 0; i < 3; i++) {
          yield* q.put(i);
          haveBeenPut.push(i);
        }
        return true;
      })(),
    );
    yield* sleep(10);
    t.deepEqual(haveBeenPut, [0, 1], "blocked after two items");
    t.is(q.getNowait(), 0);
    yield* sleep(10);
    t.deepEqual(haveBeenPut, [0, 1, 2]);
    t.is(q.getNowait(), 1);
    t.is(q.getNowait(), 2);
    t.true(yield* putter);
  });
  t.is(endTime, 20);
});

test("`Queue.putNowait()` behaviour: a fractional maxsize fills like Python's (CPython test_float_maxsize)", async (t) => {
  await runVirtual(t, function* () {
    const q = new Queue<number>({ maxsize: 1.3 });
    q.putNowait(1);
    q.putNowait(2);
    t.true(q.full());
    t.throws(() => q.putNowait(3), { instanceOf: QueueFull });
    const q2 = new Queue<number>({ maxsize: 1.3 });
    yield* q2.put(1);
    yield* q2.put(2);
    t.true(q2.full());
  });
});

// ---- get (CPython QueueGetTests) --------------------------------------------------------------------

test("`Queue.get()` behaviour: on a non-empty queue it returns at once, without suspending (CPython test_blocking_get)", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const q = new Queue<number>();
    q.putNowait(1);
    const scope = new CancelScope();
    yield* scope.run(function* () {
      scope.cancel();
      log.push(`got ${yield* q.get()}`);
      yield* yieldNow();
      log.push("not reached");
    });
  });
  t.deepEqual(log, ["got 1"]);
});

test("`Queue.get()` behaviour: taking from a full queue lets the first waiting putter in (CPython test_get_with_putters)", async (t) => {
  await runVirtual(t, function* () {
    const q = new Queue<number>({ maxsize: 1 });
    q.putNowait(1);
    const putter = createTask(q.put(2));
    yield* yieldNow();
    t.false(putter.done());
    t.is(yield* q.get(), 1);
    t.is(q.qsize(), 1, "the putter's item went in, in the same step");
    t.true(q.full());
    yield* putter;
    t.is(q.getNowait(), 2);
  });
});

test("`Queue.get()` behaviour: waits for an item (CPython test_blocking_get_wait)", async (t) => {
  const { endTime } = await runVirtual(t, function* () {
    const q = new Queue<number>();
    const started = new Event();
    let finished = false;
    getRunningLoop().callLater(10, () => q.putNowait(1));
    const getter = createTask(
      (function* () {
        started.set();
        const item = yield* q.get();
        finished = true;
        return item;
      })(),
    );
    yield* started.wait();
    t.false(finished);
    t.is(yield* getter, 1);
    t.true(finished);
  });
  t.is(endTime, 10);
});

test("`Queue.getNowait()` behaviour: returns an item, or raises QueueEmpty (CPython test_nonblocking_get, test_nonblocking_get_exception)", (t) => {
  const q = new Queue<number>();
  q.putNowait(1);
  t.is(q.getNowait(), 1);
  const error = t.throws(() => q.getNowait(), { instanceOf: QueueEmpty });
  t.is(error.name, "QueueEmpty");
  t.regex(error.message, /queue\.getNowait\(\) was called on an empty queue: use yield\* queue\.get\(\) to wait for an item/);
  q.putNowait(2);
  t.is(q.getNowait(), 2);
});

test("`Queue.get()` behaviour: an item put before the timeout is returned (CPython test_get_cancelled)", async (t) => {
  const { endTime } = await runVirtual(t, function* () {
    const q = new Queue<number>();
    const getter = createTask(waitFor(q.get(), 51));
    yield* sleep(10);
    q.putNowait(1);
    t.is(yield* getter, 1);
    yield* sleep(50);
  });
  t.is(endTime, 60);
});

test("`Queue.get()` behaviour: a getter cancelled while waiting is withdrawn; the item goes to the next one (CPython test_get_cancelled_race)", async (t) => {
  await runVirtual(t, function* () {
    const q = new Queue<string>();
    const t1 = createTask(q.get());
    const t2 = createTask(q.get());
    yield* yieldNow();
    t1.cancel();
    yield* yieldNow();
    t.true(t1.done());
    q.putNowait("a");
    yield* yieldNow();
    t.is(t2.result(), "a");
    t.true((yield* catching(t1)) instanceof CancelledError);
  });
});

test("`Queue.get()` behaviour: waiting putters go in, in order (CPython test_get_with_waiting_putters)", async (t) => {
  await runVirtual(t, function* () {
    const q = new Queue<string>({ maxsize: 1 });
    const a = createTask(q.put("a"));
    const b = createTask(q.put("b"));
    yield* yieldNow();
    t.is(yield* q.get(), "a");
    t.is(yield* q.get(), "b");
    yield* a;
    yield* b;
  });
});

test("`Queue.get()` behaviour: a getter cancelled before the put leaves the item in the queue", async (t) => {
  await runVirtual(t, function* () {
    const q = new Queue<string>();
    const getter = createTask(q.get());
    yield* yieldNow();
    getter.cancel();
    q.putNowait("kept");
    t.is(q.qsize(), 1, "the item did not go to the withdrawn getter");
    t.true((yield* catching(getter)) instanceof CancelledError);
    t.is(q.getNowait(), "kept");
  });
});

test("`Queue.get()` behaviour: a getter cancelled right after a put handed it the item returns the item; the cancellation comes at its next suspension", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const q = new Queue<string>();
    const getter = createTask(
      (function* () {
        log.push(`got ${yield* q.get()}`);
        yield* yieldNow();
        log.push("not reached");
      })(),
    );
    yield* yieldNow();
    q.putNowait("handed");
    getter.cancel();
    t.true(q.empty());
    t.true((yield* catching(getter)) instanceof CancelledError);
    t.true(q.empty());
  });
  t.deepEqual(log, ["got handed"]);
});

test("`Queue.get()` behaviour: an item handed to a woken getter cannot be taken by a newcomer in the same step", async (t) => {
  await runVirtual(t, function* () {
    const q = new Queue<string>();
    const getter = createTask(q.get());
    yield* yieldNow();
    q.putNowait("for the getter");
    t.throws(() => q.getNowait(), { instanceOf: QueueEmpty });
    const newcomer = createTask(q.get(), { eager: true });
    t.false(newcomer.done());
    q.putNowait("for the newcomer");
    t.is(yield* getter, "for the getter");
    t.is(yield* newcomer, "for the newcomer");
  });
});

test("`Queue.get()` behaviour: undefined is an item like any other, handed over or stored", async (t) => {
  await runVirtual(t, function* () {
    const q = new Queue<string | undefined>();
    const getter = createTask(q.get());
    yield* yieldNow();
    q.putNowait(undefined);
    t.is(yield* getter, undefined);
    t.true(getter.done());
    yield* q.put(undefined);
    t.is(q.qsize(), 1);
    t.is(yield* q.get(), undefined);
    t.true(q.empty());
  });
});

test("`Queue.get()` behaviour: one Operation object can be run by several tasks at once", async (t) => {
  await runVirtual(t, function* () {
    const q = new Queue<number>();
    const op = q.get();
    const tasks = [createTask(op), createTask(op), createTask(op)];
    yield* yieldNow();
    for (const item of [1, 2, 3]) q.putNowait(item);
    const results: number[] = [];
    for (const task of tasks) results.push(yield* task);
    t.deepEqual(results, [1, 2, 3]);
  });
});

// ---- put (CPython QueuePutTests) --------------------------------------------------------------------

test("`Queue.put()` behaviour: on an unbounded queue it never waits (CPython test_blocking_put)", async (t) => {
  await runVirtual(t, function* () {
    const q = new Queue<number>();
    const scope = new CancelScope();
    yield* scope.run(function* () {
      scope.cancel();
      yield* q.put(1); // does not suspend, so it does not raise
      t.is(q.qsize(), 1);
    });
  });
});

test("`Queue.put()` behaviour: waits for room on a full queue (CPython test_blocking_put_wait)", async (t) => {
  const { endTime } = await runVirtual(t, function* () {
    const q = new Queue<number>({ maxsize: 1 });
    const started = new Event();
    let finished = false;
    getRunningLoop().callLater(10, () => q.getNowait());
    const putter = createTask(
      (function* () {
        started.set();
        yield* q.put(1);
        yield* q.put(2);
        finished = true;
      })(),
    );
    yield* started.wait();
    t.false(finished);
    yield* putter;
    t.true(finished);
    t.is(q.getNowait(), 2);
  });
  t.is(endTime, 10);
});

test("`Queue.putNowait()` behaviour: raises QueueFull on a full queue (CPython test_nonblocking_put, test_nonblocking_put_exception)", (t) => {
  const q = new Queue<number>({ maxsize: 1 });
  q.putNowait(1);
  const error = t.throws(() => q.putNowait(2), { instanceOf: QueueFull });
  t.is(error.name, "QueueFull");
  t.regex(error.message, /queue\.putNowait\(\) was called on a full queue \(maxsize 1\): use yield\* queue\.put\(item\) to wait for room/);
  t.is(q.getNowait(), 1);
  q.putNowait(3);
  t.is(q.getNowait(), 3);
});

test("`Queue.put()` behaviour: a put picked up by a getter completes (CPython test_put_cancelled)", async (t) => {
  await runVirtual(t, function* () {
    const q = new Queue<number>();
    const putter = createTask(
      (function* () {
        yield* q.put(1);
        return true;
      })(),
    );
    t.is(yield* q.get(), 1);
    t.true(yield* putter);
  });
});

test("`Queue.put()` behaviour: a putter cancelled while waiting is withdrawn: its item is never added (CPython test_put_cancelled_race)", async (t) => {
  await runVirtual(t, function* () {
    const q = new Queue<string>({ maxsize: 1 });
    const putA = createTask(q.put("a"));
    const putB = createTask(q.put("b"));
    const putC = createTask(q.put("X"));
    yield* yieldNow();
    t.true(putA.done());
    t.false(putB.done());
    putC.cancel();
    yield* yieldNow();
    t.true(putC.done());
    t.is(q.getNowait(), "a");
    t.is(q.getNowait(), "b");
    t.true(q.empty());
    yield* putB;
    t.true((yield* catching(putC)) instanceof CancelledError);
  });
});

test("`Queue.put()` behaviour: a waiting getter gets the item directly (CPython test_put_with_waiting_getters)", async (t) => {
  await runVirtual(t, function* () {
    const q = new Queue<string>();
    const getter = createTask(q.get());
    yield* yieldNow();
    yield* q.put("a");
    t.true(q.empty(), "handed over, never stored");
    t.is(yield* getter, "a");
  });
});

test("`Queue.put()` behaviour: a putter cancelled right after a get let its item in keeps the put: it returns normally", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const q = new Queue<string>({ maxsize: 1 });
    q.putNowait("first");
    const putter = createTask(
      (function* () {
        yield* q.put("second");
        log.push("put returned");
        yield* yieldNow();
        log.push("not reached");
      })(),
    );
    yield* yieldNow();
    t.is(q.getNowait(), "first");
    putter.cancel();
    t.true((yield* catching(putter)) instanceof CancelledError);
    t.is(q.getNowait(), "second", "the item was not lost");
  });
  t.deepEqual(log, ["put returned"]);
});

test("`Queue.get()` behaviour: a slot freed for a woken putter cannot be taken by a newcomer in the same step", async (t) => {
  await runVirtual(t, function* () {
    const q = new Queue<string>({ maxsize: 1 });
    q.putNowait("a");
    const putter = createTask(q.put("b"));
    yield* yieldNow();
    t.is(q.getNowait(), "a");
    t.throws(() => q.putNowait("newcomer"), { instanceOf: QueueFull });
    yield* putter;
    t.deepEqual([q.getNowait()], ["b"]);
  });
});

test("`Queue.put()` behaviour: a put whose Operation runs twice puts its item twice", async (t) => {
  await runVirtual(t, function* () {
    const q = new Queue<string>();
    const op = q.put("twice");
    yield* op;
    yield* op;
    t.is(q.qsize(), 2);
  });
});

// ---- taskDone and join (CPython QueueJoinTests) --------------------------------------------------------

test("`Queue.taskDone()` behaviour: more calls than items put is a RangeError, and the queue still works (CPython test_task_done_underflow)", async (t) => {
  await runVirtual(t, function* () {
    const q = new Queue<number>();
    const error = t.throws(() => q.taskDone(), { instanceOf: RangeError });
    t.regex(error.message, /queue\.taskDone\(\) was called more times than items were put: call it once per item taken with get\(\)/);
    q.putNowait(1);
    q.getNowait();
    q.taskDone();
    t.throws(() => q.taskDone(), { instanceOf: RangeError });
    yield* q.join();
  });
});

test("`Queue.join()` behaviour: returns once every item has been marked done (CPython test_task_done)", async (t) => {
  await runVirtual(t, function* () {
    const q = new Queue<number>();
    for (let i = 0; i < 100; i++) q.putNowait(i);
    let accumulator = 0;
    const workers: Task<void>[] = [];
    for (let w = 0; w < 2; w++) {
      workers.push(
        createTask(
          (function* () {
            for (;;) {
              const item = yield* q.get();
              accumulator += item;
              yield* sleep(1);
              q.taskDone();
            }
          })(),
        ),
      );
    }
    yield* q.join();
    t.is(accumulator, 4950);
    for (const worker of workers) worker.cancel();
    for (const worker of workers) t.true((yield* catching(worker)) instanceof CancelledError);
  });
});

test("`Queue.join()` behaviour: on a queue with nothing unfinished it returns at once, twice (CPython test_join_empty_queue)", async (t) => {
  await runVirtual(t, function* () {
    const q = new Queue<number>();
    const scope = new CancelScope();
    yield* scope.run(function* () {
      scope.cancel();
      yield* q.join();
      yield* q.join();
    });
    t.false(scope.cancelledCaught, "join() never suspended");
  });
});

test("`Queue.join()` behaviour: a joiner cancelled while waiting is withdrawn; the others still return", async (t) => {
  await runVirtual(t, function* () {
    const q = new Queue<number>();
    q.putNowait(1);
    const cancelled = createTask(q.join());
    const other = createTask(q.join());
    yield* yieldNow();
    cancelled.cancel();
    t.true((yield* catching(cancelled)) instanceof CancelledError);
    q.getNowait();
    q.taskDone();
    yield* other;
  });
});

test("`Queue.join()` behaviour: counts a parked putter's item that a get() moved in: join() waits for its taskDone() too", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const q = new Queue<string>({ maxsize: 1 });
    q.putNowait("first");
    const putter = createTask(q.put("second"));
    const joiner = createTask(
      (function* () {
        yield* q.join();
        log.push("join returned");
      })(),
    );
    yield* yieldNow(); // both parked: the queue is full, "first" is unfinished
    t.is(yield* q.get(), "first"); // moves "second" in
    q.taskDone(); // "first" is done; "second" is not
    log.push("first done");
    yield* putter;
    t.false(joiner.done(), "join() keeps waiting for the moved-in item");
    t.is(yield* q.get(), "second");
    t.notThrows(() => q.taskDone(), "the moved-in item was counted");
    log.push("second done");
    yield* joiner;
    t.throws(() => q.taskDone(), { instanceOf: RangeError }, "two items were put, two are done");
  });
  t.deepEqual(log, ["first done", "second done", "join returned"]);
});

test("`Queue.join()` behaviour: counts items handed straight to a getter too", async (t) => {
  await runVirtual(t, function* () {
    const q = new Queue<number>();
    const getter = createTask(q.get());
    yield* yieldNow();
    q.putNowait(7);
    const joiner = createTask(q.join());
    yield* yieldNow();
    t.false(joiner.done());
    t.is(yield* getter, 7);
    q.taskDone();
    yield* joiner;
  });
});

// ---- shutdown (CPython QueueShutdownTests), for every kind of queue -------------------------------------

for (const [kind, make, takenOrder] of KINDS) {
  test(`\`${kind}.shutdown()\` behaviour: on an empty queue, put and get raise QueueShutDown (CPython test_shutdown_empty)`, async (t) => {
    await runVirtual(t, function* () {
      const q = make();
      q.shutdown();
      const putError = yield* catching(q.put("data"));
      t.true(putError instanceof QueueShutDown);
      t.regex((putError as Error).message, /queue\.put\(\) was called on a queue that is shut down/);
      const getError = yield* catching(q.get());
      t.true(getError instanceof QueueShutDown);
      t.regex((getError as Error).message, /queue\.get\(\) was called on a queue that is shut down and empty/);
    });
  });

  test(`\`${kind}.shutdown()\` behaviour: items already queued can still be taken, then get raises (CPython test_shutdown_nonempty)`, async (t) => {
    await runVirtual(t, function* () {
      const q = make();
      q.putNowait("data");
      q.shutdown();
      t.is(yield* q.get(), "data");
      t.true((yield* catching(q.get())) instanceof QueueShutDown);
    });
  });

  test(`\`${kind}.shutdown(true)\` behaviour: drops the queued items, so get raises at once (CPython test_shutdown_immediate)`, async (t) => {
    await runVirtual(t, function* () {
      const q = make();
      q.putNowait("data");
      q.shutdown(true);
      t.is(q.qsize(), 0);
      t.true((yield* catching(q.get())) instanceof QueueShutDown);
    });
  });

  for (const immediate of [false, true]) {
    test(`\`${kind}.shutdown(${immediate})\` behaviour: every method in one task (CPython test_shutdown${immediate ? "_immediate" : ""}_all_methods_in_one_task)`, async (t) => {
      await runVirtual(t, function* () {
        const q = make();
        yield* q.put("L");
        q.putNowait("O");
        q.shutdown(immediate);
        t.true((yield* catching(q.put("E"))) instanceof QueueShutDown);
        t.throws(() => q.putNowait("W"), {
          instanceOf: QueueShutDown,
          message: /queue\.putNowait\(\) was called on a queue that is shut down/,
        });
        if (immediate) {
          t.true((yield* catching(q.get())) instanceof QueueShutDown);
          t.throws(() => q.getNowait(), { instanceOf: QueueShutDown });
          t.throws(() => q.taskDone(), { instanceOf: RangeError }, "the dropped items were counted as done");
          yield* q.join();
        } else {
          const taken = [yield* q.get()];
          q.taskDone();
          taken.push(q.getNowait());
          q.taskDone();
          t.deepEqual(taken, takenOrder(["L", "O"]));
          yield* q.join();
          t.true((yield* catching(q.get())) instanceof QueueShutDown);
          t.throws(() => q.getNowait(), {
            instanceOf: QueueShutDown,
            message: /queue\.getNowait\(\) was called on a queue that is shut down and empty/,
          });
        }
      });
    });

    test(`\`${kind}.shutdown(${immediate})\` behaviour: a waiting putter raises QueueShutDown and its item is not added (CPython test_shutdown${immediate ? "_immediate" : ""}_putters_deque)`, async (t) => {
      await runVirtual(t, function* () {
        const q = make({ maxsize: 2 });
        yield* q.put("E");
        yield* q.put("W");
        const putter = createTask(q.put("Y"));
        yield* yieldNow();
        q.shutdown(immediate);
        const error = yield* catching(putter);
        t.true(error instanceof QueueShutDown);
        t.regex(
          (error as Error).message,
          /queue\.put\(\) was interrupted: the queue was shut down while it waited for room \(the item was not added\)/,
        );
        const left: string[] = [];
        while (!q.empty()) left.push(q.getNowait());
        t.deepEqual(left, immediate ? [] : takenOrder(["E", "W"]));
      });
    });

    test(`\`${kind}.shutdown(${immediate})\` behaviour: a waiting getter raises QueueShutDown; unfinished tasks are not touched by a plain shutdown (CPython test_shutdown${immediate ? "_immediate" : ""}_getters_deque)`, async (t) => {
      await runVirtual(t, function* () {
        const q = make({ maxsize: 1 });
        yield* q.put("Y");
        const first = createTask(q.get());
        yield* yieldNow();
        const getter = createTask(q.get());
        yield* yieldNow();
        t.is(yield* first, "Y");
        q.shutdown(immediate);
        const error = yield* catching(getter);
        t.true(error instanceof QueueShutDown);
        t.regex((error as Error).message, /queue\.get\(\) was interrupted: the queue was shut down while it waited for an item/);
        const joiner = createTask(q.join());
        yield* yieldNow();
        t.false(joiner.done(), "the item taken is still unfinished");
        q.taskDone();
        yield* joiner;
      });
    });
  }

  test(`\`${kind}.shutdown()\` behaviour: consumers drain the queue, then stop; join() returns (CPython test_shutdown_get_task_done_join)`, async (t) => {
    await runVirtual(t, function* () {
      const q = make({ maxsize: 2 });
      yield* q.put("Y");
      yield* q.put("D");
      const go = new Event();
      const results: boolean[] = [];
      function* getTaskDone(): Coroutine<string | false> {
        yield* go.wait();
        try {
          const item = yield* q.get();
          q.taskDone();
          results.push(true);
          return item;
        } catch (error) {
          if (!(error instanceof QueueShutDown)) throw error;
          results.push(false);
          return false;
        }
      }
      function* join(): Coroutine<void> {
        yield* q.join();
        results.push(true);
      }
      const tasks = [createTask(getTaskDone()), createTask(getTaskDone()), createTask(join()), createTask(join())];
      q.shutdown();
      yield* sleep(1);
      go.set();
      const got: unknown[] = [];
      for (const task of tasks) got.push(yield* task);
      t.deepEqual(results, [true, true, true, true]);
      t.deepEqual([got[0], got[1]], takenOrder(["Y", "D"]), "in the queue's order, the first consumer taking the first item out");
    });
  });

  test(`\`${kind}.shutdown(true)\` behaviour: waiting joiners return when the dropped items were all that was unfinished (CPython test_shutdown_immediate_put_and_join)`, async (t) => {
    await runVirtual(t, function* () {
      const q = make({ maxsize: 2 });
      yield* q.put("Y");
      yield* q.put("D");
      const joiner = createTask(q.join());
      const putter = createTask(q.put("E"));
      yield* yieldNow();
      q.shutdown(true);
      yield* joiner;
      t.true((yield* catching(putter)) instanceof QueueShutDown);
      t.throws(() => q.putNowait("W"), { instanceOf: QueueShutDown });
    });
  });

  test(`\`${kind}.shutdown()\` behaviour: a plain shutdown leaves joiners waiting for taskDone() (CPython test_shutdown_put_join)`, async (t) => {
    await runVirtual(t, function* () {
      const q = make({ maxsize: 2 });
      yield* q.put("Y");
      yield* q.put("D");
      const joiner = createTask(waitFor(q.join(), 10));
      q.shutdown();
      t.true((yield* catching(joiner)) instanceof TimeoutError, "nothing was marked done");
      q.getNowait();
      q.getNowait();
      q.taskDone();
      q.taskDone();
      yield* q.join();
    });
  });
}

test("`Queue.shutdown()` behaviour: calling it again, then with immediate, is allowed (CPython test_shutdown_allowed_transitions)", async (t) => {
  await runVirtual(t, function* () {
    const q = new Queue<number>();
    q.putNowait(1);
    q.putNowait(2);
    q.shutdown();
    q.shutdown();
    t.is(q.qsize(), 2);
    q.shutdown(true);
    t.is(q.qsize(), 0);
    q.shutdown(false);
    t.true((yield* catching(q.get())) instanceof QueueShutDown);
  });
});

// ---- misuse -------------------------------------------------------------------------------------------

test("`Queue` behaviour: bad options are TypeError or RangeError, and queues still work", (t) => {
  t.throws(() => new Queue(5 as unknown as QueueOptions), {
    instanceOf: TypeError,
    message: "Queue() needs an options object ({ maxsize }): received number",
  });
  t.throws(() => new Queue(null as unknown as QueueOptions), { instanceOf: TypeError, message: /received null/ });
  t.throws(() => new Queue({ maxsize: "2" as unknown as number }), {
    instanceOf: TypeError,
    message: "Queue() needs maxsize as a number: received string",
  });
  t.throws(() => new Queue({ maxsize: Number.NaN }), {
    instanceOf: RangeError,
    message: /Queue\(\) needs maxsize as a number \(0 or less: unbounded\): received NaN/,
  });
  t.throws(() => new LifoQueue({ maxsize: Number.NaN }), { instanceOf: RangeError, message: /^LifoQueue\(\)/ });
  const q = new Queue<number>({ maxsize: 1 });
  t.throws(() => q.shutdown("yes" as unknown as boolean), {
    instanceOf: TypeError,
    message: /queue\.shutdown\(\) needs immediate as a boolean: received string/,
  });
  q.putNowait(1);
  t.is(q.getNowait(), 1);
});

test("`QueueShutDown` behaviour: the queue errors are exported classes with their names", (t) => {
  for (const [ErrorClass, name] of [
    [QueueEmpty, "QueueEmpty"],
    [QueueFull, "QueueFull"],
    [QueueShutDown, "QueueShutDown"],
  ] as const) {
    const error = new ErrorClass("message");
    t.true(error instanceof Error);
    t.is(error.name, name);
    t.is(error.message, "message");
  }
});

test("`Queue` behaviour: a producer faster than its consumer is held back by maxsize, and nothing is lost", async (t) => {
  await runVirtual(t, function* () {
    const q = new Queue<number>({ maxsize: 3 });
    let maxSeen = 0;
    const producer = createTask(
      (function* () {
        for (let i = 0; i < 50; i++) {
          yield* q.put(i);
          maxSeen = Math.max(maxSeen, q.qsize());
        }
      })(),
    );
    const got: number[] = [];
    for (let i = 0; i < 50; i++) {
      got.push(yield* q.get());
      yield* sleep(1);
    }
    yield* producer;
    t.deepEqual(
      got,
      Array.from({ length: 50 }, (_, i) => i),
    );
    t.is(maxSeen, 3);
  });
});

// ---- for await, from async code outside the loop ------------------------------------------

test("`Queue[Symbol.asyncIterator]()` behaviour: async code outside the loop reads what tasks put, in order, and ends at shutdown", async (t) => {
  const queue = new Queue<string>({ maxsize: 2 });
  const running = runVirtual(t, function* () {
    for (const item of ["a", "b", "c", "d"]) {
      yield* queue.put(item); // waits for room: the async reader takes them as they come
      yield* sleep(10);
    }
    queue.shutdown();
  });
  const read: string[] = [];
  for await (const item of queue) read.push(item);
  await running;
  t.deepEqual(read, ["a", "b", "c", "d"]);
});

test("`Queue[Symbol.asyncIterator]()` behaviour: fair with tasks waiting in get(); undefined items pass through", async (t) => {
  const queue = new Queue<string | undefined>();
  const iterator = queue[Symbol.asyncIterator]();
  const log: string[] = [];
  const { result } = await runVirtual(t, function* () {
    const getter = createTask(queue.get()); // waits first
    yield* yieldNow();
    const outside = iterator.next(); // waits second
    queue.putNowait("first");
    queue.putNowait(undefined);
    log.push(`task got ${String(yield* getter)}`);
    const step = yield* fromPromise(outside);
    log.push(`async code got ${String(step.value)}`);
    return queue.qsize();
  });
  t.deepEqual(log, ["task got first", "async code got undefined"]);
  t.is(result, 0);
});

test("`Queue[Symbol.asyncIterator]()` behaviour: leaving the loop gives up the waiting place: a later item stays in the queue", async (t) => {
  const queue = new Queue<number>();
  const iterator = queue[Symbol.asyncIterator]();
  const waiting = iterator.next();
  const returned = await iterator.return!();
  t.deepEqual(returned, { done: true, value: undefined });
  t.deepEqual(await waiting, { done: true, value: undefined }, "the pending next() ends");
  queue.putNowait(7);
  t.is(queue.qsize(), 1, "nothing was handed to the iterator that left");
  t.is(queue.getNowait(), 7);
  const again = queue[Symbol.asyncIterator]();
  queue.shutdown(true);
  t.deepEqual(await again.next(), { done: true, value: undefined });
});

test("`Queue[Symbol.asyncIterator]()` behaviour: a second next() while one waits is an InvalidStateError; shutdown ends the waiting one", async (t) => {
  const queue = new Queue<number>();
  const iterator = queue[Symbol.asyncIterator]();
  const waiting = iterator.next();
  await t.throwsAsync(iterator.next(), { name: "InvalidStateError", message: /while it waited for one/ });
  queue.shutdown();
  t.deepEqual(await waiting, { done: true, value: undefined });
});
