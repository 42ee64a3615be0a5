/**
 * `npm run bench`: runs every row module against its peers in one process and prints one
 * table, then the footprint table, the host-gap table and the target verdicts.
 *
 * Options (after `npm run bench --`):
 * - `--filter <text>`: only rows whose title contains the text (case-insensitive);
 * - `--runs <n>`, `--warmups <n>`, `--memory-runs <n>`: how many runs (default 5, 2, 3);
 * - `--strict`: exit with code 1 when a target is missed (the default only reports);
 * - `--no-settle`: skip the modules' JIT steady-state phase (to see its effect).
 *
 * To add rows: write `bench/rows/<name>.ts` exporting `rows` (and optionally `footprints`,
 * `hostGaps`),
 * see `RowModule` in `row.ts`, and add its one import line to `MODULES` below.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { canCollect, formatFootprints, formatHostGaps, formatResults, measureFootprint, measureHostGap, measureRow } from "./harness.js";
import type { FootprintResult, HostGapResult, Plan, RowResult } from "./harness.js";
import type { RowModule } from "./row.js";

/** The row modules, in the order their rows are printed: one import line each. */
const MODULES: readonly RowModule[] = [
  await import("./rows/kernel.js"),
  await import("./rows/gather.js"),
  await import("./rows/queue.js"),
  await import("./rows/hosting.js"),
  await import("./rows/executors.js"),
  await import("./rows/streams.js"),
  await import("./rows/instruments.js"), // last: see its module comment
];

const { values } = parseArgs({
  options: {
    filter: { type: "string" },
    runs: { type: "string", default: "5" },
    warmups: { type: "string", default: "2" },
    "memory-runs": { type: "string", default: "3" },
    strict: { type: "boolean", default: false },
    "no-settle": { type: "boolean", default: false },
  },
});

function count(option: string, text: string, least: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < least) {
    throw new RangeError(`--${option} needs an integer ≥ ${least}: received ${JSON.stringify(text)}`);
  }
  return value;
}

const plan: Plan = {
  runs: count("runs", values.runs, 1),
  warmups: count("warmups", values.warmups, 0),
  memoryRuns: count("memory-runs", values["memory-runs"], 1),
};
const filter = values.filter?.toLowerCase();
const selected = (title: string): boolean => filter === undefined || title.toLowerCase().includes(filter);

if (!canCollect) {
  process.stderr.write("bench: run with node --expose-gc (npm run bench does): without it, runs carry each other's garbage\n");
}

const started = performance.now();
const progress = (line: string): void => {
  process.stderr.write(`  [${((performance.now() - started) / 1000).toFixed(1)} s] ${line}\n`);
};

const results: RowResult[] = [];
const footprints: FootprintResult[] = [];
const hostGaps: HostGapResult[] = [];
// Every module's settle phase runs first, whatever the filter: the runtimes are shared, so a
// row's numbers must not depend on which other rows were selected.
if (!values["no-settle"]) {
  for (const module of MODULES) await module.settle?.();
  progress("runtimes settled");
}
for (const module of MODULES) {
  for (const row of module.rows) {
    if (selected(row.title)) results.push(await measureRow(row, plan, progress));
  }
  for (const row of module.footprints ?? []) {
    if (selected(row.title)) {
      footprints.push(await measureFootprint(row, plan.memoryRuns));
      progress(`${row.title}: measured`);
    }
  }
  for (const row of module.hostGaps ?? []) {
    if (selected(row.title)) hostGaps.push(await measureHostGap(row, plan, progress));
  }
}

const { text, passed, missed } = formatResults(results);
console.log(
  `\nyieldio bench: Node ${process.version}, ${plan.runs} timed runs after ${plan.warmups} warm-ups per contender, median shown; ` +
    `"yieldio speed ×" > 1 means yieldio is faster\n`,
);
if (results.length > 0) console.log(text);
if (footprints.length > 0) console.log(`\n${formatFootprints(footprints)}`);
const gaps = formatHostGaps(hostGaps);
if (hostGaps.length > 0) console.log(`\n${gaps.text}`);
console.log(
  `\n${passed + gaps.passed} targets passed, ${missed + gaps.missed} missed; ${((performance.now() - started) / 1000).toFixed(0)} s in all`,
);
if (values.strict && missed + gaps.missed > 0) process.exitCode = 1;
