/**
 * Structured-concurrency rows: `gather` of 10k immediate children (issue 3's target: at least
 * as fast as `Promise.all`), against native `Promise.all`, Effection 4's `all()` and Effect
 * 4's `Effect.all` with unbounded concurrency. Each contender's child is its own idiom for "a
 * piece of async work that has nothing to wait for": a coroutine, an async function, an
 * Effection operation, an `Effect.gen` program.
 *
 * Every contender checks its own result (the sum of the children's values) and throws if the
 * workload did not do what it claims.
 *
 * @module
 */

import { Effect } from "effect";
import { all as effectionAll, run as effectionRun } from "effection";
import type { Operation as EffectionOperation } from "effection";
import { gather, run } from "../../lib/index.js";
import type { Coroutine } from "../../lib/index.js";
import type { BenchRow } from "../row.js";

function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`bench self-check failed: ${what}`);
}

const GATHER_COUNT = 10_000;
const EXPECTED_SUM = (GATHER_COUNT * (GATHER_COUNT - 1)) / 2;

function* child(value: number): Coroutine<number> {
  return value;
}

// eslint-disable-next-line @typescript-eslint/require-await -- the peer measured: an async function that returns at once
async function nativeChild(value: number): Promise<number> {
  return value;
}

function* effectionChild(value: number): EffectionOperation<number> {
  return value;
}

function effectChild(value: number): Effect.Effect<number> {
  return Effect.gen(function* () {
    return value;
  });
}

function sum(values: readonly number[]): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}

function* yieldioGather(): Coroutine<void> {
  const ops: Coroutine<number>[] = [];
  for (let i = 0; i < GATHER_COUNT; i++) ops.push(child(i));
  const values = yield* gather(ops);
  check(sum(values) === EXPECTED_SUM, "yieldio gather sum");
}

const gatherImmediate: BenchRow = {
  title: "gather 10k immediate children",
  baseline: "yieldio",
  itemsPerRun: GATHER_COUNT,
  unit: "children",
  target: { versus: "native Promise.all", atLeast: 1.0 },
  contenders: [
    { name: "yieldio", run: () => run(yieldioGather) },
    // Native async functions start eagerly; so do eager tasks (asyncio's eager_task_factory).
    { name: "yieldio, eager tasks", run: () => run(yieldioGather, { eagerTasks: true }) },
    {
      name: "native Promise.all",
      run: async () => {
        const promises: Promise<number>[] = [];
        for (let i = 0; i < GATHER_COUNT; i++) promises.push(nativeChild(i));
        const values = await Promise.all(promises);
        check(sum(values) === EXPECTED_SUM, "native Promise.all sum");
      },
    },
    {
      name: "Effection 4",
      run: () =>
        effectionRun(function* () {
          const ops: EffectionOperation<number>[] = [];
          for (let i = 0; i < GATHER_COUNT; i++) ops.push(effectionChild(i));
          const values = yield* effectionAll(ops);
          check(sum(values) === EXPECTED_SUM, "Effection all sum");
        }),
    },
    {
      name: "Effect 4",
      run: () =>
        Effect.runPromise(
          Effect.gen(function* () {
            const effects: Effect.Effect<number>[] = [];
            for (let i = 0; i < GATHER_COUNT; i++) effects.push(effectChild(i));
            const values = yield* Effect.all(effects, { concurrency: "unbounded" });
            check(sum(values) === EXPECTED_SUM, "Effect.all sum");
          }),
        ),
    },
  ],
};

/** The structured-concurrency rows, in the order they are printed. */
export const rows: readonly BenchRow[] = [gatherImmediate];
