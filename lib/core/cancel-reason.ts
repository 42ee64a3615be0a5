/**
 * Cancellation reasons are data, not strings: the message of a {@link CancelledError} is
 * rendered from them, and tools (task dumps, traces) can read the fields.
 *
 * @module
 */

/**
 * Why a cancel scope or task was cancelled.
 *
 * - `explicit`: `task.cancel()` or `scope.cancel()` was called;
 * - `deadline`: the deadline of a `timeout`, `moveOnAfter` or `CancelScope` passed;
 * - `task-group`: a sibling failed or the group was cancelled;
 * - `shutdown`: `run()` cancels the tasks left over when its main operation ended;
 * - `signal`: SIGINT or SIGTERM reached `main()`;
 * - `abort`: work waited on with `fromAbortable()` was aborted by its own signal (an `AbortError`);
 * - `resource`: the task that created a `resource()` ended, so the resource is released; or a
 *   resource the task created failed.
 *
 * @example
 * ```ts
 * scope.cancel({ source: "explicit", message: "user pressed stop" });
 * ```
 */
export interface CancelReason {
  /** What caused the cancellation. */
  readonly source: "explicit" | "deadline" | "task-group" | "shutdown" | "signal" | "abort" | "resource";
  /** A free-form message, shown in the error message. */
  readonly message?: string;
  /** The name of the task whose scope was cancelled, when known. */
  readonly task?: string;
  /** What was cancelled, e.g. `timeout(100)`; shown in the error message. */
  readonly scope?: string;
}

/**
 * Renders a reason as a sentence: "cancelled by deadline of timeout(100) in task fetchAll: slow".
 *
 * @example
 * ```ts
 * formatCancelReason({ source: "explicit", task: "Task-3" }); // "cancelled explicitly in task Task-3"
 * ```
 */
export function formatCancelReason(reason: CancelReason): string {
  let text = reason.source === "explicit" ? "cancelled explicitly" : `cancelled by ${reason.source}`;
  if (reason.scope !== undefined) text += ` of ${reason.scope}`;
  if (reason.task !== undefined) text += ` in task ${reason.task}`;
  if (reason.message !== undefined && reason.message !== "") text += `: ${reason.message}`;
  return text;
}
