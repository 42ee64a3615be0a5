import test from "ava";
import { CancelledError, PriorityQueue, Queue, QueueShutDown, createTask, yieldNow } from "../../../lib/index.js";
import type { PriorityQueueOptions } from "../../../lib/index.js";
import { runVirtual } from "../../helpers/loop.js";
import { catching, errorOf, settle } from "../../helpers/operations.js";

test("`PriorityQueue.getNowait()` behaviour: smallest first (CPython PriorityQueueTests.test_order)", (t) => {
  const q = new PriorityQueue<number>();
  for (const i of [1, 3, 2]) q.putNowait(i);
  t.deepEqual([q.getNowait(), q.getNowait(), q.getNowait()], [1, 2, 3]);
});

test("`PriorityQueue` behaviour: is a Queue", (t) => {
  const q = new PriorityQueue<number>({ maxsize: 3 });
  t.true(q instanceof Queue);
  t.is(q.maxsize, 3);
});

test("`PriorityQueue` behaviour: strings, and [priority, data] tuples compared element by element", (t) => {
  const words = new PriorityQueue<string>();
  for (const word of ["pear", "apple", "fig"]) words.putNowait(word);
  t.deepEqual([words.getNowait(), words.getNowait(), words.getNowait()], ["apple", "fig", "pear"]);
  const jobs = new PriorityQueue<[number, string]>();
  for (const job of [
    [2, "b"],
    [1, "z"],
    [2, "a"],
    [0, "x"],
  ] as [number, string][])
    jobs.putNowait(job);
  const out: [number, string][] = [];
  while (!jobs.empty()) out.push(jobs.getNowait());
  t.deepEqual(out, [
    [0, "x"],
    [1, "z"],
    [2, "a"],
    [2, "b"],
  ]);
  const lengths = new PriorityQueue<number[]>();
  lengths.putNowait([1, 2]);
  lengths.putNowait([1]);
  t.deepEqual(lengths.getNowait(), [1], "a prefix comes first");
});

test("`PriorityQueue` behaviour: items that compare equal come out in the order they were put", (t) => {
  const q = new PriorityQueue<{ priority: number; name: string }>({ compare: (a, b) => a.priority - b.priority });
  const names = ["a", "b", "c", "d", "e", "f", "g", "h"];
  names.forEach((name, i) => q.putNowait({ priority: i % 2, name }));
  const out: string[] = [];
  while (!q.empty()) out.push(q.getNowait().name);
  t.deepEqual(out, ["a", "c", "e", "g", "b", "d", "f", "h"]);
});

test("`PriorityQueue` behaviour: a custom compare orders the items; a heap of many random numbers comes out sorted", (t) => {
  const q = new PriorityQueue<number>({ compare: (a, b) => b - a });
  let seed = 7;
  const values: number[] = [];
  for (let i = 0; i < 500; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    values.push(seed % 1000);
    q.putNowait(seed % 1000);
  }
  const out: number[] = [];
  while (!q.empty()) out.push(q.getNowait());
  t.deepEqual(
    out,
    [...values].sort((a, b) => b - a),
  );
});

test("`PriorityQueue` behaviour: a compare that is not a function is a TypeError, and queues still work", (t) => {
  t.throws(() => new PriorityQueue<number>({ compare: "desc" } as unknown as PriorityQueueOptions<number>), {
    instanceOf: TypeError,
    message: "PriorityQueue() needs compare as a function (a, b) => number: received string",
  });
  t.throws(() => new PriorityQueue<number>(7 as unknown as PriorityQueueOptions<number>), {
    instanceOf: TypeError,
    message: /needs an options object/,
  });
  const q = new PriorityQueue<number>();
  q.putNowait(2);
  q.putNowait(1);
  t.is(q.getNowait(), 1);
});

/** A queue of numbers whose comparator throws while `broken.now` is set, or when it meets `poison`. */
function fragileQueue(poison = Number.NaN): { queue: PriorityQueue<number>; broken: { now: boolean } } {
  const broken = { now: false };
  const queue = new PriorityQueue<number>({
    compare: (a, b) => {
      if (broken.now || a === poison || b === poison) throw new Error("cannot compare");
      return a - b;
    },
  });
  return { queue, broken };
}

test("`PriorityQueue.putNowait()` behaviour: a comparator that throws leaves the queue as it was; the item is not stored", (t) => {
  const { queue } = fragileQueue(0);
  for (const item of [5, 3, 8, 1, 9, 4]) queue.putNowait(item);
  t.throws(() => queue.putNowait(0), { message: "cannot compare" });
  t.is(queue.qsize(), 6);
  const out: number[] = [];
  while (!queue.empty()) out.push(queue.getNowait());
  t.deepEqual(out, [1, 3, 4, 5, 8, 9]);
  for (let i = 0; i < out.length; i++) queue.taskDone();
  t.throws(() => queue.taskDone(), { instanceOf: RangeError }, "the refused item was never counted");
});

