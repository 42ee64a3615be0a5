/**
 * `yieldio`: generator coroutines on an event loop with structured, level-triggered
 * cancellation. Start with {@link run}.
 *
 * @module
 */

export type { Operation, Coroutine } from "./core/operation.js";
export { isOperation } from "./core/operation.js";
export type { Instruction, Wait } from "./core/instruction.js";
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
} from "./core/instruction.js";
export { Waiter } from "./core/waiter.js";
export {
  CancelledError,
  TimeoutError,
  InvalidStateError,
  BrokenExecutorError,
  WorkerExitedError,
  BrokenResourceError,
} from "./core/errors.js";
export type { CancelReason } from "./core/cancel-reason.js";
export { formatCancelReason } from "./core/cancel-reason.js";
export { Future } from "./core/future.js";
export type { DoneCallback } from "./core/future.js";
export { Task } from "./core/task.js";
export type { TaskOptions } from "./core/task.js";
export { Handle, TimerHandle } from "./core/handle.js";
export { EventLoop, BUDGET_MS } from "./core/event-loop.js";
export type { EventLoopOptions, ExceptionContext, ExceptionHandler } from "./core/event-loop.js";
export type { Instrument, InstrumentHook } from "./core/instrument.js";
export { INSTRUMENT_HOOKS } from "./core/instrument.js";
export { getRunningLoop, currentTask, allTasks } from "./core/running.js";
export { waitAllTasksBlocked } from "./core/wait-all-tasks-blocked.js";
export { ContextVar, ContextToken, LookupError } from "./core/context-var.js";
export { createTask } from "./core/create-task.js";
export { sleep, yieldNow } from "./time/sleep.js";
export { CancelScope } from "./core/cancel-scope.js";
export type { CancelScopeOptions } from "./core/cancel-scope.js";
export { shield } from "./time/shield.js";
export { timeout, timeoutAt, moveOnAfter, moveOnAt, Timeout } from "./time/timeout.js";
export type { TimeoutBody } from "./time/timeout.js";
export { waitFor } from "./time/wait-for.js";
export { retry } from "./time/retry.js";
export type { Backoff, RetryOptions } from "./time/retry.js";
export { run } from "./core/run.js";
export type { RunOptions } from "./core/run.js";
export { main } from "./core/main.js";
export { runInExecutor, toThread } from "./core/run-in-executor.js";
export { fromPromise } from "./interop/from-promise.js";
export { fromAbortable } from "./interop/from-abortable.js";
export { useAbortSignal } from "./interop/use-abort-signal.js";
export { once } from "./interop/once.js";
export type { EventEmitterLike, EventTargetLike } from "./interop/once.js";
export { fromAsyncIterable } from "./interop/from-async-iterable.js";
export { action } from "./interop/action.js";
export type { ActionExecutor } from "./interop/action.js";
export type { OperationIterator } from "./interop/from-async-iterable.js";
export type { AbortSignalLike, HostAbortSignal } from "./core/abort-signal-like.js";
export { StreamReader } from "./streams/stream-reader.js";
export type { ReadTransport, StreamReaderOptions } from "./streams/stream-reader.js";
export { IncompleteReadError, LimitOverrunError } from "./streams/stream-errors.js";
export { StreamWriter } from "./streams/stream-writer.js";
export { openConnection, openUnixConnection, openStreams } from "./streams/open-connection.js";
export type { OpenConnectionOptions, OpenStreamsOptions, StreamPair } from "./streams/open-connection.js";
export { Server, startServer, startUnixServer } from "./streams/server.js";
export type { ConnectionHandler, StartServerOptions } from "./streams/server.js";
export { SocketTransport } from "./streams/socket-transport.js";
export type { SocketTransportOptions, TransportSocket } from "./streams/socket-transport.js";
export { RawSocketTransport } from "./streams/raw-socket-transport.js";
export type { RawSocket, RawSocketTransportOptions } from "./streams/raw-socket-transport.js";
export type { Protocol, Transport } from "./streams/transport.js";
export type { SocketAddress, TlsConnectOptions, TlsCredential, TlsServerOptions } from "./streams/socket-types.js";
export { createSubprocessExec, Process } from "./streams/subprocess.js";
export type { FileUrl, StdioOption, SubprocessOptions } from "./streams/subprocess.js";

// Structured concurrency (gather, gatherSettled, race, wait, asCompleted, taskGroup):
export { gather } from "./structured/gather.js";
export type { GatherResults, OperationResult } from "./structured/gather.js";
export { gatherSettled } from "./structured/gather-settled.js";
export type { Fulfilled, Rejected, SettledResult, SettledResults } from "./structured/gather-settled.js";
export { race } from "./structured/race.js";
export { wait } from "./structured/wait.js";
export type { ReturnWhen, WaitOptions, WaitResult } from "./structured/wait.js";
export { asCompleted } from "./structured/as-completed.js";
export type { AsCompletedOptions } from "./structured/as-completed.js";
export { taskGroup, TaskGroup } from "./structured/task-group.js";
export type { TaskStatus } from "./structured/task-group.js";
export { resource } from "./structured/resource.js";
export type { Provide } from "./structured/resource.js";
export { ensure } from "./structured/ensure.js";
export { ExceptionGroup } from "./structured/exception-group.js";

// Diagnostics (traces, the HTML timeline):
export { TraceRecorder } from "./diagnostics/trace-recorder.js";
export type { TraceEvent, TraceFile, TraceOtherData, TraceRecorderOptions } from "./diagnostics/trace-recorder.js";
export { renderTimelineHtml } from "./diagnostics/timeline-html.js";
export { captureCallGraph, formatCallGraph, printCallGraph } from "./diagnostics/call-graph.js";
export type { CallGraph } from "./diagnostics/call-graph.js";
export type { TimelineOptions } from "./diagnostics/timeline-html.js";

// Synchronisation primitives and queues:
export { Lock } from "./sync/lock.js";
export { Event } from "./sync/event.js";
export { Condition } from "./sync/condition.js";
export { Semaphore, BoundedSemaphore } from "./sync/semaphore.js";
export { CapacityLimiter, WouldBlock } from "./sync/capacity-limiter.js";
export { openChannel, SendChannel, ReceiveChannel, EndOfChannel, ClosedResourceError } from "./sync/channel.js";
export type { ChannelStatistics } from "./sync/channel.js";
export type { CapacityLimiterStatistics } from "./sync/capacity-limiter.js";
export { Barrier } from "./sync/barrier.js";
export { BrokenBarrierError } from "./sync/broken-barrier-error.js";
export { Queue } from "./sync/queue.js";
export type { QueueOptions } from "./sync/queue.js";
export { LifoQueue } from "./sync/lifo-queue.js";
export { PriorityQueue } from "./sync/priority-queue.js";
export type { PriorityQueueOptions } from "./sync/priority-queue.js";
export { QueueEmpty, QueueFull, QueueShutDown } from "./sync/queue-errors.js";
