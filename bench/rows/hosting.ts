/**
 * Hosting rows: how long Node waits for a turn while yieldio runs busy coroutines. The loop
 * hands control back to Node (`setImmediate`) once it has used its time budget (`BUDGET_MS`);
 * a step that runs long by itself cannot be interrupted, so the promise is "within the budget
 * plus one step". Each load runs on the real `NodeSelector` beside a Node `setInterval(1)`
 * probe (see `measureHostGap` in `harness.ts`), which records the longest stretch between two
 * of its callbacks.
 *
 * The loads are synchronous busy-waits on the clock between `yieldNow()`s: the shape of CPU
 * work cut into steps, where the steps, not the kernel, take the time.
 *
 * @module
 */

import { BUDGET_MS, createTask, run, yieldNow } from "../../lib/index.js";
import type { Coroutine, Task } from "../../lib/index.js";
import { NodeSelector } from "../../selectors/index.js";
import type { BenchRow, HostGapRow } from "../row.js";

function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`bench self-check failed: ${what}`);
}

/**
 * Keeps the thread busy for `stepMs` of wall time (a synchronous step of CPU work). The clock
 * is read once every 16k spins (a few µs): each `performance.now()` allocates its result, and
 * reading it in a tight loop made ~250 MB/s of garbage, whose scavenges (~1 ms each, run by
 * Node between two stretches) then showed up in the very gaps this bench measures.
 */
function busyFor(stepMs: number): void {
  const end = performance.now() + stepMs;
  let spins = 0;
  while ((++spins & 0x3fff) !== 0 || performance.now() < end) {
    // spin
  }
}

let steps = 0;

/** A task that does `rounds` synchronous steps of `stepMs`, giving way after each. */
function* stepper(stepMs: number, rounds: number): Coroutine<void> {
  for (let round = 0; round < rounds; round++) {
    busyFor(stepMs);
    steps++;
    yield* yieldNow();
  }
}

/** A load of `taskCount` tasks, each doing `rounds` steps of `stepMs`, created in one step (one snapshot). */
function load(title: string, taskCount: number, stepMs: number, rounds: number): HostGapRow {
  return {
    title,
    stepMs,
    budgetMs: BUDGET_MS,
    run: () =>
      run(
        function* () {
          steps = 0;
          const tasks: Task<void>[] = [];
          for (let i = 0; i < taskCount; i++) tasks.push(createTask(stepper(stepMs, rounds)));
          for (const task of tasks) yield* task;
          check(steps === taskCount * rounds, `${title}: every step ran`);
        },
        { selector: new NodeSelector() },
      ),
  };
}

/** The hosting rows: the three loads of issue 7 (one long-step task; many tasks in one snapshot). */
export const hostGaps: readonly HostGapRow[] = [
  load("1 task × 20 ms steps, NodeSelector", 1, 20, 20),
  load("200 tasks × 1 ms steps, NodeSelector", 200, 1, 3),
  load("2,000 tasks × 0.25 ms steps, NodeSelector", 2_000, 0.25, 2),
];

/** No timed rows: see {@link hostGaps}. */
export const rows: readonly BenchRow[] = [];