test("`PriorityQueue.getNowait()` behaviour: a comparator that throws loses no item; once it behaves, items come out in order", (t) => {
  const { queue, broken } = fragileQueue();
  for (const item of [5, 3, 8, 1, 9, 4, 7]) queue.putNowait(item);
  broken.now = true;
  t.throws(() => queue.getNowait(), { message: "cannot compare" });
  t.throws(() => queue.putNowait(2), { message: "cannot compare" });
  t.throws(() => queue.getNowait(), { message: "cannot compare" });
  t.is(queue.qsize(), 7);
  broken.now = false;
  queue.putNowait(6);
  const out: number[] = [];
  while (!queue.empty()) out.push(queue.getNowait());
  t.deepEqual(out, [1, 3, 4, 5, 6, 7, 8, 9]);
});

test("`PriorityQueue` behaviour: a comparator that throws now and then never breaks the heap order", (t) => {
  // Every third comparison throws, wherever it falls in a put or a get.
  let calls = 0;
  let throwing = false;
  const queue = new PriorityQueue<number>({
    compare: (a, b) => {
      if (throwing && ++calls % 3 === 0) throw new Error("cannot compare");
      return a - b;
    },
  });
  const model: number[] = []; // what the queue must hold, sorted
  let failures = 0;
  let seed = 11;
  for (let step = 0; step < 600; step++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    const value = seed % 100;
    throwing = true;
    try {
      if (seed % 3 === 0 && model.length > 0) {
        const item = queue.getNowait();
        t.is(item, model[0]!, "a get returns the smallest item");
        model.shift();
      } else {
        queue.putNowait(value);
        const at = model.findIndex((x) => x > value);
        model.splice(at === -1 ? model.length : at, 0, value);
      }
    } catch (error) {
      t.is((error as Error).message, "cannot compare");
      failures++;
    } finally {
      throwing = false;
    }
    t.is(queue.qsize(), model.length);
  }
  t.true(failures > 50, `the comparator threw ${failures} times`);
  const rest: number[] = [];
  while (!queue.empty()) rest.push(queue.getNowait());
  t.deepEqual(rest, model, "nothing lost, nothing added, in order");
});

test("`PriorityQueue.getNowait()` behaviour: a comparator that throws while a waiting putter's item goes in fails that put(); the get returns its item, nothing is lost", async (t) => {
  await runVirtual(t, function* () {
    // Only the putter's item cannot be compared, so only moving it in can throw.
    const queue = new PriorityQueue<number>({
      maxsize: 2,
      compare: (a, b) => {
        if (a === 3 || b === 3) throw new Error("cannot compare");
        return a - b;
      },
    });
    queue.putNowait(1);
    queue.putNowait(5);
    const putter = createTask(queue.put(3));
    yield* yieldNow(); // parked: the queue is full
    // The item is stored before the putter is woken (queue.ts, take()): the comparator throws
    // there, so the put raises instead of returning as if its item were queued, while the get
    // that freed the slot had already taken its item and returns it.
    t.is(queue.getNowait(), 1);
    t.is((errorOf(yield* settle(putter)) as Error).message, "cannot compare", "the put says why its item was not added");
    t.is(queue.qsize(), 1);
    t.is(queue.getNowait(), 5);
    queue.taskDone();
    queue.taskDone();
    t.throws(() => queue.taskDone(), { instanceOf: RangeError }, "the refused item was never counted");
  });
});

test("`PriorityQueue.get()` behaviour: a slot freed in a full queue lets the waiting putter in; its item takes its place by priority", async (t) => {
  await runVirtual(t, function* () {
    const q = new PriorityQueue<number>({ maxsize: 2 });
    q.putNowait(5);
    q.putNowait(3);
    const putter = createTask(q.put(1));
    yield* yieldNow();
    t.is(yield* q.get(), 3);
    yield* putter;
    t.deepEqual([q.getNowait(), q.getNowait()], [1, 5]);
  });
});

test("`PriorityQueue.put()` behaviour: a putter cancelled while waiting adds nothing; shutdown fails the others", async (t) => {
  await runVirtual(t, function* () {
    const q = new PriorityQueue<number>({ maxsize: 1 });
    q.putNowait(9);
    const cancelled = createTask(q.put(1));
    const other = createTask(q.put(2));
    yield* yieldNow();
    cancelled.cancel();
    t.true((yield* catching(cancelled)) instanceof CancelledError);
    q.shutdown();
    t.true((yield* catching(other)) instanceof QueueShutDown);
    t.is(q.getNowait(), 9);
    t.true(q.empty());
  });
});
