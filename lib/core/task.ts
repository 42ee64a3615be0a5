/**
 * Task: a coroutine driven by the loop, and a Future of its result.
 *
 * `Task#_run` is the only place where a coroutine is resumed (`next` or `throw`): it runs the
 * coroutine up to its next suspension, interpreting the instructions of the trap protocol in
 * one exhaustive `switch`.
 *
 * Invariant (the task's stage): exactly one of
 * - NOT_STARTED: on the ready queue, its body not yet entered;
 * - SCHEDULED: on the ready queue, with a resume (a value, an error, or "check cancellation");
 * - RUNNING: its coroutine is executing;
 * - PARKED: waiting on exactly one thing (in `#slot`: a timer, a future, or a Waiter), not on
 *   the ready queue (PARKED_ABORTING: and the wait was asked to abort, but completes by itself);
 * - DONE: finished; the Future is settled and the root cancel scope unlinked.
 * A task whose coroutine ended with cleanups registered (`ensure()`, `resource()`) is not done
 * yet: it steps them as its coroutine (see task-cleanups.ts), and settles after the last.
 * So a task is never on the ready queue twice, and a late wake-up for a wait it already left
 * is dropped by the identity check `#isParkedOn(what)`.
 *
 * Discussion: two resumes keep level-triggered cancellation cheap. A task that gives way
 * (`yieldNow`) is scheduled with SCHEDULED_CHECK: when it runs, it looks up its scopes once and
 * either raises `CancelledError` or carries on. A task whose wait was withdrawn, or that
 * suspended inside an already cancelled scope, is scheduled with SCHEDULED_CANCELLED and the
 * scope: it raises, whatever happens to the scopes meanwhile (a wait that was withdrawn must
 * never resume as if it had completed). No error is built until it is thrown, and a retry loop
 * that swallows cancellation gives way for a pass each time instead of freezing the loop.
 *
 * @module
 */

import { CancelScope } from "./cancel-scope.js";
import { _claimCoroutine, _tryClaimCoroutine } from "./coroutine-owner.js";
import { formatCancelReason } from "./cancel-reason.js";
import type { CancelReason } from "./cancel-reason.js";
import { diagnoseYield } from "./diagnose-yield.js";
import { CancelledError, InvalidStateError } from "./errors.js";
import type { EventLoop } from "./event-loop.js";
import { FUTURE_CANCELLED, FUTURE_FULFILLED, FUTURE_REJECTED, Future, checkCancelMessage } from "./future.js";
import { NO_ARGS, TimerHandle } from "./handle.js";
import { AwaitInstruction, _trapStacks, isInstruction } from "./instruction.js";
import type { Instruction, SleepInstruction } from "./instruction.js";
import type { Operation } from "./operation.js";
import { _swapCurrentTask, currentTask } from "./running.js";
import { isThenable, thenableResultError } from "./thenable-result.js";
import { Waiter } from "./waiter.js";
import { describeReceived } from "./received.js";
import { _runCleanups } from "./task-cleanups.js";
import { _captureStack, _coroutineFrames, _creationSite } from "./debug-stacks.js";
import type { _TaskCleanup } from "./task-cleanups.js";
import type { _InstrumentSet } from "./instrument.js";

// The task's stage. A scheduled task's stage also says how it resumes; a parked task's says
// whether its wait was already asked to abort.
const NOT_STARTED = 0;
const SCHEDULED_VALUE = 1; // send #slot
const SCHEDULED_ERROR = 2; // throw #slot
const SCHEDULED_CHECK = 3; // throw CancelledError if a scope is cancelled, else send #slot
const SCHEDULED_CANCELLED = 4; // throw the CancelledError of the scope in #slot
const RUNNING = 5;
const PARKED = 6;
const PARKED_ABORTING = 7; // parked, and its wait refused to withdraw: it completes by itself
const DONE = 8;
type Stage = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;
type ResumeMode = typeof SCHEDULED_VALUE | typeof SCHEDULED_ERROR | typeof SCHEDULED_CHECK | typeof SCHEDULED_CANCELLED;

/**
 * Errors the kernel threw into a coroutine for a bad yield; the second one in a step is
 * raised on the next pass, so a `catch`-and-retry loop around a bad yield cannot freeze the loop.
 */
const diagnoses = new WeakSet<object>();

/** What a parked task waits on. */
type Parking = SleepTimer | AwaitInstruction | Waiter<unknown>;

