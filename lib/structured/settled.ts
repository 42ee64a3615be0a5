/**
 * `_settled`: wait for a task to finish, whichever way.
 *
 * @module
 */

import type { Instruction } from "../core/instruction.js";
import type { Task } from "../core/task.js";

/** @internal Waits for `task` to finish, whichever way: its outcome is not the caller's, only that it is over. */
export function* _settled(task: Task<unknown>): Generator<Instruction, void, unknown> {
  try {
    yield* task;
  } catch {
    // Deliberately dropped: retrieved, so it is not reported as unretrieved either.
  }
}
