import test from "ava";
import { CancelledError, createTask, suspend, yieldNow } from "../../../lib/index.js";
import type { Coroutine, Task, Waiter } from "../../../lib/index.js";
import { WaitQueue } from "../../../lib/sync/wait-queue.js";
import { runVirtual } from "../../helpers/loop.js";

/** Parks the current task on `queue` with `payload`; resolves to what it is woken with. */
function park(queue: WaitQueue<string>, payload: unknown): Coroutine<string> {
  return suspend<string>({
    description: "test.park()",
    park: (waiter: Waiter<string>) => queue.push(waiter, payload),
    abort: (waiter: Waiter<string>) => {
      queue.withdraw(waiter);
      return true;
    },
  });
}

test("`WaitQueue` behaviour: wakes in arrival order; size counts parked waiters", async (t) => {
  await runVirtual(t, function* () {
    const queue = new WaitQueue<string, Waiter<string>>();
    const tasks = ["a", "b", "c"].map((name) => createTask(park(queue, name)));
    yield* yieldNow();
    t.is(queue.size, 3);
    t.true(queue.wakeNext("first"));
    t.is(queue.size, 2);
    queue.wakeAll("rest");
    t.is(queue.size, 0);
    t.false(queue.wakeNext("nobody"));
    const results: string[] = [];
    for (const task of tasks) results.push(yield* task);
    t.deepEqual(results, ["first", "rest", "rest"]);
  });
});

test("`WaitQueue` behaviour: withdrawn waiters are skipped, with their payloads, and do not count", async (t) => {
  await runVirtual(t, function* () {
    const queue = new WaitQueue<string, Waiter<string>>(true);
    const tasks = ["a", "b", "c", "d"].map((name) => createTask(park(queue, name)));
    yield* yieldNow();
    tasks[0]!.cancel();
    tasks[2]!.cancel();
    t.is(queue.size, 2);
    const first = queue.peek();
    t.is(first?.task, tasks[1]);
    t.is(queue.peekPayload(), "b");
    queue.shift();
    first!.wake("b woken");
    t.is(queue.peek()?.task, tasks[3]);
    t.is(queue.peekPayload(), "d");
    queue.failAll(() => new RangeError("failed"));
    t.is(queue.size, 0);
    t.is(queue.peek(), undefined);
    t.true((yield* catching(tasks[0]!)) instanceof CancelledError);
    t.is(yield* tasks[1]!, "b woken");
    t.true((yield* catching(tasks[2]!)) instanceof CancelledError);
    t.true((yield* catching(tasks[3]!)) instanceof RangeError);
  });
});

test("`WaitQueue` behaviour: when withdrawn waiters pile up they are compacted away, keeping order and payloads aligned", async (t) => {
  await runVirtual(t, function* () {
    const queue = new WaitQueue<string, Waiter<string>>(true);
    const tasks: Task<string>[] = [];
    for (let i = 0; i < 200; i++) tasks.push(createTask(park(queue, `p${i}`)));
    yield* yieldNow();
    // Withdraw all but every tenth, then park more: pushes compact the withdrawn ones away.
    for (let i = 0; i < 200; i++) if (i % 10 !== 0) tasks[i]!.cancel();
    for (let i = 200; i < 260; i++) tasks.push(createTask(park(queue, `p${i}`)));
    yield* yieldNow();
    const kept = tasks.map((_, i) => i).filter((i) => i >= 200 || i % 10 === 0);
    t.is(queue.size, kept.length);
    const order: string[] = [];
    for (;;) {
      const waiter = queue.peek();
      if (waiter === undefined) break;
      const payload = queue.peekPayload() as string;
      queue.shift();
      t.is(waiter.task, tasks[Number(payload.slice(1))] as Task<unknown>, "the payload belongs to its waiter");
      waiter.wake(payload);
      order.push(payload);
    }
    t.deepEqual(
      order,
      kept.map((i) => `p${i}`),
    );
    for (const task of tasks) yield* catching(task);
  });
});

/** Runs `op` and returns what it threw, or undefined if it returned. */
function* catching(op: Task<unknown>): Coroutine<unknown> {
  try {
    yield* op;
    return undefined;
  } catch (error) {
    return error;
  }
}
