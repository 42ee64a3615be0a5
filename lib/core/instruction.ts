/**
 * The trap protocol: the closed set of instructions a coroutine can yield to the kernel.
 *
 * Coroutines never touch the loop. They `yield` one of these objects (always through a
 * yieldio function used with `yield*`), and the task that runs them interprets it in
 * `Task#step`, the only place where a coroutine is resumed. Each instruction carries a
 * human-readable description (`sleep(100)`, `queue.get()`) for traces and task dumps.
 * Anything else yielded is thrown back into the coroutine as a diagnosed `TypeError`
 * (see `diagnose-yield.ts`).
 *
 * - `yield-now`: give way for exactly one pass;
 * - `sleep`: resume after a delay, on the loop's timer heap;
 * - `await`: resume when a Future is done;
 * - `suspend`: park on a {@link Wait} that a primitive (lock, queue ...) completes later;
 * - `current-task`: no suspension, returns the running Task.
 *
 * @module
 */

import { _captureStack } from "./debug-stacks.js";
import type { Future } from "./future.js";
import type { Task } from "./task.js";
import type { Waiter } from "./waiter.js";

/** The common base of every instruction: the brand the kernel checks with `instanceof`. */
abstract class Trap {
  /** The discriminant of the {@link Instruction} union. */
  abstract readonly kind: Instruction["kind"];
  /** What the coroutine is waiting for, for humans (`sleep(100)`). */
  abstract readonly description: string;

  constructor() {
    // An instruction is made while the coroutine that yields it runs (inside `yield*`), so its
    // stack holds the coroutine's frames: in debug mode it is kept for call graphs.
    if (_trapStacks.capture) _trapStacks.byTrap.set(this, _captureStack("suspended here"));
  }
}

/**
 * @internal Debug mode's record of where instructions were made (see `Trap`): `capture` is on
 * while a loop in debug mode runs.
 */
export const _trapStacks: { capture: boolean; readonly byTrap: WeakMap<object, string> } = { capture: false, byTrap: new WeakMap() };

/** @internal True for objects of the instruction set. */
export function isInstruction(value: unknown): value is Instruction {
  return value instanceof Trap;
}

/**
 * Give way to every other ready callback for exactly one pass of the loop.
 *
 * @example
 * ```ts
 * yield YIELD_NOW; // what yieldNow() does
 * ```
 */
export class YieldNowInstruction extends Trap {
  /** @inheritDoc */
  readonly kind = "yield-now" as const;
  /** @inheritDoc */
  readonly description = "yieldNow()";
}

/**
 * The single yield-now instruction: it carries no state, so one object serves every task.
 *
 * @example
 * ```ts
 * yield YIELD_NOW; // one pass, like yield* yieldNow()
 * ```
 */
export const YIELD_NOW: YieldNowInstruction = new YieldNowInstruction();

/**
 * Resume after `delayMs` milliseconds of loop time with `value`.
 *
 * @example
 * ```ts
 * const value = yield new SleepInstruction(100, "done"); // what sleep(100, "done") does
 * ```
 */
export class SleepInstruction extends Trap {
  /** @inheritDoc */
  readonly kind = "sleep" as const;
  /** Milliseconds of loop time to wait; `<= 0` waits one pass and arms no timer. */
  readonly delayMs: number;
  /** The value the suspension resumes with. */
  readonly value: unknown;

  /**
   * @param delayMs - milliseconds of loop time to wait.
   * @param value - the value to resume with.
   */
  constructor(delayMs: number, value: unknown) {
    super();
    this.delayMs = delayMs;
    this.value = value;
  }

  /** @inheritDoc */
  get description(): string {
    return `sleep(${this.delayMs})`;
  }
}

/**
 * Resume when `future` is done, with its result or error. With `cancelsTarget`, cancelling the
 * waiting task cancels the future too (asyncio's `await`); without it the wait is simply
 * withdrawn (what `wait()`, `shield()` and friends need).
 *
 * Discussion: the instruction is also the iterator behind `yield* future`, and a stateless
 * one: `next()` answers "done, with the result" when the future is done, else "yield me".
 * The kernel resumes an await only once its future is done, so the second `next()` always
 * finds it done; no generator is allocated per `yield*`, which matters for joins of 100k
 * tasks.
 *
 * @example
 * ```ts
 * const value = yield new AwaitInstruction(future, true); // what yield* future does
 * ```
 */
export class AwaitInstruction extends Trap implements Iterator<Instruction, unknown, unknown> {
  /** @inheritDoc */
  readonly kind = "await" as const;
  /** The future waited on. */
  readonly future: Future<unknown>;
  /** Whether aborting the wait cancels the future. */
  readonly cancelsTarget: boolean;

  constructor(future: Future<unknown>, cancelsTarget: boolean) {
    super();
    this.future = future;
    this.cancelsTarget = cancelsTarget;
  }

  /** @inheritDoc */
  get description(): string {
    return this.future._describe();
  }

