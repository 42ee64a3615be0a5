/**
 * The bench's loop: one warm-up round, then `rounds` timed rounds, each running every
 * contender once, who goes first rotating from round to round, so that a drift of the machine
 * (two cores shared by the producer, four worker processes and Redis) lands on each alike.
 * Between runs a short pause lets the workers and Redis finish what a run left behind (the
 * trimming of finished jobs, a collection), so it is not counted on the next run's clock.
 *
 * @module
 */

import { setTimeout as sleep } from "node:timers/promises";
import { startCpuMeter } from "./cpu-meter.js";
import type { CpuTimes } from "./cpu-meter.js";

/** A contender as the loop sees it: its name and the processes whose CPU time is its own. */
export interface Entrant {
  readonly name: string;
  readonly workerPids: readonly number[];
}

/** One timed run: what it resolved with, its wall time and its CPU times. */
export interface Run<T> {
  readonly value: T;
  readonly wallMs: number;
  readonly cpu: CpuTimes;
}

/** How long to pause between two runs. */
const PAUSE_MS = 250;

/** A run that takes longer than this has lost a job: the bench fails instead of hanging. */
const RUN_TIMEOUT_MS = 60_000;

/**
 * Runs `measure` for each entrant in one warm-up round (discarded) and `rounds` timed ones;
 * resolves with every entrant's timed runs, in round order.
 */
export async function alternate<E extends Entrant, T>(
  title: string,
  entrants: readonly E[],
  rounds: number,
  redisPid: number,
  measure: (entrant: E) => Promise<T>,
  progress: (line: string) => void,
): Promise<Map<string, Run<T>[]>> {
  const runs = new Map<string, Run<T>[]>(entrants.map((entrant) => [entrant.name, []]));
  for (let round = 0; round <= rounds; round++) {
    const order = entrants.map((_, i) => entrants[(i + round) % entrants.length]!);
    for (const entrant of order) {
      await sleep(PAUSE_MS);
      const cpu = startCpuMeter(entrant.workerPids, redisPid);
      const started = performance.now();
      const value = await withTimeout(measure(entrant), `${title}, ${entrant.name}`);
      const wallMs = performance.now() - started;
      if (round > 0) runs.get(entrant.name)!.push({ value, wallMs, cpu: cpu() });
    }
    progress(`${title}: ${round === 0 ? "warm-up round" : `round ${round}/${rounds}`} done`);
  }
  return runs;
}

async function withTimeout<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`bench: ${what} did not finish within ${RUN_TIMEOUT_MS / 1000} s`)), RUN_TIMEOUT_MS);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
