/**
 * One generator object, one task: the mark that keeps two tasks from driving the same
 * coroutine.
 *
 * The problem: `const job = work(); createTask(job); createTask(job);` gives one generator to
 * two tasks. Nothing in the generator says it is taken, so the second task resumes the first
 * one's suspension (its `sleep` returns early, its `queue.get()` returns `undefined`), and both
 * go on interleaved. asyncio refuses a coroutine that is already awaited; so do we.
 *
 * The solution: a task claims a generator object when it first touches it (its first step, or
 * its cancellation before that), in a WeakMap from generator to task. A second claim fails the
 * second task with an `InvalidStateError` naming both tasks. Only generator objects are
 * claimed: other Operations (a Future, a primitive's shared `lock.acquire()`) start a fresh
 * iterator for each task and may be shared freely. The claim outlives the task, so a finished
 * generator given to a new task is refused too (it would return `undefined` at once).
 *
 * Discussion: a symbol-keyed property on the generator looked cheaper (~20 ns in a
 * microbenchmark) and was not: each property added to a generator object is a hidden-class
 * transition, and once the generators of a run die, their transitioned classes die with them,
 * so every later run paid a slow store and deoptimised the task's step (spawn-join of 100k
 * tasks: +35%). The WeakMap costs a hash insert per task and keeps no shapes alive (measured
 * within the run-to-run noise of that benchmark).
 *
 * @module
 */

import { InvalidStateError } from "./errors.js";
import { _isGeneratorObject } from "./operation.js";
import type { Task } from "./task.js";

/** Who claimed each generator object. */
const owners = new WeakMap<object, Task<unknown>>();

/**
 * @internal `_claimCoroutine` as a question: true if `task` now owns `op` (or `op` is not a
 * generator object), false if another task claimed it first.
 */
export function _tryClaimCoroutine(op: unknown, task: Task<unknown>): boolean {
  if (!_isGeneratorObject(op)) return true;
  const owner = owners.get(op);
  if (owner === undefined) owners.set(op, task);
  return owner === undefined || owner === task;
}

/**
 * @internal Records that `task` drives `op` if `op` is a generator object; throws
 * {@link InvalidStateError} if another task claimed it first. Anything else passes.
 */
export function _claimCoroutine(op: unknown, task: Task<unknown>): void {
  if (_tryClaimCoroutine(op, task)) return;
  // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- _tryClaimCoroutine refused because another task owns op
  const owner = owners.get(op as object)!;
  const how = owner.done() ? "already ran in" : "is already driven by";
  throw new InvalidStateError(
    `${task._describe()} was given a generator object that ${how} ${owner._describe()}: a generator object can be run by one task only; call the generator function again for each task (createTask(work()) twice, not the same work() object)`,
  );
}
