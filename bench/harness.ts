/**
 * The bench harness: times each contender of a row (median of N runs after warm-up), samples
 * peak heap growth, measures resident bytes per pending task, and prints the table.
 *
 * Why not tinybench's loop: our workloads take tens to hundreds of milliseconds each, and
 * three things matter more than tinybench's time-budgeted sampling does for microbenchmarks:
 * - a full `gc()` before every timed run (outside the timing), so that one contender's garbage
 *   is not collected on the next contender's clock;
 * - rounds that interleave the contenders (rotating who goes first), so that a slow drift of
 *   the machine (the other core is shared) lands on every contender alike instead of on
 *   whoever ran last;
 * - a fixed, small number of runs, so that the whole bench keeps to its time budget.
 * So the loop is our own: W warm-up runs per contender, then N rounds, median per contender.
 *
 * @module
 */

import { performance, PerformanceObserver } from "node:perf_hooks";
import type { BenchRow, FootprintRow, HostGapRow } from "./row.js";

/** How many runs to make. */
export interface Plan {
  /** Untimed runs per contender before the timed ones (JIT warm-up, heap sizing). */
  readonly warmups: number;
  /** Timed runs per contender; the median is reported. */
  readonly runs: number;
  /** Runs per contender for the peak-heap measurement of rows that ask for it. */
  readonly memoryRuns: number;
}

/** The timings of one contender. */
export interface ContenderResult {
  readonly name: string;
  /** Work items per run (the contender's own count, else the row's). */
  readonly items: number | undefined;
  readonly medianMs: number;
  /** Median process CPU time (user + system, all threads) per run. */
  readonly cpuMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  /** Median peak heapUsed growth during a run, in bytes, when the row asks for it. */
  readonly peakHeapBytes: number | undefined;
  /** In a latency row: the median and 90th-percentile item latency (ms) over every timed run's items. */
  readonly itemLatencyMs: { readonly median: number; readonly p90: number } | undefined;
}

/** The measured row. */
export interface RowResult {
  readonly row: BenchRow;
  readonly contenders: readonly ContenderResult[];
}

/** The measured footprint row. */
export interface FootprintResult {
  readonly row: FootprintRow;
  readonly contenders: readonly { readonly name: string; readonly count: number; readonly bytesPerItem: number }[];
}

/** The measured host-gap row. */
export interface HostGapResult {
  readonly row: HostGapRow;
  /** Each run's longest stretch (ms) without a host turn, GC pauses in it left out, in run order. */
  readonly maxGapsMs: readonly number[];
  /** Each run's longest stretch (ms) without a host turn, GC pauses included. */
  readonly maxRawGapsMs: readonly number[];
  /** The median of every gap of every run (ms): the usual stretch. */
  readonly typicalGapMs: number;
}

// ---- measuring -------------------------------------------------------------------------------

const gc: (() => void) | undefined = (globalThis as { gc?: () => void }).gc;

/** True when `--expose-gc` is on: without it, timings carry other contenders' garbage. */
export const canCollect: boolean = gc !== undefined;