/** Rarely needed per-task data, allocated on first use to keep the common task small. */
interface TaskExtras {
  cancelRequests: number;
  // Debug mode: the scope whose CancelledError was last thrown into the coroutine, to tell a
  // task that caught it and went on (see #noteSwallowed); undefined once reported.
  thrownCancel: CancelScope | undefined;
  swallowReported: boolean;
  creationStack: string | undefined;
  // Set for the operation of a run (`run()`, `runUntilComplete()`): what to call it in the error
  // if it returns a thenable (see thenable-result.ts).
  refusesThenable: string | undefined;
  // Debug mode: the stack where the last suspending instruction was made (see _coroutineStack).
  suspendedStack: string | undefined;
  // The task's ContextVar values (see `_context`).
  context: ReadonlyMap<object, unknown> | undefined;
  // Cleanups registered by `ensure()` and `resource()` not yet run, oldest first (see task-cleanups.ts).
  cleanups: _TaskCleanup[] | undefined;
}

let taskCounter = 0;

/** The reason of `task.cancel()` without a message, shared (the scope completes it with the task's name). */
const EXPLICIT_CANCEL: CancelReason = Object.freeze({ source: "explicit" });

/**
 * Options of `createTask`.
 *
 * @example
 * ```ts
 * const options: TaskOptions = { name: "poller", eager: true };
 * createTask(poll(), options);
 * ```
 */
export interface TaskOptions {
  /** The task's name; default `Task-N`. */
  readonly name?: string;
  /** Run the body at once, up to its first suspension; default: the loop's `eagerTasks`. */
  readonly eager?: boolean;
}

/** @internal Options only the kernel and task groups pass. */
export interface InternalTaskOptions extends TaskOptions {
  /** The scope the task's root scope hangs under (a task group's scope). */
  readonly parentScope?: CancelScope;
}

/** The timer of a `sleep`: it resumes its task directly, without a callback. */
class SleepTimer extends TimerHandle {
  readonly task: Task<unknown>;
  readonly value: unknown;

  constructor(whenMs: number, seq: number, task: Task<unknown>, value: unknown) {
    super(whenMs, seq, noop, NO_ARGS, task._loop);
    this.task = task;
    this.value = value;
  }

  override _run(): void {
    if (!this.cancelled()) this.task._resumeFromTimer(this);
  }
}

function noop(): void {}

/**
 * A coroutine scheduled on an event loop, and the {@link Future} of its result. Create one with
 * `createTask(op)` (or `loop.createTask`, or a task group's `createTask`).
 *
 * **Cancellation:** `task.cancel()` cancels the task's root cancel scope: its current wait is
 * withdrawn at once (unless what it waited for was already handed over), and every suspension
 * raises `CancelledError` until the coroutine ends. A task cancelled before its first step never
 * runs its body. `yield* task` from another task: cancelling the waiter cancels this task too,
 * and the waiter resumes once this task has unwound.
 *
 * @typeParam T - the coroutine's result.
 * @example
 * ```ts
 * const task = createTask(worker(1), { name: "worker-1" });
 * yield* sleep(10);
 * task.cancel("no longer needed");
 * const outcome = yield* gatherSettled(task);
 * ```
 */
export class Task<T> extends Future<T> {
  // Discussion: a task is the per-spawn cost of the runtime, so its fields are few. The stage
  // folds in the resume mode; one slot holds what the stage needs; the root scope is found by
  // walking up from the innermost one; rare data lives in #extras.
  // Invariant: the Operation while NOT_STARTED (its iterator is asked for at the first step,
  // inside the loop, so an Operation that builds its coroutine then may use the running loop);
  // the coroutine while running; FINISHED once done, so that a finished task kept for its
  // result does not keep its generator's frame alive.
  #coroutine: Iterator<Instruction, T, unknown> | Operation<T>;
  #name: string | number; // a number N stands for "Task-N"
  #stage: Stage = NOT_STARTED;
  // Invariant: the resume value or error when SCHEDULED_*, the Parking when PARKED*, else
  // undefined.
  #slot: unknown = undefined;
  // Invariant: either undefined (no scope yet: most tasks are never cancelled, enter no scope
  // and belong to no group) or the innermost active scope; the root scope is the outermost one
  // owned by this task, and it is linked under the task group's scope, if any.
  #innermost: CancelScope | undefined = undefined;
  #extras: TaskExtras | undefined = undefined;
  /** @internal The loop's intrusive list of pending tasks. */
  _prevTask: Task<unknown> | undefined = undefined;
  /** @internal */
  _nextTask: Task<unknown> | undefined = undefined;

  /** @internal Where the task was created, in debug mode. */
  get _creationStack(): string | undefined {
    return this.#extras?.creationStack;
  }

