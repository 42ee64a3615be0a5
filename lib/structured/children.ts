/**
 * The engine of `gather`, `gatherSettled` and `race`: run a list of operations as child tasks
 * of the calling task, wait for every one of them, and decide the outcome.
 *
 * The problem: a combinator must never return while one of its children is still running
 * (structured concurrency), whatever happens: a child fails, the caller is cancelled before or
 * while it waits, the same generator object is passed twice. And it is the hot path of fan-out code
 * (`gather` of 10k children), so its per-child cost is what the benchmark measures.
 *
 * What does not work:
 * - hanging each child under a cancel scope of the caller (what `taskGroup` does) costs a
 *   CancelScope per child, which quadruples the cost of a gather of immediate children (the
 *   garbage collector dominates);
 * - a done callback per child (`addDoneCallback`) costs a Handle, an argument array, a
 *   ready-queue entry and a pass per child;
 * - waiting with a plain `yield* future`: cancelling the caller would cancel that one future
 *   and return before the children have unwound;
 * - starting the children before parking: if the caller's scope is already cancelled, the
 *   kernel raises at the suspension on the next pass, and by then the children have run their
 *   first step for nothing;
 * - deduplicating one-shot operations (generator objects) by marking them with a property:
 *   cheaper than a Map in a micro-benchmark, but the mark gives each generator object a new
 *   hidden class that dies with the call, and V8 then threw away the optimised code of every
 *   caller (gather ran 3× slower from the second call on).
 *
 * The solution: the caller parks on this object, a {@link Wait}, and `park` (which the kernel
 * calls only when the caller's scope is not cancelled) starts the children: plain tasks whose
 * coroutine is a small {@link ChildRun} that reports the child's end synchronously from its
 * last step (Futures and Tasks passed in are watched with one shared done callback). A child's
 * failure (gather) or first completion (race) cancels the others at once. When the caller is
 * cancelled while parked, `abort` cancels every child and withdraws the wait; when it was
 * cancelled before it could park, nothing was started. Either way the `CancelledError`
 * arrives in {@link Children.run}, which then waits for the children to unwind inside
 * `shield` (a suspension in a cancelled scope would raise again) and reports the cancellation
 * once all of them are done. Generator objects passed twice are found with a Map (other
 * Operations, such as the primitives' shared `queue.get()` objects, run once per position).
 *
 * What can still go wrong: a child that ignores its cancellation (it swallows `CancelledError`
 * and never suspends again, or loops inside `shield`) keeps the combinator waiting: that is the
 * price of never leaving a child behind, and debug mode reports a task that keeps swallowing
 * its cancellation.
 *
 * @module
 */

import { _claimCoroutine, _tryClaimCoroutine } from "../core/coroutine-owner.js";
import { _keepMaps } from "../core/exemplars.js";
import { CancelledError } from "../core/errors.js";
import { Future } from "../core/future.js";
import { suspend } from "../core/instruction.js";
import type { Instruction, Wait } from "../core/instruction.js";
import { _isGeneratorObject, isOperation } from "../core/operation.js";
import type { Operation } from "../core/operation.js";
import type { SettledResult } from "./gather-settled.js";
import { currentTask, getRunningLoop } from "../core/running.js";
import { shield } from "../time/shield.js";
import { Task } from "../core/task.js";
import type { Waiter } from "../core/waiter.js";
import { describeReceived } from "../core/received.js";

/** @internal `gather`: the first failure decides (and cancels the others); else every result, in order. */
export const GATHER = 0;
/** @internal `gatherSettled`: no child decides; every outcome, in order. */
export const SETTLED = 1;
/** @internal `race`: the first child to finish decides (and cancels the others). */
export const RACE = 2;
type Mode = typeof GATHER | typeof SETTLED | typeof RACE;

/** No value: nothing interrupted the wait. */
const NONE: unique symbol = Symbol("none");

/**
 * @internal The operations of a call: one Array argument stands for its elements (so 100k
 * children need no spread); each must be an Operation.
 *
 * @throws TypeError naming the position and the likely mistake.
 */
export function operationsOf(where: string, args: readonly unknown[]): readonly Operation<unknown>[] {
  const ops = args.length === 1 && Array.isArray(args[0]) ? (args[0] as readonly unknown[]) : args;
  const spread = ops === args;
  for (let index = 0; index < ops.length; index++) {
    if (!isOperation(ops[index])) throw notAnOperation(where, ops[index], index, spread);
  }
  return ops as readonly Operation<unknown>[];
}

function notAnOperation(where: string, value: unknown, index: number, spread: boolean): TypeError {
  const at = `at position ${index}`;
  if (Array.isArray(value)) {
    return new TypeError(
      `${where} was given an Array ${at}${spread ? " among other arguments" : ""}: pass one Array as the only argument, or spread it (${where.slice(0, -2)}(...ops))`,
    );
  }
  if (value instanceof Set || value instanceof Map) {
    const kind = value instanceof Set ? "Set" : "Map";
    return new TypeError(
      `${where} was given a ${kind} ${at}: pass its operations as one Array, e.g. ${where.slice(0, -2)}([...${kind.toLowerCase()}${kind === "Map" ? ".values()" : ""}])`,
    );
  }
  if (typeof (value as { then?: unknown } | null)?.then === "function") {
    return new TypeError(`${where} was given a Promise ${at}: wrap it as an Operation with fromPromise(promise)`);
  }
  if (typeof value === "function") {
    const name = value.name || "work";
    return new TypeError(
      `${where} was given a function (${value.name || "anonymous"}) ${at}: call it and pass the result, e.g. ${where.slice(0, -2)}(${name}())`,
    );
  }
  return new TypeError(`${where} needs Operations (generator objects, Futures or Tasks): received ${describeReceived(value)} ${at}`);
}

/**
 * @internal A running set of children and the task waiting for them. Created, started and
 * waited on by one combinator call.
 */
export class Children implements Wait<void> {
  /** @inheritDoc */
  readonly description: string;
  readonly #where: string;
  readonly #mode: Mode;
  // One entry per position: the Task we created, or the Future (or Task) that was passed in.
  // Duplicated one-shot operations share one Task. Invariant: once started, positions left
  // undefined are operations that never started (decided or cancelled first).
  #children: Array<Future<unknown> | undefined> = [];
  // Invariant: the number of children (distinct tasks we created, plus one per Future
  // position) that have not reported their end; the waiter is woken when it drops to 0.
  #pending = 0;
  // Whether a child's outcome is the result (gather: the first failure; race: the first to
  // finish), and which: a Future passed in, or else the task at #deciderIndex (read once every
  // child is done: an eager task may decide before _createTask has returned it). Set once.
  #decided = false;
  #deciderFuture: Future<unknown> | undefined = undefined;
  #deciderIndex = -1;
  // True once the children were asked to cancel (a decision or an interruption); from then
  // on a child that ends cancelled is no failure: we asked for it.
  #cancelling = false;
  #cancelMessage = ""; // why, once #cancelling
  // The operations, until the children are started (then empty).
  #ops: readonly Operation<unknown>[] = [];
  #started = false;
  // The error raised into the waiting task when its wait was cancelled, else NONE.
  #interrupted: unknown = NONE;
  // Either undefined or the parked waiting task's ticket.
  #waiter: Waiter<void> | undefined = undefined;
  // The done callback of Futures passed in (tasks we create report through ChildRun instead).
  readonly #onFutureDone = (future: Future<unknown>): void => {
    const cancelled = future.cancelled();
    this.#ended(-1, future, cancelled || !isFulfilled(future), cancelled);
  };

  /** The children still running (for call graphs). */
  awaiting(): Iterable<Future<unknown>> {
    return this.#children.filter((child): child is Future<unknown> => child !== undefined && !child.done());
  }

  constructor(where: string, mode: Mode, count: number) {
    this.#where = where;
    this.#mode = mode;
    this.description = `${where}: ${count} ${count === 1 ? "child" : "children"}`;
  }

  /**
   * Runs the operations as children and waits until every child is done. If the waiting task
   * is cancelled meanwhile, every child is cancelled and still awaited (inside `shield`); the
   * cancellation is reported by {@link Children.outcome}. When every operation is a done
   * Future, it does not suspend.
   */
  *run(ops: readonly Operation<unknown>[]): Generator<Instruction, void, unknown> {
    this.#ops = ops;
    if (allDoneFutures(ops)) {
      this.#start(false);
      return;
    }
    try {
      // park() starts the children; the kernel does not call it when the waiting task's scope
      // is already cancelled, so then no operation ever starts.
      yield* suspend<void>(this);
    } catch (error) {
      // Cancelled before parking (the scope was already cancelled) or while parked (abort).
      if (this.#interrupted === NONE) this.#interrupted = error;
      if (!this.#started) this.#start(true); // Futures and Tasks passed in are children all the same
      this.#cancelChildren("was cancelled", undefined);
      if (this.#pending > 0) yield* shield(suspend<void>(this));
    }
  }

  /** @internal Wait protocol: the task parks (the first time, after starting the children). */
  park(waiter: Waiter<void>): void {
    if (!this.#started) this.#start(false);
    if (this.#pending === 0) waiter.wake(undefined);
    else if (waiter.pending) this.#waiter = waiter; // (an eager child may have cancelled us meanwhile)
  }

  /** @internal Wait protocol: the waiting task was cancelled: cancel the children, withdraw. */
  abort(_waiter: Waiter<void>): boolean {
    this.#waiter = undefined;
    this.#cancelChildren("was cancelled", undefined);
    return true;
  }

  /**
   * The combinator's result once every child is done (see each combinator for the rules).
   * Every failure is marked as retrieved: the combinator took charge of it.
   */
  outcome(): unknown {
    const mode = this.#mode;
    const children = this.#children;
    const count = children.length;
    if (this.#decided) {
      retrieveFailures(children);
      // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- #deciderIndex is set with #decided, to a child's index
      const decider = this.#deciderFuture ?? children[this.#deciderIndex]!;
      return decider.result(); // race: the winner's outcome; gather: throws the failure
    }
    if (this.#interrupted !== NONE) {
      retrieveFailures(children);
      throw this.#interrupted;
    }
    const results = new Array<unknown>(count);
    if (mode === SETTLED) {
      // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- index < children.length
      for (let index = 0; index < count; index++) results[index] = settled(children[index]!);
    } else {
      // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- index < children.length
      for (let index = 0; index < count; index++) results[index] = children[index]!.result();
    }
    return results;
  }

  /**
   * @internal The child at `index` ended: record a failure or a finish that decides (and
   * cancel the others), and wake the waiting task after the last one.
   */
  _ended(index: number, failed: boolean, cancelled: boolean): void {
    this.#ended(index, undefined, failed, cancelled);
  }

  /**
   * Starts every operation as a child task (Futures and Tasks passed in are watched, not
   * re-run; a generator object passed twice runs once), or with `futuresOnly` only watches
   * the Futures and Tasks. Once the outcome is decided or the children are being cancelled
   * (an eager child that failed at once, a failed Future), operations are no longer started,
   * but every Future and Task passed in is still watched, cancelled and awaited.
   */
  #start(futuresOnly: boolean): void {
    this.#started = true;
    const ops = this.#ops;
    this.#ops = [];
    const loop = getRunningLoop();
    const count = ops.length;
    const children = (this.#children = new Array<Future<unknown> | undefined>(count));
    // Position of each one-shot operation already started, to run a duplicate once. A Map
    // (identity hashes) rather than a mark on the object: a property added to a generator
    // object gives it a new hidden class, which dies with the call and took the optimised
    // code of every caller down with it.
    const seen = new Map<Operation<unknown>, number>();
    for (let index = 0; index < count; index++) {
      // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- index < ops.length
      const op = ops[index]!;
      if (op instanceof Future) {
        children[index] = op;
        this.#pending++;
        if (op.done()) this.#onFutureDone(op);
        else {
          op.addDoneCallback(this.#onFutureDone);
          if (this.#cancelling) this.#cancelChild(op); // registered after the others were asked
        }
        continue;
      }
      if (futuresOnly || this.#decided || this.#cancelling) continue; // never starts
      // Only a generator object is one-shot; other Operations (`queue.get()`, a lock's
      // `acquire()` ...) may be shared objects that must run once per position.
      if (_isGeneratorObject(op)) {
        const first = seen.get(op);
        if (first !== undefined) {
          children[index] = children[first]; // the same generator object: share its task
          continue;
        }
        seen.set(op, index);
      }
      this.#pending++; // before the task exists: an eager task may end inside _createTask
      children[index] = loop._spawn(new ChildRun(op, this, index)); // op was checked by operationsOf
    }
  }

  /** A child ended: the task at `index`, or the Future `future` passed in. */
  #ended(index: number, future: Future<unknown> | undefined, failed: boolean, cancelled: boolean): void {
    if (!this.#decided && this.#mode !== SETTLED && this.#decides(failed, cancelled)) {
      this.#decided = true;
      this.#deciderFuture = future;
      this.#deciderIndex = index;
      this.#cancelChildren(this.#mode === RACE ? "has a winner" : "saw a child fail", future ?? this.#children[index]);
    }
    if (--this.#pending === 0) this.#wake();
  }

  #decides(failed: boolean, cancelled: boolean): boolean {
    // Interrupted before anything decided: the children were cancelled at our request, and
    // only a real error decides now (an error is never hidden behind a cancellation).
    if (this.#cancelling) return failed && !cancelled;
    return failed || this.#mode === RACE;
  }

  /** Asks every child that is not done (but `except`, the one that decided) to cancel. */
  #cancelChildren(why: string, except: Future<unknown> | undefined): void {
    if (this.#cancelling) return;
    this.#cancelling = true;
    this.#cancelMessage = `${this.#where} ${why}`;
    const children = this.#children;
    for (let index = 0; index < children.length; index++) {
      const child = children[index];
      if (child !== undefined && child !== except) this.#cancelChild(child);
    }
  }

  #cancelChild(child: Future<unknown>): void {
    if (child.done()) return;
    const message = this.#cancelMessage;
    if (child instanceof Task) child._cancelWithReason({ source: "task-group", message });
    else child.cancel(message);
  }

  #wake(): void {
    const waiter = this.#waiter;
    if (waiter === undefined) return;
    this.#waiter = undefined;
    waiter.wake(undefined);
  }
}

/**
 * @internal The coroutine of a child task: runs the operation and reports its end to the
 * gathering synchronously, from the child's last step.
 *
 * Discussion: a done callback per child (`addDoneCallback`) costs a Handle, an argument array,
 * a ready-queue entry and a pass per child; this wrapper costs one small object and a call per
 * step. It reports before the task is settled, so the gathering reads results from the tasks
 * only once the waiting task resumes (a later pass, when every task is done). The kernel calls
 * `return()` only for a task cancelled before its first step: the body never ran and the task
 * ends cancelled.
 */
class ChildRun implements Iterator<Instruction, unknown, unknown> {
  // The operation until the first step asks it for its iterator (inside the child task, so an
  // Operation whose [Symbol.iterator]() throws fails that child, not the gathering), then the
  // iterator.
  #inner: Iterator<Instruction, unknown, unknown> | Operation<unknown>;
  #started = false;
  readonly #children: Children;
  readonly #index: number;

  constructor(op: Operation<unknown>, children: Children, index: number) {
    this.#inner = op;
    this.#children = children;
    this.#index = index;
  }

  #iterator(): Iterator<Instruction, unknown, unknown> {
    if (!this.#started) {
      this.#started = true;
      // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- runs inside the child task's step
      _claimCoroutine(this.#inner, currentTask()!); // called inside the child task's step
      this.#inner = (this.#inner as Operation<unknown>)[Symbol.iterator]();
    }
    return this.#inner as Iterator<Instruction, unknown, unknown>;
  }

  [Symbol.iterator](): this {
    return this;
  }

  next(value: unknown): IteratorResult<Instruction, unknown> {
    let result: IteratorResult<Instruction, unknown>;
    try {
      result = this.#iterator().next(value);
    } catch (error) {
      this.#children._ended(this.#index, true, error instanceof CancelledError);
      throw error;
    }
    if (result.done === true) this.#children._ended(this.#index, false, false);
    return result;
  }

  throw(error: unknown): IteratorResult<Instruction, unknown> {
    let result: IteratorResult<Instruction, unknown>;
    try {
      const inner = this.#iterator();
      if (inner.throw === undefined) {
        inner.return?.(undefined);
        throw error;
      }
      result = inner.throw(error);
    } catch (thrown) {
      this.#children._ended(this.#index, true, thrown instanceof CancelledError);
      throw thrown;
    }
    if (result.done === true) this.#children._ended(this.#index, false, false);
    return result;
  }

  return(value: unknown): IteratorResult<Instruction, unknown> {
    // Only a task cancelled before its first step is closed: its body never ran. A generator
    // object is closed too, so that it cannot be started later by someone else.
    try {
      // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- runs inside the child task's step
      if (!this.#started && _tryClaimCoroutine(this.#inner, currentTask()!)) {
        (this.#inner as Partial<Iterator<Instruction, unknown, unknown>>).return?.(value);
      }
    } finally {
      this.#children._ended(this.#index, true, true);
    }
    return { done: true, value };
  }
}

/** True if every operation is a Future that is already done: nothing to wait for. */
function allDoneFutures(ops: readonly Operation<unknown>[]): boolean {
  for (let index = 0; index < ops.length; index++) {
    const op = ops[index];
    if (!(op instanceof Future) || !op.done()) return false;
  }
  return true;
}

/** Marks every failed child's error as retrieved (the combinator took charge of them). */
function retrieveFailures(children: ReadonlyArray<Future<unknown> | undefined>): void {
  for (let index = 0; index < children.length; index++) {
    const child = children[index];
    if (child !== undefined && child.done() && !child.cancelled()) child.exception();
  }
}

/** True if a done future succeeded (not `exception() !== undefined`: an error may be `undefined`). */
function isFulfilled(future: Future<unknown>): boolean {
  try {
    future.result();
    return true;
  } catch {
    return false;
  }
}

/** The outcome of one child for `gatherSettled`. */
function settled(child: Future<unknown>): SettledResult<unknown> {
  try {
    return { status: "fulfilled", value: child.result() };
  } catch (reason) {
    return { status: "rejected", reason };
  }
}

// See exemplars.ts: keep the shapes of the per-call objects alive between calls.
const exemplar = new Children("gather()", GATHER, 0);
_keepMaps(exemplar, new ChildRun([], exemplar, 0));
