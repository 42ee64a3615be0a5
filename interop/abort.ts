/**
 * `yieldio/interop/abort`: yieldio Operations as abortable functions for abort-controller-x
 * (`(signal) => Promise<T>`), so that they compose with its `all`, `race`, `retry` and
 * `delay`; and the other way, abort-controller-x's functions inside a coroutine with the core's
 * `fromAbortable`. abort-controller-x is an optional peer dependency: only this entry point
 * loads it.
 *
 * @module
 */

import { AbortError } from "abort-controller-x";
import type { HostAbortSignal } from "../lib/index.js";
import { CancelledError } from "../lib/index.js";
import { checkOperationSource, loopHereOrNone, startOperation } from "./start-operation.js";
import type { OperationSource } from "./start-operation.js";

export type { OperationSource } from "./start-operation.js";

/**
 * Turns an Operation into an abortable function, as abort-controller-x expects them: it runs
 * the Operation and settles with its value or its error; aborting the signal cancels it, and
 * the Promise rejects with abort-controller-x's `AbortError` once the Operation has unwound
 * (its `finally` blocks ran). A `CancelledError` from inside (a timeout that was not caught)
 * is an `AbortError` too, with the `CancelledError` as its `cause`.
 *
 * Made inside a running loop, the Operation runs as a task of that loop; made outside one,
 * each call runs it in a `run()` of its own. Pass a function returning the Operation when the
 * function may be called more than once (`retry`): a generator object runs only once.
 *
 * **Cancellation:** by the signal (see above). Cancelling the coroutine that awaits the
 * Promise (through `fromAbortable`) aborts the signal it gave, which cancels the Operation.
 *
 * @param source - an Operation, or a function returning a fresh one per call.
 * @throws TypeError if `source` is neither an Operation nor a function.
 * @example
 * ```ts
 * import { race, retry } from "abort-controller-x";
 * const fetchUser = toAbortable(() => loadUser(id)); // loadUser: a coroutine
 * const user = yield* fromAbortable((signal) => retry(signal, fetchUser, { maxAttempts: 3 }));
 * ```
 */
export function toAbortable<T>(source: OperationSource<T>): (signal: HostAbortSignal) => Promise<T> {
  checkOperationSource("toAbortable()", source);
  const loop = loopHereOrNone();
  return async (signal) => {
    const abortSignal = signal;
    // abort-controller-x's AbortError implements Error without extending it (its advice: test
    // with isAbortError(), not instanceof); it is what its functions expect to see.
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- see above
    if (abortSignal.aborted) throw new AbortError();
    const started = startOperation(source, loop);
    const onAbort = (): void => started.cancel();
    abortSignal.addEventListener("abort", onAbort);
    try {
      return await started.done;
    } catch (error) {
      // eslint-disable-next-line @typescript-eslint/only-throw-error -- abort-controller-x's AbortError (see above)
      if (error instanceof CancelledError) throw Object.assign(new AbortError(error.message), { cause: error });
      throw error;
    } finally {
      abortSignal.removeEventListener("abort", onAbort);
    }
  };
}
