/**
 * Instrument rows: what an installed instrument costs (every hook, each only counting: the
 * least a trace recorder does). Printed last on purpose: once a process has run a loop with an
 * instrument, V8's optimised code no longer assumes that no loop has one, and the rows run
 * after it would carry that. What matters for programs that install none, that the kernel's
 * rows cost the same as before instruments existed, is measured against an older tree (see
 * bench/README.md, "Instruments").
 *
 * @module
 */

import { INSTRUMENT_HOOKS, run, yieldNow } from "../../lib/index.js";
import type { Coroutine, Instrument } from "../../lib/index.js";
import { yieldioSpawnJoin } from "./kernel.js";
import type { BenchRow } from "../row.js";

function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`bench self-check failed: ${what}`);
}

/** Runs `main` with an instrument whose every hook counts, and checks that it was called. */
async function runCounted(main: () => Coroutine<void>): Promise<void> {
  let calls = 0;
  const count = (): void => {
    calls++;
  };
  const hooks: Record<string, () => void> = {};
  for (const hook of INSTRUMENT_HOOKS) hooks[hook] = count;
  await run(main, { instruments: [hooks as Instrument] });
  check(calls > 0, "the instrument was called");
}

const PASS_COUNT = 1_000_000;

function* passes(): Coroutine<void> {
  for (let i = 0; i < PASS_COUNT; i++) yield* yieldNow();
}

const SPAWN_COUNT = 100_000; // as rows/kernel.ts's spawn-join

const instrumentedPasses: BenchRow = {
  title: "1M yieldNow(), an instrument installed",
  baseline: "yieldio, an instrument",
  itemsPerRun: PASS_COUNT,
  unit: "passes",
  contenders: [
    { name: "yieldio, an instrument", run: () => runCounted(passes) },
    { name: "yieldio, none", run: () => run(passes) },
  ],
};

const instrumentedSpawnJoin: BenchRow = {
  title: "spawn-join 100k tasks, an instrument installed",
  baseline: "yieldio, an instrument",
  itemsPerRun: SPAWN_COUNT,
  unit: "tasks",
  contenders: [
    { name: "yieldio, an instrument", run: () => runCounted(yieldioSpawnJoin) },
    { name: "yieldio, none", run: () => run(yieldioSpawnJoin) },
  ],
};

export const rows: readonly BenchRow[] = [instrumentedPasses, instrumentedSpawnJoin];