  /** @internal `Task name`, and in debug mode where it was created: `Task name (created at main (file:3:5))`. */
  override _describeWithSite(): string {
    const site = _creationSite(this.#extras?.creationStack);
    return site === undefined ? this._describe() : `${this._describe()} (created at ${site})`;
  }

  /** @internal Use `createTask()`. */
  constructor(op: Operation<T>, loop: EventLoop, options?: InternalTaskOptions) {
    super(loop);
    this.#coroutine = op;
    const name = options?.name;
    if (name !== undefined && typeof name !== "string") {
      throw new TypeError(`createTask() needs a string name: received ${describeReceived(name)}`);
    }
    this.#name = name ?? ++taskCounter;
    const context = currentTask()?._context ?? _outsideContext.map;
    if (context !== undefined) this.#getExtras().context = context;
    if (options?.parentScope !== undefined) this.#createRootScope(options.parentScope);
    if (loop.debug) this.#getExtras().creationStack = _captureStack("task created here");
  }

  /**
   * @internal The task's context (`ContextVar` values): copied from its creator's when it is
   * created (asyncio's rule), replaced, never changed in place, by `ContextVar.set()`, so a copy
   * is a reference; undefined for none. Kept in the extras: a field per task cost spawn-join
   * 7% (20% with eager tasks), and most tasks never have a context.
   */
  get _context(): ReadonlyMap<object, unknown> | undefined {
    return this.#extras?.context;
  }

  /** @internal Replaces the task's context (`ContextVar.set()`). */
  set _context(map: ReadonlyMap<object, unknown> | undefined) {
    this.#getExtras().context = map;
  }

  /** The task's name: the one given to `createTask`, or `Task-N` (N increasing per process). */
  get name(): string {
    const name = this.#name;
    return typeof name === "number" ? `Task-${name}` : name;
  }

  /** Renames the task (for messages, traces and task dumps). */
  set name(name: string) {
    if (typeof name !== "string") throw new TypeError(`Task.name must be a string: received ${typeof name}`);
    this.#name = name;
  }

  /**
   * Requests cancellation: cancels the task's root scope. A parked wait is withdrawn at once;
   * the task raises `CancelledError` at its current or next suspension. A task that returns
   * without suspending again ends with its value.
   *
   * **Cancellation:** this is the cancellation; see the class comment.
   *
   * @param message - shown in the `CancelledError`'s message.
   * @returns `false` if the task is already done.
   * @throws TypeError if `message` is neither a string nor `undefined`.
   */
  override cancel(message?: string): boolean {
    checkCancelMessage("Task.cancel()", message);
    return this._cancelWithReason(message === undefined ? EXPLICIT_CANCEL : { source: "explicit", message });
  }

  /** How many cancellation requests the task has received (asyncio's `cancelling()`). */
  cancelling(): number {
    return this.#extras?.cancelRequests ?? 0;
  }

  /** Tasks complete through their coroutine. @throws {@link InvalidStateError} always. */
  override setResult(_value: T): void {
    throw new InvalidStateError(`setResult() was called on ${this._describe()}: a task's result comes from its coroutine`);
  }

  /** Tasks complete through their coroutine. @throws {@link InvalidStateError} always. */
  override setException(_error: unknown): void {
    throw new InvalidStateError(`setException() was called on ${this._describe()}: a task's result comes from its coroutine`);
  }

  /** What the task is waiting for (`sleep(100)`, `queue.get()`), or its stage. */
  get waitingOn(): string {
    const stage = this.#stage;
    if (stage === NOT_STARTED) return "not started";
    if (stage === RUNNING) return "running";
    if (stage === DONE) return "done";
    if (stage !== PARKED && stage !== PARKED_ABORTING) return "scheduled";
    const parked = this.#slot as Parking;
    if (parked instanceof SleepTimer) return `sleep until ${parked.when()}`;
    if (parked instanceof AwaitInstruction) return parked.description;
    return parked._wait.description;
  }

  /** @internal */
  override _describe(): string {
    return `Task ${this.name}`;
  }

  /** @internal Cancels the root scope with a reason (shutdown, signal ...). */
  _cancelWithReason(reason: CancelReason): boolean {
    if (this.#stage === DONE) return false;
    this.#getExtras().cancelRequests++;
    this.#rootScope().cancel(reason);
    return true;
  }

  /** @internal This task is a run's operation: a thenable result fails it (see thenable-result.ts). */
  _refuseThenableResult(what: string): void {
    this.#getExtras().refusesThenable = what;
  }

  /**
   * @internal Registers `cleanup` to run after the coroutine ends and before the task settles,
   * newest first, shielded (`ensure()`, `resource()`; see task-cleanups.ts). Only the running
   * task registers its own cleanups, so the task is never done here.
   */
  _addCleanup(cleanup: _TaskCleanup): void {
    (this.#getExtras().cleanups ??= []).push(cleanup);
  }

  /** @internal The innermost active scope, if any. */
  _innermostScope(): CancelScope | undefined {
    return this.#innermost;
  }

  /** @internal The innermost active scope; the task's root scope, made now, if it has none yet (`useAbortSignal()`). */
  _currentScope(): CancelScope {
    return this.#innermost ?? this.#createRootScope(undefined);
  }

  /** @internal */
  _enterScope(scope: CancelScope): void {
    scope._link(this.#innermost ?? this.#createRootScope(undefined), this);
    this.#innermost = scope;
  }

  /** The outermost scope owned by this task, created if there is none yet. */
  #rootScope(): CancelScope {
    let scope = this.#innermost;
    if (scope === undefined) return this.#createRootScope(undefined);
    while (scope._parent !== undefined && scope._parent._owner === (this as Task<unknown>)) scope = scope._parent;
    return scope;
  }

  #createRootScope(parent: CancelScope | undefined): CancelScope {
    const root = new CancelScope();
    root._label = undefined;
    root._link(parent, this);
    this.#innermost = root;
    return root;
  }

  #getExtras(): TaskExtras {
    return (this.#extras ??= {
      cancelRequests: 0,
      thrownCancel: undefined,
      swallowReported: false,
      creationStack: undefined,
      refusesThenable: undefined,
      suspendedStack: undefined,
      context: undefined,
      cleanups: undefined,
    });
  }