/** A full collection, twice (the second one frees what the first one's finalizers released). */
export function collect(): void {
  if (gc === undefined) return;
  gc();
  gc();
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** The nearest-rank percentile `p` (0–100) of `values`. */
function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/**
 * One timed run: wall time and process CPU time (user + system, every thread of the process,
 * GC threads and worker threads included; not child processes), and what the run resolved with.
 */
async function timeOnce(run: () => Promise<unknown>): Promise<{ wallMs: number; cpuMs: number; value: unknown }> {
  collect();
  const cpu = process.cpuUsage();
  const started = performance.now();
  const value = await run();
  const wallMs = performance.now() - started;
  const { user, system } = process.cpuUsage(cpu);
  return { wallMs, cpuMs: (user + system) / 1000, value };
}

/** A latency row's run must resolve with its items' durations (ms): checks it and returns them. */
function itemDurations(row: BenchRow, name: string, value: unknown): readonly number[] {
  if (!Array.isArray(value) || value.length === 0 || !value.every((ms) => typeof ms === "number" && ms >= 0)) {
    throw new TypeError(`bench: ${row.title}, ${name}: a latency row's run must resolve with its items' durations (ms)`);
  }
  return value as readonly number[];
}

/**
 * Peak heapUsed growth during one run: from a collected heap, heapUsed is sampled every
 * millisecond (a host timer, which fires whenever the workload gives Node a turn: all our
 * contenders do, at least every few ms) and once at the end.
 */
async function peakHeapOnce(run: () => Promise<unknown>): Promise<number> {
  collect();
  const base = process.memoryUsage().heapUsed;
  let peak = base;
  const sample = (): void => {
    const used = process.memoryUsage().heapUsed;
    if (used > peak) peak = used;
  };
  const sampler = setInterval(sample, 1);
  try {
    await run();
    sample();
  } finally {
    clearInterval(sampler);
  }
  return peak - base;
}

/**
 * Times every contender of `row`: `plan.warmups` untimed runs each, then `plan.runs` rounds,
 * each round running every contender once in a rotating order. Then, if the row asks for
 * peak memory, `plan.memoryRuns` separate sampled runs of yieldio and the memory baseline.
 * The row's `setup` runs first and its `teardown` last (also after a failure), both untimed.
 *
 * @param progress - called with a short line after each contender's warm-up and each round.
 */
export async function measureRow(row: BenchRow, plan: Plan, progress: (line: string) => void): Promise<RowResult> {
  let result: RowResult;
  try {
    if (row.setup !== undefined) {
      await row.setup();
      progress(`${row.title}: set up`);
    }
    result = await measureContenders(row, plan, progress);
  } catch (error) {
    // The first failure is the one to report: a teardown that fails after it only says so.
    try {
      await row.teardown?.();
    } catch (teardownError) {
      progress(`${row.title}: teardown failed too: ${String(teardownError)}`);
    }
    throw error;
  }
  await row.teardown?.();
  return result;
}

async function measureContenders(row: BenchRow, plan: Plan, progress: (line: string) => void): Promise<RowResult> {
  const { contenders } = row;
  for (const contender of contenders) {
    for (let i = 0; i < plan.warmups; i++) await timeOnce(contender.run); // as a timed run, discarded
  }
  progress(`${row.title}: warmed up`);
  const times: number[][] = contenders.map(() => []);
  const cpuTimes: number[][] = contenders.map(() => []);
  const itemTimes: number[][] = contenders.map(() => []);
  for (let round = 0; round < plan.runs; round++) {
    for (let k = 0; k < contenders.length; k++) {
      const index = (k + round) % contenders.length;
      const { wallMs, cpuMs, value } = await timeOnce(contenders[index]!.run);
      times[index]!.push(wallMs);
      cpuTimes[index]!.push(cpuMs);
      if (row.latency === true) itemTimes[index]!.push(...itemDurations(row, contenders[index]!.name, value));
    }
    const lastRound = contenders.map((c, index) => `${c.name} ${times[index]!.at(-1)!.toFixed(1)}`).join(", ");
    progress(`${row.title}: round ${round + 1}/${plan.runs} (ms): ${lastRound}`);
  }
  const memoryOf = new Map<string, number>();
  if (row.peakMemory !== undefined) {
    const measured = contenders.filter((c) => c.name === row.baseline || c.name === row.peakMemory?.versus);
    const peaks = measured.map((): number[] => []);
    for (let round = 0; round < plan.memoryRuns; round++) {
      for (let k = 0; k < measured.length; k++) peaks[k]!.push(await peakHeapOnce(measured[k]!.run));
    }
    measured.forEach((c, k) => memoryOf.set(c.name, median(peaks[k]!)));
    progress(`${row.title}: peak memory measured`);
  }
  return {
    row,
    contenders: contenders.map((c, index) => {
      const runs = times[index]!;
      return {
        name: c.name,
        items: c.itemsPerRun ?? row.itemsPerRun,
        medianMs: median(runs),
        cpuMs: median(cpuTimes[index]!),
        minMs: Math.min(...runs),
        maxMs: Math.max(...runs),
        peakHeapBytes: memoryOf.get(c.name),
        itemLatencyMs: row.latency === true ? { median: median(itemTimes[index]!), p90: percentile(itemTimes[index]!, 90) } : undefined,
      };
    }),
  };
}

/**
 * Resident heap per held item: from a collected heap, each contender creates `row.count`
 * pending tasks; once they are all parked, the heap is collected again and the growth divided
 * by the count. Median of `runs` holds per contender (the first hold also warms up).
 */
export async function measureFootprint(row: FootprintRow, runs: number): Promise<FootprintResult> {
  const results: { name: string; count: number; bytesPerItem: number }[] = [];
  for (const contender of row.contenders) {
    const count = contender.count ?? row.count;
    const samples: number[] = [];
    for (let i = 0; i < runs + 1; i++) {
      collect();
      const base = process.memoryUsage().heapUsed;
      const release = await contender.hold(count);
      collect();
      const held = process.memoryUsage().heapUsed;
      await release();
      if (i > 0) samples.push((held - base) / count);
    }
    results.push({ name: contender.name, count, bytesPerItem: median(samples) });
  }
  return { row, contenders: results };
}

/**
 * The host probe's period (ms): a `setInterval(1)` fires on every turn Node gets once 1 ms has
 * passed, so a gap it measures is the stretch without a turn plus at most this much.
 */
export const PROBE_PERIOD_MS = 1;

/** One stretch without a host turn (ms): how long it lasted, and how much of it the garbage collector paused. */
interface HostGap {
  readonly gapMs: number;
  readonly gcMs: number;
}

/**
 * The stretches without a host turn during one run of `run`: a `setInterval` probe records the
 * time between its callbacks, from just before the run starts to its end (the final stretch
 * counts too), and V8's GC pauses (`gc` performance entries) are matched to the stretches they
 * fell in. A pause of the collector stops every JavaScript runtime alike; the loop's promise is
 * about its own scheduling, so the verdict is on each stretch without its GC pauses (the raw
 * longest stretch is shown too).
 */
async function hostGapsOnce(run: () => Promise<unknown>): Promise<HostGap[]> {
  collect();
  const pauses: Array<{ start: number; end: number }> = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) pauses.push({ start: entry.startTime, end: entry.startTime + entry.duration });
  });
  observer.observe({ entryTypes: ["gc"] });
  let last = performance.now();
  const stretches: Array<{ start: number; end: number }> = [];
  const tick = (): void => {
    const now = performance.now();
    stretches.push({ start: last, end: now });
    last = now;
  };
  const probe = setInterval(tick, PROBE_PERIOD_MS);
  try {
    await run();
    tick();
  } finally {
    clearInterval(probe);
    await new Promise((resolve) => setImmediate(resolve)); // the last gc entries are delivered
    observer.disconnect();
  }
  return stretches.map(({ start, end }) => {
    let gcMs = 0;
    for (const pause of pauses) gcMs += Math.max(0, Math.min(end, pause.end) - Math.max(start, pause.start));
    return { gapMs: end - start, gcMs };
  });
}

