/**
 * `fromPromise`: wait for a Promise inside a coroutine.
 *
 * @module
 */

import { CancelledError } from "../core/errors.js";
import type { Instruction } from "../core/instruction.js";
import { getRunningLoop } from "../core/running.js";
import { describeReceived } from "../core/received.js";

/**
 * Waits for a Promise (or any thenable). The Promise settling resumes the task through the
 * loop's ready queue, never synchronously. Pass a function to create the Promise only when
 * the operation starts.
 *
 * **Cancellation:** the task stops waiting at once and raises `CancelledError`; the Promise
 * itself cannot be cancelled and its late result is dropped. To abort the work behind it, give
 * that work an `AbortSignal` of your own and abort it in a `finally` of the coroutine.
 *
 * @throws TypeError if the argument is not a thenable or a function returning one.
 * @example
 * ```ts
 * const text = yield* fromPromise(() => fs.promises.readFile(path, "utf8"));
 * ```
 */
export function* fromPromise<T>(promiseOrThunk: PromiseLike<T> | (() => PromiseLike<T>)): Generator<Instruction, T, unknown> {
  const loop = getRunningLoop();
  const promise = typeof promiseOrThunk === "function" ? promiseOrThunk() : promiseOrThunk;
  if (typeof (promise as Partial<PromiseLike<T>> | null)?.then !== "function") {
    throw new TypeError(`fromPromise() needs a Promise or a function returning one: received ${describeReceived(promise)}`);
  }
  const future = loop.createFuture<T>();
  promise.then(
    (value) => {
      if (!future.done()) future.setResult(value);
    },
    (error: unknown) => {
      if (future.done()) return;
      if (error instanceof CancelledError) future.cancel(error.reason.message);
      else future.setException(error);
    },
  );
  return yield* future;
}
