/**
 * `waitFor`: asyncio's `wait_for`, on a cancel scope.
 *
 * @module
 */

import { TimeoutError } from "../core/errors.js";
import { Future } from "../core/future.js";
import type { Instruction } from "../core/instruction.js";
import type { Operation } from "../core/operation.js";
import { shield } from "./shield.js";
import { withDeadline } from "./timeout.js";
import { _claimCoroutine } from "../core/coroutine-owner.js";
import { currentTask } from "../core/running.js";

/**
 * Waits for `op` for at most `timeoutMs` ms (`null`: no limit). On timeout, `op` is cancelled,
 * `waitFor` waits for it to unwind, then throws `TimeoutError`. With `timeoutMs <= 0` (a
 * negative timeout means "now", as in asyncio), an operation that has not started never
 * starts, and a pending Task is cancelled at once.
 *
 * **Cancellation:** cancelling the caller cancels `op` (a Task or Future included) and waits
 * for it to unwind, then raises `CancelledError`. If `op` returns normally despite the
 * cancellation, its value is returned.
 *
 * @param op - a generator object, a Future or a Task.
 * @param timeoutMs - the time limit in milliseconds of loop time; `<= 0`: expired already;
 *   `null`: no limit.
 * @throws {@link TimeoutError} on timeout; TypeError/RangeError for a bad `timeoutMs`.
 * @example
 * ```ts
 * const task = createTask(download(url));
 * const body = yield* waitFor(task, 10_000);
 * ```
 */
export function waitFor<T>(op: Operation<T>, timeoutMs: number | null): Generator<Instruction, T, unknown> {
  // The engine checks the arguments when the operation starts (see withDeadline).
  return withDeadline("after", timeoutMs, op, `waitFor(${timeoutMs})`, "throw", expireAtOnce) as Generator<Instruction, T, unknown>;
}

function* expireAtOnce<T>(op: Operation<T>, label: string): Generator<Instruction, T, unknown> {
  if (!(op instanceof Future)) {
    // A generator that has not started: close it without running its body, unless another
    // task drives it (then it is not ours to close: InvalidStateError, as for createTask).
    // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- waitFor() runs inside a task (yield*)
    _claimCoroutine(op, currentTask()!);
    op[Symbol.iterator]().return?.(undefined);
    throw new TimeoutError(`${label} expired before the operation started`);
  }
  const future = op as Future<T>;
  if (future.done()) return future.result();
  future.cancel();
  try {
    // Let it unwind; shielded, so that a cancellation of the caller cannot cut the wait short.
    yield* shield(future._awaitWithoutCancelling());
  } catch {
    // The outcome is read from the future below.
  }
  if (future.cancelled()) {
    let cause: unknown;
    try {
      future.result();
    } catch (error) {
      cause = error;
    }
    throw new TimeoutError(`${label} expired: the operation was cancelled`, { cause });
  }
  return future.result();
}
