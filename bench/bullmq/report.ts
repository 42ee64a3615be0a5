/**
 * The BullMQ bench's results as markdown: one table per row, then the three targets with PASS
 * or MISS. Speed ratios are yieldio's speed relative to the contender, as in `bench/README.md`:
 * above 1, yieldio is faster.
 *
 * @module
 */

import type { CpuTimes } from "./cpu-meter.js";
import type { Run } from "./rounds.js";
import { formatCount, formatMs, formatRange, formatRatio, mark, median, percentile } from "./stats.js";

/** What was measured, as `index.ts` collected it. */
export interface Measured {
  readonly yieldio: string;
  readonly plain: string;
  readonly jobs: number;
  readonly roundTripJobs: number;
  readonly cancelsPerRound: number;
  readonly throughput: ReadonlyMap<string, readonly Run<void>[]>;
  readonly roundTrips: ReadonlyMap<string, readonly Run<number[]>[]>;
  readonly cancels: readonly Run<number[]>[];
}

/** The targets. */
const THROUGHPUT_AT_LEAST = 0.8;
const ROUND_TRIP_MARGIN_MS = 1;
const CANCEL_P99_AT_MOST_MS = 50;

/** A markdown table with padded columns; `right` lists the right-aligned ones. */
function table(header: readonly string[], rows: readonly (readonly string[])[], right: ReadonlySet<number>): string {
  const widths = header.map((title, i) => Math.max(3, title.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((cell, i) => (right.has(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join(" | ")} |`;
  const rule = `| ${widths.map((width, i) => (right.has(i) ? `${"-".repeat(width - 1)}:` : "-".repeat(width))).join(" | ")} |`;
  return [line(header), rule, ...rows.map(line)].join("\n");
}

function cpuCell(runs: readonly { readonly cpu: CpuTimes }[]): string {
  const part = (key: keyof CpuTimes): string => {
    const value = median(runs.map((run) => run.cpu[key]));
    return Number.isNaN(value) ? "?" : value.toFixed(0);
  };
  return `${part("producer")} · ${part("workers")} · ${part("redis")} ms`;
}

function runsOf<T>(map: ReadonlyMap<string, readonly Run<T>[]>, name: string): readonly Run<T>[] {
  const runs = map.get(name);
  if (runs === undefined || runs.length === 0) throw new Error(`bench: no runs of ${name}`);
  return runs;
}

/** The results as markdown, and how many targets passed and missed. */
export function formatReport(m: Measured): { text: string; passed: number; missed: number } {
  const names = [m.yieldio, m.plain];
  const cpuHeader = "cpu/run: producer · workers · Redis";

  const throughputMs = (name: string): number => median(runsOf(m.throughput, name).map((run) => run.wallMs));
  const throughputRows = names.map((name) => {
    const runs = runsOf(m.throughput, name);
    const ms = throughputMs(name);
    const ratio = name === m.yieldio ? "—" : formatRatio(ms / throughputMs(m.yieldio));
    return [
      name,
      formatMs(ms),
      formatRange(runs.map((run) => run.wallMs)),
      `${formatCount((m.jobs / ms) * 1000)} jobs/s`,
      cpuCell(runs),
      ratio,
    ];
  });

  const latencies = (name: string): number[] => runsOf(m.roundTrips, name).flatMap((run) => run.value);
  const p50 = (name: string): number => percentile(latencies(name), 50);
  const roundTripRows = names.map((name) => {
    const runs = runsOf(m.roundTrips, name);
    const ratio = name === m.yieldio ? "—" : formatRatio(p50(name) / p50(m.yieldio));
    return [
      name,
      formatMs(p50(name)),
      formatMs(percentile(latencies(name), 99)),
      formatRange(runs.map((run) => percentile(run.value, 50))),
      cpuCell(runs),
      ratio,
    ];
  });

  const delays = m.cancels.flatMap((run) => run.value);
  const cancelP99 = percentile(delays, 99);
  const cancelRow = [
    m.yieldio,
    formatMs(percentile(delays, 50)),
    formatMs(cancelP99),
    formatMs(Math.max(...delays)),
    formatRange(m.cancels.map((run) => percentile(run.value, 99))),
  ];

  const throughputRatio = throughputMs(m.plain) / throughputMs(m.yieldio);
  const roundTripBound = p50(m.plain) + ROUND_TRIP_MARGIN_MS;
  const targets = [
    {
      pass: throughputRatio >= THROUGHPUT_AT_LEAST,
      text: `throughput: ${m.yieldio} ≥ ${THROUGHPUT_AT_LEAST.toFixed(2)}× ${m.plain}: ${formatRatio(throughputRatio)}`,
    },
    {
      pass: p50(m.yieldio) <= roundTripBound,
      text:
        `round trip: ${m.yieldio} p50 ≤ ${m.plain} p50 + ${ROUND_TRIP_MARGIN_MS} ms: ` +
        `${formatMs(p50(m.yieldio))} vs ${formatMs(roundTripBound)} (${formatMs(p50(m.plain))} + ${ROUND_TRIP_MARGIN_MS} ms)`,
    },
    {
      pass: cancelP99 <= CANCEL_P99_AT_MOST_MS,
      text: `cancel: a running job's AbortSignal aborts ≤ ${CANCEL_P99_AT_MOST_MS} ms after the producer's cancel, p99: ${formatMs(cancelP99)}`,
    },
  ];

  const rounds = m.cancels.length;
  const text = [
    `### Throughput: ${m.jobs.toLocaleString("en")} tiny jobs submitted at once`,
    "",
    table(["contender", "median/run", "min – max", "rate", cpuHeader, "yieldio speed ×"], throughputRows, new Set([1, 2, 3, 4, 5])),
    "",
    `### Round trip: ${m.roundTripJobs.toLocaleString("en")} jobs one after the other, idle workers`,
    "",
    `p50 and p99 over the ${(m.roundTripJobs * rounds).toLocaleString("en")} round trips of the ${rounds} timed rounds; speed ratio of the p50s.`,
    "",
    table(["contender", "p50", "p99", "p50 per round, min – max", cpuHeader, "yieldio speed ×"], roundTripRows, new Set([1, 2, 3, 4, 5])),
    "",
    `### Cancel: producer's cancel → the job's AbortSignal in the worker, ${m.cancelsPerRound} running jobs a round`,
    "",
    `Over the ${(m.cancelsPerRound * rounds).toLocaleString("en")} cancels of the ${rounds} timed rounds.`,
    "",
    table(["contender", "p50", "p99", "max", "p99 per round, min – max"], [cancelRow], new Set([1, 2, 3, 4])),
    "",
    "### Targets",
    "",
    ...targets.map((target) => `- ${target.text} **${mark(target.pass)}**`),
  ].join("\n");
  const passed = targets.filter((target) => target.pass).length;
  return { text, passed, missed: targets.length - passed };
}
