/**
 * Tutorial, step 2: a scheduler in about twenty lines.
 *
 *   npm run example -- tutorial/02
 *
 * Step 1 drove one generator by hand. A scheduler drives many: it keeps a ready queue of
 * generators and resumes them one at a time, round robin. A coroutine gives way by yielding;
 * the scheduler puts it at the back of the queue and resumes the next one. Nothing is
 * interrupted from outside: a coroutine runs until it yields (cooperative multitasking).
 *
 * Part 1 is that scheduler, written out, running three coroutines interleaved. Part 2 runs the
 * same three coroutines on yieldio's loop, whose scheduler is the same idea with what a real
 * program needs on top: timers, I/O, futures, cancellation (see docs/internals.md).
 */
import { createTask, gather, run, yieldNow } from "../../lib/index.js";
import type { Coroutine } from "../../lib/index.js";
import { VirtualSelector } from "../../selectors/index.js";

// ---- part 1: the scheduler ----------------------------------------------------------------

/** A toy coroutine: it yields nothing in particular (`yield` means "let the others run"). */
type ToyCoroutine = Generator<void, string, void>;

/** A ready queue of coroutines, resumed round robin until every one has returned. */
class ToyScheduler {
  readonly #ready: Array<{ readonly name: string; readonly coroutine: ToyCoroutine }> = [];
  readonly results = new Map<string, string>();

  spawn(name: string, coroutine: ToyCoroutine): void {
    this.#ready.push({ name, coroutine });
  }

  run(): void {
    for (let entry = this.#ready.shift(); entry !== undefined; entry = this.#ready.shift()) {
      const step = entry.coroutine.next(); // runs it up to its next yield (or its return)
      if (step.done === true) this.results.set(entry.name, step.value);
      else this.#ready.push(entry); // it gave way: to the back of the queue
    }
  }
}

/** Counts `steps` steps, giving way after each. */
function* countSteps(name: string, steps: number): ToyCoroutine {
  for (let step = 1; step <= steps; step++) {
    console.log(`  ${name}: step ${step} of ${steps}`);
    yield; // give way: the scheduler resumes the next coroutine in the queue
  }
  return `${name}: ${steps} step${steps === 1 ? "" : "s"}`;
}

console.log("1. the toy scheduler runs three coroutines, round robin:");
const scheduler = new ToyScheduler();
scheduler.spawn("ada", countSteps("ada", 3));
scheduler.spawn("grace", countSteps("grace", 1));
scheduler.spawn("linus", countSteps("linus", 2));
scheduler.run();
console.log("  results, in the order they finished:", [...scheduler.results.values()]);

// ---- part 2: the same on yieldio's loop -----------------------------------------------------

/**
 * The same coroutine for yieldio. `yield` becomes `yield* yieldNow()`: it yields the
 * `yield-now` instruction, and the task goes to the back of the loop's ready queue.
 */
function* countStepsOnTheLoop(name: string, steps: number): Coroutine<string> {
  for (let step = 1; step <= steps; step++) {
    console.log(`  ${name}: step ${step} of ${steps}`);
    yield* yieldNow();
  }
  return `${name}: ${steps} step${steps === 1 ? "" : "s"}`;
}

console.log("2. the same coroutines as yieldio tasks:");
const results = await run(
  function* () {
    // createTask() puts each task on the ready queue (it starts on the next pass), as spawn() did.
    const tasks = [
      createTask(countStepsOnTheLoop("ada", 3)),
      createTask(countStepsOnTheLoop("grace", 1)),
      createTask(countStepsOnTheLoop("linus", 2)),
    ];
    return yield* gather(tasks); // waits for the three, as ToyScheduler.run() did
  },
  { selector: new VirtualSelector() },
);
console.log("  results, in gather()'s argument order:", results);

// The real scheduler, for comparison (see docs/internals.md, "One pass of the loop"):
// - lib/core/ready-queue.ts is the ready queue (a ring buffer of tasks and callbacks);
// - Task#_run in lib/core/task.ts is the only place a coroutine is resumed: it calls next()
//   and reads the instruction it yields (yield-now, sleep, await, suspend, current-task);
// - EventLoop#_runBatch in lib/core/event-loop.ts runs the passes: between two snapshots of
//   the ready queue it asks the selector for I/O and moves due timers to the queue.
