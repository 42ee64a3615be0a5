/**
 * The cancel row (yieldio only): how long a producer's cancel takes to reach the job's
 * AbortSignal in the worker. One job at a time, on idle workers: a task runs
 * `waitForAbort(file)` through `runInExecutor()`; once the job has written "started" to its
 * file, the producer reads the clock and cancels the task; the job writes the time its signal
 * aborted (`performance.timeOrigin + performance.now()`, read first thing in its abort
 * listener) to the same file. The delay is the difference: both processes are on this machine,
 * so their clocks agree. The files are polled every millisecond, which adds nothing to the
 * delay: both ends are stamped where they happen.
 *
 * @module
 */

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CancelledError, createTask, run, runInExecutor, sleep } from "../../lib/index.js";
import type { Operation } from "../../lib/index.js";
import type { BullMQExecutor } from "../../executors/bullmq/index.js";
import { check } from "./contender.js";
import { WORK } from "./yieldio-contender.js";

const WAIT_FOR_ABORT = WORK.task("waitForAbort");

/** How long a job waits for its cancel before it gives up (and the run fails). */
const JOB_TIMEOUT_MS = 10_000;

/** Files of earlier runs are not reused: each cancel gets a new one. */
let fileCount = 0;

/** Cancels `count` running jobs one after the other; resolves with each delay (ms) from cancel to abort. */
export function cancelDelays(executor: BullMQExecutor, count: number, dir: string): Promise<number[]> {
  return run(function* () {
    const delays: number[] = [];
    for (let i = 0; i < count; i++) {
      const file = join(dir, `cancel-${++fileCount}.txt`);
      const task = createTask(runInExecutor(executor, WAIT_FOR_ABORT, file, JOB_TIMEOUT_MS));
      yield* until(() => (contents(file) === "started" ? true : undefined), `job ${file} to start`);
      const cancelledAt = performance.timeOrigin + performance.now();
      task.cancel();
      try {
        yield* task;
      } catch (error) {
        if (!(error instanceof CancelledError)) throw error;
      }
      check(task.cancelled(), `the task of ${file} was cancelled`);
      const abortedAt = yield* until(() => abortTime(contents(file)), `job ${file} to see its abort`);
      check(abortedAt >= cancelledAt, `the abort of ${file} came after its cancel (${abortedAt} < ${cancelledAt})`);
      delays.push(abortedAt - cancelledAt);
    }
    return delays;
  });
}

/** The file's text, or undefined while it does not exist. */
function contents(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

/** The abort time an `aborted <ms>` line gives, else undefined (not yet written). */
function abortTime(text: string | undefined): number | undefined {
  if (text?.startsWith("aborted ") !== true) return undefined;
  const at = Number(text.slice("aborted ".length));
  return Number.isFinite(at) ? at : undefined;
}

/** Polls `probe` every millisecond until it gives a value; fails after the job's own timeout. */
function* until<T>(probe: () => T | undefined, what: string): Operation<T> {
  const deadline = performance.now() + JOB_TIMEOUT_MS;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    check(performance.now() < deadline, `waited ${JOB_TIMEOUT_MS / 1000} s for ${what}`);
    yield* sleep(1);
  }
}
