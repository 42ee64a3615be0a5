/**
 * EventLoop: the scheduler. It owns the ready queue and the timer heap; the selector owns
 * waiting and time; tasks are clients of both.
 *
 * One pass (asyncio's `_run_once`, libuv's `uv_run` iteration) is five named phases:
 *   1. drop cancelled timers at the heap's head        `#dropCancelledTimers`
 *   2. compute the poll timeout: 0 if anything is ready (or the loop is stopping), else until
 *      the earliest timer, else forever (`null`)        `#pollTimeout`
 *   3. poll: `selector.select(timeout)`; callbacks of ready file objects are appended to the
 *      ready queue                                       `#poll`, `#queueIoCallbacks`
 *   4. move due timers to the ready queue, in deadline order, equal deadlines in scheduling
 *      order                                             `#queueDueTimers`
 *   5. run a snapshot of the ready queue: what is scheduled while it runs waits for the next
 *      pass, after the next poll, so a task that keeps yielding cannot starve I/O or timers
 *                                                        `#runReadySnapshot`
 * Invariants: the ready queue holds each task at most once (see `task.ts`); the heap never
 * holds more cancelled timers than live ones (past a small size); `#waiting` is true exactly
 * while a Promise from `select` is outstanding, and then every new piece of work wakes it.
 *
 * Hosting on Node: passes run back to back, synchronously, while work is ready, in stretches
 * of about {@link BUDGET_MS} ms; then the loop hands control back to Node (`setImmediate`), so
 * sockets, timers and Promises outside the loop keep flowing, and resumes in a microtask right
 * after (`resumeBatch`). The budget is checked after entries of the ready queue, not only
 * between passes, so a stretch can end in the middle of a snapshot (a mid-snapshot hand-off):
 * the rest of the snapshot stays at the head of the ready queue and runs first when the loop
 * resumes, in order and without a poll; the pass ends there (a `stop()` requested during it
 * takes effect then), and whatever was scheduled meanwhile, by the snapshot's entries or by
 * Node during its turn, runs in the next pass, after its poll, as always. A hand-off delays a
 * pass; it never reorders one. Node gets its turn within the budget plus one step while the
 * steps keep a steady pace (`#budgetSpent` says how the clock is read, and what it misses).
 * When idle, the loop waits on the selector's Promise.
 *
 * "If you are adding a feature, don't add it to the kernel" (curio): combinators, primitives
 * and interop use Futures, tasks, cancel scopes and the trap protocol, never this file's state.
 *
 * @module
 */

import { performance } from "node:perf_hooks";
import { inspect } from "node:util";
import type { CloneableArgs, Executor, WorkRef } from "../../executors/executor.js";
import { _createDefaultExecutor } from "./default-executor.js";
import type { Selector, SelectResult } from "../../selectors/selector.js";
import { EVENT_READ, EVENT_WRITE } from "../../selectors/selector.js";
import { CancelledError, InvalidStateError } from "./errors.js";
import { Future } from "./future.js";
import { Handle, TimerHandle } from "./handle.js";
import type { Runnable } from "./handle.js";
import type { Operation } from "./operation.js";
import { checkOperation } from "./operation.js";
import { LOOP_OPTIONS, checkOptions } from "./check-options.js";
import { _peekRunningLoop, _swapRunningLoop } from "./running.js";
import { Task, _exemplarSleepTimer, _resumedTask } from "./task.js";
import { _InstrumentSet, _checkInstrument } from "./instrument.js";
import type { Instrument } from "./instrument.js";
import { CancelScope } from "./cancel-scope.js";
import { AwaitInstruction, SleepInstruction, SuspendInstruction, _trapStacks } from "./instruction.js";
import type { Wait } from "./instruction.js";
import { Waiter } from "./waiter.js";
import type { InternalTaskOptions, TaskOptions } from "./task.js";
import { _keepMaps } from "./exemplars.js";
import { ReadyQueue } from "./ready-queue.js";
import { UnretrievedFailures } from "./unretrieved-failures.js";
import { isThenable, thenableResultError } from "./thenable-result.js";
import { _unwatchLoop, _watchLoop } from "./deadlock-watch.js";
import { TimerHeap } from "./timer-heap.js";
import { DefaultSelectorFactory } from "./default-selector.js";
import { describeReceived } from "./received.js";

/**
 * How long (milliseconds) the loop runs passes back to back before handing control back to
 * Node, so that host timers, sockets and Promises outside the loop keep flowing. The loop can
 * stop in the middle of a pass (the rest of its snapshot runs first when it resumes). A single
 * callback or task step cannot be interrupted: one that runs long overruns the budget by its
 * own length, and Node gets its turn right after it. After a run of quick entries, a burst of
 * long ones may be noticed up to 16 entries late (the clock is not read after every entry).
 *
 * @example
 * ```ts
 * console.log(`the loop yields to Node about every ${BUDGET_MS} ms, or after a step that runs longer`);
 * ```
 */
export const BUDGET_MS = 5;
/**
 * The most units (entries run, passes ended) between two looks at the host clock for the
 * budget; 1 when the units are slow (see `#budgetSpent`).
 */
const CLOCK_CHECK_MAX = 16;
/** Units that take at least this long (ms) on average are followed by a look at the clock each. */
const CHEAP_UNIT_MS = 0.005;
/** Each stretch looks after each of its first units until this many were cheap (see `#budgetSpent`). */
const CAREFUL_LOOKS = 16;

/**
 * What the loop reports to its exception handler: a message and, where they apply, the
 * exception, the task, the future and the handle involved.
 *
 * @example
 * ```ts
 * loop.setExceptionHandler((context: ExceptionContext) => console.error(context.message, context.exception));
 * ```
 */
export interface ExceptionContext {
  /** What happened. */
  readonly message: string;
  /** The error, if there is one. */
  readonly exception?: unknown;
  /** The task involved. */
  readonly task?: Task<unknown>;
  /** The future involved. */
  readonly future?: Future<unknown>;
  /** The callback handle involved. */
  readonly handle?: Handle;
}

/**
 * Receives errors that have no caller: a callback that threw, an exception nobody retrieved,
 * a task still pending at close.
 *
 * @example
 * ```ts
 * const handler: ExceptionHandler = (context, loop) => console.error(loop.time(), context.message);
 * await run(main(), { exceptionHandler: handler });
 * ```
 */
export type ExceptionHandler = (context: ExceptionContext, loop: EventLoop) => void;

/**
 * Options of {@link EventLoop}.
 *
 * @example
 * ```ts
 * const loop = new EventLoop({ selector: new VirtualSelector(), debug: true });
 * ```
 */