  /** The scope whose cancellation applies to this task's current suspension, if any. */
  #cancelling(): CancelScope | undefined {
    const innermost = this.#innermost;
    return innermost === undefined ? undefined : innermost._cancelling();
  }

  /** @internal */
  _exitScope(scope: CancelScope): void {
    let inner = this.#innermost;
    if (inner !== scope) {
      // Scopes inside `scope` whose own exit never ran: the engine threw past their `finally`
      // (a stack overflow inside it). Exiting `scope` exits them too, so the real error, not
      // this bookkeeping, reaches the user. A scope that is not an ancestor was misused.
      let ancestor = inner;
      while (ancestor !== undefined && ancestor !== scope && ancestor._owner === (this as Task<unknown>)) ancestor = ancestor._parent;
      if (ancestor !== scope) {
        throw new InvalidStateError(`a cancel scope was exited out of order in ${this._describe()}: scopes must nest`);
      }
      // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- the walk above found scope among inner's ancestors
      for (; inner !== scope; inner = inner!._parent) inner!._abandon();
    }
    scope._unlink();
    // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- a task's root scope is never exited this way, so an entered scope has a parent
    this.#innermost = scope._parent!;
  }

  /**
   * @internal The task's scope was cancelled while it may be parked: abort the wait. Either it
   * is withdrawn (the task is scheduled to raise), or it completes by itself later.
   */
  _abortWait(): void {
    if (this.#stage !== PARKED) return;
    this.#stage = PARKED_ABORTING;
    const parked = this.#slot as Parking;
    let withdrawn: boolean;
    if (parked instanceof SleepTimer) {
      parked.cancel();
      withdrawn = true;
    } else if (parked instanceof AwaitInstruction) {
      if (parked.cancelsTarget) {
        // asyncio's rule: cancelling the awaiter cancels the awaited. We resume when it is
        // done, which for a task means once it has unwound.
        withdrawn = !this.#cancelTarget(parked.future);
      } else {
        parked.future._removeWaiter(this);
        withdrawn = true;
      }
    } else {
      withdrawn = parked._abort();
    }
    // Only a wait that is still parked can be withdrawn: an abort hook that completed the wait
    // itself (a Future subclass whose cancel() settled it, then threw) already scheduled us.
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- the abort hook above can re-enter the task and change #stage; TypeScript keeps its narrowing across the call
    if (withdrawn && this.#stage === PARKED_ABORTING) this.#scheduleCancelled();
  }

  /**
   * Cancels an awaited future with this task's reason; true if it will complete (so the wait
   * stays), false if its cancel() threw (reported; the wait is then withdrawn).
   */
  #cancelTarget(future: Future<unknown>): boolean {
    const reason = this.#cancelling()?.cancelReason;
    try {
      if (future instanceof Task && reason !== undefined) future._cancelWithReason(reason);
      else future.cancel(reason?.message);
      return true;
    } catch (error) {
      future._removeWaiter(this);
      this._loop.callExceptionHandler({
        message: `cancel() of ${future._describe()} threw while ${this._describe()} was being cancelled; the wait was withdrawn`,
        exception: error,
        task: this,
        future,
      });
      return false;
    }
  }

  /** Resume by raising the cancellation that applies now (withdrawn or refused suspension). */
  #scheduleCancelled(): void {
    const cancelling = this.#cancelling();
    if (cancelling === undefined) this.#schedule(SCHEDULED_CHECK, undefined);
    else this.#schedule(SCHEDULED_CANCELLED, cancelling);
  }

  /** @internal A waiter this task parked on was woken. */
  _resumeFromWaiter(waiter: Waiter<unknown>, isError: boolean, value: unknown): boolean {
    if (!this.#isParkedOn(waiter)) return false; // a late completion for a wait already left
    this.#schedule(isError ? SCHEDULED_ERROR : SCHEDULED_VALUE, value);
    return true;
  }

  /** @internal A future this task parked on is done. */
  _wakeFromFuture(future: Future<unknown>): void {
    const parked = this.#slot;
    if (!(parked instanceof AwaitInstruction) || parked.future !== future || !this.#isParkedOn(parked)) return;
    this.#schedule(future._outcomeIsError() ? SCHEDULED_ERROR : SCHEDULED_VALUE, future._outcomeValue());
  }

  /** @internal The sleep timer fired: step at once (the timer already went through the ready queue). */
  _resumeFromTimer(timer: SleepTimer): void {
    if (!this.#isParkedOn(timer)) return;
    this._loop._instruments?.call("taskScheduled", this);
    this.#stage = SCHEDULED_VALUE;
    this.#slot = timer.value;
    this._run();
  }

  /** @internal Called by the loop from the ready queue. */
  _run(): void {
    let mode = this.#stage;
    let value = this.#slot;
    this.#slot = undefined;
    if (mode === NOT_STARTED) {
      const cancelling = this.#cancelling();
      if (cancelling !== undefined) {
        // Cancelled before its first step: the body never runs. A generator object is closed
        // (as the current task, so that a wrapper can claim what it closes), unless another
        // task drives it: that one is not ours to close.
        const instruments = this._loop._instruments;
        instruments?.call("beforeTaskStep", this);
        const previous = _swapCurrentTask(this);
        let outcome: unknown;
        try {
          if (_tryClaimCoroutine(this.#coroutine, this)) {
            (this.#coroutine as Partial<Iterator<Instruction, T, unknown>>).return?.(undefined);
          }
          outcome = cancelling._newError();
        } catch (error) {
          outcome = error; // a hand-written iterator whose return() threw
        } finally {
          _swapCurrentTask(previous);
        }
        this.#finish(SCHEDULED_ERROR, outcome);
        instruments?.call("afterTaskStep", this);
        return;
      }
      mode = SCHEDULED_VALUE;
      try {
        _claimCoroutine(this.#coroutine, this); // throws for another task's generator
        this.#coroutine = (this.#coroutine as Operation<T>)[Symbol.iterator]();
      } catch (error) {
        // The task's one step, which ends it: instruments see it as one.
        const instruments = this._loop._instruments;
        instruments?.call("beforeTaskStep", this);
        this.#finish(SCHEDULED_ERROR, error);
        instruments?.call("afterTaskStep", this);
        return;
      }
    } else if (mode === SCHEDULED_CANCELLED) {
      mode = SCHEDULED_ERROR;
      if (this._loop.debug) this.#getExtras().thrownCancel = value as CancelScope;
      value = (value as CancelScope)._newError();
    } else if (mode === SCHEDULED_CHECK) {
      const cancelling = this.#cancelling();
      if (cancelling === undefined) mode = SCHEDULED_VALUE;
      else {
        mode = SCHEDULED_ERROR;
        if (this._loop.debug) this.#getExtras().thrownCancel = cancelling;
        value = cancelling._newError();
      }
    } else if (mode !== SCHEDULED_VALUE && mode !== SCHEDULED_ERROR) {
      return; // not scheduled (done): a stale entry
    }
    this.#stage = RUNNING;
    const instruments = this._loop._instruments;
    if (instruments !== undefined) return this.#watchedStep(instruments, mode, value);
    const previous = _swapCurrentTask(this);
    try {
      this.#step(mode, value);
    } finally {
      _swapCurrentTask(previous);
    }
  }

  /** A step with the instruments' step hooks around it (off the fast path). */
  #watchedStep(instruments: _InstrumentSet, mode: ResumeMode, value: unknown): void {
    instruments.call("beforeTaskStep", this);
    const previous = _swapCurrentTask(this);
    try {
      this.#step(mode, value);
    } finally {
      _swapCurrentTask(previous);
      instruments.call("afterTaskStep", this);
    }
  }

  #step(mode: ResumeMode, value: unknown): void {
    let coroutine = this.#coroutine as Iterator<Instruction, T, unknown>;
    // The last bad-yield diagnosis thrown in (possibly on the previous pass), and how many
    // were thrown in during this step.
    let diagnosis = mode === SCHEDULED_ERROR && diagnoses.has(value as object) ? (value as Error) : undefined;
    let diagnosesThisStep = 0;
    for (;;) {
      let result: IteratorResult<Instruction, T>;
      try {
        // The only place where a coroutine is resumed.
        result = mode === SCHEDULED_ERROR ? throwInto(coroutine, value) : coroutine.next(value);
      } catch (error) {
        const outcome = diagnosis === undefined ? error : replaceEngineError(error, diagnosis);
        const cleanups = this.#takeCleanups();
        if (cleanups === undefined) {
          this.#finish(SCHEDULED_ERROR, outcome);
          return;
        }
        coroutine = this.#coroutine = _runCleanups(this, cleanups, true, outcome) as Iterator<Instruction, T, unknown>;
        mode = SCHEDULED_VALUE;
        value = diagnosis = undefined;
        continue;
      }
      diagnosis = undefined;
      if (result.done === true) {
        const cleanups = this.#takeCleanups();
        if (cleanups === undefined) {
          this.#finish(SCHEDULED_VALUE, result.value);
          return;
        }
        // The body is over; the task goes on with its cleanups, then ends as the body did.
        coroutine = this.#coroutine = _runCleanups(this, cleanups, false, result.value) as Iterator<Instruction, T, unknown>;
        mode = SCHEDULED_VALUE;
        value = undefined;
        continue;
      }
      const instruction = result.value;
      if (!isInstruction(instruction)) {
        const error = diagnoseYield(instruction);
        if (this.#throwDiagnosis(error, ++diagnosesThisStep)) return;
        mode = SCHEDULED_ERROR;
        value = diagnosis = error;
        continue;
      }
      if (instruction.kind === "current-task") {
        mode = SCHEDULED_VALUE;
        // eslint-disable-next-line @typescript-eslint/no-this-alias -- a cursor that walks the await chain from here, not a closure's alias
        value = this;
        continue;
      }
      // Every other instruction is a suspension: level-triggered cancellation is checked here.
      const cancelling = this.#cancelling();
      if (cancelling !== undefined) {
        if (this.#extras?.thrownCancel === cancelling) this.#noteSwallowed(`suspended again inside it (on ${instruction.description})`);
        this.#schedule(SCHEDULED_CANCELLED, cancelling);
        return;
      }
      switch (instruction.kind) {
        case "yield-now":
          this.#schedule(SCHEDULED_CHECK, undefined);
          return;
        case "sleep":
          if (instruction.delayMs <= 0) this.#schedule(SCHEDULED_CHECK, instruction.value);
          else this.#parkOnTimer(instruction);
          return;
        case "await": {
          const future = instruction.future;
          if (future === (this as Future<unknown>) || (future instanceof Task && this.#closesAwaitCycle(future))) {
            const error = new InvalidStateError(this.#awaitCycleMessage(future as Task<unknown>));
            if (this.#throwDiagnosis(error, ++diagnosesThisStep)) return;
            mode = SCHEDULED_ERROR;
            value = diagnosis = error;
            continue;
          }
          if (future.done()) {
            mode = future._outcomeIsError() ? SCHEDULED_ERROR : SCHEDULED_VALUE;
            value = future._outcomeValue();
            continue;
          }
          this.#park(instruction, instruction);
          future._addWaiter(this);
          return;
        }
        case "suspend": {
          const waiter = new Waiter(this, instruction.wait);
          this.#park(waiter, instruction);
          try {
            instruction.wait.park(waiter);
          } catch (error) {
            if (!this.#isParkedOn(waiter)) throw error; // woken, then threw: a broken primitive
            this.#slot = undefined;
            this.#stage = RUNNING;
            mode = SCHEDULED_ERROR;
            value = error;
            continue;
          }
          return;
        }
        default:
          return assertNever(instruction);
      }
    }
  }

  /** @internal What this task waits for, for call graphs: the future of `yield* future`, or what its wait says it awaits. */
  _awaiting(): Future<unknown>[] {
    if (this.#stage !== PARKED && this.#stage !== PARKED_ABORTING) return [];
    const parked = this.#slot as Parking;
    if (parked instanceof AwaitInstruction) return [parked.future];
    if (parked instanceof Waiter) return [...(parked._wait.awaiting?.() ?? [])];
    return [];
  }

  /** @internal The task whose scope this task's root scope hangs under (the task running its task group). */
  _parentTask(): Task<unknown> | undefined {
    if (this.#innermost === undefined) return undefined;
    return this.#rootScope()._parent?._owner;
  }

  /** @internal The labels of the active cancel scopes (`timeout(100)`, `shield()`), innermost first. */
  _scopeLabels(): string[] {
    const labels: string[] = [];
    for (let scope = this.#innermost; scope !== undefined && scope._owner === (this as Task<unknown>); scope = scope._parent) {
      if (scope._label !== undefined) labels.push(scope._label);
    }
    return labels;
  }

  /**
   * @internal In debug mode, the coroutine's frames where it is parked, innermost first
   * (`fetch (app.ts:12:5)`), yieldio's own left out; empty when it is not parked, or otherwise.
   */
  _coroutineStack(): string[] {
    if (this.#stage !== PARKED && this.#stage !== PARKED_ABORTING) return [];
    return _coroutineFrames(this.#extras?.suspendedStack);
  }

  /** @internal The task this one is parked on with `yield* task`, if any. */
  _awaitedTask(): Task<unknown> | undefined {
    if (this.#stage !== PARKED && this.#stage !== PARKED_ABORTING) return undefined;
    const parked = this.#slot;
    return parked instanceof AwaitInstruction && parked.future instanceof Task ? parked.future : undefined;
  }

  /**
   * True if waiting for `target` would close a cycle: `target` waits (through a chain of
   * `yield* task`) for this task. Neither could ever finish, and cancelling one would only
   * cancel the other and wait for it. Each task parks on one thing, so the chain is a list;
   * its length bounds the walk.
   */
  #closesAwaitCycle(target: Task<unknown>): boolean {
    for (let task = target._awaitedTask(); task !== undefined; task = task._awaitedTask()) {
      if (task === (this as Task<unknown>)) return true;
    }
    return false;
  }

  #awaitCycleMessage(target: Task<unknown>): string {
    if (target === (this as Task<unknown>)) return `${this._describe()} awaited itself: a task cannot wait for its own result`;
    const chain = [this._describe(), target._describe()];
    for (let task = target._awaitedTask(); task !== undefined && task !== (this as Task<unknown>); task = task._awaitedTask()) {
      chain.push(task._describe());
    }
    chain.push(this._describe());
    return `${this._describe()} awaited ${target._describe()}, which already waits for it: ${chain.join(" → ")} is an await cycle, and none of them could ever finish; let one side hand its result over another way (an Event, a Queue, a Future it sets)`;
  }

  /**
   * The first misuse diagnosis of a step is thrown back at once; later ones go through the
   * ready queue (returns true: the step ends), so that a coroutine catching the error and
   * retrying gives way to the rest of the loop.
   */
  #throwDiagnosis(error: Error, countThisStep: number): boolean {
    diagnoses.add(error);
    if (countThisStep === 1) return false;
    this.#schedule(SCHEDULED_ERROR, error);
    return true;
  }

  /**
   * The cleanups still to run, handed over (a cleanup that registers another gets a later
   * round); undefined for none: the common case costs one read.
   */
  #takeCleanups(): _TaskCleanup[] | undefined {
    const extras = this.#extras;
    const cleanups = extras?.cleanups;
    if (cleanups === undefined) return undefined;
    // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- cleanups came from extras
    extras!.cleanups = undefined;
    return cleanups;
  }

  /** Parks on `what`; in debug mode keeps where `instruction` was made (see _coroutineStack). */
  #park(what: Parking, instruction: Instruction): void {
    this.#stage = PARKED;
    this.#slot = what;
    // On exactly while a loop in debug mode runs. Only waits that park keep a stack: a task that
    // gives way (yieldNow) is not parked, and its passes stay free of the check.
    if (_trapStacks.capture) this.#getExtras().suspendedStack = _trapStacks.byTrap.get(instruction);
  }

  #isParkedOn(what: Parking): boolean {
    return (this.#stage === PARKED || this.#stage === PARKED_ABORTING) && this.#slot === what;
  }

  #parkOnTimer(instruction: SleepInstruction): void {
    const loop = this._loop;
    const timer = new SleepTimer(loop.time() + instruction.delayMs, loop._nextTimerSeq(), this, instruction.value);
    this.#park(timer, instruction);
    loop._addTimer(timer);
  }

  #schedule(mode: ResumeMode, value: unknown): void {
    this._loop._instruments?.call("taskScheduled", this); // before the stage changes: see Instrument.taskScheduled
    this.#stage = mode;
    this.#slot = value;
    this._loop._schedule(this);
  }

  /**
   * Debug mode: the task caught the CancelledError thrown into it and went on inside the
   * cancelled scope (a scope that absorbs its own cancellation is left first, so it never gets
   * here). Reported once per task.
   */
  #noteSwallowed(what: string): void {
    const extras = this.#getExtras();
    const scope = extras.thrownCancel;
    extras.thrownCancel = undefined;
    if (extras.swallowReported) return;
    extras.swallowReported = true;
    const reason = scope?.cancelReason;
    this._loop.callExceptionHandler({
      message: `${this._describeWithSite()} caught a CancelledError${reason === undefined ? "" : ` (${formatCancelReason(reason)})`} and ${what}: let CancelledError propagate (a finally block that must wait needs shield())`,
      task: this,
    });
  }

  #finish(mode: typeof SCHEDULED_VALUE | typeof SCHEDULED_ERROR, value: unknown): void {
    const thrownCancel = this.#extras?.thrownCancel;
    if (thrownCancel !== undefined && mode === SCHEDULED_VALUE && thrownCancel === this.#cancelling())
      this.#noteSwallowed("returned a value");
    const refusesThenable = this.#extras?.refusesThenable;
    if (refusesThenable !== undefined && mode === SCHEDULED_VALUE && isThenable(value)) {
      mode = SCHEDULED_ERROR;
      value = thenableResultError(this._loop, refusesThenable, value);
    }
    this.#stage = DONE;
    this.#slot = undefined;
    this.#coroutine = FINISHED as Iterator<Instruction, T, unknown>;
    if (this.#innermost !== undefined) {
      // Only an iterator that is not a generator can end without running its `finally`s and
      // so leave scopes entered; unlinking the root detaches them all the same.
      const root = this.#rootScope();
      this.#innermost = root;
      root._unlink();
    }
    this._loop._taskDone(this);
    if (mode === SCHEDULED_VALUE) this._settle(FUTURE_FULFILLED, value);
    else if (value instanceof CancelledError) this._settle(FUTURE_CANCELLED, value);
    else this._settle(FUTURE_REJECTED, value);
    this._loop._instruments?.call("taskExited", this);
  }
}

/**
 * @internal The context outside any task (a loop callback, code before `run()`): what
 * `ContextVar.set()` changes there, and what a task created there starts with.
 */
export const _outsideContext: { map: ReadonlyMap<object, unknown> | undefined } = { map: undefined };

/** @internal The task a ready-queue entry resumes, when it is not a callback but a sleep's timer. */
export function _resumedTask(entry: unknown): Task<unknown> | undefined {
  return entry instanceof SleepTimer ? entry.task : undefined;
}

/** @internal An inert sleep timer, for the exemplars (see exemplars.ts). */
export function _exemplarSleepTimer(task: Task<unknown>): object {
  return new SleepTimer(0, -1, task, undefined);
}

/** What a finished task holds instead of its coroutine. */
const FINISHED: Iterator<Instruction, unknown, unknown> = {
  next: () => {
    throw new InvalidStateError("a finished task was resumed");
  },
};

/**
 * `yield* [a, b]` delegates to an array iterator, which has no `throw()`: the engine then
 * replaces our diagnosis with its own "iterator does not provide a 'throw' method". Put ours
 * back, with the engine's as the cause.
 */
function replaceEngineError(error: unknown, diagnosis: Error): unknown {
  if (!(error instanceof TypeError) || error === diagnosis || !error.message.includes("'throw' method")) return error;
  return new TypeError(diagnosis.message, { cause: error });
}

function throwInto<T>(coroutine: Iterator<Instruction, T, unknown>, error: unknown): IteratorResult<Instruction, T> {
  if (coroutine.throw !== undefined) return coroutine.throw(error);
  coroutine.return?.(undefined);
  throw error;
}

function assertNever(value: never): never {
  throw new TypeError(`unknown instruction ${String((value as { kind?: unknown }).kind)}`);
}
