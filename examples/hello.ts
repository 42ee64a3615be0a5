/**
 * hello: concurrent tasks, a timeout and a cancellation, on real time.
 *
 *   npm run example -- hello
 */
import { CancelledError, TimeoutError, createTask, getRunningLoop, run, sleep, timeout } from "../lib/index.js";
import type { Coroutine } from "../lib/index.js";

function* greeter(name: string, delayMs: number): Coroutine<string> {
  yield* sleep(delayMs);
  console.log(`  ${name} is ready after ${delayMs} ms`);
  return `hello from ${name}`;
}

function* ticker(): Coroutine<void> {
  try {
    for (let tick = 1; ; tick++) {
      yield* sleep(40);
      console.log(`  tick ${tick}`);
    }
  } finally {
    console.log("  ticker: cleaning up (its finally runs on cancellation)");
  }
}

function* slowQuery(): Coroutine<string> {
  yield* sleep(10_000);
  return "never";
}

const elapsed = await run(function* (): Coroutine<number> {
  const loop = getRunningLoop();
  const started = loop.time();

  console.log("1. three tasks run concurrently:");
  const tasks = [createTask(greeter("ada", 30)), createTask(greeter("grace", 10)), createTask(greeter("linus", 20))];
  for (const task of tasks) console.log(`  ${yield* task}`);

  console.log("2. a timeout cancels a slow operation:");
  try {
    yield* timeout(50, slowQuery());
  } catch (error) {
    if (!(error instanceof TimeoutError)) throw error;
    console.log(`  ${error.name}: ${error.message}`);
  }

  console.log("3. a task is cancelled while it sleeps:");
  const tick = createTask(ticker(), { name: "ticker" });
  yield* sleep(130);
  tick.cancel("demo is over");
  try {
    yield* tick;
  } catch (error) {
    if (!(error instanceof CancelledError)) throw error;
    console.log(`  ${error.message}`);
  }
  return loop.time() - started;
});
console.log(`done in ${Math.round(elapsed)} ms of loop time`);
