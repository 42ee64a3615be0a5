/**
 * Call graphs (asyncio 3.14's `capture_call_graph`): which task waits for which, through
 * `yield* task`, `gather`, `race`, `wait`, `asCompleted` and task groups, with each task's
 * active scopes (`shield()`, `timeout(100)`) and, in debug mode, its coroutine stack.
 *
 * @module
 */

import { _captureStack, _coroutineFrames } from "../core/debug-stacks.js";
import type { Future } from "../core/future.js";
import { currentTask } from "../core/running.js";
import { Task } from "../core/task.js";
import { describeReceived } from "../core/received.js";

/**
 * One task of a call graph, and the tasks that wait for it (asyncio's `FutureCallGraph`).
 *
 * @example
 * ```ts
 * const graph = captureCallGraph(worker);
 * console.log(graph?.awaitedBy.map((parent) => parent.task.name)); // ["main"]
 * ```
 */
export interface CallGraph {
  /** The task. */
  readonly task: Task<unknown>;
  /** What it waits on now (`sleep until 100`, `queue.get()`, `running`, `done`). */
  readonly waitingOn: string;
  /** Its active cancel scopes, innermost first: `shield()`, `timeout(100)`, `taskGroup()`. */
  readonly scopes: readonly string[];
  /**
   * Its coroutine's frames at its last suspension, innermost first (`fetchPage (app.ts:12:5)`);
   * empty outside debug mode, where no stack is kept.
   */
  readonly stack: readonly string[];
  /** The tasks that wait for this one: by `yield* task`, a combinator, or a task group it belongs to. */
  readonly awaitedBy: readonly CallGraph[];
}

/**
 * Captures the call graph of `task` (default: the current task): the task, what it waits on,
 * and, recursively, the tasks waiting for it, up to the ones nobody waits for (`run()`'s main
 * task, usually). A task waits for another when it is parked on `yield* other`, on a
 * combinator (`gather`, `race`, `wait`, `asCompleted`) that includes the other, or when the
 * other is a child of a task group it runs. Turn on debug mode to see coroutine stacks.
 *
 * @param task - the task to start from; default: the current task.
 * @returns the graph, or undefined when no task is given and none is running.
 * @throws TypeError if `task` is given and is not a Task.
 * @example
 * ```ts
 * function* worker(): Coroutine<void> {
 *   console.log(formatCallGraph(captureCallGraph()!)); // this task, and who waits for it
 *   yield* sleep(10);
 * }
 * ```
 */
export function captureCallGraph(task?: Task<unknown>): CallGraph | undefined {
  if (task !== undefined && !(task instanceof Task)) {
    throw new TypeError(`captureCallGraph() needs a Task (or nothing, for the current task): received ${describeReceived(task)}`);
  }
  const start = task ?? currentTask();
  if (start === undefined) return undefined;
  const waiters = waitersOf(start._loop._pendingTasks());
  return graphOf(start, waiters, new Set());
}

/** For every pending task, the pending tasks that wait for it. */
function waitersOf(tasks: ReadonlySet<Task<unknown>>): Map<Task<unknown>, Task<unknown>[]> {
  const waiters = new Map<Task<unknown>, Task<unknown>[]>();
  const add = (awaited: Future<unknown>, waiter: Task<unknown>): void => {
    if (!(awaited instanceof Task) || awaited === waiter) return;
    const list = waiters.get(awaited) ?? [];
    if (!list.includes(waiter)) list.push(waiter);
    waiters.set(awaited, list);
  };
  for (const waiter of tasks) {
    for (const awaited of waiter._awaiting()) add(awaited, waiter);
  }
  for (const child of tasks) {
    const parent = child._parentTask(); // the task running the task group the child belongs to
    if (parent !== undefined) add(child, parent);
  }
  return waiters;
}

function graphOf(task: Task<unknown>, waiters: Map<Task<unknown>, Task<unknown>[]>, path: Set<Task<unknown>>): CallGraph {
  path.add(task);
  // A task in `path` already is shown above: a graph is a tree, so a loop back is cut.
  const awaitedBy = (waiters.get(task) ?? []).filter((waiter) => !path.has(waiter)).map((waiter) => graphOf(waiter, waiters, path));
  path.delete(task);
  // The running task's stack is the live one; the others' were kept at their last suspension.
  const stack = task === currentTask() ? _coroutineFrames(_captureStack("captured here")) : task._coroutineStack();
  return { task, waitingOn: task.waitingOn, scopes: task._scopeLabels(), stack, awaitedBy };
}

/**
 * Renders a call graph as text, in the layout of asyncio's `format_call_graph`:
 *
 * ```text
 * * Task worker (waiting on sleep until 100)
 * | + scopes: timeout(500)
 * | + call stack:
 * | |   fetchPage (app.ts:12:5)
 * | + awaited by:
 *    * Task main (waiting on gather(): 2 children)
 * ```
 *
 * @param graph - from {@link captureCallGraph}.
 * @returns the text, one line per entry, without a final newline.
 * @throws TypeError if `graph` is not a call graph (`captureCallGraph()` gives undefined outside a task).
 * @example
 * ```ts
 * const graph = captureCallGraph(task);
 * if (graph !== undefined) console.log(formatCallGraph(graph));
 * ```
 */
export function formatCallGraph(graph: CallGraph): string {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- a JavaScript caller can pass anything (captureCallGraph's undefined, for one)
  if (typeof graph !== "object" || graph === null || !(graph.task instanceof Task)) {
    throw new TypeError(`formatCallGraph() needs a graph from captureCallGraph(): received ${describeReceived(graph)}`);
  }
  const lines: string[] = [];
  render(graph, "", lines);
  return lines.join("\n");
}

function render(graph: CallGraph, indent: string, lines: string[]): void {
  lines.push(
    `${indent}* ${graph.task._describe()} (${graph.waitingOn === "running" || graph.waitingOn === "done" ? graph.waitingOn : `waiting on ${graph.waitingOn}`})`,
  );
  if (graph.scopes.length > 0) lines.push(`${indent}| + scopes: ${graph.scopes.join(" < ")}`);
  if (graph.stack.length > 0) {
    lines.push(`${indent}| + call stack:`);
    for (const frame of graph.stack) lines.push(`${indent}| |   ${frame}`);
  }
  if (graph.awaitedBy.length > 0) {
    lines.push(`${indent}| + awaited by:`);
    for (const parent of graph.awaitedBy) render(parent, `${indent}   `, lines);
  }
}

/**
 * Prints the call graph of `task` (default: the current task) to standard output, as
 * {@link formatCallGraph} renders it (asyncio's `print_call_graph`).
 *
 * @param task - the task to start from; default: the current task.
 * @throws TypeError if `task` is given and is not a Task.
 * @example
 * ```ts
 * loop.callLater(5_000, () => printCallGraph(stuckTask)); // what is it waiting for?
 * ```
 */
export function printCallGraph(task?: Task<unknown>): void {
  const graph = captureCallGraph(task);
  process.stdout.write(graph === undefined ? "(no task is running)\n" : `${formatCallGraph(graph)}\n`);
}
