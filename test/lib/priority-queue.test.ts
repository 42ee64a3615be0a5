import test from "ava";
import { CancelledError, PriorityQueue, Queue, QueueShutDown, createTask, yieldNow } from "../../lib/index.js";
import type { PriorityQueueOptions } from "../../lib/index.js";
import { runVirtual } from "../helpers/loop.js";
import { catching } from "../helpers/operations.js";

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
  for (const job of [[2, "b"], [1, "z"], [2, "a"], [0, "x"]] as [number, string][]) jobs.putNowait(job);
  const out: [number, string][] = [];
  while (!jobs.empty()) out.push(jobs.getNowait());
  t.deepEqual(out, [[0, "x"], [1, "z"], [2, "a"], [2, "b"]]);
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
  t.deepEqual(out, [...values].sort((a, b) => b - a));
});

test("`PriorityQueue` behaviour: a compare that is not a function is a TypeError, and queues still work", (t) => {
  t.throws(() => new PriorityQueue<number>({ compare: "desc" } as unknown as PriorityQueueOptions<number>), {
    instanceOf: TypeError,
    message: "PriorityQueue() needs compare as a function (a, b) => number: received string",
  });
  t.throws(() => new PriorityQueue<number>(7 as unknown as PriorityQueueOptions<number>), { instanceOf: TypeError, message: /needs an options object/ });
  const q = new PriorityQueue<number>();
  q.putNowait(2);
  q.putNowait(1);
  t.is(q.getNowait(), 1);
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
