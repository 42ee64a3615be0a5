/**
 * The shape of a benchmark row: one workload, run by several contenders (yieldio and its
 * peers) in the same process, reported side by side as ratios against a baseline.
 */

/** One contender: runs the whole workload once per call. */
export interface Contender {
  /** Shown in the table: "yieldio", "native async/await", "Effection 4", "Effect 4" ... */
  readonly name: string;
  /**
   * Runs the workload once; resolves when it is complete. In a row with `latency`, resolves
   * with the duration (ms) of each item it timed.
   */
  readonly run: () => Promise<unknown>;
  /**
   * Work items per run of this contender, when it runs a smaller workload than the row's
   * (a peer too slow for the full size within the bench's time budget); the comparison is
   * then per item, and the table says so.
   */
  readonly itemsPerRun?: number;
}

/** A row of the table. */
export interface BenchRow {
  /** What is measured, e.g. "spawn-join 100k tasks". */
  readonly title: string;
  /** The contender the ratios are computed against (its name). */
  readonly baseline: string;
  /** The contenders, yieldio first. */
  readonly contenders: readonly Contender[];
  /** The target, e.g. { versus: "native Promise.all", atLeast: 1.0 }: yieldio's speed ratio against `versus`. */
  readonly target?: { readonly versus: string; readonly atLeast: number };
  /** Work items per run (tasks, messages, passes), to print a rate. */
  readonly itemsPerRun?: number;
  /** What an item is, for the rate column ("tasks" gives "tasks/s"); default "items". */
  readonly unit?: string;
  /**
   * Time every run must spend waiting whatever the runtime (the longest sleep): speed ratios
   * and targets then compare the time above this floor, the part a runtime can make faster.
   */
  readonly floorMs?: number;
  /** An absolute target: yieldio's rate must reach at least this many items per second. */
  readonly minRate?: number;
  /**
   * Also measure the peak heap growth during a run (heapUsed sampled every millisecond, from a
   * collected heap) of yieldio and of `versus`; target: yieldio's peak at most `atMost` times
   * `versus`'s (1.25 = within +25%).
   */
  readonly peakMemory?: { readonly versus: string; readonly atMost: number };
  /**
   * Runs once before the row's first run (warm-ups included), outside every timing: starts
   * and warms what the contenders share across runs (worker pools), calibrates work.
   */
  readonly setup?: () => Promise<void>;
  /**
   * Runs once after the row's last run, also when a run failed: releases what `setup` started
   * (shuts pools down), so that nothing keeps the bench process alive.
   */
  readonly teardown?: () => Promise<void>;
  /**
   * A latency row: each run times its items one by one and resolves with their durations (ms).
   * The table then shows the median (and 90th percentile) item latency over every timed run's
   * items, and the speed ratios compare the median latencies instead of the run times.
   */
  readonly latency?: boolean;
  /**
   * The contender every other one is compared with as a speed-up (its median time over
   * theirs), e.g. `"serial"` for work spread over workers; printed below the table.
   */
  readonly speedupOver?: string;
}

/** One contender of a {@link FootprintRow}: holds `count` pending tasks until released. */
export interface FootprintContender {
  /** Shown in the table. */
  readonly name: string;
  /** How many items this contender holds, when fewer than the row's `count` (a slow peer). */
  readonly count?: number;
  /**
   * Creates `count` tasks that stay pending, and resolves once they all are pending (parked),
   * with a function that lets them finish and resolves when they have.
   */
  readonly hold: (count: number) => Promise<() => Promise<void>>;
}

/** The resident cost of pending work: heapUsed growth per item, measured after a full GC. */
export interface FootprintRow {
  /** What is held, e.g. "bytes per pending task". */
  readonly title: string;
  /** How many items are held at once. */
  readonly count: number;
  /** The contenders, yieldio first. */
  readonly contenders: readonly FootprintContender[];
}

/**
 * Host responsiveness under a load: while yieldio runs `run`, a host probe (a Node
 * `setInterval(1)`, see `PROBE_PERIOD_MS` in `harness.ts`) records the longest stretch without
 * a turn. Target: that longest gap stays within the loop's budget plus the load's longest
 * synchronous step (plus the probe's own period).
 */
export interface HostGapRow {
  /** What runs, e.g. "200 tasks × 1 ms steps". */
  readonly title: string;
  /** The load's longest synchronous step (ms): one step may overrun the budget by this much. */
  readonly stepMs: number;
  /** The loop's time budget (ms) between two hand-backs to Node (`BUDGET_MS`). */
  readonly budgetMs: number;
  /** Runs the load once on a selector on real time; resolves when it is complete. */
  readonly run: () => Promise<unknown>;
}

/**
 * What a row module (`bench/rows/*.ts`) exports; `bench/index.ts` imports each module once and
 * runs its rows in order.
 */
export interface RowModule {
  /** The timed rows. */
  readonly rows: readonly BenchRow[];
  /** Memory-footprint rows, if any. */
  readonly footprints?: readonly FootprintRow[];
  /** Host-responsiveness rows, if any. */
  readonly hostGaps?: readonly HostGapRow[];
  /**
   * Brings the runtimes this module measures to their steady state (see "JIT steady state" in
   * `bench/README.md`). Every module's `settle` runs before the first row, whatever the filter,
   * so that a row's numbers do not depend on which rows ran before it or on `--filter`.
   */
  readonly settle?: () => Promise<void>;
}
