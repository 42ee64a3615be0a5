import test from "ava";
import { CancelledError, LifoQueue, Queue, QueueEmpty, createTask, yieldNow } from "../../../lib/index.js";
import { runVirtual } from "../../helpers/loop.js";
import { catching } from "../../helpers/operations.js";

test("`LifoQueue.getNowait()` behaviour: last in, first out (CPython LifoQueueTests.test_order)", (t) => {
  const q = new LifoQueue<number>();
  for (const i of [1, 3, 2]) q.putNowait(i);
  t.deepEqual([q.getNowait(), q.getNowait(), q.getNowait()], [2, 3, 1]);
  t.throws(() => q.getNowait(), { instanceOf: QueueEmpty });
});

test("`LifoQueue` behaviour: is a Queue", (t) => {
  const q = new LifoQueue<number>({ maxsize: 2 });
  t.true(q instanceof Queue);
  t.is(q.maxsize, 2);
});

test("`LifoQueue.get()` behaviour: a waiting getter is handed the first item put; a putter let in by a get goes on top", async (t) => {
  await runVirtual(t, function* () {
    const q = new LifoQueue<string>({ maxsize: 2 });
    const getter = createTask(q.get());
    yield* yieldNow();
    q.putNowait("a");
    t.is(yield* getter, "a");
    q.putNowait("b");
    q.putNowait("c");
    const putter = createTask(q.put("d"));
    yield* yieldNow();
    t.is(yield* q.get(), "c");
    yield* putter;
    t.deepEqual([q.getNowait(), q.getNowait()], ["d", "b"]);
  });
});

test("`LifoQueue.get()` behaviour: a getter cancelled while waiting leaves the item in the queue", async (t) => {
  await runVirtual(t, function* () {
    const q = new LifoQueue<string>();
    const getter = createTask(q.get());
    yield* yieldNow();
    getter.cancel();
    q.putNowait("kept");
    t.true((yield* catching(getter)) instanceof CancelledError);
    t.is(q.getNowait(), "kept");
  });
});
