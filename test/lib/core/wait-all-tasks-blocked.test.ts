/**
 * `waitAllTasksBlocked()`, adapted from Trio's test_wait_all_tasks_blocked,
 * test_wait_all_tasks_blocked_with_timeouts and test_wait_all_tasks_blocked_with_cushion
 * (test_testing.py).
 */
import test from "ava";
import { Event, Queue, createTask, getRunningLoop, sleep, waitAllTasksBlocked, yieldNow } from "../../../lib/index.js";
import { runVirtual } from "../../helpers/loop.js";
import { errorOf, settle } from "../../helpers/operations.js";

test("`waitAllTasksBlocked()` behaviour: returns once the other tasks are parked; the order of a queue hand-off is observable (Trio's test_wait_all_tasks_blocked)", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const queue = new Queue<string>();
    const consumer = createTask(
      (function* () {
        for (;;) {
          const item = yield* queue.get();
          if (item === "stop") return;
          log.push(`consumer got ${item}`);
          yield* yieldNow();
          yield* yieldNow();
          log.push(`consumer done with ${item}`);
        }
      })(),
    );
    yield* waitAllTasksBlocked();
    log.push("blocked: consumer waits");
    queue.putNowait("a");
    yield* waitAllTasksBlocked();
    log.push("blocked again");
    queue.putNowait("stop");
    yield* consumer;
  });
  t.deepEqual(log, ["blocked: consumer waits", "consumer got a", "consumer done with a", "blocked again"]);
});

test("`waitAllTasksBlocked()` behaviour: a sleeping task counts as blocked: it returns before the sleep ends, with no loop time spent (Trio's ..._with_timeouts)", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const loop = getRunningLoop();
    const sleeper = createTask(sleep(1_000));
    yield* waitAllTasksBlocked();
    const at = loop.time();
    sleeper.cancel();
    yield* settle(sleeper);
    return at;
  });
  t.is(result, 0);
});

test("`waitAllTasksBlocked()` behaviour: waiters with a smaller cushion wake first; a timer inside the cushion keeps it from waking (Trio's ..._with_cushion)", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const loop = getRunningLoop();
    const gate = new Event();
    const waitWith = (name: string, cushionMs: number) =>
      createTask(
        (function* () {
          yield* waitAllTasksBlocked(cushionMs);
          log.push(`${name} (cushion ${cushionMs}) woke at ${loop.time()}`);
        })(),
      );
    const tasks = [waitWith("c", 20), waitWith("a", 10), waitWith("b", 10), waitWith("d", 30)];
    // A ticker that fires at 5 and 25: nothing may happen within a cushion, so the 10s wait for 15 (5 + 10).
    const ticker = createTask(
      (function* () {
        yield* sleep(5);
        log.push(`tick at ${loop.time()}`);
        yield* gate.wait();
      })(),
    );
    for (const task of tasks) yield* task;
    gate.set();
    yield* ticker;
  });
  t.deepEqual(log, [
    "tick at 5",
    "a (cushion 10) woke at 15",
    "b (cushion 10) woke at 15",
    "c (cushion 20) woke at 35",
    "d (cushion 30) woke at 65",
  ]);
});

test("`waitAllTasksBlocked()` behaviour: cancelled while it waits, the wait is withdrawn; bad cushions are TypeErrors and RangeErrors", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const waiting = createTask(
      (function* () {
        yield* waitAllTasksBlocked(1_000);
      })(),
    );
    const sleeper = createTask(sleep(10));
    yield* yieldNow();
    waiting.cancel();
    const cancelled = (errorOf(yield* settle(waiting)) as Error).name;
    yield* sleeper; // time moves on: no idle waiter left to shorten the polls
    const bad = [errorOf(yield* settle(waitAllTasksBlocked("1" as never))), errorOf(yield* settle(waitAllTasksBlocked(-1)))].map(
      (error) => (error as Error).name,
    );
    return { cancelled, bad, time: getRunningLoop().time() };
  });
  t.deepEqual(result, { cancelled: "CancelledError", bad: ["TypeError", "RangeError"], time: 10 });
});