export interface EventLoopOptions {
  /** How the loop waits and tells time; default `DefaultSelector` (`NativeSelector` on Linux, else `NodeSelector`). */
  readonly selector?: Selector;
  /**
   * Debug mode: slow steps and callbacks, never-retrieved errors and swallowed cancellations
   * are reported, with where each task was created. Default: on when the environment variable
   * `YIELDIO_DEBUG` is set to anything but `0` (asyncio's `PYTHONASYNCIODEBUG`).
   */
  readonly debug?: boolean;
  /** Start tasks eagerly (up to their first suspension) unless `createTask` says otherwise. */
  readonly eagerTasks?: boolean;
  /** The exception handler to start with (see {@link EventLoop.setExceptionHandler}). */
  readonly exceptionHandler?: ExceptionHandler;
  /** Instruments to install (see {@link Instrument} and {@link EventLoop.addInstrument}). */
  readonly instruments?: readonly Instrument[];
}

/** `YIELDIO_DEBUG` set, and not to `0` or the empty string. */
function debugFromEnvironment(): boolean {
  const value = process.env["YIELDIO_DEBUG"];
  return value !== undefined && value !== "" && value !== "0";
}

/** @internal The data the loop keeps in each selector key. */
interface IoHandlers {
  reader: Handle | undefined;
  writer: Handle | undefined;
}

function checkCallback(where: string, callback: unknown): void {
  if (typeof callback !== "function") {
    throw new TypeError(`${where} needs a function to call: received ${describeReceived(callback)}`);
  }
}

function checkTime(where: string, name: string, value: unknown): asserts value is number {
  if (typeof value !== "number") throw new TypeError(`${where} needs ${name} as a number of ms: received ${typeof value}`);
  if (Number.isNaN(value)) throw new RangeError(`${where} needs ${name} as a number of ms: received NaN`);
}

/**
 * The event loop: runs callbacks and tasks, waits through its selector, keeps timers.
 * Most programs never touch it directly: `run(main)` creates one, runs `main`, and closes it.
 *
 * @example
 * ```ts
 * const loop = new EventLoop({ selector: new VirtualSelector() });
 * loop.callLater(100, () => loop.stop());
 * await loop.runForever();
 * console.log(loop.time()); // 100
 * loop.close();
 * ```
 */
export class EventLoop {
  readonly #selector: Selector;
  readonly #ready = new ReadyQueue();
  // waitAllTasksBlocked(): its parked waiters by cushion, then arrival (undefined when none);
  // #idlePrimed: the poll in progress was shortened to the smallest cushion.
  #idleWaiters: Array<{ readonly cushionMs: number; readonly waiter: Waiter<void> }> | undefined;
  #idlePrimed = false;
  readonly #timers = new TimerHeap();
  #timerSeq = 0;
  #running = false;
  #stopping = false;
  #closed = false;
  #waiting = false; // a Promise from select() is outstanding
  #waitCount = 0; // numbers the waits, for the deadlock watch
  // Counts the runs (`runForever`, `runUntilComplete`): the answer of a poll made in an earlier
  // run is dropped (a deadlocked run stops with its poll outstanding; see `_deadlocked`).
  #runCount = 0;
  // The time budget of the current stretch (see `_runBatch`): when it ends, the last look at
  // the host clock, and the units (entries run, passes ended) between two looks.
  // Doubles from the start (NaN until a stretch begins): a field that starts as a small integer
  // and later holds a double changes the loop's hidden class, which the exemplar (see
  // exemplars.ts) would then no longer keep alive.
  #budgetEndMs = Number.NaN;
  #lastClockMs = Number.NaN;
  #clockInterval = 1; // units from the last look to the next
  #untilClockCheck = 1; // units left before the next look
  #looksBeforeGrowing = 0; // cheap looks still to make one unit apart, this stretch
  // Invariant: either 0, or the loop handed control back to Node in the middle of a pass, and
  // this many entries of that pass's snapshot wait at the head of the ready queue, in order.
  #snapshotLeft = 0;
  #onStop: ((error?: unknown) => void) | undefined;
  #exceptionHandler: ExceptionHandler | null = null;
  #debug: boolean;
  #eagerTasks: boolean;
  #defaultExecutor: Executor | undefined;
  // Pending tasks, as an intrusive doubly linked list (no allocation per task).
  #firstTask: Task<unknown> | undefined;
  #taskCount = 0;
  /** @internal Failed futures whose exception nobody retrieved yet; reported when collected or at close. */
  readonly _unretrievedFailures = new UnretrievedFailures(this);
  /**
   * @internal The installed instruments; undefined when none, so that each hook site costs one
   * check of this field (see instrument.ts).
   */
  _instruments: _InstrumentSet | undefined = undefined;
  // Phase 5 runs entry by entry, watched (timed, or with callback hooks): debug mode, or an
  // instrument with callback hooks. Recomputed when either changes.
  #watchEntries = false;
  // The timeout of the poll in progress, for afterIoWait (kept only while instruments are installed).
  #pollTimeoutMs: number | null = null;
  /** In debug mode, a callback or task step longer than this (in milliseconds) is reported. */
  slowCallbackDurationMs = 100;

  constructor(options: EventLoopOptions = {}) {
    checkOptions("new EventLoop()", "first", options, LOOP_OPTIONS);
    const instruments = options.instruments ?? [];
    instruments.forEach((instrument, index) => _checkInstrument(`new EventLoop() (options.instruments[${index}])`, instrument));
    this.#selector = options.selector ?? DefaultSelectorFactory.create();
    this.#debug = options.debug ?? debugFromEnvironment();
    this.#eagerTasks = options.eagerTasks ?? false;
    if (options.exceptionHandler !== undefined) this.setExceptionHandler(options.exceptionHandler);
    if (instruments.length > 0) this._instruments = new _InstrumentSet(this, [...new Set(instruments)]);
    this._instrumentsChanged();
  }

  /**
   * Installs an instrument: its hooks are called from the next event on. Adding one that is
   * installed already does nothing.
   *
   * @throws TypeError if `instrument` is not an object with at least one hook, or a hook is not a function.
   * @example
   * ```ts
   * loop.addInstrument({ beforeIoWait: (timeoutMs) => console.log("poll", timeoutMs) });
   * ```
   */
  addInstrument(instrument: Instrument): void {
    _checkInstrument("addInstrument()", instrument);
    if (this._instruments === undefined) this._instruments = new _InstrumentSet(this, [instrument]);
    else this._instruments.add(instrument);
    this._instrumentsChanged();
  }

  /**
   * Removes an instrument (safe from inside one of its own hooks).
   *
   * @returns false if it was not installed.
   * @example
   * ```ts
   * loop.removeInstrument(recorder);
   * ```
   */
  removeInstrument(instrument: Instrument): boolean {
    const removed = this._instruments?.remove(instrument) ?? false;
    this._instrumentsChanged();
    return removed;
  }

