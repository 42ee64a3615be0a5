/**
 * `useAbortSignal`: an `AbortSignal` for the current scope, to hand to Promise-based APIs
 * (`fetch`, `fs.promises`, `timers/promises` ...) so that cancelling the task stops their work.
 *
 * @module
 */

import type { HostAbortSignal } from "../core/abort-signal-like.js";
import { InvalidStateError } from "../core/errors.js";
import { currentTask } from "../core/running.js";

/**
 * The AbortSignal of the current task's innermost cancel scope. It is aborted when that scope
 * or an enclosing one (up to a shield) is cancelled, with the `CancelledError` as its
 * `reason`, and when the scope ends, with an `AbortError`, so that work given the signal does
 * not outlive the scope (Effection's `useAbortSignal`). Every call in the same scope returns
 * the same signal: calling it in a loop adds nothing.
 *
 * **Cancellation:** it does not wait; the signal it returns is how cancellation reaches the
 * work it is given. To wait for a Promise made with it, see {@link fromAbortable}, which makes
 * and aborts a signal of its own.
 *
 * @throws {@link InvalidStateError} outside a running task.
 * @example
 * ```ts
 * const signal = useAbortSignal();
 * const response = yield* fromPromise(fetch(url, { signal })); // cancelled: the request is aborted
 * ```
 */
export function useAbortSignal(): HostAbortSignal {
  const task = currentTask();
  if (task === undefined) {
    throw new InvalidStateError("useAbortSignal() must be called inside a running task (in a coroutine's step)");
  }
  return task._currentScope()._abortSignal();
}
