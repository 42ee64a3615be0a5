/**
 * `fromAbortable`: wait for Promise-based work that takes an `AbortSignal`, and abort it when
 * the waiting task is cancelled.
 *
 * @module
 */

import type { HostAbortSignal } from "../core/abort-signal-like.js";
import { CancelledError } from "../core/errors.js";
import type { Instruction } from "../core/instruction.js";
import { describeReceived } from "../core/received.js";
import { shield } from "../time/shield.js";
import { fromPromise } from "./from-promise.js";

/**
 * Starts `work` with a fresh `AbortSignal` and waits for the Promise it returns. This is the
 * way to call `fetch` and other abortable APIs from a coroutine: a timeout or a cancelled task
 * stops the request instead of leaving it running.
 *
 * **Cancellation:** the signal is aborted (its `reason` is the `CancelledError`), the task
 * waits (shielded) for the Promise to settle, so that the work has stopped when the
 * cancellation completes, then raises `CancelledError`; a result that arrives anyway is
 * dropped. Work that ignores its signal therefore holds the cancellation up until it settles:
 * give such work to {@link fromPromise}. A rejection with an `AbortError` (the work was
 * aborted some other way, such as its own `AbortSignal.timeout()`) is raised as a
 * `CancelledError` whose `cause` is that error.
 *
 * @param work - a function of the signal returning a Promise (or any thenable); called once,
 *   when the operation starts.
 * @throws TypeError if `work` is not a function or does not return a thenable; whatever the
 *   Promise rejects with.
 * @example
 * ```ts
 * const response = yield* timeout(5_000, fromAbortable((signal) => fetch(url, { signal })));
 * ```
 */
export function* fromAbortable<T>(work: (signal: HostAbortSignal) => PromiseLike<T>): Generator<Instruction, T, unknown> {
  if (typeof work !== "function") {
    throw new TypeError(`fromAbortable() needs a function (signal) => Promise: received ${describeReceived(work)}`);
  }
  const controller = new AbortController();
  const promise = work(controller.signal);
  if (typeof (promise as Partial<PromiseLike<T>> | null | undefined)?.then !== "function") {
    throw new TypeError(`fromAbortable() needs its function to return a Promise: it returned ${describeReceived(promise)}`);
  }
  try {
    return yield* fromPromise(promise);
  } catch (error) {
    if (error instanceof CancelledError) {
      controller.abort(error);
      // Structured: the work ends before the cancellation completes (Trio's rule), so that a
      // limit around it (a Semaphore) never lets more run than it allows.
      yield* shield(settled(promise));
      throw error;
    }
    if (isAbortError(error)) {
      throw new CancelledError({ source: "abort", message: (error as Error).message }, { cause: error });
    }
    throw error;
  }
}

/** Waits for `promise` to settle, whichever way. */
function* settled(promise: PromiseLike<unknown>): Generator<Instruction, void, unknown> {
  try {
    yield* fromPromise(promise);
  } catch {
    // Aborted work usually rejects (with an AbortError): that is how it says it stopped.
  }
}

/** An `AbortError` as `fetch`, Node's APIs and `AbortSignal.abort()` reject with. */
function isAbortError(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { name?: unknown }).name === "AbortError";
}
