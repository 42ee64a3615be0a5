/**
 * A run's operation that returns a Promise (or any thenable) instead of a value.
 *
 * The problem: `run()` and `runUntilComplete()` settle a Promise with the operation's result,
 * and a Promise settled with a thenable adopts it. The loop has stopped by then, so a thenable
 * that waits on the loop (`(async () => await task)()`) never settles, and Node exits with
 * code 13 and nothing said. Such a result is refused with a TypeError instead, at the moment
 * the task returns it (`Task` checks when it finishes): later, a rejecting Promise would already
 * have been reported to Node as unhandled.
 *
 * @module
 */

import { CancelledError } from "./errors.js";
import type { EventLoop } from "./event-loop.js";
import { Future } from "./future.js";

/** @internal True for objects and functions with a `then` method. */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === "object" || typeof value === "function") && value !== null && typeof (value as { then?: unknown }).then === "function"
  );
}

/**
 * @internal The error for an operation (`what`) that returned `value`, a thenable. The thenable
 * is not waited for, but its failure is not lost: it goes to the loop's exception handler when
 * it comes (a cancellation, the shutdown's doing, is not reported), never to Node as an
 * unhandled rejection.
 */
export function thenableResultError(loop: EventLoop, what: string, value: PromiseLike<unknown>): TypeError {
  const report = (error: unknown): void => {
    if (!(error instanceof CancelledError))
      loop.callExceptionHandler({ message: `the Promise that ${what} returned failed`, exception: error });
  };
  try {
    value.then(undefined, report);
  } catch (error) {
    report(error); // a thenable whose then() throws
  }
  const kind = value instanceof Future ? value._describe() : "a Promise (a thenable)";
  return new TypeError(
    `${what} returned ${kind} instead of a value: the loop stops when the operation returns, so it could never settle. Wait for it inside the coroutine and return the result: \`return yield* task\` for a Task or Future, \`return yield* fromPromise(promise)\` for a Promise`,
  );
}
