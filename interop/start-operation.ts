/**
 * Starting an Operation from async code, for the bridges that hand an Operation to a
 * Promise-based library (`toAbortable`, `toTask`, `toTaskEither`).
 *
 * @module
 */

import { currentTask, getRunningLoop, isOperation, run } from "../lib/index.js";
import type { EventLoop, Operation, Task } from "../lib/index.js";

/** An Operation, or a function that makes a fresh one each time (so that it can run again). */
export type OperationSource<T> = Operation<T> | (() => Operation<T>);

/** A started Operation: its outcome, and how to cancel it. */
export interface Started<T> {
  /** Settles when the Operation is done, its `finally` blocks run: its value, its error, or its `CancelledError`. */
  readonly done: Promise<T>;
  /** Cancels it; `done` then rejects with the `CancelledError` once it has unwound. */
  cancel(): void;
}

/**
 * Starts `source` as a task of `loop` (the loop the bridge was made in, when it was made inside
 * one), or else in a `run()` of its own.
 */
export function startOperation<T>(source: OperationSource<T>, loop: EventLoop | undefined): Started<T> {
  if (loop !== undefined && !loop.isClosed()) {
    const task: Task<T> = loop.createTask(typeof source === "function" ? source() : source);
    return { done: Promise.resolve(task), cancel: () => task.cancel() };
  }
  let main: Task<unknown> | undefined;
  let cancelled = false;
  const done = run(function* () {
    main = currentTask();
    if (cancelled) main?.cancel();
    return yield* typeof source === "function" ? source() : source;
  });
  return {
    done,
    cancel: () => {
      cancelled = true;
      main?.cancel();
    },
  };
}

/**
 * Checks what a bridge was given to run: an Operation, or a function returning one (what the
 * function returns is checked when it runs, by the loop).
 *
 * @throws TypeError for anything else, naming `where`.
 */
export function checkOperationSource(where: string, source: unknown): void {
  if (typeof source === "function" || isOperation(source)) return;
  throw new TypeError(`${where} needs an Operation or a function returning one: received ${source === null ? "null" : typeof source}`);
}

/** The running loop when called inside one (a bridge made in a coroutine), else undefined. */
export function loopHereOrNone(): EventLoop | undefined {
  try {
    return getRunningLoop();
  } catch {
    return undefined;
  }
}
