/**
 * The processor file of a sandboxed yieldio worker: BullMQ imports it in each child process
 * (or thread) of its pool and calls its default export per job. The worker's `moduleRoot`
 * arrives in the environment (`YIELDIO_MODULE_ROOT`), as BullMQ passes only a file to its
 * children. A job submitted with `cancel: "terminate"` kills this child when it is cancelled;
 * BullMQ fails the job ("Unexpected exit code") and forks a fresh child for the next one.
 *
 * @module
 */

import { _Dispatcher } from "./dispatcher.js";
import type { _DispatchedJob } from "./dispatcher.js";
import type { _Envelope } from "./envelope.js";
import type { _JobData } from "./job-data.js";

/** @internal The progress key under which a terminable job reports its process to the worker. */
export const _PID_PROGRESS = "yieldioPid";

/** @internal The environment variable that carries the worker's moduleRoot to its children. */
export const _MODULE_ROOT_VARIABLE = "YIELDIO_MODULE_ROOT";

let dispatcher: _Dispatcher | undefined;

/** @internal The sandboxed processor; BullMQ needs its three parameters to pass the signal. */
export default async function process(
  job: _DispatchedJob & { updateProgress?(progress: object): Promise<void> },
  _token: string | undefined,
  signal: AbortSignal,
): Promise<_Envelope> {
  const moduleRoot = globalThis.process.env[_MODULE_ROOT_VARIABLE];
  if (moduleRoot === undefined) throw new Error(`the sandboxed yieldio processor needs ${_MODULE_ROOT_VARIABLE} in its environment`);
  dispatcher ??= new _Dispatcher(moduleRoot);
  if ((job.data as Partial<_JobData> | null)?.t === 1) {
    // Code that cannot look at its signal is stopped the only sure way: its process ends. The
    // worker kills it (this process may be too busy to hear the abort), so it is told which one.
    await job.updateProgress?.({ [_PID_PROGRESS]: globalThis.process.pid });
    signal.addEventListener("abort", () => globalThis.process.kill(globalThis.process.pid, "SIGKILL"), { once: true });
  }
  return dispatcher.run(job, signal);
}
