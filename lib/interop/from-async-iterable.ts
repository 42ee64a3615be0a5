/**
 * `fromAsyncIterable`: read an async iterable (a Node stream, an async generator, a `fetch`
 * body) from a coroutine, one `next()` at a time.
 *
 * @module
 */

import { CancelledError } from "../core/errors.js";
import type { Operation } from "../core/operation.js";
import { describeReceived } from "../core/received.js";
import { getRunningLoop } from "../core/running.js";
import { fromPromise } from "./from-promise.js";

/**
 * The reading end of an async iterable for a coroutine: see {@link fromAsyncIterable}.
 *
 * @typeParam T - the items.
 * @typeParam R - the value the iterator returns when it is done.
 * @example
 * ```ts
 * const lines: OperationIterator<string> = fromAsyncIterable(readline.createInterface({ input }));
 * ```
 */
export interface OperationIterator<T, R = unknown> {
  /**
   * The next item: `{ value, done: false }`, or `{ value: R, done: true }` at the end.
   *
   * **Cancellation:** the iterator's `return()` is called (an async generator runs its
   * `finally` blocks once its pending step ends), and the task raises `CancelledError`
   * without waiting for it.
   */
  next(): Operation<IteratorResult<T, R>>;
  /**
   * Ends the iteration early: calls the iterator's `return()`, if it has one, and waits for it.
   *
   * **Cancellation:** the wait is withdrawn; `return()` was called already.
   */
  return(): Operation<void>;
}

/**
 * Reads `iterable` from a coroutine: `next()` is an Operation. Each item is taken by one
 * `next()`; nothing is read ahead.
 *
 * **Cancellation:** see {@link OperationIterator.next}: a cancelled `next()` ends the
 * iteration by calling the iterator's `return()`.
 *
 * @param iterable - anything with `Symbol.asyncIterator` (or an async iterator itself).
 * @throws TypeError for anything else.
 * @example
 * ```ts
 * const chunks = fromAsyncIterable(fs.createReadStream(path));
 * for (let step = yield* chunks.next(); !step.done; step = yield* chunks.next()) total += step.value.length;
 * ```
 */
export function fromAsyncIterable<T, R = unknown>(iterable: AsyncIterable<T> | AsyncIterator<T, R>): OperationIterator<T, R> {
  const iterator = toIterator(iterable);
  return {
    *next() {
      try {
        return yield* fromPromise(() => iterator.next());
      } catch (error) {
        if (error instanceof CancelledError) endQuietly(iterator);
        throw error;
      }
    },
    *return() {
      if (typeof iterator.return !== "function") return;
      yield* fromPromise(() => Promise.resolve(iterator.return?.()));
    },
  };
}

function toIterator<T, R>(iterable: AsyncIterable<T> | AsyncIterator<T, R>): AsyncIterator<T, R> {
  const candidate = iterable as Partial<AsyncIterable<T> & AsyncIterator<T, R>> | null;
  if (typeof candidate?.[Symbol.asyncIterator] === "function")
    return (iterable as AsyncIterable<T>)[Symbol.asyncIterator]() as AsyncIterator<T, R>;
  if (typeof candidate?.next === "function") return iterable as AsyncIterator<T, R>;
  throw new TypeError(`fromAsyncIterable() needs an async iterable or iterator: received ${describeReceived(iterable)}`);
}

/** Calls `return()` without waiting; its failure goes to the loop's exception handler. */
function endQuietly<T, R>(iterator: AsyncIterator<T, R>): void {
  if (typeof iterator.return !== "function") return;
  const loop = getRunningLoop();
  new Promise((resolve) => resolve(iterator.return?.())).catch((error: unknown) => {
    loop.callExceptionHandler({
      message: "an async iterator's return() failed after fromAsyncIterable()'s next() was cancelled",
      exception: error,
    });
  });
}
