/**
 * `race`: run operations concurrently; the first to finish decides, the others are cancelled.
 *
 * @module
 */

import { Children, RACE, operationsOf } from "./children.js";
import type { OperationResult } from "./gather.js";
import type { Instruction } from "../core/instruction.js";
import type { Operation } from "../core/operation.js";

/**
 * Runs the operations concurrently, each as a child task; the first one to finish decides:
 * its value is returned, or its error thrown (a child cancelled by someone else finishes with
 * `CancelledError`). The others are cancelled and awaited before `race` returns, so nothing
 * is left running. The result type is the union of the operations' result types. One Array
 * argument is the same as spreading it; Futures and Tasks passed in are awaited, not re-run
 * (and cancelled if they lose).
 *
 * **Cancellation:** if the awaiting task is cancelled before a child finished, every child is
 * cancelled and awaited, then `race` raises `CancelledError` (or a real error a child raised
 * while unwinding). Once a child has won, a cancellation that arrives while the losers unwind
 * does not change the result; it is raised at the next suspension.
 *
 * Do not race operations that take ownership (`queue.get()`, `lock.acquire()`): a loser that
 * was handed an item or a grant just before it was cancelled keeps it and returns normally,
 * and `race` drops that value (Trio behaves the same). Bound such an operation with
 * `timeout` or `moveOnAfter` instead: they hand the value over.
 *
 * @throws RangeError when given no operation (there would be no winner); TypeError (before
 *   any child runs) if an argument is not an Operation.
 * @example
 * ```ts
 * const reply = yield* race(askPrimary(query), askReplica(query)); // the faster answer
 * const value = yield* race(work(), sleep(1000, "too slow" as const)); // Result | "too slow"
 * ```
 */
export function race<const Ops extends readonly Operation<unknown>[]>(
  ops: Ops,
): Generator<Instruction, OperationResult<Ops[number]>, unknown>;
export function race<Ops extends readonly Operation<unknown>[]>(...ops: Ops): Generator<Instruction, OperationResult<Ops[number]>, unknown>;
export function* race(...args: readonly unknown[]): Generator<Instruction, unknown, unknown> {
  const ops = operationsOf("race()", args);
  if (ops.length === 0) {
    throw new RangeError("race() needs at least one operation: received none; with nothing to race there is no winner");
  }
  const children = new Children("race()", RACE, ops.length);
  yield* children.run(ops);
  return children.outcome();
}
