/**
 * How a job's failure crosses Redis as BullMQ's `failedReason`: the worker's message has a
 * readable first line and the sealed error; the producer rebuilds the error, and turns
 * BullMQ's own failures (a sandbox process that exited, a stalled job) into WorkerExitedError.
 */
import test from "ava";
import { WorkerExitedError } from "../../../lib/index.js";
import { _failureError, _failureMessage } from "../../../executors/bullmq/job-failure.js";

test("`_failureMessage()` behaviour: a readable first line, then the sealed error, which _failureError() rebuilds", (t) => {
  const error = new RangeError("too far", { cause: new Error("why") });
  (error as RangeError & { code: string }).code = "E_FAR";
  const message = _failureMessage(error);
  t.true(message.startsWith("RangeError: too far\n"));
  const rebuilt = _failureError(message, "job") as RangeError & { code: string; cause: Error };
  t.true(rebuilt instanceof RangeError);
  t.is(rebuilt.message, "too far");
  t.is(rebuilt.code, "E_FAR");
  t.is(rebuilt.cause.message, "why");
  t.is(rebuilt.stack, error.stack);
});

test("`_failureMessage()` behaviour: a thrown value that is not an Error comes back as itself", (t) => {
  const message = _failureMessage({ status: 404 });
  t.regex(message, /^a non-Error was thrown: \[object Object\]/);
  t.deepEqual(_failureError(message, "job"), { status: 404 });
});

test("`_failureError()` behaviour: a sandbox process's exit becomes WorkerExitedError with its code or signal", (t) => {
  const byCode = _failureError("Unexpected exit code: 3 signal: null", "root:a.js#f") as WorkerExitedError;
  t.true(byCode instanceof WorkerExitedError);
  t.is(byCode.exitCode, 3);
  t.is(byCode.signal, null);
  t.is(byCode.message, "the worker process running root:a.js#f exited (exit code 3)");
  const bySignal = _failureError("Unexpected exit code: null signal: SIGKILL", "root:a.js#f") as WorkerExitedError;
  t.is(bySignal.exitCode, null);
  t.is(bySignal.signal, "SIGKILL");
  t.regex(bySignal.message, /exited \(signal SIGKILL\)/);
});

test("`_failureError()` behaviour: a job that stalled (its worker died) becomes WorkerExitedError without code or signal", (t) => {
  const error = _failureError("job stalled more than allowable limit", "root:a.js#f") as WorkerExitedError;
  t.true(error instanceof WorkerExitedError);
  t.is(error.exitCode, null);
  t.is(error.signal, null);
  t.regex(error.message, /stopped renewing its lock/);
});

test("`_failureError()` behaviour: a reason from elsewhere, a missing one and a damaged envelope become plain Errors that say what is known", (t) => {
  t.is((_failureError("disk full", "root:a.js#f") as Error).message, "root:a.js#f failed: disk full");
  t.is((_failureError(undefined, "root:a.js#f") as Error).message, "root:a.js#f failed: no reason given");
  const damaged = _failureMessage(new Error("boom")).slice(0, -10);
  const error = _failureError(damaged, "job") as Error;
  t.is(error.constructor, Error);
  t.is(error.message, "Error: boom");
});
