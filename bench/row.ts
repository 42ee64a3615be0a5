/**
 * The shape of a benchmark row: one workload, run by several contenders (yieldio and its
 * peers) in the same process, reported side by side as ratios against a baseline.
 */

/** One contender: runs the whole workload once per call. */
export interface Contender {
  /** Shown in the table: "yieldio", "native async/await", "Effection 4", "Effect 4" ... */
  readonly name: string;
  /** Runs the workload once; resolves when it is complete. */
  readonly run: () => Promise<unknown>;
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
}
