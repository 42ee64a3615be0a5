/**
 * Tutorial, step 7: cancellation and cleanup.
 *
 *   npm run example -- tutorial/07
 *
 * Cancelling a coroutine means raising `CancelledError` at the point where it waits (its
 * current `yield*`), so that its `try`/`finally` blocks run as the error unwinds it. yieldio's
 * cancellation is level-triggered (Trio's cancel scopes): once a scope is cancelled, every
 * suspension inside it raises again, so a stray `catch` cannot make a cancelled task run on.
 * See docs/semantics.md, "Cancellation is level-triggered".
 *
 * 1. `task.cancel()`: the task's wait raises, its `finally` runs, `yield* task` raises too.
 * 2. Level-triggered: a cancelled task that swallows the error is cancelled again at its next wait.
 * 3. `timeout` raises `TimeoutError` on expiry; `moveOnAfter` returns `undefined` instead.
 * 4. Cleanup that waits: in a cancelled task, `finally { yield* sleep(...) }` raises at once;
 *    `shield()` lets it finish.
 * 5. `taskGroup`: when one child fails, its siblings are cancelled, and the group waits for
 *    them to unwind before it raises an `ExceptionGroup`.
 * 6. `ensure()` and `resource()`: cleanup registered on the current task, run after its body
 *    ends (returned, failed or cancelled) and before the task settles, newest first.
 *
 * All on a VirtualSelector, so the times are exact.
 */
import {
  CancelledError,
  ExceptionGroup,
  TimeoutError,
  createTask,
  ensure,
  getRunningLoop,
  moveOnAfter,
  resource,
  run,
  shield,
  sleep,
  taskGroup,
  timeout,
} from "../../lib/index.js";
import type { Coroutine, Operation } from "../../lib/index.js";
import { VirtualSelector } from "../../selectors/index.js";

function at(): string {
  return `[t=${getRunningLoop().time()}]`;
}

/** A worker that waits forever, and says when its finally block runs. */
function* worker(name: string): Coroutine<void> {
  try {
    console.log(`  ${at()} ${name} waits`);
    yield* sleep(1_000_000);
  } finally {
    console.log(`  ${at()} ${name}: finally block runs`);
  }
}

function* cancelATask(): Coroutine<void> {
  console.log("1. task.cancel():");
  const task = createTask(worker("worker"), { name: "worker" });
  yield* sleep(10);
  task.cancel("no longer needed");
  try {
    yield* task;
  } catch (error) {
    if (!(error instanceof CancelledError)) throw error;
    console.log(`  ${at()} yield* task raised CancelledError: "${error.message}"`);
  }
}

/** Catches the cancellation and tries to wait again: the wait raises at once. */
function* stubborn(): Coroutine<string> {
  try {
    yield* sleep(1_000_000);
  } catch (error) {
    console.log(`  ${at()} stubborn caught ${(error as Error).name} and tries to sleep on`);
  }
  try {
    yield* sleep(1_000_000);
    return "slept";
  } catch (error) {
    console.log(`  ${at()} stubborn: the next sleep raised ${(error as Error).name} again, at once`);
    throw error;
  }
}

function* levelTriggered(): Coroutine<void> {
  console.log("2. level-triggered: a swallowed CancelledError comes back at the next wait:");
  const task = createTask(stubborn());
  yield* sleep(10);
  task.cancel();
  try {
    yield* task;
  } catch (error) {
    console.log(`  ${at()} the task ended ${error instanceof CancelledError ? "cancelled" : "otherwise"}`);
  }
}

function* slowQuery(): Coroutine<string> {
  yield* sleep(100);
  return "result";
}

function* timeLimits(): Coroutine<void> {
  console.log("3. timeout and moveOnAfter cancel the body at the deadline:");
  try {
    yield* timeout(50, slowQuery());
  } catch (error) {
    if (!(error instanceof TimeoutError)) throw error;
    console.log(`  ${at()} timeout(50, slowQuery()) raised TimeoutError`);
  }
  const result = yield* moveOnAfter(50, slowQuery());
  console.log(`  ${at()} moveOnAfter(50, slowQuery()) returned ${String(result)}`);
  const inTime = yield* timeout(500, slowQuery());
  console.log(`  ${at()} timeout(500, slowQuery()) returned "${inTime}": it finished in time`);
}

/** A connection that needs 20 ms to say goodbye before it is closed. */
function* closeConnection(name: string): Coroutine<void> {
  console.log(`  ${at()} ${name}: says goodbye...`);
  yield* sleep(20);
  console.log(`  ${at()} ${name}: goodbye sent, closed`);
}

function* serve(name: string, useShield: boolean): Coroutine<void> {
  try {
    yield* sleep(1_000_000);
  } finally {
    // The task is cancelled: without shield, the sleep in closeConnection raises CancelledError
    // at once and the goodbye is never sent; with shield, it runs to the end.
    yield* useShield ? shield(closeConnection(name)) : closeConnection(name);
  }
}

function* cleanupThatWaits(): Coroutine<void> {
  console.log("4. cleanup that waits needs shield():");
  for (const useShield of [false, true]) {
    const name = useShield ? "with shield" : "without shield";
    const task = createTask(serve(name, useShield));
    yield* sleep(10);
    task.cancel();
    try {
      yield* task;
    } catch (error) {
      console.log(`  ${at()} ${name}: the task is done (${(error as Error).name})`);
    }
  }
}

/** Fails after `delayMs`. */
function* failAfter(delayMs: number): Coroutine<void> {
  yield* sleep(delayMs);
  console.log(`  ${at()} failer raises`);
  throw new Error("disk full");
}

function* groupCancelsSiblings(): Coroutine<void> {
  console.log("5. taskGroup: one child fails, the group cancels its siblings and waits for them:");
  try {
    yield* taskGroup(function* (tg) {
      tg.createTask(worker("sibling A"), { name: "sibling A" });
      tg.createTask(worker("sibling B"), { name: "sibling B" });
      tg.createTask(failAfter(30), { name: "failer" });
    });
  } catch (error) {
    if (!(error instanceof ExceptionGroup)) throw error;
    const messages = error.exceptions.map((inner) => (inner as Error).message);
    console.log(`  ${at()} the group raised an ExceptionGroup of ${JSON.stringify(messages)}, after both finally blocks`);
  }
}

/** A stand-in for a file handle: opening and closing it is logged. */
function* openFile(name: string): Coroutine<{ readonly name: string }> {
  console.log(`  ${at()} open ${name}`);
  // Registered on the task that runs this (job's task): it runs when that task ends, not when
  // openFile returns. For cleanup at the end of a block, use finally.
  yield* ensure(() => console.log(`  ${at()} close ${name} (ensure)`));
  return { name };
}

/** A resource: its body provides a value, and its finally runs when the creating task ends. */
function connection(host: string): Operation<string> {
  return resource<string>(function* (provide) {
    console.log(`  ${at()} connect to ${host}`);
    try {
      yield* provide(`connection to ${host}`); // suspends until the creating task ends
    } finally {
      yield* shield(closeConnection(host)); // releasing is a cancellation: shield what waits
    }
  });
}

function* job(): Coroutine<string> {
  const log = yield* openFile("log.txt");
  const database = yield* connection("db");
  // A cleanup may return an Operation: it is waited for, shielded.
  yield* ensure(function* () {
    yield* sleep(5);
    console.log(`  ${at()} flush the cache (ensure, waits 5 ms)`);
  });
  console.log(`  ${at()} job works with ${log.name} and the ${database}`);
  yield* sleep(10);
  console.log(`  ${at()} job's body returns`);
  return "job done";
}

function* ensureAndResource(): Coroutine<void> {
  console.log("6. ensure() and resource(): cleanups run when the task ends, newest first, before it settles:");
  const result = yield* createTask(job(), { name: "job" });
  console.log(`  ${at()} yield* job returned "${result}": every cleanup had run`);
  const cancelled = createTask(job(), { name: "cancelled job" });
  yield* sleep(5);
  console.log(`  ${at()} cancel the second job while it works`);
  cancelled.cancel();
  try {
    yield* cancelled;
  } catch (error) {
    if (!(error instanceof CancelledError)) throw error;
    console.log(`  ${at()} the cancelled job settled after its cleanups too`);
  }
}

await run(
  function* () {
    yield* cancelATask();
    yield* levelTriggered();
    yield* timeLimits();
    yield* cleanupThatWaits();
    yield* groupCancelsSiblings();
    yield* ensureAndResource();
  },
  { selector: new VirtualSelector() },
);
