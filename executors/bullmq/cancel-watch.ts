/**
 * A worker's ear for cancellations. BullMQ's `worker.cancelJob()` reaches only jobs on that
 * worker, so producers publish the id of a running job they cancel on a Redis channel, and
 * every yieldio worker listens. The message may arrive at three moments, all covered:
 * - while the job runs here: `cancelJob()` aborts its signal;
 * - after the worker fetched the job but before BullMQ tracks it (no signal yet): the id is
 *   retried every millisecond until BullMQ tracks it or the job ends;
 * - before this worker fetched it (it was fetched by another, which then stalled and released
 *   it, or it is retried): the id is remembered for a minute and the job is cancelled as soon
 *   as it starts here.
 *
 * @module
 */

/** How long an id that is not running here is remembered, in milliseconds. */
const REMEMBER_MS = 60_000;

/** How long a fetched job is waited for to be tracked, in milliseconds (it takes a few ticks). */
const RETRY_MS = 10_000;

/** BullMQ's `worker.cancelJob()`: aborts the signal of a job it tracks; false if it does not (yet). */
export type _CancelJob = (jobId: string, reason: string) => boolean;

/** @internal Which jobs this worker runs, and which were cancelled. */
export class _CancelWatch {
  readonly #cancelJob: _CancelJob;
  /** Jobs fetched by this worker and not finished: from BullMQ's `active` to `completed`/`failed`. */
  readonly #running = new Set<string>();
  /** Cancelled ids not (yet) running here, with when to forget them. */
  readonly #remembered = new Map<string, number>();
  /** The sandbox process of each running job that asked to be killed when cancelled. */
  readonly #processes = new Map<string, number>();
  /** Running jobs cancelled here: a process they report later is killed at once. */
  readonly #cancelledHere = new Set<string>();

  constructor(cancelJob: _CancelJob) {
    this.#cancelJob = cancelJob;
  }

  /** BullMQ fetched `jobId` for this worker. */
  started(jobId: string): void {
    this.#running.add(jobId);
    if (this.#remembered.delete(jobId)) {
      this.#cancelledHere.add(jobId);
      this.#abort(jobId);
    }
  }

  /** Running job `jobId` (cancel: "terminate") runs in sandbox process `pid`. */
  runsIn(jobId: string, pid: number): void {
    if (!this.#running.has(jobId)) return;
    for (const [id, other] of this.#processes) if (other === pid) this.#processes.delete(id); // a process runs one job at a time
    this.#processes.set(jobId, pid);
    if (this.#cancelledHere.has(jobId)) kill(pid);
  }

  /** The jobs running here now. */
  running(): string[] {
    return [...this.#running];
  }

  /** `jobId`'s processor ended here (or BullMQ says it completed or failed). */
  finished(jobId: string): void {
    this.#running.delete(jobId);
    this.#processes.delete(jobId);
    this.#cancelledHere.delete(jobId);
  }

  /** A producer cancelled `jobId`. */
  cancelled(jobId: string): void {
    if (this.#running.has(jobId)) {
      this.#cancelledHere.add(jobId);
      const pid = this.#processes.get(jobId);
      if (pid !== undefined) kill(pid);
      this.#abort(jobId);
    }
    // Remembered also when it runs here: a job killed with its process may be retried (attempts).
    const now = Date.now();
    for (const [id, until] of this.#remembered) {
      if (until > now) break; // oldest first: the rest are younger
      this.#remembered.delete(id);
    }
    this.#remembered.set(jobId, now + REMEMBER_MS);
  }

  #abort(jobId: string, deadline = Date.now() + RETRY_MS): void {
    if (!this.#running.has(jobId)) return;
    if (this.#cancelJob(jobId, "cancelled by its producer") || Date.now() > deadline) return;
    // Fetched, but BullMQ does not track it yet: it will, within a few ticks.
    setTimeout(() => this.#abort(jobId, deadline), 1).unref();
  }
}

/** Kills a sandbox process; BullMQ then fails its job ("Unexpected exit code") and forks another. */
function kill(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // It has exited already.
  }
}
