/**
 * `run`: the entry point of a program, asyncio's `asyncio.run` with its shutdown sequence.
 *
 * @module
 */

import type { Executor } from "../executors/executor.js";
import type { Selector } from "../selectors/selector.js";
import { InvalidStateError } from "./errors.js";
import { EventLoop } from "./event-loop.js";
import type { ExceptionHandler } from "./event-loop.js";
import type { Instruction } from "./instruction.js";
import type { Operation } from "./operation.js";
import { checkOperation } from "./operation.js";
import { _peekRunningLoop } from "./running.js";
import type { Task } from "./task.js";

/**
 * Options of {@link run}.
 *
 * @example
 * ```ts
 * await run(main(), { selector: new VirtualSelector(), debug: true });
 * ```
 */
export interface RunOptions {
  /** How the loop waits and tells time; default `NodeSelector` (`VirtualSelector` in tests). */
  readonly selector?: Selector;
  /** The loop's default executor; `run()` shuts it down at the end. */
  readonly executor?: Executor;
  /** Debug mode (slow callbacks, creation stacks, swallowed cancellations). */
  readonly debug?: boolean;
  /** Start tasks eagerly, up to their first suspension. */
  readonly eagerTasks?: boolean;
  /** Receives errors with no caller (see `EventLoop.setExceptionHandler`); default: log to stderr. */
  readonly exceptionHandler?: ExceptionHandler;
}

/**
 * Runs `main` on a new event loop and returns its result. When `main` ends, every task still
 * pending is cancelled and awaited (their failures other than cancellation go to the exception
 * handler), the default executor is shut down and the loop is closed. Once the returned
 * Promise settles, the loop holds no host resources (timers, handles, workers).
 *
 * **Cancellation:** leftover tasks are cancelled with reason `shutdown`. To cancel `main`
 * itself from outside, use `main()` (signals) or cancel its task from inside.
 *
 * @param main - an Operation, or a function returning one (called once the loop exists).
 * @throws {@link InvalidStateError} (synchronously) when called inside a running coroutine's step.
 * @returns a Promise of `main`'s result; it rejects with `main`'s error.
 * @example
 * ```ts
 * const total = await run(function* () {
 *   const [a, b] = yield* gather(count(1), count(2));
 *   return a + b;
 * });
 * ```
 */
export function run<T>(main: Operation<T> | (() => Operation<T>), options: RunOptions = {}): Promise<T> {
  if (_peekRunningLoop() !== undefined) {
    throw new InvalidStateError(
      "run() was called inside a running coroutine's step: it starts a new event loop; run the operation with yield* instead",
    );
  }
  const loop = new EventLoop({
    ...(options.selector === undefined ? {} : { selector: options.selector }),
    debug: options.debug ?? false,
    eagerTasks: options.eagerTasks ?? false,
    ...(options.exceptionHandler === undefined ? {} : { exceptionHandler: options.exceptionHandler }),
  });
  if (options.executor !== undefined) loop.setDefaultExecutor(options.executor);
  return runOn(loop, main);
}

async function runOn<T>(loop: EventLoop, main: Operation<T> | (() => Operation<T>)): Promise<T> {
  try {
    // A function is called inside the main task (at its first step), so it may use the
    // running loop; an Operation object does that without a generator frame around main.
    const op = typeof main === "function" ? callInside(main) : main;
    return await loop.runUntilComplete(op);
  } finally {
    try {
      await cancelRemainingTasks(loop);
      await shutdownDefaultExecutor(loop);
    } finally {
      loop.close();
    }
  }
}

function callInside<T>(main: () => Operation<T>): Operation<T> {
  return {
    [Symbol.iterator]() {
      const op = main();
      checkOperation("run()", op);
      return op[Symbol.iterator]();
    },
  };
}

/** Cancels and awaits pending tasks, round after round: cleanup may spawn more tasks. */
async function cancelRemainingTasks(loop: EventLoop): Promise<void> {
  for (let tasks = loop._pendingTasks(); tasks.size > 0; tasks = loop._pendingTasks()) {
    for (const task of tasks) task._cancelWithReason({ source: "shutdown" });
    await loop.runUntilComplete(awaitAll(tasks));
    for (const task of tasks) {
      if (task.cancelled()) continue;
      const error = task.exception();
      if (error !== undefined) {
        loop.callExceptionHandler({ message: `unhandled exception in ${task._describe()} during run() shutdown`, exception: error, task });
      }
    }
  }
}

function* awaitAll(tasks: Iterable<Task<unknown>>): Generator<Instruction, void, unknown> {
  for (const task of tasks) {
    if (task.done()) continue;
    try {
      yield task._awaitWithoutCancelling();
    } catch {
      // The outcome is examined by the caller, once every task is done.
    }
  }
}

async function shutdownDefaultExecutor(loop: EventLoop): Promise<void> {
  const executor = loop.getDefaultExecutor();
  if (executor === undefined) return;
  loop._clearDefaultExecutor(); // shut down here, with waiting; close() need not do it again
  await loop.runUntilComplete(
    (function* () {
      yield* executor.shutdown({ wait: true });
    })(),
  );
  await cancelRemainingTasks(loop); // tasks the shutdown may have started
}