/** Runs a host-gap row's load `plan.warmups` times untimed, then `plan.runs` times under the probe. */
export async function measureHostGap(row: HostGapRow, plan: Plan, progress: (line: string) => void): Promise<HostGapResult> {
  for (let i = 0; i < plan.warmups; i++) await row.run();
  const maxGapsMs: number[] = [];
  const maxRawGapsMs: number[] = [];
  const allGapsMs: number[] = [];
  for (let i = 0; i < plan.runs; i++) {
    const gaps = await hostGapsOnce(row.run);
    maxGapsMs.push(Math.max(...gaps.map((gap) => gap.gapMs - gap.gcMs)));
    maxRawGapsMs.push(Math.max(...gaps.map((gap) => gap.gapMs)));
    allGapsMs.push(...gaps.map((gap) => gap.gapMs));
  }
  progress(
    `${row.title}: longest host gaps without GC pauses (ms) ${maxGapsMs.map((gap) => gap.toFixed(1)).join(", ")}; with them ${maxRawGapsMs.map((gap) => gap.toFixed(1)).join(", ")}`,
  );
  return { row, maxGapsMs, maxRawGapsMs, typicalGapMs: median(allGapsMs) };
}

/** A host-gap row's bound (ms): the budget, one step of the load, and the probe's period. */
export function hostGapBoundMs(row: HostGapRow): number {
  return row.budgetMs + row.stepMs + PROBE_PERIOD_MS;
}

