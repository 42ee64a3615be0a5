/**
 * `InlineExecutor`: jobs run on the loop's own thread.
 *
 * @module
 */

import { BrokenExecutorError } from "../lib/core/errors.js";
import type { Future } from "../lib/core/future.js";
import type { EventLoop } from "../lib/core/event-loop.js";
import { _peekRunningLoop, getRunningLoop } from "../lib/core/running.js";
import type { Executor, ShutdownOptions, SubmitOptions, WorkRef } from "./executor.js";
import { _JobContextImpl, _JobRunner } from "./job-runner.js";
import { _checkWorkRef } from "./pool-options.js";

let nextJobId = 1;

/**
 * Runs each job on the loop's thread, through the same module loading and `currentSignal()` as
 * the pools, one callback after `submit()`. A synchronous work function blocks the loop while
 * it runs: this executor is for tests (no threads, deterministic order) and for teaching what
 * an executor does, not for offloading.
 *
 * **Cancellation:** a job cancelled before its callback runs never runs; a running (async) job
 * sees its AbortSignal aborted. `{ cancel: "terminate" }` acts as `"signal"`: there is no
 * worker to kill.
 *
 * @example
 * ```ts
 * await run(function* () {
 *   const digest = yield* runInExecutor(new InlineExecutor(), work.task("hash"), data);
 * });
 * ```
 */
export class InlineExecutor implements Executor {
  readonly #runner = new _JobRunner();
  /** Every job not yet finished: its context once it runs, undefined while it waits for its callback. */
  readonly #pending = new Map<Future<unknown>, _JobContextImpl | undefined>();
  readonly #idle: Future<void>[] = [];
  #shutdown = false;
  #lastLoop: EventLoop | undefined;

  /**
   * Runs `fn(...args)` on the loop's thread soon; returns its Future at once.
   *
   * **Cancellation:** as for the class: before it starts it never runs; once started, its
   * AbortSignal is aborted.
   *
   * @throws `BrokenExecutorError` after `shutdown()`; `TypeError` for a bad reference or arguments.
   * @example
   * ```ts
   * const sum = yield* new InlineExecutor().submit(work.task("sum"), [1, 2]);
   * ```
   */
  submit<A extends readonly unknown[], R>(fn: WorkRef<A, R>, args: A, _options?: SubmitOptions): Future<R> {
    _checkWorkRef("InlineExecutor.submit()", fn);
    const given: unknown = args; // a JavaScript caller can pass anything
    if (!Array.isArray(given)) throw new TypeError("InlineExecutor.submit() needs the arguments as an array");
    if (this.#shutdown) throw new BrokenExecutorError("InlineExecutor.submit() was called after shutdown(): create a new InlineExecutor");
    const loop = getRunningLoop();
    this.#lastLoop = loop;
    const future = loop.createFuture<R>() as Future<unknown>;
    const ref = { moduleUrl: fn.moduleUrl, exportName: fn.exportName };
    this.#pending.set(future, undefined);
    loop.callSoon(() => {
      if (future.done()) return; // cancelled (or failed by a shutdown) before it started
      const context = new _JobContextImpl(nextJobId++, ref);
      this.#pending.set(future, context);
      this.#runner.run(context, ref, args).then(
        (value) => {
          if (!future.done()) future.setResult(value);
          this.#finished(future);
        },
        (error: unknown) => {
          if (!future.done()) future.setException(error);
          this.#finished(future);
        },
      );
    });
    future.addDoneCallback(() => {
      const controller = this.#pending.get(future);
      if (controller === undefined)
        this.#finished(future); // it never started, and never will
      else if (future.cancelled()) controller.abort();
    });
    return future as Future<R>;
  }

  /**
   * Stops accepting jobs. With `wait` (the default) the Future is done once every job submitted
   * has ended (those not yet started run first, unless `cancelFutures` cancels them); without
   * it, running jobs are told to stop (their AbortSignal) and every unfinished job fails with
   * `BrokenExecutorError`.
   *
   * **Cancellation:** cancelling the returned Future stops only the waiting.
   *
   * @example
   * ```ts
   * yield* inline.shutdown();
   * ```
   */
  shutdown(options?: ShutdownOptions): Future<void> {
    this.#shutdown = true;
    // A loop's close() shuts its default executor down while the loop is not running.
    const done = (_peekRunningLoop() ?? this.#lastLoop ?? getRunningLoop()).createFuture<void>();
    for (const [future, controller] of [...this.#pending]) {
      if (controller === undefined && options?.cancelFutures === true) future.cancel("InlineExecutor was shut down with cancelFutures");
      else if (options?.wait === false) {
        controller?.abort();
        if (!future.done())
          future.setException(new BrokenExecutorError("InlineExecutor was shut down without waiting while a job was unfinished"));
      }
    }
    if (this.#pending.size === 0) done.setResult(undefined);
    else this.#idle.push(done);
    return done;
  }

  #finished(future: Future<unknown>): void {
    if (!this.#pending.delete(future) || this.#pending.size > 0) return;
    for (const waiter of this.#idle.splice(0)) if (!waiter.done()) waiter.setResult(undefined);
  }
}