  /** @internal The set of instruments changed: drop an empty one, and choose phase 5's runner. */
  _instrumentsChanged(): void {
    if (this._instruments?.size === 0) this._instruments = undefined;
    this.#watchEntries = this.#debug || this._instruments?.watchesCallbacks === true;
  }

  /** The loop's clock, in milliseconds (the selector's). */
  time(): number {
    return this.#selector.time();
  }

  /** Debug mode: slow callbacks, creation stacks and swallowed cancellations are reported. */
  get debug(): boolean {
    return this.#debug;
  }

  /** Turns debug mode on or off. */
  set debug(on: boolean) {
    if (typeof on !== "boolean") throw new TypeError(`EventLoop.debug must be true or false: received ${typeof on}`);
    this.#debug = on;
    _trapStacks.capture = on && this.#running; // set for each stretch this loop runs (see _runBatch)
    this._instrumentsChanged();
  }

  /** The selector the loop waits with. */
  get selector(): Selector {
    return this.#selector;
  }

  // ---- scheduling callbacks ---------------------------------------------------------------

  /**
   * Schedules `callback(...args)` for the next pass. Callbacks run in the order scheduled.
   *
   * @example
   * ```ts
   * loop.callSoon((name) => console.log(`hello ${name}`), "world");
   * ```
   */
  callSoon<A extends unknown[]>(callback: (...args: A) => unknown, ...args: A): Handle {
    checkCallback("callSoon()", callback);
    this.#checkOpen("callSoon()");
    const handle = new Handle(callback, args, this);
    this._schedule(handle);
    return handle;
  }

  /**
   * Schedules `callback(...args)` after `delayMs` ms of loop time. A negative delay is due at
   * once; callbacks due at the same time run in the order scheduled.
   *
   * @param delayMs - the delay in milliseconds of loop time; `<= 0`: due at once.
   * @param callback - the function to call.
   * @param args - its arguments.
   * @throws TypeError for a non-number delay, RangeError for NaN.
   * @example
   * ```ts
   * const timer = loop.callLater(100, () => console.log("100 ms later"));
   * ```
   */
  callLater<A extends unknown[]>(delayMs: number, callback: (...args: A) => unknown, ...args: A): TimerHandle {
    checkTime("callLater()", "delayMs", delayMs);
    checkCallback("callLater()", callback);
    return this.#callAt(this.time() + delayMs, callback, args);
  }

  /**
   * Schedules `callback(...args)` at loop time `whenMs`. A time in the past is due at once.
   *
   * @param whenMs - the absolute loop time, in milliseconds (as {@link EventLoop.time}).
   * @param callback - the function to call.
   * @param args - its arguments.
   * @throws TypeError for a non-number time, RangeError for NaN.
   * @example
   * ```ts
   * loop.callAt(loop.time() + 50, () => console.log("at +50 ms"));
   * ```
   */
  callAt<A extends unknown[]>(whenMs: number, callback: (...args: A) => unknown, ...args: A): TimerHandle {
    checkTime("callAt()", "whenMs", whenMs);
    checkCallback("callAt()", callback);
    return this.#callAt(whenMs, callback, args);
  }