  /** The iterator protocol of `yield* future`: the result once done, else this instruction. */
  next(): IteratorResult<Instruction, unknown> {
    const future = this.future;
    return future.done() ? { done: true, value: future.result() } : { done: false, value: this };
  }

  /** An error thrown into `yield* future` propagates. */
  throw(error: unknown): IteratorResult<Instruction, unknown> {
    throw error;
  }

  /** Closing `yield* future` does nothing to the future. */
  return(value?: unknown): IteratorResult<Instruction, unknown> {
    return { done: true, value };
  }

  /** Makes the instruction iterable as well (so it can be used with `yield*`). */
  [Symbol.iterator](): this {
    return this;
  }
}

/**
 * A wait that a primitive (a lock, a queue, a semaphore ...) completes later, through the
 * {@link Waiter} it is handed. This is how code outside the kernel suspends a task.
 *
 * The protocol: `park(waiter)` records the waiter (or completes it at once); later the
 * primitive calls `waiter.wake(value)` or `waiter.fail(error)` exactly once. When the waiting
 * task is cancelled, the kernel calls `abort(waiter)` while the waiter is still pending:
 * return `true` if the wait was withdrawn (the task then raises `CancelledError`), or `false`
 * if the wait will still complete by itself (the task then gets that real result, and the
 * cancellation is raised at its next suspension). Without `abort`, the wait is withdrawn and
 * a later `wake` is ignored.
 *
 * @typeParam T - the value the suspension resumes with.
 * @example
 * ```ts
 * const wait: Wait<string> = {
 *   description: "mailbox.get()",
 *   park: (waiter) => mailbox.waiters.push(waiter),
 *   abort: (waiter) => (mailbox.waiters.splice(mailbox.waiters.indexOf(waiter), 1), true),
 * };
 * const letter = yield* suspend(wait);
 * ```
 */
export interface Wait<T> {
  /** What the task is waiting for, for humans (`queue.get()`). */
  readonly description: string;
  /** Records the waiter; may wake it at once. */
  park(waiter: Waiter<T>): void;
  /** Withdraws a pending waiter (`true`) or lets it complete by itself (`false`). */
  abort?(waiter: Waiter<T>): boolean;
  /** The futures and tasks this wait waits for, if it waits for some (for call graphs). */
  awaiting?(): Iterable<Future<unknown>>;
}

/**
 * Park on a {@link Wait}.
 *
 * @example
 * ```ts
 * const value = yield new SuspendInstruction(wait); // what suspend(wait) does
 * ```
 */
export class SuspendInstruction extends Trap {
  /** @inheritDoc */
  readonly kind = "suspend" as const;
  /** The wait to park on. */
  readonly wait: Wait<unknown>;

  constructor(wait: Wait<unknown>) {
    super();
    this.wait = wait;
  }

  /** @inheritDoc */
  get description(): string {
    return this.wait.description;
  }
}

/**
 * Return the running Task without suspending.
 *
 * @example
 * ```ts
 * const task = (yield CURRENT_TASK) as Task<unknown>;
 * ```
 */
export class CurrentTaskInstruction extends Trap {
  /** @inheritDoc */
  readonly kind = "current-task" as const;
  /** @inheritDoc */
  readonly description = "currentTask()";
}

/**
 * The single current-task instruction.
 *
 * @example
 * ```ts
 * const task = (yield CURRENT_TASK) as Task<unknown>;
 * ```
 */
export const CURRENT_TASK: CurrentTaskInstruction = new CurrentTaskInstruction();

/**
 * Every instruction a coroutine may yield to the kernel (a closed, discriminated union).
 *
 * @example
 * ```ts
 * function describe(instruction: Instruction): string {
 *   return `${instruction.kind}: ${instruction.description}`;
 * }
 * ```
 */
export type Instruction = YieldNowInstruction | SleepInstruction | AwaitInstruction | SuspendInstruction | CurrentTaskInstruction;

/**
 * Suspends the current task on a {@link Wait}: the building block of locks, queues and every
 * other primitive that is not part of the kernel.
 *
 * **Cancellation:** if the task's scope is cancelled while parked, `wait.abort(waiter)` is
 * called; see {@link Wait} for the protocol. If the scope is already cancelled when `suspend`
 * is reached, `park` is never called and `CancelledError` is raised on the next pass.
 *
 * @example
 * ```ts
 * function* nextLetter(): Coroutine<string> {
 *   return yield* suspend<string>({ description: "mailbox.get()", park: (w) => waiters.push(w) });
 * }
 * ```
 */
export function* suspend<T>(wait: Wait<T>): Generator<Instruction, T, unknown> {
  return (yield new SuspendInstruction(wait)) as T;
}

/**
 * The running Task, as an Operation (the trap form of {@link currentTask}).
 *
 * **Cancellation:** it does not suspend, so it never raises `CancelledError`.
 *
 * @example
 * ```ts
 * const me = yield* getCurrentTask();
 * ```
 */
export function* getCurrentTask(): Generator<Instruction, Task<unknown>, unknown> {
  return (yield CURRENT_TASK) as Task<unknown>;
}
