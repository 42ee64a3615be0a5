/**
 * Which loop and which task are running right now. JavaScript is single-threaded, so this is
 * plain module state, set on entry to a synchronous stretch of loop work and restored on exit;
 * several loops can be alive in one process, only one runs at any instant.
 *
 * @module
 */

import { InvalidStateError } from "./errors.js";
import type { EventLoop } from "./event-loop.js";
import type { Task } from "./task.js";

let runningLoop: EventLoop | undefined;
let runningTask: Task<unknown> | undefined;

/** @internal Makes `loop` the running loop; returns the previous one, to restore. */
export function _swapRunningLoop(loop: EventLoop | undefined): EventLoop | undefined {
  const previous = runningLoop;
  runningLoop = loop;
  return previous;
}

/** @internal Makes `task` the current task; returns the previous one, to restore. */
export function _swapCurrentTask(task: Task<unknown> | undefined): Task<unknown> | undefined {
  const previous = runningTask;
  runningTask = task;
  return previous;
}

/** @internal The running loop, or undefined outside loop work. */
export function _peekRunningLoop(): EventLoop | undefined {
  return runningLoop;
}

/**
 * The event loop running the current callback or task step.
 *
 * @throws {@link InvalidStateError} outside a loop's callbacks and coroutines.
 * @example
 * ```ts
 * function* job(): Coroutine<void> {
 *   const loop = getRunningLoop();
 *   loop.callLater(10, () => console.log("ten ms later"));
 * }
 * ```
 */
export function getRunningLoop(): EventLoop {
  if (runningLoop === undefined) {
    throw new InvalidStateError(
      "getRunningLoop() was called outside a running event loop: call it from a coroutine or a loop callback, or start one with run(main)",
    );
  }
  return runningLoop;
}

/**
 * The task whose coroutine is executing right now, or `undefined` in a plain loop callback or
 * outside any loop.
 *
 * @example
 * ```ts
 * function* job(): Coroutine<void> {
 *   console.log(currentTask()?.name); // "Task-1"
 * }
 * ```
 */
export function currentTask(): Task<unknown> | undefined {
  return runningTask;
}

/**
 * The pending (not yet done) tasks of the running loop.
 *
 * @throws {@link InvalidStateError} outside a running loop.
 * @example
 * ```ts
 * for (const task of allTasks()) console.log(task.name);
 * ```
 */
export function allTasks(): Set<Task<unknown>> {
  return getRunningLoop()._pendingTasks();
}
