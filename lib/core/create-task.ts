/**
 * `createTask`: schedules an Operation as a Task on the running loop.
 *
 * @module
 */

import type { Operation } from "./operation.js";
import { getRunningLoop } from "./running.js";
import type { Task, TaskOptions } from "./task.js";

/**
 * Runs `op` concurrently as a new Task on the running loop (asyncio's `create_task`). Lazy by
 * default: the body starts on the next pass; `eager: true` runs it at once up to its first
 * suspension.
 *
 * **Cancellation:** the task is not owned by its creator (use a task group for that): cancel
 * it with `task.cancel()`; `run()` cancels whatever is left when its main operation ends.
 * A task cancelled before its first step never runs its body.
 *
 * @throws {@link InvalidStateError} outside a running loop; `TypeError` if `op` is not an
 *   Operation.
 * @example
 * ```ts
 * function* main(): Coroutine<number> {
 *   const a = createTask(worker(1));
 *   const b = createTask(worker(2), { name: "second" });
 *   return (yield* a) + (yield* b);
 * }
 * ```
 */
export function createTask<T>(op: Operation<T>, options?: TaskOptions): Task<T> {
  return getRunningLoop().createTask(op, options);
}
