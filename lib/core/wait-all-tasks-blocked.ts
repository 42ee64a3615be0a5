/**
 * `waitAllTasksBlocked`: Trio's testing helper: wait until no other task can run.
 *
 * @module
 */

import { suspend } from "./instruction.js";
import type { Instruction } from "./instruction.js";
import { describeReceived } from "./received.js";
import { getRunningLoop } from "./running.js";

/**
 * Waits until every other task of the loop is blocked (parked on something: a sleep, a lock, a
 * queue, I/O) and nothing happens for `cushionMs` more: no I/O arrives and no timer falls due
 * within the cushion. For tests that need "everything is parked now" before they look or act:
 * after `createTask(consumer())`, `yield* waitAllTasksBlocked()` returns once the consumer waits
 * in `queue.get()`. Several waiters with the same cushion are woken together; one with a
 * longer cushion wakes later (Trio's rule).
 *
 * **Cancellation:** the wait is withdrawn and `CancelledError` is raised.
 *
 * @param cushionMs - how long nothing may happen after every task is blocked, in milliseconds
 *   of loop time; default 0.
 * @throws TypeError for a non-number; RangeError for a negative or NaN cushion.
 * @example
 * ```ts
 * const consumer = createTask(consume(queue));
 * yield* waitAllTasksBlocked(); // the consumer waits in queue.get()
 * queue.putNowait("job");
 * yield* waitAllTasksBlocked(); // it took the job and waits again
 * ```
 */
export function* waitAllTasksBlocked(cushionMs = 0): Generator<Instruction, void, unknown> {
  if (typeof cushionMs !== "number")
    throw new TypeError(`waitAllTasksBlocked() needs cushionMs as a number: received ${describeReceived(cushionMs)}`);
  if (!(cushionMs >= 0)) throw new RangeError(`waitAllTasksBlocked() needs cushionMs ≥ 0: received ${cushionMs}`);
  const loop = getRunningLoop();
  yield* suspend<void>({
    description: `waitAllTasksBlocked(${cushionMs})`,
    park: (waiter) => loop._addIdleWaiter(waiter, cushionMs),
    abort: (waiter) => {
      loop._removeIdleWaiter(waiter);
      return true;
    },
  });
}