  #callAt(whenMs: number, callback: (...args: never[]) => unknown, args: readonly unknown[]): TimerHandle {
    this.#checkOpen("callAt()");
    const timer = new TimerHandle(whenMs, this._nextTimerSeq(), callback, args, this);
    this._addTimer(timer);
    return timer;
  }

  // ---- futures and tasks -------------------------------------------------------------------

  /**
   * A new pending Future bound to this loop.
   *
   * @example
   * ```ts
   * const future = loop.createFuture<string>();
   * loop.callLater(10, () => future.setResult("ready"));
   * ```
   */
  createFuture<T>(): Future<T> {
    return new Future<T>(this);
  }

  /**
   * Wraps an Operation in a Task scheduled on this loop. Lazy by default (the body starts on
   * the next pass); with `eager: true` on a running loop, the body runs at once up to its
   * first suspension.
   *
   * **Cancellation:** the task is not owned by its creator: cancel it with `task.cancel()`.
   * `run()` cancels whatever is left when its main operation ends.
   *
   * @throws TypeError if `op` is not an Operation (with a hint for a Promise or a function).
   * @example
   * ```ts
   * const task = loop.createTask(worker(), { name: "worker" });
   * ```
   */
  createTask<T>(op: Operation<T>, options?: TaskOptions): Task<T> {
    return this._createTask(op, options);
  }

  /** @internal `createTask` with the kernel's options (a task group's scope). */
  _createTask<T>(op: Operation<T>, options?: InternalTaskOptions): Task<T> {
    checkOperation("createTask()", op);
    return this._spawn(op, options);
  }

  /** @internal `_createTask` for an Operation the caller built itself (no argument check). */
  _spawn<T>(op: Operation<T>, options?: InternalTaskOptions): Task<T> {
    this.#checkOpen("createTask()");
    const task = new Task<T>(op, this, options);
    this.#linkTask(task);
    const eager = options?.eager ?? this.#eagerTasks;
    const instruments = this._instruments;
    if (instruments !== undefined) {
      instruments.call("taskSpawned", task);
      instruments.call("taskScheduled", task);
    }
    if (eager && _peekRunningLoop() === this) task._run();
    else this._schedule(task);
    return task;
  }

  // ---- running -------------------------------------------------------------------------------

  /**
   * Runs the loop until `op` completes, and returns (a Promise of) its result. A bare
   * Operation is wrapped in a task; a Future or Task is waited on as it is.
   *
   * **Cancellation:** the loop stops when `op` is done; cancel it through its task.
   *
   * @throws {@link InvalidStateError} if the loop is closed or already running, or when called
   *   from inside a running loop's step.
   * @example
   * ```ts
   * const value = await loop.runUntilComplete(main());
   * ```
   */
  runUntilComplete<T>(op: Operation<T>): Promise<T> {
    return this._runUntilComplete(op, "the operation given to runUntilComplete()");
  }

  /**
   * @internal `runUntilComplete`, naming the operation in its errors (`what`). A result that is
   * a Promise (any thenable) is refused, not adopted: the loop has stopped when the returned
   * Promise settles, so a thenable that waits on the loop (`(async () => await task)()`) would
   * never settle, and Node would exit with nothing said (code 13).
   */
  _runUntilComplete<T>(op: Operation<T>, what: string, name?: string): Promise<T> {
    checkOperation("runUntilComplete()", op);
    this.#checkCanRun("runUntilComplete()");
    let future: Future<T>;
    if (op instanceof Future) future = op as Future<T>;
    else {
      const task = this.createTask(op, name === undefined ? undefined : { name });
      task._refuseThenableResult(what);
      future = task;
    }
    return new Promise<T>((resolve, reject) => {
      const stopWhenDone = (): void => this.stop();
      future.addDoneCallback(stopWhenDone);
      this.#start((error) => {
        future.removeDoneCallback(stopWhenDone);
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- forwards what stopped the loop, as it was thrown
        if (error !== undefined) reject(error);
        else if (!future.done()) reject(new InvalidStateError("the event loop stopped before the operation completed"));
        else {
          if (future._outcomeIsError()) reject(future._outcomeValue());
          else {
            const value = future._outcomeValue();
            if (isThenable(value)) reject(thenableResultError(this, what, value));
            else resolve(value as T);
          }
        }
      });
    });
  }

  /**
   * Runs the loop until {@link EventLoop.stop} is called.
   *
   * @throws {@link InvalidStateError} as for {@link EventLoop.runUntilComplete}.
   * @example
   * ```ts
   * loop.callLater(1000, () => loop.stop());
   * await loop.runForever();
   * ```
   */
  runForever(): Promise<void> {
    this.#checkCanRun("runForever()");
    return new Promise<void>((resolve, reject) => {
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- forwards what stopped the loop, as it was thrown
      this.#start((error) => (error === undefined ? resolve() : reject(error)));
    });
  }

  /**
   * Stops the loop after the current pass. Calling it when the loop is not running makes the
   * next run stop after one pass (as asyncio).
   *
   * @example
   * ```ts
   * loop.callLater(100, () => loop.stop());
   * ```
   */
  stop(): void {
    this.#stopping = true;
    this.#wakeSelector();
  }

  /** True while `runForever` or `runUntilComplete` is running. */
  isRunning(): boolean {
    return this.#running;
  }

  /** True once {@link EventLoop.close} was called. */
  isClosed(): boolean {
    return this.#closed;
  }

  /**
   * Closes the loop: reports tasks still pending and exceptions never retrieved to the
   * exception handler, drops every callback and timer, closes the selector and shuts the
   * default executor down without waiting. Closing twice is harmless.
   *
   * @throws {@link InvalidStateError} while the loop is running.
   * @example
   * ```ts
   * await loop.runUntilComplete(main());
   * loop.close();
   * ```
   */
  close(): void {
    if (this.#running) throw new InvalidStateError("close() was called on a running event loop: stop it first");
    if (this.#closed) return;
    this.#closed = true;
    for (const task of this._pendingTasks()) {
      this.callExceptionHandler({
        message: `${task._describe()} was still pending when the loop closed (waiting on ${task.waitingOn})${task._creationStack === undefined ? "" : `\n${task._creationStack}`}`,
        task,
      });
    }
    this._unretrievedFailures.reportAll();
    this.#ready.clear();
    this.#timers.clear();
    this.#selector.close();
    const executor = this.#defaultExecutor;
    this.#defaultExecutor = undefined;
    executor?.shutdown({ wait: false });
  }

  // ---- I/O -----------------------------------------------------------------------------------

  /**
   * Calls `callback(...args)` on every pass while `fileobj` is readable (level-triggered).
   * Replaces a previous reader of the same object.
   *
   * @example
   * ```ts
   * loop.addReader(file, () => console.log("readable"));
   * ```
   */
  addReader<A extends unknown[]>(fileobj: object, callback: (...args: A) => unknown, ...args: A): Handle {
    return this.#addIo("addReader()", fileobj, EVENT_READ, callback, args);
  }

  /** Stops watching `fileobj` for reading. @returns whether it was watched. */
  removeReader(fileobj: object): boolean {
    return this.#removeIo(fileobj, EVENT_READ);
  }

  /**
   * Calls `callback(...args)` on every pass while `fileobj` is writable (level-triggered).
   *
   * @example
   * ```ts
   * loop.addWriter(stream, () => flush());
   * ```
   */
  addWriter<A extends unknown[]>(fileobj: object, callback: (...args: A) => unknown, ...args: A): Handle {
    return this.#addIo("addWriter()", fileobj, EVENT_WRITE, callback, args);
  }

  /** Stops watching `fileobj` for writing. @returns whether it was watched. */
  removeWriter(fileobj: object): boolean {
    return this.#removeIo(fileobj, EVENT_WRITE);
  }

  #addIo(where: string, fileobj: object, event: number, callback: (...args: never[]) => unknown, args: readonly unknown[]): Handle {
    checkCallback(where, callback);
    this.#checkOpen(where);
    const handle = new Handle(callback, args, this);
    const key = this.#selector.getKey(fileobj);
    if (key === undefined) {
      const handlers: IoHandlers = event === EVENT_READ ? { reader: handle, writer: undefined } : { reader: undefined, writer: handle };
      this.#selector.register(fileobj, event, handlers);
    } else {
      const handlers = key.data as IoHandlers;
      const old = event === EVENT_READ ? handlers.reader : handlers.writer;
      old?.cancel();
      if (event === EVENT_READ) handlers.reader = handle;
      else handlers.writer = handle;
      this.#selector.modify(fileobj, key.events | event, handlers);
    }
    return handle;
  }

  #removeIo(fileobj: object, event: number): boolean {
    const key = this.#selector.getKey(fileobj);
    if (key === undefined || (key.events & event) === 0) return false;
    const handlers = key.data as IoHandlers;
    const handle = event === EVENT_READ ? handlers.reader : handlers.writer;
    handle?.cancel();
    if (event === EVENT_READ) handlers.reader = undefined;
    else handlers.writer = undefined;
    const remaining = key.events & ~event;
    if (remaining === 0) this.#selector.unregister(fileobj);
    else this.#selector.modify(fileobj, remaining, handlers);
    return true;
  }

  // ---- errors ---------------------------------------------------------------------------------

  /**
   * Sets the function that receives errors with no caller; `null` restores the default, which
   * logs to stderr.
   *
   * @example
   * ```ts
   * const reports: ExceptionContext[] = [];
   * loop.setExceptionHandler((context) => reports.push(context));
   * ```
   */
  setExceptionHandler(handler: ExceptionHandler | null): void {
    if (handler !== null) checkCallback("setExceptionHandler()", handler);
    this.#exceptionHandler = handler;
  }

  /** The current exception handler, or `null` for the default. */
  getExceptionHandler(): ExceptionHandler | null {
    return this.#exceptionHandler;
  }

  /**
   * Reports an error with no caller to the exception handler. If the handler itself throws,
   * both are logged by the default handler; the loop goes on either way.
   *
   * @example
   * ```ts
   * loop.callExceptionHandler({ message: "background job failed", exception: error });
   * ```
   */
  callExceptionHandler(context: ExceptionContext): void {
    const handler = this.#exceptionHandler;
    if (handler === null) return defaultExceptionHandler(context);
    try {
      handler(context, this);
    } catch (error) {
      defaultExceptionHandler({ message: "the exception handler threw", exception: error });
      defaultExceptionHandler(context);
    }
  }

  // ---- executors -----------------------------------------------------------------------------

  /**
   * Sets the executor used by `runInExecutor(null, ...)`; `close()` and `run()` shut it down.
   * Any object implementing `Executor` (from `yieldio/executors`) will do.
   *
   * @example
   * ```ts
   * const executor: Executor = myExecutor; // submit() and shutdown()
   * loop.setDefaultExecutor(executor);
   * ```
   */
  setDefaultExecutor(executor: Executor): void {
    checkExecutor("setDefaultExecutor()", executor);
    this.#defaultExecutor = executor;
  }

  /** @internal Forgets the default executor (after `run()` shut it down). */
  _clearDefaultExecutor(): void {
    this.#defaultExecutor = undefined;
  }

  /** The default executor, if one was set. */
  getDefaultExecutor(): Executor | undefined {
    return this.#defaultExecutor;
  }

  /**
   * Runs `fn(...args)` on `executor` and waits for its result. `null` means the loop's default
   * executor: the one set with {@link EventLoop.setDefaultExecutor} or `RunOptions.executor`,
   * else a `ThreadPoolExecutor` created on first use (and shut down by `run()` or `close()`).
   * An executor whose queue is full (`maxQueue`) is waited on until it has room.
   *
   * **Cancellation:** cancelling the waiting task cancels the job's Future: a queued job never
   * runs, a running one is told through its AbortSignal (or its worker is terminated), and the
   * task resumes at once, without waiting for the worker. Cancelled while waiting for room, the
   * job is never submitted.
   *
   * @throws `BrokenExecutorError` once the executor was shut down; `TypeError` for a bad reference.
   * @example
   * ```ts
   * const digest = yield* loop.runInExecutor(null, work.task("hash"), data);
   * ```
   */
  *runInExecutor<A extends readonly unknown[], R, Given extends A = A>(
    executor: Executor | null,
    fn: WorkRef<A, R>,
    ...args: Given & CloneableArgs<Given>
  ): Generator<import("./instruction.js").Instruction, R, unknown> {
    return yield* this._runInExecutor(executor, fn, args);
  }

  /**
   * @internal {@link EventLoop.runInExecutor} with its arguments as an array (their types are
   * the caller's): the job's Future itself when the executor has room (no generator), else an
   * operation that waits for room first.
   */
  _runInExecutor<A extends readonly unknown[], R>(executor: Executor | null, fn: WorkRef<A, R>, args: readonly unknown[]): Operation<R> {
    if (executor !== null) checkExecutor("runInExecutor()", executor);
    const chosen = executor ?? (this.#defaultExecutor ??= _createDefaultExecutor());
    if (chosen.room === undefined) return chosen.submit(fn, args as A);
    const room = chosen.room();
    return room.done() ? chosen.submit(fn, args as A) : submitWhenRoom(chosen, chosen.room.bind(chosen), room, fn, args as A);
  }

  // ---- kernel internals (used by Future, Task, TimerHandle) ------------------------------------

  /** @internal callSoon without the checks, for done callbacks: never throws. */
  _callSoonUnchecked<A extends unknown[]>(callback: (...args: A) => unknown, ...args: A): void {
    const handle = new Handle(callback, args, this);
    // A closed loop never runs again: its done callbacks (an `await future` among them) go
    // through the host's microtask queue instead of being lost. Still never synchronous.
    if (this.#closed) queueMicrotask(() => handle._run());
    else this._schedule(handle);
  }

  /** @internal Appends to the ready queue; wakes the selector if the loop is waiting. */
  _schedule(runnable: Runnable): void {
    this.#ready.push(runnable);
    if (this.#waiting) this.#wakeSelector();
  }

  /** @internal */
  _nextTimerSeq(): number {
    return this.#timerSeq++;
  }

  /** @internal */
  _addTimer(timer: TimerHandle): void {
    const earliest = this.#timers.peekWhen();
    this.#timers.push(timer);
    if (timer._when < earliest) this.#wakeSelector(); // the poll's deadline moved earlier
  }

  /** @internal A timer still in the heap was cancelled. */
  _timerCancelled(_timer: TimerHandle): void {
    this.#timers.noteCancelled();
  }

  /** @internal Number of live (not cancelled) timers. */
  _liveTimerCount(): number {
    return this.#timers.size - this.#timers.cancelledCount;
  }

  /** @internal Number of timers in the heap (live and cancelled), for tests of the heap bound. */
  _timerCount(): number {
    return this.#timers.size;
  }

  /** @internal Number of callbacks and tasks on the ready queue. */
  _readyCount(): number {
    return this.#ready.length;
  }

  /**
   * @internal Ready entries that will still do something: not the callbacks cancelled after
   * they were queued (an I/O callback queued in the pass that closed its socket).
   */
  _liveReadyCount(): number {
    return this.#ready.count((entry) => !(entry instanceof Handle && entry.cancelled()));
  }

  /** @internal The pending tasks. */
  _pendingTasks(): Set<Task<unknown>> {
    const tasks = new Set<Task<unknown>>();
    for (let task = this.#firstTask; task !== undefined; task = task._nextTask) tasks.add(task);
    return tasks;
  }

  /** @internal Number of pending tasks. */
  _pendingTaskCount(): number {
    return this.#taskCount;
  }

  /** @internal A task finished: unlink it from the pending list. */
  _taskDone(task: Task<unknown>): void {
    const prev = task._prevTask;
    const next = task._nextTask;
    if (prev === undefined) this.#firstTask = next;
    else prev._nextTask = next;
    if (next !== undefined) next._prevTask = prev;
    task._prevTask = task._nextTask = undefined;
    this.#taskCount--;
  }

  #linkTask(task: Task<unknown>): void {
    const first = this.#firstTask;
    task._nextTask = first;
    if (first !== undefined) first._prevTask = task;
    this.#firstTask = task;
    this.#taskCount++;
  }

  // ---- the driver ------------------------------------------------------------------------------

  #checkOpen(where: string): void {
    if (this.#closed) throw new InvalidStateError(`${where} was called on a closed event loop: create a new loop or use run()`);
  }

  #checkCanRun(where: string): void {
    this.#checkOpen(where);
    if (this.#running) throw new InvalidStateError(`${where} was called while the event loop is already running`);
    if (_peekRunningLoop() !== undefined) {
      throw new InvalidStateError(
        `${where} was called from inside a running event loop's step: a coroutine cannot start a nested loop; use yield* to run the operation`,
      );
    }
  }

  #start(onStop: (error?: unknown) => void): void {
    this.#running = true;
    this.#runCount++;
    this.#onStop = onStop;
    _watchLoop(this); // see deadlock-watch.ts
    this._instruments?.call("beforeRun", this);
    this._runBatch(undefined);
  }

  #halt(error?: unknown): void {
    _unwatchLoop(this);
    this.#running = false;
    this.#snapshotLeft = 0; // entries left (only after an error) run in the next run's first pass
    this.#stopping = false;
    this.#waiting = false;
    const onStop = this.#onStop;
    this.#onStop = undefined;
    this._instruments?.call("afterRun", this);
    onStop?.(error);
  }

  /**
   * @internal Runs passes back to back until the loop stops, must wait, or has used its time
   * budget, possibly in the middle of a pass (the rest of its snapshot then opens the next
   * stretch: see the module comment). `events` is the answer of an asynchronous poll that
   * ended the previous stretch; `afterHandOff` is true when the stretch was resumed from a
   * `setImmediate` callback (see `#handOff`).
   *
   * Discussion: this is a prototype method, entered from Node through module-level functions
   * that take the loop as an argument, never through a per-loop closure. V8 specialises the
   * optimised code of a closure on its context (this loop) and throws it away when that loop
   * is collected; after a few loops it stops optimising the hot path at all, and every later
   * `run()` in the process ran 3× slower.
   */
  _runBatch(events: SelectResult | undefined, afterHandOff = false): void {
    this.#waiting = false;
    if (!this.#running) return; // closed or failed while the poll was pending
    const previousLoop = _swapRunningLoop(this);
    // Instructions do not know their loop: while this one runs, they keep their stacks if it is in debug mode.
    const previousCapture = _trapStacks.capture;
    _trapStacks.capture = this.#debug;
    try {
      this.#startBudget();
      // Entries of the snapshot still to run: > 0 on entry when the previous stretch handed off
      // in the middle of a pass, which then ends before anything else (no poll in between).
      let snapshot = this.#snapshotLeft;
      for (;;) {
        if (snapshot === 0) {
          if (events === undefined) {
            const polled = this.#poll();
            if (!Array.isArray(polled)) {
              this.#waiting = true;
              this.#waitCount++; // see deadlock-watch.ts
              const run = this.#runCount;
              (polled as Promise<SelectResult>).then(
                (ready) => {
                  if (run === this.#runCount) this._runBatch(ready);
                },
                (error: unknown) => {
                  if (run === this.#runCount) this.#halt(error);
                },
              );
              return;
            }
            events = polled as SelectResult;
          }
          if (this._instruments !== undefined) this._instruments.call("afterIoWait", this.#pollTimeoutMs, events.length);
          this.#queueIoCallbacks(events);
          events = undefined;
          this.#queueDueTimers();
          if (this.#idlePrimed && this.#ready.length === 0) this.#wakeIdleWaiters();
          snapshot = this.#ready.length;
        }
        const left = this.#runReadySnapshot(snapshot);
        snapshot = 0;
        this.#snapshotLeft = left;
        if (left > 0) {
          // The budget ran out in the middle of the snapshot: Node's turn, then the rest.
          return this.#handOff(afterHandOff);
        }
        // As asyncio's run_forever: a stop requested before or during this pass ends the run
        // after it (so stop() before runForever() runs exactly one pass).
        if (this.#stopping) return this.#halt();
        if (--this.#untilClockCheck === 0 && this.#budgetSpent()) return this.#handOff(afterHandOff);
      }
    } catch (error) {
      this.#halt(error);
    } finally {
      _trapStacks.capture = previousCapture;
      _swapRunningLoop(previousLoop);
    }
  }

  /**
   * Gives Node its turn: the next stretch starts from a `setImmediate` callback, so Node first
   * runs its timers (the next iteration's first phase), polls its sockets, and runs the other
   * immediates.
   *
   * Discussion: that holds for a stretch that itself ran in Node's check phase (a resumed one):
   * its immediate waits for the next iteration. A stretch that began anywhere else (the first
   * one, inside `run()`; one woken by the selector from a host timer or an I/O callback) runs
   * earlier in Node's iteration, whose check phase comes before the next timers phase: with one
   * `setImmediate`, the next stretch would start before any host timer could fire, and a timer
   * waited two stretches (measured: 10–12 ms gaps at the start of every busy run). Such a
   * stretch hops twice: the first immediate only queues the second, in the next iteration.
   */
  #handOff(fromCheckPhase: boolean): void {
    setImmediate(fromCheckPhase ? resumeBatch : resumeBatchNextIteration, this);
  }

  /** Phases 1–3: drop cancelled timers, compute the timeout, ask the selector. */
  #poll(): SelectResult | Promise<SelectResult> {
    this.#dropCancelledTimers();
    const timeoutMs = this.#pollTimeout();
    const instruments = this._instruments;
    if (instruments !== undefined) {
      this.#pollTimeoutMs = timeoutMs;
      instruments.call("beforeIoWait", timeoutMs);
    }
    return this.#selector.select(timeoutMs);
  }

  /** Phase 1. */
  #dropCancelledTimers(): void {
    this.#timers.dropCancelledHead();
  }

  /** Phase 2: the poll-timeout rule, in one place. */
  #pollTimeout(): number | null {
    this.#idlePrimed = false;
    if (this.#ready.length > 0 || this.#stopping) return 0;
    const nextWhen = this.#timers.peekWhen();
    let timeoutMs: number | null = null;
    if (nextWhen !== Number.POSITIVE_INFINITY) {
      const untilTimer = nextWhen - this.time();
      if (untilTimer <= 0) return 0;
      timeoutMs = Number.isFinite(untilTimer) ? untilTimer : null;
    }
    // waitAllTasksBlocked(): nothing can run; if nothing happens for the smallest cushion
    // either (no I/O, no timer before it), its waiters are woken after this poll (Trio's rule).
    const cushion = this.#idleWaiters?.[0]?.cushionMs;
    if (cushion !== undefined && (timeoutMs === null || cushion < timeoutMs)) {
      this.#idlePrimed = true;
      return cushion;
    }
    return timeoutMs;
  }

  /** After a poll primed for idleness found nothing to run: wakes the waiters of the smallest cushion. */
  #wakeIdleWaiters(): void {
    this.#idlePrimed = false;
    const waiters = this.#idleWaiters;
    const first = waiters?.[0];
    if (waiters === undefined || first === undefined) return;
    let count = 0;
    while (count < waiters.length && waiters[count]?.cushionMs === first.cushionMs) count++;
    for (const idle of waiters.splice(0, count)) idle.waiter.wake(undefined);
    if (waiters.length === 0) this.#idleWaiters = undefined;
  }

  /**
   * @internal Parks `waiter` until every task is blocked for `cushionMs` (see
   * `waitAllTasksBlocked()`); waiters are kept by cushion, then arrival.
   */
  _addIdleWaiter(waiter: Waiter<void>, cushionMs: number): void {
    const waiters = (this.#idleWaiters ??= []);
    let at = waiters.length;
    while (at > 0 && (waiters[at - 1]?.cushionMs ?? 0) > cushionMs) at--;
    waiters.splice(at, 0, { cushionMs, waiter });
  }

  /** @internal Withdraws a waiter of `waitAllTasksBlocked()` (its task was cancelled). */
  _removeIdleWaiter(waiter: Waiter<void>): void {
    const waiters = this.#idleWaiters;
    if (waiters === undefined) return;
    const at = waiters.findIndex((idle) => idle.waiter === waiter);
    if (at >= 0) waiters.splice(at, 1);
    if (waiters.length === 0) this.#idleWaiters = undefined;
  }

  /** Phase 3 (second half): the callbacks of ready file objects join the ready queue. */
  #queueIoCallbacks(events: SelectResult): void {
    for (let index = 0; index < events.length; index++) {
      // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- index < events.length
      const [key, mask] = events[index]!;
      const handlers = key.data as IoHandlers;
      if ((mask & EVENT_READ) !== 0 && handlers.reader !== undefined) this.#queueIoHandle(key.fileobj, handlers.reader, EVENT_READ);
      if ((mask & EVENT_WRITE) !== 0 && handlers.writer !== undefined) this.#queueIoHandle(key.fileobj, handlers.writer, EVENT_WRITE);
    }
  }

  #queueIoHandle(fileobj: object, handle: Handle, event: number): void {
    // A cancelled reader or writer is unregistered here (as asyncio's _process_events): left
    // registered, a file that stays ready would be reported forever and time would never move.
    if (handle.cancelled()) this.#removeIo(fileobj, event);
    else this.#ready.push(handle);
  }

  /** Phase 4: due timers join the ready queue, earliest first, ties in scheduling order. */
  #queueDueTimers(): void {
    const timers = this.#timers;
    if (timers.size === 0) return;
    const now = this.time();
    while (timers.peekWhen() <= now) {
      // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- peekWhen() is finite only while the heap has a timer
      const timer = timers.pop()!;
      if (!timer.cancelled()) this.#ready.push(timer);
    }
  }

  /**
   * Phase 5: runs the snapshot, the first `count` entries of the ready queue (what is scheduled
   * meanwhile waits for the next pass); returns how many it left at the head of the queue
   * because the time budget ran out (0 when it ran them all).
   */
  #runReadySnapshot(count: number): number {
    if (count === 0) return 0;
    return this.#watchEntries ? this.#runWatched(count) : this.#ready.runFirst(count, this);
  }

  /** A stretch begins: the budget starts now, and the clock is looked at after the first unit. */
  #startBudget(): void {
    const now = performance.now();
    this.#budgetEndMs = now + BUDGET_MS;
    this.#lastClockMs = now;
    this.#clockInterval = this.#untilClockCheck = 1;
    this.#looksBeforeGrowing = CAREFUL_LOOKS;
  }

  /**
   * Looks at the host clock (a unit count came due): true if the budget is spent; otherwise
   * decides after how many units to look next.
   *
   * Discussion: a look at the clock (`performance.now()`) costs ~45 ns on Node 20, about as
   * much as a whole pass of `yieldNow()` (~60 ns), so the loop cannot look after every unit.
   * Measured on 1M yieldNow() (one entry per pass, four kernels in one process): a look after
   * every unit gave 7.4M passes/s (the target is 10M), at most every 4 units 13.6M, and this
   * design 16.5M, the same as the old fixed look every 16 units between passes (16.4M), which
   * could not stop inside a snapshot. So the interval adapts:
   * - units that took CHEAP_UNIT_MS or more on average since the last look (a look then costs
   *   under 1% of them) are looked at one by one: a long step is noticed right after it, and
   *   the loop hands off within the budget plus that step;
   * - cheaper units double the interval, up to CLOCK_CHECK_MAX (they overrun the budget by at
   *   most 16 × 5 µs);
   * - every stretch starts over at 1 and stays there for its first CAREFUL_LOOKS cheap units, so
   *   the long steps that follow a short one (a task that spawns workers) are looked at.
   * What it cannot see is a change of pace inside an interval: after a run of cheap units, up
   * to CLOCK_CHECK_MAX long ones may run before the next look (then it drops to 1).
   */
  #budgetSpent(): boolean {
    const now = performance.now();
    if (now >= this.#budgetEndMs) {
      this.#untilClockCheck = 1; // the end of the pass looks again, and hands off
      return true;
    }
    const interval = this.#clockInterval;
    let next = 1;
    if (now - this.#lastClockMs < interval * CHEAP_UNIT_MS && --this.#looksBeforeGrowing <= 0) {
      next = interval >= CLOCK_CHECK_MAX ? CLOCK_CHECK_MAX : interval * 2;
    }
    this.#lastClockMs = now;
    this.#clockInterval = this.#untilClockCheck = next;
    return false;
  }

  /** @internal An entry of the snapshot ran: true once the time budget is spent (see `_runBatch`). */
  _entryRan(): boolean {
    return --this.#untilClockCheck === 0 && this.#budgetSpent();
  }

  /** @internal The number of the outstanding wait on the selector, or -1 (see deadlock-watch.ts). */
  _currentWait(): number {
    return this.#waiting && this.#running ? this.#waitCount : -1;
  }

  /**
   * @internal Node's loop is empty while this loop waits on its selector: nothing can ever wake
   * it (see deadlock-watch.ts). The run stops with an error that says what every task waits on.
   */
  _deadlocked(): void {
    if (!this.#waiting || !this.#running) return;
    const tasks = [...this._pendingTasks()];
    const shown = tasks.slice(0, 10).map((task) => `${task._describe()} (waiting on ${task.waitingOn})`);
    if (tasks.length > 10) shown.push(`and ${tasks.length - 10} more`);
    const error = new InvalidStateError(
      `the event loop is deadlocked: it waits, and nothing left in the process can wake it (no timer, no I/O, no pending Promise); ${tasks.length === 0 ? "no task is pending" : `pending: ${shown.join(", ")}`}. Something must set the Future, release the lock or put the item these tasks wait for`,
    );
    this.#wakeSelector(); // settles the outstanding select(); its continuation sees the loop stopped
    this.#halt(error);
  }

  /** @internal An entry of the ready queue threw (a kernel bug: entries catch their own errors). */
  _readyEntryThrew(error: unknown): void {
    this.callExceptionHandler({ message: "an entry of the ready queue threw", exception: error });
  }

  /**
   * Phase 5, watched (debug mode, or instruments with callback hooks): as `ReadyQueue.runFirst`,
   * entry by entry. In debug mode every entry is timed, and then the budget is checked after
   * every entry too (the clock is read anyway). Callback hooks see callbacks, not the entries
   * that resume a task (its step hooks see those).
   */
  #runWatched(count: number): number {
    for (let index = 0; index < count; index++) {
      // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- the caller counted at most #ready.length entries
      const entry = this.#ready.shift()!;
      const instruments =
        this._instruments?.watchesCallbacks === true && entry instanceof Handle && _resumedTask(entry) === undefined
          ? this._instruments
          : undefined;
      instruments?.call("beforeCallback", entry);
      const started = this.#debug ? performance.now() : 0;
      try {
        entry._run();
      } catch (error) {
        this.callExceptionHandler({ message: "an entry of the ready queue threw", exception: error });
      }
      instruments?.call("afterCallback", entry);
      if (this.#debug) {
        const ended = performance.now();
        this.#reportIfSlow(entry, ended - started);
        if (ended >= this.#budgetEndMs) {
          this.#untilClockCheck = 1; // as #budgetSpent: the end of the pass looks again
          return count - index - 1;
        }
      } else if (this._entryRan()) {
        return count - index - 1;
      }
    }
    return 0;
  }

  /** Debug mode: a step or callback that held the loop too long, with its task and where that was created. */
  #reportIfSlow(entry: Runnable, tookMs: number): void {
    if (tookMs < this.slowCallbackDurationMs) return;
    const task = entry instanceof Task ? (entry as Task<unknown>) : _resumedTask(entry); // a sleep's timer steps its task
    const what =
      task !== undefined ? `step of ${task._describeWithSite()}` : entry instanceof Handle ? `callback ${entry.callbackName}` : "callback";
    this.callExceptionHandler({
      message: `slow ${what} took ${tookMs.toFixed(1)} ms`,
      ...(task !== undefined ? { task } : entry instanceof Handle ? { handle: entry } : {}),
    });
  }

  #wakeSelector(): void {
    if (!this.#waiting) return;
    this.#waiting = false;
    this.#selector.wake();
  }
}

