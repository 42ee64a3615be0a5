/**
 * CPU time of a run, per side: the producer (this process, `process.cpuUsage()`), the
 * contender's worker processes and Redis (`/proc/<pid>/stat`, user + system, in clock ticks of
 * 10 ms). It tells where a difference between the contenders is spent. Off Linux, the other
 * processes' times are NaN and print as "?".
 *
 * @module
 */

import { readFileSync } from "node:fs";

/** Linux's USER_HZ: `/proc/<pid>/stat` counts CPU time in hundredths of a second. */
const TICK_MS = 10;

/** CPU milliseconds spent during one run. */
export interface CpuTimes {
  readonly producer: number;
  readonly workers: number;
  readonly redis: number;
}

/** A process's CPU time so far (user + system, ms), or NaN if it cannot be read. */
function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The fields after the command name (which may hold spaces) start at the state, field 3.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS; // utime, stime: fields 14 and 15
  } catch {
    return Number.NaN;
  }
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

/** Starts measuring; the returned function gives the CPU time spent since. */
export function startCpuMeter(workerPids: readonly number[], redisPid: number): () => CpuTimes {
  const producer = process.cpuUsage();
  const workers = sum(workerPids.map(processCpuMs));
  const redis = processCpuMs(redisPid);
  return () => {
    const { user, system } = process.cpuUsage(producer);
    return {
      producer: (user + system) / 1000,
      workers: sum(workerPids.map(processCpuMs)) - workers,
      redis: processCpuMs(redisPid) - redis,
    };
  };
}
