/**
 * Tutorial, step 4: the loop's phases, traced pass by pass.
 *
 *   npm run example -- tutorial/04
 *
 * The loop runs in passes. Each pass (docs/internals.md, "One pass of the loop"):
 *   1. drops cancelled timers at the head of the timer heap;
 *   2. computes the poll timeout: 0 if anything is ready, else the time until the earliest
 *      timer, else "until something happens" (null);
 *   3. polls: asks the selector which file objects are ready, waiting up to that timeout, and
 *      queues their I/O callbacks;
 *   4. queues the timers that are due, earliest first;
 *   5. runs a snapshot of the ready queue: what was there when the phase began. Whatever those
 *      callbacks and task steps schedule runs in the next pass, after the next poll.
 *
 * An Instrument (hooks the loop calls as it runs) prints each pass: the poll (beforeIoWait and
 * afterIoWait), the callbacks (beforeCallback), and the tasks (taskSpawned, taskScheduled,
 * beforeTaskStep, afterTaskStep, taskExited). The program is small: a callSoon, a task that
 * gives way twice, a task that sleeps, a timer that makes a file readable, and a reader of that
 * file. `Task-1` is the main task that `run()` creates for `program`.
 *
 * It runs on a VirtualSelector: time is virtual (a poll with a timeout jumps the clock to the
 * deadline instead of waiting), so the trace is the same on every run.
 */
import { TimerHandle, createTask, getRunningLoop, run, sleep, yieldNow } from "../../lib/index.js";
import type { Coroutine, Handle, Instrument, Task } from "../../lib/index.js";
import { VirtualFile, VirtualSelector } from "../../selectors/index.js";

const selector = new VirtualSelector();

/** What a task waits on, in words (`Task.waitingOn` says "scheduled" after a yieldNow()). */
function waitingOn(task: Task<unknown>): string {
  const waiting = task.waitingOn;
  return waiting === "scheduled" ? "back on the ready queue (it gave way)" : `waiting on ${waiting}`;
}

/** Prints one line per event; a new pass begins with each poll. */
class PassTracer implements Instrument {
  #pass = 0;
  #pollStartedAt = 0;

  beforeRun(): void {
    console.log("the loop starts running");
  }

  afterRun(): void {
    console.log("the loop stopped");
  }

  beforeIoWait(timeoutMs: number | null): void {
    this.#pass++;
    this.#pollStartedAt = selector.time();
    const timeout = timeoutMs === null ? "none (wait for I/O)" : `${timeoutMs} ms`;
    console.log(`pass ${this.#pass}, t=${this.#pollStartedAt}: poll with timeout ${timeout}`);
  }

  afterIoWait(_timeoutMs: number | null, events: number): void {
    const now = selector.time();
    const waited = now === this.#pollStartedAt ? "" : `, the clock moved to t=${now}`;
    console.log(`  poll answered: ${events} file object(s) ready${waited}`);
  }

  beforeCallback(handle: Handle): void {
    // A handle knows its function's name. The last one, stopWhenDone, is run()'s: a done
    // callback of the main task that stops the loop.
    const name = handle.callbackName;
    const kind = handle instanceof TimerHandle ? `timer (due at t=${handle.when()})` : "callback";
    console.log(`  run ${kind}: ${name}`);
  }

  taskSpawned(task: Task<unknown>): void {
    console.log(`  spawned task ${task.name}`);
  }

  taskScheduled(task: Task<unknown>): void {
    // While this hook runs, waitingOn still says what the task waited for.
    const before = task.waitingOn;
    const why = before === "not started" ? "new" : before === "running" ? "running: it gave way" : `waiting on ${before}`;
    console.log(`  scheduled task ${task.name} (it was ${why})`);
  }

  beforeTaskStep(task: Task<unknown>): void {
    console.log(`  step task ${task.name}`);
  }

  afterTaskStep(task: Task<unknown>): void {
    if (!task.done()) console.log(`  end of step: ${task.name} is ${waitingOn(task)}`);
  }

  taskExited(task: Task<unknown>): void {
    console.log(`  task ${task.name} finished`);
  }
}

/** Gives way twice: three steps, one per pass. */
function* politeCounter(): Coroutine<void> {
  for (let count = 1; count <= 2; count++) {
    console.log(`    (polite counts ${count})`);
    yield* yieldNow();
  }
  console.log("    (polite is done)");
}

function* sleeper(): Coroutine<void> {
  yield* sleep(10);
  console.log("    (sleeper woke up)");
}

function* program(): Coroutine<void> {
  const loop = getRunningLoop();
  loop.callSoon(function hello() {
    console.log("    (hello from callSoon)");
  });
  const polite = createTask(politeCounter(), { name: "polite" });
  const sleeping = createTask(sleeper(), { name: "sleeper" });

  // A file that becomes readable at t=5. The reader is called in phase 3 of every pass while the
  // file stays readable (level-triggered); it reads once and stops watching.
  const pipe = new VirtualFile("pipe");
  loop.addReader(pipe, function readPipe() {
    console.log("    (the reader read the pipe)");
    pipe.setReadable(false);
    loop.removeReader(pipe);
  });
  loop.callLater(5, function makePipeReadable() {
    pipe.setReadable(true);
  });

  yield* polite;
  yield* sleeping;
  console.log("    (main is done)");
}

await run(program, { selector, instruments: [new PassTracer()] });