/** Inert instances of the hot classes, so that their shapes outlive every real loop (see exemplars.ts). */
function keepExemplars(): void {
  // Not the default selector: importing yieldio must neither open an epoll descriptor nor fail
  // over YIELDIO_SELECTOR.
  const loop = new EventLoop({ selector: DefaultSelectorFactory.createIdle() });
  const future = loop.createFuture<unknown>();
  const task = loop.createTask(future, { name: "exemplar" });
  task._cancelWithReason({ source: "shutdown" }); // gives it a root scope and its extras
  const wait: Wait<unknown> = { description: "exemplar", park: () => {} };
  _keepMaps(
    loop,
    future,
    task,
    loop.callSoon(resumeBatch, loop),
    loop.callLater(0, resumeBatch, loop),
    // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- a running task is inside its root scope at least
    task._innermostScope()!,
    new CancelScope({ deadline: 0 }),
    new Waiter(task, wait),
    new SuspendInstruction(wait),
    new SleepInstruction(1, undefined),
    new AwaitInstruction(future, true),
    _exemplarSleepTimer(task),
    new CancelledError(),
  );
}
keepExemplars();

/**
 * Continues a loop after it handed control back to Node (see `_runBatch`): the next stretch
 * runs in a microtask queued from the `setImmediate` callback, right after it.
 *
 * Discussion: cancelling 50k sleeping tasks and joining them (issue 7) spent its time in the
 * garbage collector and in V8's `throw`, not in the cancel scopes. Profiles (`--cpu-prof`, and
 * bytes per task from `heapUsed` with scavenges held off) found:
 * - a `throw` costs ~1 µs in a macrotask callback (`setImmediate`, `setTimeout`) and ~0.5 µs
 *   in a microtask: without an enclosing `v8::TryCatch`, V8 builds a message object with the
 *   throw's source location for every exception, and a microtask checkpoint has one. Every
 *   cancelled task takes one throw (two when joined with `yield*`), and long runs of steps
 *   live in stretches entered from `setImmediate`: running them from a microtask cut ~15% of
 *   the join's CPU time, and 100–200 B per task of message objects;
 * - the rest of a cancellation's ~2 µs is scavenges copying the just-created tasks while it
 *   allocates: ~510 B per `cancel()`, of which the root scope is 152 B; `cancel()` itself,
 *   without collections, is ~0.3 µs. Small cuts (no array in `CancelScope._deliver` for a
 *   scope without children, no options object per root scope, one shared reason for
 *   `task.cancel()` without a message) bring it to ~370 B. With the throws, ~20% off the
 *   whole cancel-and-join run of 50k tasks (bench/README.md has the figures);
 * - the error's stack is already off (building one costs ~10× the rest, see
 *   `CancelScope._newError`); `completeReason` is one object and the task's name (~70 B);
 *   cancelled tasks never reach the unretrieved-failure bookkeeping; `wait()`'s Sets are ~5%
 *   (its `done` Set is now the deduplicated input when every future is done), and its
 *   done-callback handles (~110 B per future) cost no measurable time, so they stay (asyncio's
 *   one-pass-later wake-up).
 */
