/**
 * timeouts: the ways to bound time, side by side, on real time (about a second in all).
 *
 *   npm run example -- timeouts
 *
 * 1. timeout(): give up with TimeoutError;       2. moveOnAfter(): give up quietly;
 * 3. one deadline shared by several steps;        4. waitFor() on a running task;
 * 5. race() against a sleep;                      6. wait() and asCompleted(): never cancel;
 * 7. cleanup that must wait, in shield(), while the deadline has already passed;
 * 8. a swallowed cancellation is raised again (level-triggered).
 */
import {
  CancelledError,
  TimeoutError,
  asCompleted,
  createTask,
  gatherSettled,
  getRunningLoop,
  moveOnAfter,
  race,
  run,
  shield,
  sleep,
  timeout,
  timeoutAt,
  wait,
  waitFor,
} from "../lib/index.js";
import type { Coroutine } from "../lib/index.js";

/** Stands in for a slow query: answers after `delayMs`. */
function* query(name: string, delayMs: number): Coroutine<string> {
  yield* sleep(delayMs);
  return `${name} (${delayMs} ms)`;
}

let started = 0;
const now = (): string => `${String(Math.round(getRunningLoop().time() - started)).padStart(4)} ms`;
const say = (text: string): void => console.log(`  [${now()}] ${text}`);

await run(function* (): Coroutine<void> {
  started = getRunningLoop().time();

  console.log("1. timeout(): the slow query is cancelled, TimeoutError is thrown");
  try {
    yield* timeout(50, query("slow", 200));
  } catch (error) {
    if (!(error instanceof TimeoutError)) throw error;
    say(`${error.name}: ${error.message}`);
  }

  console.log("2. moveOnAfter(): the same, but it returns undefined");
  const maybe = yield* moveOnAfter(50, query("slow", 200));
  say(`result: ${String(maybe)}`);
  say(`a fast one: ${yield* moveOnAfter(50, query("fast", 10))}`);

  console.log("3. one deadline for several steps (timeoutAt)");
  const deadline = getRunningLoop().time() + 100;
  const steps: string[] = [];
  try {
    for (const delayMs of [30, 30, 30, 30]) steps.push(yield* timeoutAt(deadline, query("step", delayMs)));
  } catch (error) {
    if (!(error instanceof TimeoutError)) throw error;
    say(`${steps.length} steps done before the shared deadline`);
  }

  console.log("4. waitFor() on a task that is already running: cancelled on timeout, and awaited");
  const task = createTask(query("background", 500), { name: "background" });
  try {
    yield* waitFor(task, 40);
  } catch (error) {
    if (!(error instanceof TimeoutError)) throw error;
    say(`task ${task.name} cancelled: ${task.cancelled()}`);
  }

  console.log("5. race() against a sleep: the loser is cancelled and awaited");
  const winner = yield* race(query("replica", 60), sleep(30, "too slow" as const));
  say(`race: ${winner}`);

  console.log("6. wait() and asCompleted() never cancel: they only stop looking");
  const tasks = [createTask(query("a", 20)), createTask(query("b", 80)), createTask(query("c", 140))];
  const { done, pending } = yield* wait(tasks, { timeoutMs: 50 });
  say(`wait(): ${done.size} done, ${pending.size} pending, none cancelled`);
  for (const next of asCompleted(tasks, { timeoutMs: 60 })) {
    try {
      say(`asCompleted(): ${yield* next}`);
    } catch (error) {
      if (!(error instanceof TimeoutError)) throw error;
      say("asCompleted(): timed out waiting for the rest");
    }
  }
  yield* gatherSettled(tasks); // the last one is still running: let it finish

  console.log("7. cleanup that must wait runs in shield(), even past the deadline");
  const flushed = yield* moveOnAfter(30, function* () {
    try {
      yield* sleep(1000); // the work: cut short at 30 ms
      return "finished";
    } finally {
      yield* shield(sleep(40)); // the flush: runs to its end although the scope is cancelled
      say("flushed after the deadline");
    }
  });
  say(`result: ${String(flushed)}`);

  console.log("8. a swallowed cancellation comes back at the next suspension");
  yield* moveOnAfter(20, function* () {
    try {
      yield* sleep(1000);
    } catch (error) {
      say(`caught ${(error as Error).name} and ignored it`);
    }
    try {
      yield* sleep(1000);
    } catch (error) {
      if (error instanceof CancelledError) say("... and the next sleep raised it again");
      throw error;
    }
  });
  say("done");
});