// ---- printing ----------------------------------------------------------------------------------

function formatMs(ms: number): string {
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}

function formatMicros(ms: number): string {
  const us = ms * 1000;
  return us >= 100 ? `${us.toFixed(0)} µs` : `${us.toFixed(1)} µs`;
}

function formatCount(value: number): string {
  if (value >= 1e9) return `${(value / 1e9).toFixed(2)}G`;
  if (value >= 1e6) return `${(value / 1e6).toFixed(2)}M`;
  if (value >= 1e3) return `${(value / 1e3).toFixed(1)}k`;
  return value.toFixed(0);
}

function formatBytes(bytes: number): string {
  if (Math.abs(bytes) >= 1 << 20) return `${(bytes / (1 << 20)).toFixed(1)} MiB`;
  if (Math.abs(bytes) >= 1 << 10) return `${(bytes / (1 << 10)).toFixed(0)} KiB`;
  return `${bytes.toFixed(0)} B`;
}

function formatRatio(ratio: number): string {
  return ratio >= 10 ? `${ratio.toFixed(1)}×` : `${ratio.toFixed(2)}×`;
}

function mark(pass: boolean): string {
  return pass ? "PASS" : "MISS";
}

/**
 * The ratio of the baseline's (yieldio's) speed to `result`'s: > 1 means yieldio is faster.
 * Speed is per item when the contenders ran different sizes, and counts only the time above
 * the row's floor (`floorMs`) when it has one; in a latency row it is the ratio of median item
 * latencies; else it is the ratio of median times.
 */
function speedRatio(row: BenchRow, baseline: ContenderResult, result: ContenderResult, floorMs = row.floorMs ?? 0): number {
  const cost = (c: ContenderResult): number => c.itemLatencyMs?.median ?? (c.medianMs - floorMs) / (c.items ?? 1);
  return cost(result) / cost(baseline);
}

/** The speed-up line of a row with `speedupOver`: every other contender's speed over that one's. */
function speedupLine(result: RowResult): string | undefined {
  const { row } = result;
  if (row.speedupOver === undefined) return undefined;
  const reference = result.contenders.find((c) => c.name === row.speedupOver);
  if (reference === undefined) return `${row.title}: speed-up: no contender named "${row.speedupOver}"`;
  const others = result.contenders.filter((c) => c !== reference);
  return `${row.title}: speed-up over ${reference.name}: ${others.map((c) => `${c.name} ${formatRatio(speedRatio(row, c, reference))}`).join(", ")}`;
}