function resumeBatch(loop: EventLoop): void {
  void Promise.resolve(loop).then(runNextStretch);
}

function runNextStretch(loop: EventLoop): void {
  loop._runBatch(undefined, true);
}

/** The first hop of a hand-off from outside Node's check phase (see `EventLoop#handOff`). */
function resumeBatchNextIteration(loop: EventLoop): void {
  setImmediate(resumeBatch, loop);
}

function checkExecutor(where: string, executor: unknown): void {
  const candidate = executor as Partial<Executor> | null | undefined;
  if (typeof candidate?.submit !== "function" || typeof candidate.shutdown !== "function") {
    throw new TypeError(
      `${where} needs an Executor (an object with submit() and shutdown())${where.startsWith("runInExecutor") ? " or null for the default" : ""}: received ${describeReceived(executor)}`,
    );
  }
}

/** The default exception handler: logs the message and the error (with its cause and sub-errors) to stderr. */
function defaultExceptionHandler(context: ExceptionContext): void {
  const error = context.exception;
  const detail = error === undefined ? "" : `\n${inspect(error)}`;
  process.stderr.write(`yieldio: ${context.message}${detail}\n`);
}

/** Waits until `executor` has room (another task may take it first: then waits again), then submits the job and waits for its result. */
function* submitWhenRoom<A extends readonly unknown[], R>(
  executor: Executor,
  roomOf: () => Future<void>,
  room: Future<void>,
  fn: WorkRef<A, R>,
  args: A,
): Generator<import("./instruction.js").Instruction, R, unknown> {
  while (!room.done()) {
    yield* room;
    room = roomOf();
  }
  return yield* executor.submit(fn, args);
}
