/**
 * What each contender of the BullMQ bench does, and the self-check every one of them applies
 * to its results: a workload that did not do what it claims throws.
 *
 * @module
 */

import type { JobsOptions } from "bullmq";

/** One side of the comparison: a producer in this process, its workers in two others. */
export interface Contender {
  /** Shown in the table. */
  readonly name: string;
  /** Its queue: one per contender, so neither sees the other's jobs or events. */
  readonly queueName: string;
  /** Connects the producer (and warms it and the workers up with a few jobs), outside every timing. */
  start(): Promise<void>;
  /** Submits `add(i, 1)` for every `i < jobs` at once; resolves once every result is in and checked. */
  throughput(jobs: number): Promise<void>;
  /** Runs `add(i, 1)` for every `i < jobs`, one after the other; resolves with each round trip (ms). */
  roundTrips(jobs: number): Promise<number[]>;
  /** Closes the producer's connections. */
  stop(): Promise<void>;
}

/** Each worker process runs this many jobs at once (both contenders). */
export const CONCURRENCY = 8;

/** Worker processes per contender. */
export const WORKER_PROCESSES = 2;

/**
 * The job retention of both contenders: the yieldio executor's defaults, given to plain BullMQ
 * too, so that Redis trims the same finished jobs on both sides.
 */
export const JOB_RETENTION: JobsOptions = {
  removeOnComplete: { age: 3600, count: 1000 },
  removeOnFail: { age: 86400, count: 1000 },
};

export function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`bench self-check failed: ${what}`);
}

/** Checks that `values` are `add(i, 1)` for each `i`, in order. */
export function checkAdds(values: readonly unknown[], jobs: number, who: string): void {
  check(values.length === jobs, `${who}: ${jobs} results, got ${values.length}`);
  values.forEach((value, i) => check(value === i + 1, `${who}: job ${i} returned ${String(value)}, not ${i + 1}`));
}
