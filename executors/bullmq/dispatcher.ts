/**
 * The worker's side of a job: find the function its name stands for (under `moduleRoot` only),
 * open its arguments, call it with the job's AbortSignal available through `currentSignal()`,
 * and seal what it returns. A failure leaves as an Error whose message carries the sealed
 * error (job-failure.ts). A job that was cancelled, or whose function cannot be loaded, fails
 * with BullMQ's `UnrecoverableError`: retrying it could not help.
 *
 * The same dispatcher runs in the worker's process (in-process mode) and in each sandbox child.
 *
 * @module
 */

import { UnrecoverableError } from "bullmq";
import { _seal, _open } from "./envelope.js";
import type { _Envelope } from "./envelope.js";
import { _failureMessage } from "./job-failure.js";
import type { _JobData } from "./job-data.js";
import { _JobLoader } from "./job-loader.js";
import { _jobStorage } from "../job-runner.js";

/** What the dispatcher reads of a BullMQ job (a Job, or the sandbox's copy of one). */
export interface _DispatchedJob {
  readonly id?: string | undefined;
  readonly name: string;
  readonly data: unknown;
}

/** A signal that is never aborted, for a job run without one. */
const NEVER = new AbortController().signal;

/** @internal Runs yieldio jobs in one process. */
export class _Dispatcher {
  readonly #loader: _JobLoader;
  readonly #storage = _jobStorage();
  #nextId = 1;

  constructor(moduleRoot: string) {
    this.#loader = new _JobLoader(moduleRoot);
  }

  /** Runs `job`; resolves with its sealed result. @throws Error with a failure message (see job-failure.ts). */
  async run(job: _DispatchedJob, signal: AbortSignal | undefined): Promise<_Envelope> {
    const what = `job ${job.id ?? "?"} (${job.name})`;
    const aborted = (): boolean => signal?.aborted ?? false; // read anew: the job may be cancelled while it runs
    if (aborted()) throw new UnrecoverableError(`${what} was cancelled before it started`);
    let fn: (...args: unknown[]) => unknown;
    let args: unknown;
    try {
      fn = this.#loader.loaded(job.name) ?? (await this.#loader.load(job.name));
      args = _open((job.data as Partial<_JobData> | null)?.a, `the arguments of ${what}`);
      if (!Array.isArray(args)) throw new TypeError(`the arguments of ${what} are not an array`);
    } catch (error) {
      throw new UnrecoverableError(_failureMessage(error));
    }
    const context = { signal: signal ?? NEVER, id: this.#nextId++, description: job.name };
    try {
      const value = await this.#storage.run(context, fn, ...(args as unknown[]));
      return _seal(value, `the result of ${what}`);
    } catch (error) {
      if (aborted()) throw new UnrecoverableError(`${what} was cancelled: ${_failureMessage(error)}`);
      throw new Error(_failureMessage(error));
    }
  }
}
