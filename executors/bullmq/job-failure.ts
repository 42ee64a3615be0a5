/**
 * How a job's failure crosses Redis. BullMQ keeps only an error's message (`failedReason`), so
 * the worker writes a readable first line for dashboards and appends the error sealed in an
 * envelope (name, message, stack, `cause`, `code` and the other own properties); the producer
 * rebuilds the error from it. Failures that BullMQ itself reports (a sandboxed job's process
 * exiting, a job whose worker stopped renewing its lock) carry no envelope and become
 * `WorkerExitedError`s.
 *
 * @module
 */

import { WorkerExitedError } from "../../lib/core/errors.js";
import { _openError, _sealError } from "./envelope.js";

/** Where the envelope starts in a failure message: after the readable part. */
const MARKER = "\n[yieldio error envelope] ";

/** BullMQ's message when a sandboxed processor's process exits (sandbox.ts). */
const EXIT = /^Unexpected exit code: (\S+) signal: (\S+)/;

/** BullMQ's message for a job that stalled (its worker died or hung) more than maxStalledCount times. */
const STALLED = "job stalled more than allowable limit";

/** @internal The failure message a worker gives BullMQ for what a job threw. */
export function _failureMessage(thrown: unknown): string {
  const readable = thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : `a non-Error was thrown: ${String(thrown)}`;
  return `${readable}${MARKER}${JSON.stringify(_sealError(thrown))}`;
}

/** @internal The error a job's `failedReason` stands for; `what` names the job in messages. */
export function _failureError(failedReason: string | undefined, what: string): unknown {
  const reason = failedReason ?? "";
  const at = reason.lastIndexOf(MARKER);
  if (at >= 0) {
    try {
      return _openError(JSON.parse(reason.slice(at + MARKER.length)));
    } catch {
      // A damaged envelope: the readable part still says what happened.
      return new Error(reason.slice(0, at));
    }
  }
  const exit = EXIT.exec(reason);
  if (exit !== null) {
    const code = exit[1] === "null" ? null : Number(exit[1]);
    const signal = exit[2] === "null" ? null : (exit[2] ?? null);
    const how = signal === null ? `exit code ${String(code)}` : `signal ${signal}`;
    return new WorkerExitedError(`the worker process running ${what} exited (${how})`, code, signal);
  }
  if (reason.startsWith(STALLED)) {
    return new WorkerExitedError(
      `the worker running ${what} stopped renewing its lock (its process died, or its event loop was blocked longer than lockDuration); the job was not run again (maxStalledCount)`,
      null,
      null,
    );
  }
  return new Error(`${what} failed: ${reason === "" ? "no reason given" : reason}`);
}
