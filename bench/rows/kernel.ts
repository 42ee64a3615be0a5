/**
 * Kernel rows: spawning and joining tasks, giving way, sleeping, cancelling, and the resident
 * size of a pending task. yieldio against native async/await, Effection 4 and (for
 * cancellation) Effect 4, each written the way its users would write it.
 *
 * Every contender checks its own outcome (a sum, a count of started tasks) and throws if the
 * workload did not do what it claims: a broken contender must fail the bench, not win it.
 *
 * @module
 */

import { Effect, Fiber } from "effect";
import {
  action as effectionAction,
  run as effectionRun,
  sleep as effectionSleep,
  spawn as effectionSpawn,
  suspend as effectionSuspend,
  withResolvers as effectionWithResolvers,
} from "effection";
import type { Operation as EffectionOperation } from "effection";
import { CancelledError, createTask, getRunningLoop, run, sleep, wait, yieldNow } from "../../lib/index.js";
import type { Coroutine, Future, Task } from "../../lib/index.js";
import { collect } from "../harness.js";
import type { BenchRow, Contender, FootprintRow } from "../row.js";

function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`bench self-check failed: ${what}`);
}

/**
 * Effection 4 spends ~100 µs and ~10 KB per spawned task (mostly garbage collection): 100k
 * tasks take 15–25 s a run, too long for the bench's budget of a few minutes. It runs 10k
 * (the first 10k of the same workload) in the task-heavy rows, compared per task. Its cost
 * grows faster than linearly with the count (10k → 40k spawns: 0.8 s → 4.5 s), so the smaller
 * size flatters it.
 */
const EFFECTION_COUNT = 10_000;

// ---- 1. spawn-join 100k tasks --------------------------------------------------------------------

const SPAWN_COUNT = 100_000;

function* child(): Coroutine<number> {
  return 1;
}

// eslint-disable-next-line @typescript-eslint/require-await -- the peer measured: an async function that returns at once
async function nativeChild(): Promise<number> {
  return 1;
}

function* effectionChild(): EffectionOperation<number> {
  return 1;
}

/** The spawn-join workload on yieldio (also run with an instrument installed, in rows/instruments.ts). */
export function* yieldioSpawnJoin(): Coroutine<void> {
  const tasks: Task<number>[] = [];
  for (let i = 0; i < SPAWN_COUNT; i++) tasks.push(createTask(child()));
  let sum = 0;
  for (const task of tasks) sum += yield* task;
  check(sum === SPAWN_COUNT, "yieldio spawn-join sum");
}

const spawnJoin: BenchRow = {
  title: "spawn-join 100k tasks",
  baseline: "yieldio",
  itemsPerRun: SPAWN_COUNT,
  unit: "tasks",
  target: { versus: "native Promise.all", atLeast: 1.0 },
  contenders: [
    { name: "yieldio", run: () => run(yieldioSpawnJoin) },
    // Native async functions run eagerly up to their first await; so do eager tasks
    // (asyncio's eager_task_factory): the same workload, started the way native starts it.
    { name: "yieldio, eager tasks", run: () => run(yieldioSpawnJoin, { eagerTasks: true }) },
    {
      name: "native Promise.all",
      run: async () => {
        const promises: Promise<number>[] = [];
        for (let i = 0; i < SPAWN_COUNT; i++) promises.push(nativeChild());
        let sum = 0;
        for (const value of await Promise.all(promises)) sum += value;
        check(sum === SPAWN_COUNT, "native spawn-join sum");
      },
    },
    {
      name: "Effection 4",
      itemsPerRun: EFFECTION_COUNT,
      run: () =>
        effectionRun(function* () {
          const tasks = [];
          for (let i = 0; i < EFFECTION_COUNT; i++) tasks.push(yield* effectionSpawn(effectionChild));
          let sum = 0;
          for (const task of tasks) sum += yield* task;
          check(sum === EFFECTION_COUNT, "Effection spawn-join sum");
        }),
    },
  ],
};

// ---- 2. 1M yieldNow() --------------------------------------------------------------------------

const PASS_COUNT = 1_000_000;

/**
 * Effection's cheapest way to give way. Its `sleep(0)` is a host `setTimeout(0)`, which Node
 * clamps to 1 ms: 1M of them would take over 15 minutes. An action that resolves from a
 * microtask gives way to every other ready routine and Promise, as `await null` does.
 */
const effectionYield: EffectionOperation<void> = effectionAction<void>((resolve) => {
  queueMicrotask(() => resolve());
  return () => {};
}, "yield");

