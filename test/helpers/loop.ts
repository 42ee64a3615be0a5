/**
 * Test helpers: run an operation on virtual time, record what the loop reports, and check that
 * the test ends with nothing left pending (tasks, live timers, ready callbacks, registrations).
 */
import type { ExecutionContext } from "ava";
import { EventLoop, getRunningLoop, run } from "../../lib/index.js";
import type { ExceptionContext, Operation, RunOptions } from "../../lib/index.js";
import { VirtualSelector } from "../../selectors/index.js";
import type { Selector } from "../../selectors/index.js";

/** What a loop still holds; all zeros for a clean loop. */
export function leftovers(loop: EventLoop, exceptTasks = 0): Record<string, number> {
  return {
    tasks: loop._pendingTaskCount() - exceptTasks,
    timers: loop._liveTimerCount(),
    ready: loop._liveReadyCount(),
    registrations: loop.selector.getMap().size,
  };
}

export const CLEAN = { tasks: 0, timers: 0, ready: 0, registrations: 0 };

export interface VirtualRun<T> {
  /** The main operation's result. */
  readonly result: T;
  /** What the exception handler received. */
  readonly reports: ExceptionContext[];
  /** The loop time when main returned. */
  readonly endTime: number;
}

/**
 * Runs `main` with `run()` on a new VirtualSelector, asserting that when `main` returns
 * nothing else is pending, and that nothing was reported unless `allowReports` is set.
 * A failure of `main` rejects, as with `run()`.
 */
export async function runVirtual<T>(
  t: ExecutionContext,
  main: () => Operation<T>,
  options: Omit<RunOptions, "selector" | "exceptionHandler"> & { allowReports?: boolean } = {},
): Promise<VirtualRun<T>> {
  const reports: ExceptionContext[] = [];
  const selector = new VirtualSelector();
  let endTime = Number.NaN;
  const { allowReports = false, ...runOptions } = options;
  const result = await run(
    function* () {
      const loop = getRunningLoop();
      const value = yield* main();
      endTime = loop.time();
      t.deepEqual(leftovers(loop, 1), CLEAN, "the test left something pending");
      return value;
    },
    { ...runOptions, selector, exceptionHandler: (context) => reports.push(context) },
  );
  if (!allowReports)
    t.deepEqual(
      reports.map((r) => r.message),
      [],
      "unexpected reports to the exception handler",
    );
  return { result, reports, endTime };
}

/**
 * Runs `main` with `run()` on real time (the default NodeSelector, or `options.selector`), for
 * tests of real sockets and processes, asserting as {@link runVirtual} does that nothing is left pending.
 */
export async function runReal<T>(
  t: ExecutionContext,
  main: () => Operation<T>,
  options: { allowReports?: boolean; selector?: Selector } = {},
): Promise<Omit<VirtualRun<T>, "endTime">> {
  const reports: ExceptionContext[] = [];
  const result = await run(
    function* () {
      const loop = getRunningLoop();
      const value = yield* main();
      t.deepEqual(leftovers(loop, 1), CLEAN, "the test left something pending");
      return value;
    },
    { exceptionHandler: (context) => reports.push(context), ...(options.selector === undefined ? {} : { selector: options.selector }) },
  );
  if (options.allowReports !== true) {
    t.deepEqual(
      reports.map((r) => r.message),
      [],
      "unexpected reports to the exception handler",
    );
  }
  return { result, reports };
}

/** A new EventLoop on virtual time whose reports are collected. */
export function virtualLoop(): { loop: EventLoop; selector: VirtualSelector; reports: ExceptionContext[] } {
  const selector = new VirtualSelector();
  const reports: ExceptionContext[] = [];
  const loop = new EventLoop({ selector, exceptionHandler: (context) => reports.push(context) });
  return { loop, selector, reports };
}
