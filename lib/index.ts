/**
 * `yieldio`: generator coroutines on an event loop with structured, level-triggered
 * cancellation. Start with {@link run}.
 *
 * @module
 */

export type { Operation, Coroutine } from "./operation.js";
export { isOperation } from "./operation.js";
export type { Instruction, Wait } from "./instruction.js";
export {
  YieldNowInstruction,
  SleepInstruction,
  AwaitInstruction,
  SuspendInstruction,
  CurrentTaskInstruction,
  YIELD_NOW,
  CURRENT_TASK,
  suspend,
  getCurrentTask,
} from "./instruction.js";
export { Waiter } from "./waiter.js";
export { CancelledError, TimeoutError, InvalidStateError } from "./errors.js";
export type { CancelReason } from "./cancel-reason.js";
export { formatCancelReason } from "./cancel-reason.js";
export { Future } from "./future.js";
export type { DoneCallback } from "./future.js";
export { Task } from "./task.js";
export type { TaskOptions } from "./task.js";
export { Handle, TimerHandle } from "./handle.js";
export { EventLoop, BUDGET_MS } from "./event-loop.js";
export type { EventLoopOptions, ExceptionContext, ExceptionHandler } from "./event-loop.js";
export { getRunningLoop, currentTask, allTasks } from "./running.js";
export { createTask } from "./create-task.js";
export { sleep, yieldNow } from "./sleep.js";
export { CancelScope } from "./cancel-scope.js";
export type { CancelScopeOptions } from "./cancel-scope.js";
export { shield } from "./shield.js";
export { timeout, timeoutAt, moveOnAfter, moveOnAt, Timeout } from "./timeout.js";
export type { TimeoutBody } from "./timeout.js";
export { waitFor } from "./wait-for.js";
export { run } from "./run.js";
export type { RunOptions } from "./run.js";
export { main } from "./main.js";
export { fromPromise } from "./from-promise.js";

// Structured concurrency (gather, gatherSettled, race, wait, asCompleted, taskGroup):

// Synchronisation primitives and queues:
