/**
 * Cancel scopes: the single mechanism behind `task.cancel()`, `timeout`, `moveOnAfter`,
 * `waitFor`, `shield`, task groups and `gather` (Trio's design).
 *
 * The problem: JavaScript's `catch` catches everything, so an edge-triggered cancellation
 * (asyncio: one `CancelledError` thrown once) is lost by any `catch (e) {}` on the way, and the
 * task runs on as if nothing happened.
 *
 * The solution: cancellation is a *state* of a scope, not an event. Once a scope is cancelled,
 * every suspension inside it (that is not inside a shielded scope) raises `CancelledError`,
 * until the scope is exited. The scope absorbs the `CancelledError` it caused when it leaves
 * `run()`; if an enclosing scope is cancelled as well, the outermost cancelled one absorbs.
 *
 * Scopes form a tree: a scope's parent is the scope that was innermost in its task when it was
 * entered, and a task's root scope hangs under the scope its group lives in (or nowhere, for a
 * task created with `createTask`). Cancelling a scope walks its subtree, stopping at shielded
 * scopes, and aborts the wait of each parked task whose innermost scope it reaches.
 *
 * @module
 */

import type { CancelReason } from "./cancel-reason.js";
import { CancelledError, InvalidStateError } from "./errors.js";
import type { EventLoop } from "./event-loop.js";
import type { TimerHandle } from "./handle.js";
import type { Operation } from "./operation.js";
import { checkOperation } from "./operation.js";
import { currentTask } from "./running.js";
import type { Task } from "./task.js";
import { describeReceived } from "./received.js";

/** The options of a scope built without any (every task's root scope): no object per scope. */
const NO_OPTIONS: CancelScopeOptions = Object.freeze({});

const IDLE = 0;
const ACTIVE = 1;
const EXITED = 2;

/**
 * Options of {@link CancelScope}.
 *
 * @example
 * ```ts
 * const scope = new CancelScope({ deadline: getRunningLoop().time() + 100, shield: false });
 * ```
 */
export interface CancelScopeOptions {
  /** Absolute loop time (in milliseconds) at which the scope cancels itself; default: none. */
  readonly deadline?: number;
  /** Whether cancellation from enclosing scopes is kept out; default false. */
  readonly shield?: boolean;
}

/**
 * A region of code that can be cancelled as a whole: explicitly with {@link CancelScope.cancel},
 * or when its {@link CancelScope.deadline} passes.
 *
 * **Cancellation:** while the scope is cancelled, every suspension inside it raises
 * `CancelledError` (level-triggered: catching it does not help, the next suspension raises
 * again); the error is absorbed when it leaves `run()`, which then returns `undefined`.
 * A shielded scope keeps enclosing cancellations out until it is exited.
 *
 * @example
 * ```ts
 * const scope = new CancelScope({ deadline: getRunningLoop().time() + 100 });
 * const result = yield* scope.run(slowWork()); // undefined if the deadline passed
 * if (scope.cancelledCaught) console.log("gave up");
 * ```
 */
export class CancelScope {
  #deadline: number;
  #shield: boolean;
  #state: typeof IDLE | typeof ACTIVE | typeof EXITED = IDLE;
  #reason: CancelReason | undefined; // set once, when cancel is called
  #cancelledCaught = false;
  #caughtError: CancelledError | undefined;
  #deadlineTimer: TimerHandle | undefined;
  #deadlineExpired = false;
  #loop: EventLoop | undefined;
  // The scope's AbortSignal (`useAbortSignal()`), made on first use. Invariant: aborted once
  // the scope or an enclosing one (up to a shield) is cancelled, or once the scope is exited.
  #abortController: AbortController | undefined;
  /** @internal Describes the scope in cancellation messages (`timeout(100)`); none for a task's root. */
  _label: string | undefined = "CancelScope";

  // The scope tree (see the module comment). Invariant: while ACTIVE, the scope is linked
  // into its parent's child list; before and after, it is not.
  /** @internal */
  _parent: CancelScope | undefined;
  /** @internal */
  _owner: Task<unknown> | undefined;
  #firstChild: CancelScope | undefined;
  #prevSibling: CancelScope | undefined;
  #nextSibling: CancelScope | undefined;

  constructor(options: CancelScopeOptions = NO_OPTIONS) {
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- a JavaScript caller can pass anything
    if (typeof options !== "object" || options === null) {
      throw new TypeError(`CancelScope() needs an options object ({ deadline?, shield? }): received ${describeReceived(options)}`);
    }
    const { deadline = Number.POSITIVE_INFINITY, shield = false } = options;
    checkDeadline("CancelScope()", deadline);
    if (typeof shield !== "boolean") throw new TypeError(`CancelScope() needs a boolean shield: received ${typeof shield}`);
    this.#deadline = deadline;
    this.#shield = shield;
  }

  /**
   * Runs `body` inside the scope, in the current task.
   *
   * **Cancellation:** if the scope (or an enclosing one, unless shielded) is cancelled, the body
   * gets `CancelledError` at its suspensions. When the error leaves the body and this scope is
   * the outermost cancelled one, it is absorbed and `run` returns `undefined`.
   *
   * @param body - an Operation, or a function of the scope returning one.
   * @throws {@link InvalidStateError} outside a task, or when the scope was already entered.
   * @example
   * ```ts
   * const reply = yield* new CancelScope().run(function* (scope) {
   *   scope.deadline = getRunningLoop().time() + 500;
   *   return yield* readReply();
   * }); // undefined if the deadline passed
   * ```
   */
  *run<T>(
    body: Operation<T> | ((scope: CancelScope) => Operation<T>),
  ): Generator<import("./instruction.js").Instruction, T | undefined, unknown> {
    const task = currentTask();
    if (task === undefined) {
      throw new InvalidStateError("CancelScope.run() must run inside a task: use it with yield* in a coroutine");
    }
    if (this.#state !== IDLE) {
      throw new InvalidStateError(
        `CancelScope.run() was called on a scope that was already entered: create a new CancelScope for each run`,
      );
    }
    // A scope labelled as a wrapper (`shield()`, `taskGroup()`) runs the Operation its caller
    // was given: only an Operation is accepted, and the message names the wrapper.
    const wrapper = this._label?.endsWith("()") === true ? this._label : undefined;
    if (typeof body !== "function" || wrapper !== undefined) checkOperation(wrapper ?? "CancelScope.run()", body);
    // Entered inside the `try`, so that the scope is exited on every path: near the stack's
    // limit (thousands of nested scopes) even arming the deadline can throw a RangeError, and a
    // scope left linked would make every enclosing scope's exit fail with an error that hides it.
    let entered = false;
    try {
      task._enterScope(this);
      entered = true;
      this.#activate();
      const op = typeof body === "function" ? body(this) : body;
      if (op !== body) checkOperation(`the body function of ${this._label ?? "CancelScope.run()"}`, op);
      return yield* op;
    } catch (error) {
      if (error instanceof CancelledError && this.#absorbs()) {
        this.#cancelledCaught = true;
        this.#caughtError = error;
        return undefined;
      }
      throw error;
    } finally {
      if (entered) {
        this.#deactivate();
        task._exitScope(this);
      }
    }
  }

  /**
   * Cancels the scope: every task parked inside it is woken with `CancelledError` (or keeps a
   * result that was already handed to it), and every later suspension inside it raises.
   * Calling it again, or after the scope exited, does nothing.
   */
  cancel(reason?: CancelReason | string): void {
    if (reason !== undefined && typeof reason !== "string" && typeof (reason as Partial<CancelReason> | null)?.source !== "string") {
      throw new TypeError(`cancel() needs a message or a CancelReason ({ source, message? }): received ${describeReceived(reason)}`);
    }
    if (this.#reason !== undefined) return;
    const data: CancelReason = typeof reason === "string" ? { source: "explicit", message: reason } : (reason ?? { source: "explicit" });
    this.#reason = completeReason(data, this._label, this._owner);
    this.#cancelDeadlineTimer();
    if (this.#state === ACTIVE) this._deliver();
  }

  /** True once {@link CancelScope.cancel} was called, or the deadline passed while active. */
  get cancelCalled(): boolean {
    return this.#reason !== undefined;
  }

  /** True if this scope absorbed the `CancelledError` it caused. */
  get cancelledCaught(): boolean {
    return this.#cancelledCaught;
  }

  /** Why the scope was cancelled, or `undefined`. */
  get cancelReason(): CancelReason | undefined {
    return this.#reason;
  }

  /** Absolute loop time (in milliseconds) at which the scope cancels itself; `Infinity` for none. */
  get deadline(): number {
    return this.#deadline;
  }

  /** Moves the deadline; a deadline in the past cancels the scope (at once if it is active). */
  set deadline(whenMs: number) {
    checkDeadline("CancelScope.deadline", whenMs);
    this.#deadline = whenMs;
    if (this.#state === ACTIVE && this.#reason === undefined) this.#armDeadline();
  }

  /** Whether cancellation of enclosing scopes is kept out of this one. */
  get shield(): boolean {
    return this.#shield;
  }

  /** Turns the shield on or off; turning it off exposes the scope to a pending outer cancellation. */
  set shield(on: boolean) {
    if (typeof on !== "boolean") throw new TypeError(`CancelScope.shield must be a boolean: received ${typeof on}`);
    const wasOn = this.#shield;
    this.#shield = on;
    // Dropping the shield exposes the scope to a cancellation already pending outside.
    if (wasOn && !on && this.#state === ACTIVE && this._parent?._cancelling() !== undefined) this._deliver();
  }

  /** @internal True once the deadline passed while the scope was active. */
  get _deadlineExpired(): boolean {
    return this.#deadlineExpired;
  }

  /** @internal The error the scope absorbed. */
  get _caughtError(): CancelledError | undefined {
    return this.#caughtError;
  }

  /** @internal True once the scope has been exited. */
  get _exited(): boolean {
    return this.#state === EXITED;
  }

  /**
   * @internal The scope whose cancellation applies here (this one or an enclosing one, up to a
   * shield), or undefined. This is the level-triggered check made at every suspension.
   */
  _cancelling(): CancelScope | undefined {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- a cursor that walks up the chain from here, not a closure's alias
    let scope: CancelScope | undefined = this;
    while (scope !== undefined) {
      if (scope.#reason !== undefined) return scope;
      if (scope.#shield) return undefined;
      scope = scope._parent;
    }
    return undefined;
  }

  /** @internal A fresh error for a suspension cancelled by this scope. */
  _newError(): CancelledError {
    // Discussion: the stack of an error built here would only show the loop's own frames (the
    // task is resumed from the ready queue), and capturing it costs ten times the rest of a
    // cancellation: 50k cancelled tasks spent most of their time in it. Debug mode keeps it.
    if (this.#loop?.debug === true) return new CancelledError(this.#reason);
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      return new CancelledError(this.#reason);
    } finally {
      Error.stackTraceLimit = limit;
    }
  }

  /**
   * @internal The scope's AbortSignal (`useAbortSignal()`): one per scope, made on first use,
   * aborted with the `CancelledError` when the scope or an enclosing one (up to a shield) is
   * cancelled, and with an `AbortError` when the scope is exited, so that work given the signal
   * does not outlive the scope (Effection's `useAbortSignal`).
   */
  _abortSignal(): AbortSignal {
    let controller = this.#abortController;
    if (controller === undefined) {
      controller = this.#abortController = new AbortController();
      if (this.#state === EXITED) controller.abort(exitedError());
      else this._abortIfCancelled();
    }
    return controller.signal;
  }

  /** @internal Aborts the scope's signal if a cancellation applies here (see `_deliver`). */
  _abortIfCancelled(): void {
    const controller = this.#abortController;
    if (controller === undefined || controller.signal.aborted) return;
    const cancelling = this._cancelling();
    if (cancelling !== undefined) controller.abort(cancelling._newError());
  }

  /** @internal Links the scope under `parent` (a task's root scope is entered this way too). */
  _link(parent: CancelScope | undefined, owner: Task<unknown>): void {
    this._parent = parent;
    this._owner = owner;
    this.#loop = owner._loop;
    this.#state = ACTIVE;
    if (parent === undefined) return;
    const first = parent.#firstChild;
    this.#nextSibling = first;
    if (first !== undefined) first.#prevSibling = this;
    parent.#firstChild = this;
  }

  /** @internal Unlinks the scope from the tree. */
  _unlink(): void {
    if (this.#state === EXITED) return; // unlinking twice would cut the siblings off the parent
    this.#state = EXITED;
    const controller = this.#abortController;
    if (controller !== undefined && !controller.signal.aborted) controller.abort(exitedError());
    const parent = this._parent;
    if (parent === undefined) return;
    const prev = this.#prevSibling;
    const next = this.#nextSibling;
    if (prev === undefined) parent.#firstChild = next;
    else prev.#nextSibling = next;
    if (next !== undefined) next.#prevSibling = prev;
    this.#prevSibling = this.#nextSibling = undefined;
  }

  /** @internal Exits a scope whose `run()` could not (see `Task._exitScope`): disarm, unlink. */
  _abandon(): void {
    this.#deactivate();
    this._unlink();
  }

  /**
   * @internal Aborts the wait of every parked task in this subtree (not behind a shield).
   * Iterative, so deep trees cannot overflow the stack.
   */
  _deliver(): void {
    // The stack is made only when there are children to visit: the common case, a task's
    // root scope cancelled by `task.cancel()`, has none.
    let stack: CancelScope[] | undefined;
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- a cursor that walks the tree from here, not a closure's alias
    for (let scope: CancelScope | undefined = this; scope !== undefined; scope = stack?.pop()) {
      const owner = scope._owner;
      scope._abortIfCancelled();
      if (owner !== undefined && owner._innermostScope() === scope) owner._abortWait();
      for (let child = scope.#firstChild; child !== undefined; child = child.#nextSibling) {
        // A shielded child keeps us out; an already cancelled one delivered its own.
        if (!child.#shield && child.#reason === undefined) (stack ??= []).push(child);
      }
    }
  }

  #absorbs(): boolean {
    if (this.#reason === undefined) return false;
    // The outermost cancelled scope catches: an enclosing cancellation wins, unless we shield.
    return this.#shield || this._parent?._cancelling() === undefined;
  }

  #activate(): void {
    if (this.#reason !== undefined) return; // cancelled before it was entered: raises at once
    this.#armDeadline();
  }

  #deactivate(): void {
    this.#cancelDeadlineTimer();
  }

  #armDeadline(): void {
    this.#cancelDeadlineTimer();
    // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- a deadline is armed only while the scope is entered, which sets #loop
    const loop = this.#loop!;
    if (this.#deadline === Number.POSITIVE_INFINITY) return;
    if (this.#deadline <= loop.time()) this._expire();
    else this.#deadlineTimer = loop.callAt(this.#deadline, expire, this);
  }

  /** @internal The deadline passed. */
  _expire(): void {
    this.#deadlineTimer = undefined;
    if (this.#state !== ACTIVE) return;
    this.#deadlineExpired = true;
    this.cancel({ source: "deadline" });
  }

  #cancelDeadlineTimer(): void {
    this.#deadlineTimer?.cancel();
    this.#deadlineTimer = undefined;
  }
}

/** The reason a scope's AbortSignal is aborted with when the scope ends without a cancellation. */
function exitedError(): Error {
  return new DOMException("the cancel scope that made this signal has exited", "AbortError");
}

// A module function rather than a per-scope arrow: a closure per scope costs more than the
// scope itself, and most scopes (every task's root) never arm a deadline.
function expire(scope: CancelScope): void {
  scope._expire();
}

/** The reason with the scope's label and the owner task's name filled in (one object, no spreads). */
function completeReason(reason: CancelReason, label: string | undefined, owner: Task<unknown> | undefined): CancelReason {
  const scope = reason.scope ?? label;
  const task = reason.task ?? owner?.name;
  if (scope === reason.scope && task === reason.task) return reason;
  const complete: { -readonly [K in keyof CancelReason]: CancelReason[K] } = { source: reason.source };
  if (reason.message !== undefined) complete.message = reason.message;
  if (scope !== undefined) complete.scope = scope;
  if (task !== undefined) complete.task = task;
  return complete;
}

function checkDeadline(where: string, whenMs: number): void {
  if (typeof whenMs !== "number") throw new TypeError(`${where} needs a deadline in ms (a number): received ${typeof whenMs}`);
  if (Number.isNaN(whenMs)) throw new RangeError(`${where} needs a deadline in ms: received NaN`);
}
