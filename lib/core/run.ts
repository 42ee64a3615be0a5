/**
 * `run`: the entry point of a program, asyncio's `asyncio.run` with its shutdown sequence.
 *
 * @module
 */

import type { Executor } from "../../executors/executor.js";
import type { Selector } from "../../selectors/selector.js";
import { InvalidStateError } from "./errors.js";
import { EventLoop } from "./event-loop.js";
import type { Instrument } from "./instrument.js";
import type { ExceptionHandler } from "./event-loop.js";
import type { Instruction } from "./instruction.js";
import type { Operation } from "./operation.js";
import { checkOperation } from "./operation.js";
import { RUN_OPTIONS, checkOptions } from "./check-options.js";
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
  /** How the loop waits and tells time; default `DefaultSelector` (`NativeSelector` on Linux, else `NodeSelector`; `VirtualSelector` in tests). */
  readonly selector?: Selector;
  /** The loop's default executor; `run()` shuts it down at the end. */
  readonly executor?: Executor;
  /** Debug mode (see `EventLoopOptions.debug`); default: on when `YIELDIO_DEBUG` is set (not to `0`). */
  readonly debug?: boolean;
  /** Start tasks eagerly, up to their first suspension. */
  readonly eagerTasks?: boolean;
  /** Receives errors with no caller (see `EventLoop.setExceptionHandler`); default: log to stderr. */
  readonly exceptionHandler?: ExceptionHandler;
  /** Instruments to install on the loop (see {@link Instrument}): hooks for traces and profiles. */
  readonly instruments?: readonly Instrument[];
  /** The name of the main task (in traces, call graphs and reports); default `Task-N`. */
  readonly name?: string;
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
 * @param options - see {@link RunOptions}; an unknown option or one of the wrong kind rejects
 *   with a TypeError naming it, before any loop is made.
 * @throws {@link InvalidStateError} (synchronously) when called inside a running coroutine's step.
 * @returns a Promise of `main`'s result; it rejects with `main`'s error, or with a TypeError if
 *   `main` returns a Promise or another thenable (the loop has stopped by the time it could
 *   settle: wait for it inside with `yield* fromPromise(p)`). If the shutdown fails after
 *   `main` failed, `main`'s error wins and the other goes to the exception handler. When every
 *   task waits and nothing left in the process can wake them (a deadlock), it rejects with an
 *   {@link InvalidStateError} listing what each task waits on.
 * @example
 * ```ts
 * const total = await run(function* () {
 *   const [a, b] = yield* gather(count(1), count(2));
 *   return a + b;
 * });
 * ```
 */
export function run<T>(main: Operation<T> | (() => Operation<T>), options?: RunOptions): Promise<T> {
  if (_peekRunningLoop() !== undefined) {
    throw new InvalidStateError(
      "run() was called inside a running coroutine's step: it starts a new event loop; run the operation with yield* instead",
    );
  }
  let loop: EventLoop;
  try {
    checkOptions("run()", "second", options, RUN_OPTIONS);
    if (typeof main !== "function") checkOperation("run()", main);
    const { selector, debug, eagerTasks = false, exceptionHandler, instruments } = options ?? {};
    // Making the default selector can fail too (YIELDIO_SELECTOR names one that cannot be had).
    loop = new EventLoop({
      ...(selector === undefined ? {} : { selector }),
      ...(debug === undefined ? {} : { debug }), // else YIELDIO_DEBUG decides
      eagerTasks,
      ...(exceptionHandler === undefined ? {} : { exceptionHandler }),
      ...(instruments === undefined ? {} : { instruments }),
    });
  } catch (error) {
    return Promise.reject(error); // as every other failure of run(): the Promise rejects
  }
  const executor = options?.executor;
  if (executor !== undefined) loop.setDefaultExecutor(executor);
  return runOn(loop, main, options?.name);
}

/**
 * Runs `main`, then the shutdown sequence, whatever happened. Rule: the first error wins. If
 * `main` failed, a failure of the shutdown (a task's cleanup, the executor, the selector's
 * close) goes to the exception handler and `main`'s error is what the caller sees; if `main`
 * succeeded, the shutdown's failure is.
 */
async function runOn<T>(loop: EventLoop, main: Operation<T> | (() => Operation<T>), name: string | undefined): Promise<T> {
  let outcome: Outcome<T>;
  try {
    // A function is called inside the main task (at its first step), so it may use the
    // running loop; an Operation object does that without a generator frame around main.
    const op = typeof main === "function" ? callInside(main) : main;
    outcome = { ok: true, value: await loop._runUntilComplete(op, "run()'s main operation", name) };
  } catch (error) {
    outcome = { ok: false, error };
  }
  outcome = await shutDown(loop, outcome, async () => {
    await cancelRemainingTasks(loop);
    await shutdownDefaultExecutor(loop);
  });
  outcome = await shutDown(loop, outcome, () => loop.close());
  if (!outcome.ok) throw outcome.error;
  return outcome.value;
}

/** How `main` (and the shutdown after it) ended so far. */
type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

/** Runs one step of the shutdown; its failure becomes the outcome, or is reported if there was one already. */
async function shutDown<T>(loop: EventLoop, outcome: Outcome<T>, step: () => unknown): Promise<Outcome<T>> {
  try {
    await step();
    return outcome;
  } catch (error) {
    if (outcome.ok) return { ok: false, error };
    loop.callExceptionHandler({ message: "run() failed to shut down after its main operation failed", exception: error });
    return outcome;
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
    for (const task of tasks) {
      // Debug mode names what was left running: usually a task someone forgot to wait for.
      if (loop.debug)
        loop.callExceptionHandler({
          message: `${task._describeWithSite()} was still pending when run()'s main operation ended (waiting on ${task.waitingOn}): it is cancelled`,
          task,
        });
      task._cancelWithReason({ source: "shutdown" });
    }
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