const yieldPasses: BenchRow = {
  title: "1M yieldNow()",
  baseline: "yieldio",
  itemsPerRun: PASS_COUNT,
  unit: "passes",
  minRate: 10_000_000,
  contenders: [
    {
      name: "yieldio",
      run: () =>
        run(function* () {
          for (let i = 0; i < PASS_COUNT; i++) yield* yieldNow();
        }),
    },
    {
      name: "native await null",
      run: async () => {
        // eslint-disable-next-line @typescript-eslint/await-thenable -- the peer measured: one microtask turn per pass
        for (let i = 0; i < PASS_COUNT; i++) await null;
      },
    },
    {
      name: "Effection 4",
      run: () =>
        effectionRun(function* () {
          for (let i = 0; i < PASS_COUNT; i++) yield* effectionYield;
        }),
    },
  ],
};

// ---- 3. 100k concurrent sleeps of 0–100 ms -------------------------------------------------------

const SLEEP_COUNT = 100_000;

/** mulberry32: a tiny seeded PRNG, so every contender sleeps the same sequence of delays. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DELAYS_MS: readonly number[] = (() => {
  const random = seededRandom(0x5eed);
  return Array.from({ length: SLEEP_COUNT }, () => Math.floor(random() * 101)); // 0..100 inclusive
})();
const EFFECTION_DELAYS_MS = DELAYS_MS.slice(0, EFFECTION_COUNT);

function nativeSleep(delayMs: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, delayMs));
}

const concurrentSleeps: BenchRow = {
  title: "100k sleeps of 0–100 ms",
  baseline: "yieldio",
  itemsPerRun: SLEEP_COUNT,
  unit: "tasks",
  floorMs: Math.max(...DELAYS_MS),
  target: { versus: "native setTimeout", atLeast: 2.5 },
  peakMemory: { versus: "native setTimeout", atMost: 1.25 },
  contenders: [
    {
      name: "yieldio",
      run: () =>
        run(function* () {
          const tasks: Task<void>[] = [];
          for (const delayMs of DELAYS_MS) tasks.push(createTask(sleep(delayMs)));
          for (const task of tasks) yield* task;
        }),
    },
    {
      name: "native setTimeout",
      run: async () => {
        const promises: Promise<void>[] = [];
        for (const delayMs of DELAYS_MS) promises.push(nativeSleep(delayMs));
        await Promise.all(promises);
      },
    },
    {
      name: "Effection 4",
      itemsPerRun: EFFECTION_COUNT,
      run: () =>
        effectionRun(function* () {
          const tasks = [];
          for (const delayMs of EFFECTION_DELAYS_MS) tasks.push(yield* effectionSpawn(() => effectionSleep(delayMs)));
          for (const task of tasks) yield* task;
        }),
    },
  ],
};

// ---- 4. cancelling 50k sleeping tasks ------------------------------------------------------------

const CANCEL_COUNT = 50_000;
/** Long enough that no sleep ever ends by itself during the bench. */
const LONG_SLEEP_MS = 10 * 60_000;
let started = 0;

function* longSleeper(): Coroutine<void> {
  started++;
  yield* sleep(LONG_SLEEP_MS);
}

/** The usual hand-written abortable sleep (cheaper than `timers/promises`' `setTimeout`). */
function abortableSleep(delayMs: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- rejects with what abort() was given, as timers/promises does
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, delayMs);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

async function nativeLongSleeper(signal: AbortSignal): Promise<void> {
  started++;
  await abortableSleep(LONG_SLEEP_MS, signal);
}

function* effectionLongSleeper(): EffectionOperation<void> {
  started++;
  yield* effectionSleep(LONG_SLEEP_MS);
}

const effectLongSleeper = Effect.gen(function* () {
  started++;
  yield* Effect.sleep(LONG_SLEEP_MS);
});

/** Starts CANCEL_COUNT sleepers, lets each park on its timer, then cancels them all (the joins differ). */
function* startThenCancelSleepers(): Coroutine<Task<void>[]> {
  started = 0;
  const tasks: Task<void>[] = [];
  for (let i = 0; i < CANCEL_COUNT; i++) tasks.push(createTask(longSleeper()));
  yield* yieldNow(); // every task takes its first step and parks on its timer
  check(started === CANCEL_COUNT, "yieldio: all sleepers started");
  for (const task of tasks) task.cancel();
  return tasks;
}

/** Waits for a task that was cancelled; any other failure is a bench bug. */
function* settleCancelled(task: Task<void>): Coroutine<void> {
  try {
    yield* task;
  } catch (error) {
    if (!(error instanceof CancelledError)) throw error;
  }
}