/** The verdicts of a row's targets, as lines. */
function targetLines(result: RowResult): { text: string; pass: boolean }[] {
  const { row } = result;
  const baseline = result.contenders.find((c) => c.name === row.baseline) ?? result.contenders[0]!;
  const lines: { text: string; pass: boolean }[] = [];
  if (row.target !== undefined) {
    const versus = result.contenders.find((c) => c.name === row.target?.versus);
    if (versus === undefined) lines.push({ text: `target: no contender named "${row.target.versus}"`, pass: false });
    else {
      const ratio = speedRatio(row, baseline, versus);
      const pass = ratio >= row.target.atLeast;
      const floor =
        row.floorMs === undefined
          ? ""
          : ` on time above the ${row.floorMs} ms floor (wall-time ratio ${formatRatio(speedRatio(row, baseline, versus, 0))})`;
      lines.push({
        text: `${baseline.name} ≥ ${formatRatio(row.target.atLeast)} ${versus.name}: ${formatRatio(ratio)}${floor} ${mark(pass)}`,
        pass,
      });
    }
  }
  if (row.minRate !== undefined && baseline.items !== undefined) {
    const rate = baseline.items / (baseline.medianMs / 1000);
    const pass = rate >= row.minRate;
    const unit = row.unit ?? "items";
    lines.push({ text: `${baseline.name} ≥ ${formatCount(row.minRate)} ${unit}/s: ${formatCount(rate)} ${unit}/s ${mark(pass)}`, pass });
  }
  if (row.peakMemory !== undefined) {
    const versus = result.contenders.find((c) => c.name === row.peakMemory?.versus);
    const ours = baseline.peakHeapBytes;
    const theirs = versus?.peakHeapBytes;
    if (ours === undefined || theirs === undefined) lines.push({ text: "peak memory: not measured", pass: false });
    else {
      const pass = ours <= theirs * row.peakMemory.atMost;
      const relative = `${ours <= theirs ? "" : "+"}${(((ours - theirs) / theirs) * 100).toFixed(0)}%`;
      lines.push({
        text: `${baseline.name} peak heap ≤ ${versus!.name} +${((row.peakMemory.atMost - 1) * 100).toFixed(0)}%: ${formatBytes(ours)} vs ${formatBytes(theirs)} (${relative}) ${mark(pass)}`,
        pass,
      });
    }
  }
  return lines;
}

const SMALLER_NOTE = "¹ ran a smaller workload (count in brackets) to fit the time budget; its rate and speed ratio are per item";
const SMALLER_FOOTPRINT_NOTE = "¹ held fewer items (count in brackets) to fit the time budget; bytes are per item";
const FLOOR_NOTE = "² speed ratios compare the time above the floor (the longest sleep), the part a runtime can make faster";
const LATENCY_NOTE =
  "³ latency: the rate column gives the median and 90th-percentile time of one item over every timed run's items; speed ratios compare the medians";

function table(header: readonly string[], rows: readonly (readonly string[])[], rightAligned: ReadonlySet<number>): string {
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => (row[column] ?? "").length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => (rightAligned.has(column) ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!)))
      .join("  ")
      .trimEnd();
  const rule = widths.map((width) => "-".repeat(width)).join("  ");
  return [line(header), rule, ...rows.map(line)].join("\n");
}

/**
 * The results table: one line per contender, the row's title on its first line; then each
 * row's target verdicts. Speed ratios are yieldio's speed over the contender's (> 1: yieldio
 * is faster), from median times.
 */
export function formatResults(results: readonly RowResult[]): { text: string; passed: number; missed: number } {
  const cells: string[][] = [];
  const notes = new Set<string>();
  const verdicts: string[] = [];
  const speedups: string[] = [];
  let passed = 0;
  let missed = 0;
  for (const result of results) {
    const { row } = result;
    const baseline = result.contenders.find((c) => c.name === row.baseline) ?? result.contenders[0]!;
    result.contenders.forEach((c, index) => {
      const rate =
        c.itemLatencyMs !== undefined
          ? `median ${formatMicros(c.itemLatencyMs.median)}, p90 ${formatMicros(c.itemLatencyMs.p90)}`
          : c.items === undefined
            ? ""
            : `${formatCount(c.items / (c.medianMs / 1000))} ${row.unit ?? "items"}/s`;
      const smaller = c.items !== undefined && c.items !== row.itemsPerRun;
      if (smaller) notes.add(SMALLER_NOTE);
      if (index === 0 && row.floorMs !== undefined) notes.add(FLOOR_NOTE);
      if (index === 0 && row.latency === true) notes.add(LATENCY_NOTE);
      cells.push([
        index === 0 ? `${row.title}${row.floorMs === undefined ? "" : " ²"}${row.latency === true ? " ³" : ""}` : "",
        `${c.name}${smaller ? ` (${formatCount(c.items)}) ¹` : ""}`,
        formatMs(c.medianMs),
        `${formatMs(c.minMs)} – ${formatMs(c.maxMs)}`,
        formatMs(c.cpuMs),
        rate,
        c === baseline ? "—" : formatRatio(speedRatio(row, baseline, c)),
        c.peakHeapBytes === undefined ? "" : formatBytes(c.peakHeapBytes),
      ]);
    });
    const speedup = speedupLine(result);
    if (speedup !== undefined) speedups.push(`  ${speedup}`);
    for (const verdict of targetLines(result)) {
      verdicts.push(`  ${row.title}: ${verdict.text}`);
      if (verdict.pass) passed++;
      else missed++;
    }
  }
  const header = ["workload", "contender", "median/run", "min – max", "cpu/run", "rate", "yieldio speed ×", "peak heap Δ"];
  const text = [
    table(header, cells, new Set([2, 3, 4, 5, 6, 7])),
    ...notes,
    ...(speedups.length === 0 ? [] : ["", "speed-ups:", ...speedups]),
    "",
    "targets:",
    ...verdicts,
  ].join("\n");
  return { text, passed, missed };
}

