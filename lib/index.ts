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
export { gather } from "./gather.js";
export type { GatherResults, OperationResult } from "./gather.js";
export { gatherSettled } from "./gather-settled.js";
export type { Fulfilled, Rejected, SettledResult, SettledResults } from "./gather-settled.js";
export { race } from "./race.js";
export { wait } from "./wait.js";
export type { ReturnWhen, WaitOptions, WaitResult } from "./wait.js";
export { asCompleted } from "./as-completed.js";
export type { AsCompletedOptions } from "./as-completed.js";
export { taskGroup, TaskGroup } from "./task-group.js";
export { ExceptionGroup } from "./exception-group.js";

// Synchronisation primitives and queues:
export { Lock } from "./lock.js";
export { Event } from "./event.js";
export { Condition } from "./condition.js";
export { Semaphore, BoundedSemaphore } from "./semaphore.js";
export { Barrier } from "./barrier.js";
export { BrokenBarrierError } from "./broken-barrier-error.js";
export { Queue } from "./queue.js";
export type { QueueOptions } from "./queue.js";
export { LifoQueue } from "./lifo-queue.js";
export { PriorityQueue } from "./priority-queue.js";
export type { PriorityQueueOptions } from "./priority-queue.js";
export { QueueEmpty, QueueFull, QueueShutDown } from "./queue-errors.js";