/** Effect's way: fork 50k sleeping fibers, let them start, `Fiber.interruptAll` (interrupts, then awaits them all). */
const effectCancelSleepers: Contender = {
  name: "Effect 4",
  run: () =>
    Effect.runPromise(
      Effect.gen(function* () {
        started = 0;
        const fibers: Fiber.Fiber<void>[] = [];
        for (let i = 0; i < CANCEL_COUNT; i++) fibers.push(yield* Effect.forkChild(effectLongSleeper));
        for (let i = 0; i < 100 && started < CANCEL_COUNT; i++) yield* Effect.yieldNow;
        check(started === CANCEL_COUNT, "Effect: all sleepers started");
        yield* Fiber.interruptAll(fibers);
      }),
    ),
};

const cancelSleepers: BenchRow = {
  title: "cancel 50k sleeping tasks",
  baseline: "yieldio",
  itemsPerRun: CANCEL_COUNT,
  unit: "tasks",
  target: { versus: "Effect 4", atLeast: 1.0 },
  contenders: [
    {
      name: "yieldio",
      run: () =>
        run(function* () {
          const tasks = yield* startThenCancelSleepers();
          for (const task of tasks) yield* settleCancelled(task);
          check(
            tasks.every((task) => task.cancelled()),
            "yieldio: all sleepers cancelled",
          );
        }),
    },
    {
      name: "native AbortController",
      run: async () => {
        started = 0;
        const controllers: AbortController[] = [];
        const promises: Promise<void>[] = [];
        for (let i = 0; i < CANCEL_COUNT; i++) {
          const controller = new AbortController();
          controllers.push(controller);
          promises.push(nativeLongSleeper(controller.signal)); // runs up to its first await
        }
        check(started === CANCEL_COUNT, "native: all sleepers started");
        for (const controller of controllers) controller.abort();
        const outcomes = await Promise.allSettled(promises);
        check(
          outcomes.every((o) => o.status === "rejected"),
          "native: all sleepers aborted",
        );
      },
    },
    {
      name: "Effection 4",
      itemsPerRun: EFFECTION_COUNT,
      run: () =>
        effectionRun(function* () {
          started = 0;
          // Structured: the sleepers are children of one task; halting it halts them all.
          const group = yield* effectionSpawn(function* () {
            for (let i = 0; i < EFFECTION_COUNT; i++) void (yield* effectionSpawn(effectionLongSleeper)); // halted with the group, never awaited
            yield* effectionSuspend();
          });
          for (let i = 0; i < 100 && started < EFFECTION_COUNT; i++) yield* effectionYield;
          check(started === EFFECTION_COUNT, "Effection: all sleepers started");
          yield* group.halt();
        }),
    },
    effectCancelSleepers,
  ],
};

/**
 * The same cancellation joined the other way asyncio users write it: cancel every task, then
 * one `yield* wait(tasks)` (which never raises; the tasks' `CancelledError`s stay in them).
 */
const cancelSleepersWait: BenchRow = {
  title: "cancel 50k sleeping tasks, join with wait()",
  baseline: "yieldio, wait()",
  itemsPerRun: CANCEL_COUNT,
  unit: "tasks",
  target: { versus: "Effect 4", atLeast: 1.0 },
  contenders: [
    {
      name: "yieldio, wait()",
      run: () =>
        run(function* () {
          const tasks = yield* startThenCancelSleepers();
          const { done, pending } = yield* wait(tasks);
          check(done.size === CANCEL_COUNT && pending.size === 0, "yieldio: wait() saw every sleeper done");
          check(
            tasks.every((task) => task.cancelled()),
            "yieldio: all sleepers cancelled",
          );
        }),
    },
    effectCancelSleepers,
  ],
};

// ---- bytes per pending task ------------------------------------------------------------------

function* waitOn(gate: Future<number>): Coroutine<number> {
  return yield* gate;
}

async function nativeWaitOn(gate: Promise<number>): Promise<number> {
  return await gate;
}

let effectionGate: EffectionOperation<number> | undefined;

function* effectionWaitOn(): EffectionOperation<number> {
  return yield* effectionGate!;
}

/**
 * Holds `count` tasks parked on one gate (a Future, a Promise, an Effection resolver) inside
 * a running program, and hands back the function that opens the gate and waits for the end.
 */
const pendingTasks: FootprintRow = {
  title: "bytes per pending task",
  count: 100_000,
  contenders: [
    {
      name: "yieldio",
      hold: (count) =>
        new Promise((holding, failed) => {
          let gate: Future<number> | undefined;
          const done = run(function* () {
            gate = getRunningLoop().createFuture<number>();
            const tasks: Task<number>[] = [];
            for (let i = 0; i < count; i++) tasks.push(createTask(waitOn(gate)));
            yield* yieldNow(); // every task has parked on the gate
            holding(async () => {
              gate!.setResult(1);
              await done;
            });
            let sum = 0;
            for (const task of tasks) sum += yield* task;
            check(sum === count, "yieldio footprint sum");
          });
          done.catch(failed);
        }),
    },
    {
      name: "native async fn + Promise",
      hold: (count) => {
        let open: (value: number) => void = () => {};
        const gate = new Promise<number>((resolve) => (open = resolve));
        const promises: Promise<number>[] = [];
        for (let i = 0; i < count; i++) promises.push(nativeWaitOn(gate)); // each is at its await
        return Promise.resolve(async () => {
          open(1);
          const values = await Promise.all(promises);
          check(values.length === count, "native footprint count");
        });
      },
    },
    {
      name: "Effection 4",
      count: EFFECTION_COUNT,
      hold: (count) =>
        new Promise((holding, failed) => {
          const gate = effectionWithResolvers<number>();
          effectionGate = gate.operation;
          const done = effectionRun(function* () {
            const tasks = [];
            for (let i = 0; i < count; i++) tasks.push(yield* effectionSpawn(effectionWaitOn));
            yield* effectionYield;
            holding(async () => {
              gate.resolve(1);
              await done;
              effectionGate = undefined;
            });
            let sum = 0;
            for (const task of tasks) sum += yield* task;
            check(sum === count, "Effection footprint sum");
          });
          done.catch(failed);
        }),
    },
  ],
};

// ---- JIT steady state ----------------------------------------------------------------------------

/** Cycles of settle(): V8 has reached its steady state for the kernel well before this many. */
const SETTLE_CYCLES = 12;

function* settleProgram(): Coroutine<void> {
  const children: Task<number>[] = [];
  for (let i = 0; i < 20_000; i++) children.push(createTask(child()));
  for (const task of children) yield* task;
  for (let i = 0; i < 200_000; i++) yield* yieldNow();
  const sleepers: Task<void>[] = [];
  for (let i = 0; i < 2_000; i++) sleepers.push(createTask(sleep(i % 3)));
  for (const task of sleepers) yield* task;
  const doomed: Task<void>[] = [];
  for (let i = 0; i < 2_000; i++) doomed.push(createTask(longSleeper()));
  yield* yieldNow();
  for (const task of doomed) task.cancel();
  for (const task of doomed) yield* settleCancelled(task);
  const doomedToo: Task<void>[] = [];
  for (let i = 0; i < 2_000; i++) doomedToo.push(createTask(longSleeper()));
  yield* yieldNow();
  for (const task of doomedToo) task.cancel();
  yield* wait(doomedToo);
}

function* effectionSettleProgram(): EffectionOperation<void> {
  const children = [];
  for (let i = 0; i < 1_000; i++) children.push(yield* effectionSpawn(effectionChild));
  for (const task of children) yield* task;
  for (let i = 0; i < 20_000; i++) yield* effectionYield;
  const group = yield* effectionSpawn(function* () {
    for (let i = 0; i < 1_000; i++) void (yield* effectionSpawn(effectionLongSleeper)); // halted with the group, never awaited
    yield* effectionSuspend();
  });
  yield* effectionYield;
  yield* group.halt();
}

const effectSettleProgram = Effect.gen(function* () {
  const fibers: Fiber.Fiber<void>[] = [];
  for (let i = 0; i < 2_000; i++) fibers.push(yield* Effect.forkChild(effectLongSleeper));
  yield* Effect.yieldNow;
  yield* Fiber.interruptAll(fibers);
});

/**
 * Runs each runtime's programs through many short lives, with a full GC after each, the way
 * the timed runs do: V8 deoptimizes code that embedded objects of a program that died, and
 * after a handful of such cycles it settles on code that no longer depends on them (for
 * yieldio's loop, 2–3 times slower on 1M yieldNow(): see README). Without this, a row's
 * numbers would depend on how many runs came before it.
 */
export async function settleRuntimes(): Promise<void> {
  for (let cycle = 0; cycle < SETTLE_CYCLES; cycle++) {
    await run(settleProgram());
    await effectionRun(effectionSettleProgram);
    await Effect.runPromise(effectSettleProgram);
    collect();
  }
}

/** The kernel rows, in the order they are printed. */
export const rows: readonly BenchRow[] = [spawnJoin, yieldPasses, concurrentSleeps, cancelSleepers, cancelSleepersWait];

/** The kernel's footprint rows. */
export const footprints: readonly FootprintRow[] = [pendingTasks];

/** See {@link settleRuntimes}. */
export const settle: () => Promise<void> = settleRuntimes;