/** The footprint table: bytes per held item, and yieldio's size relative to each contender. */
export function formatFootprints(results: readonly FootprintResult[]): string {
  const cells: string[][] = [];
  for (const result of results) {
    const ours = result.contenders[0]!;
    result.contenders.forEach((c, index) => {
      cells.push([
        index === 0 ? `${result.row.title} (${formatCount(result.row.count)} held)` : "",
        `${c.name}${c.count === result.row.count ? "" : ` (${formatCount(c.count)}) ¹`}`,
        `${c.bytesPerItem.toFixed(0)} B`,
        index === 0 ? "—" : `${(ours.bytesPerItem / c.bytesPerItem).toFixed(2)}×`,
      ]);
    });
  }
  const smaller = results.some((result) => result.contenders.some((c) => c.count !== result.row.count));
  const text = table(["footprint", "contender", "bytes/item", "yieldio size ×"], cells, new Set([2, 3]));
  return smaller ? `${text}\n${SMALLER_FOOTPRINT_NOTE}` : text;
}

/**
 * The host-gap table: per load, the median over runs of each run's longest gap, its range over
 * the runs, the median of all gaps (the usual stretch), and the bound; then a verdict per load
 * (the median longest gap must be within the bound).
 */
export function formatHostGaps(results: readonly HostGapResult[]): { text: string; passed: number; missed: number } {
  const cells: string[][] = [];
  const verdicts: string[] = [];
  let passed = 0;
  let missed = 0;
  for (const { row, maxGapsMs, maxRawGapsMs, typicalGapMs } of results) {
    const medianMs = median(maxGapsMs);
    const boundMs = hostGapBoundMs(row);
    const pass = medianMs <= boundMs;
    cells.push([
      row.title,
      formatMs(medianMs),
      `${formatMs(Math.min(...maxGapsMs))} – ${formatMs(Math.max(...maxGapsMs))}`,
      formatMs(median(maxRawGapsMs)),
      formatMs(typicalGapMs),
      `${formatMs(boundMs)} = ${row.budgetMs} + ${row.stepMs} + ${PROBE_PERIOD_MS}`,
      mark(pass),
    ]);
    verdicts.push(
      `  host gap, ${row.title}: longest gap (GC pauses left out) ≤ budget + one step + probe period: ${formatMs(medianMs)} vs ${formatMs(boundMs)} ${mark(pass)}`,
    );
    if (pass) passed++;
    else missed++;
  }
  const header = [
    "host gap under load",
    "longest gap, GC left out",
    "min – max",
    "with GC",
    "typical gap",
    "bound (budget + step + probe)",
    "verdict",
  ];
  return { text: [table(header, cells, new Set([1, 2, 3, 4, 5])), "", "targets:", ...verdicts].join("\n"), passed, missed };
}
