/**
 * `CapacityLimiter` (Trio's): a semaphore whose tokens are borrowed by someone (a task, or any
 * object on whose behalf one acts), so that nobody borrows twice and nobody returns a token
 * they do not hold, and whose size can change while it is in use.
 *
 * How nothing is lost (the hand-off rule of `wait-queue.ts`): a release with borrowers waiting
 * hands its token to the first of them in the same step (the borrower is recorded then), so a
 * newcomer never takes it ahead of a woken waiter; a waiter cancelled after the hand-off still
 * holds the token (its `using` gives it back at its next suspension).
 *
 * @module
 */

import { InvalidStateError } from "../core/errors.js";
import { SuspendInstruction } from "../core/instruction.js";
import type { Instruction, Wait } from "../core/instruction.js";
import type { Operation } from "../core/operation.js";
import { describeReceived } from "../core/received.js";
import { currentTask } from "../core/running.js";
import type { Waiter } from "../core/waiter.js";
import { WaitQueue, WOKEN } from "./wait-queue.js";

/**
 * Raised by `acquireNowait()` and `acquireOnBehalfOfNowait()` when no token is free (Trio's
 * `WouldBlock`).
 *
 * @example
 * ```ts
 * try {
 *   using _ = limiter.acquireNowait();
 *   work();
 * } catch (error) {
 *   if (!(error instanceof WouldBlock)) throw error;
 * }
 * ```
 */
export class WouldBlock extends Error {
  static {
    this.prototype.name = "WouldBlock";
  }
}

/**
 * What {@link CapacityLimiter.statistics} reports.
 *
 * @example
 * ```ts
 * const { borrowedTokens, tasksWaiting } = limiter.statistics();
 * ```
 */
export interface CapacityLimiterStatistics {
  /** Tokens borrowed now. */
  readonly borrowedTokens: number;
  /** The limiter's size. */
  readonly totalTokens: number;
  /** Who holds a token, in the order they got it. */
  readonly borrowers: readonly unknown[];
  /** How many wait for a token. */
  readonly tasksWaiting: number;
}

/**
 * A limit on how many may do something at once, with owners (Trio's `CapacityLimiter`):
 * `acquire()` borrows a token for the current task, `acquireOnBehalfOf(borrower)` for any
 * object (a connection, a job id), waiting while all `totalTokens` are borrowed. A borrower
 * holds at most one token: borrowing twice is an error, and so is releasing a token one does
 * not hold. `totalTokens` can be changed at any time: more tokens wake waiters at once; fewer
 * take effect as tokens come back. Fair: waiters get tokens in arrival order.
 *
 * **Cancellation:** as `Semaphore`: a waiter cancelled while it waits is withdrawn and holds
 * nothing; one cancelled after a token was handed to it holds the token (the grant's
 * `using` gives it back).
 *
 * @example
 * ```ts
 * const downloads = new CapacityLimiter(4);
 * function* download(url: string): Coroutine<Uint8Array> {
 *   using _ = yield* downloads.acquire(); // at most 4 at once
 *   return yield* fetchBytes(url);
 * }
 * downloads.totalTokens = 8; // more bandwidth: 4 more start at once
 * ```
 */
export class CapacityLimiter {
  #total: number;
  // Invariant: #borrowers.size ≤ #total, or tokens were taken away (#total lowered) and no
  // waiter is woken until it is again; and while a token is free (size < total) no waiter is
  // parked (a release or a raise hands free tokens to the first waiters at once).
  readonly #borrowers = new Set<unknown>();
  readonly #waiters = new WaitQueue<typeof WOKEN>(true); // payload: the borrower

  /**
   * @param totalTokens - how many may borrow at once: an integer ≥ 1, or `Infinity`.
   * @throws TypeError for a non-number; RangeError for a value below 1 or a fraction.
   */
  constructor(totalTokens: number) {
    checkTotal("CapacityLimiter()", totalTokens);
    this.#total = totalTokens;
  }

  /** How many may borrow at once. Setting it wakes as many waiters as there are new tokens. */
  get totalTokens(): number {
    return this.#total;
  }

  /**
   * Changes how many may borrow at once: more tokens go to waiters at once; fewer take effect
   * as borrowed tokens come back (none is taken away).
   *
   * @throws TypeError for a non-number; RangeError for a value below 1 or a fraction.
   */
  set totalTokens(value: number) {
    checkTotal("CapacityLimiter.totalTokens", value);
    this.#total = value;
    this.#handOut();
  }

  /** Tokens borrowed now. */
  get borrowedTokens(): number {
    return this.#borrowers.size;
  }

  /** Tokens free now (0 while more are borrowed than the total, after it was lowered). */
  get availableTokens(): number {
    return Math.max(0, this.#total - this.#borrowers.size);
  }

  /**
   * Borrows a token for the current task, waiting while none is free. Resolves to a
   * `Disposable` that gives it back (`using _ = yield* limiter.acquire()`).
   *
   * **Cancellation:** while waiting: withdrawn, `CancelledError`, no token taken. After a token
   * was handed over: it is held, and the cancellation is raised at the next suspension.
   *
   * @throws {@link InvalidStateError} if the task holds a token already, or outside a task.
   * @example
   * ```ts
   * using _ = yield* limiter.acquire();
   * ```
   */
  acquire(): Operation<Disposable> {
    return new BorrowOperation(this, undefined);
  }

  /**
   * Borrows a token on behalf of `borrower` (any value: a connection, a job id), waiting while
   * none is free.
   *
   * **Cancellation:** as {@link CapacityLimiter.acquire}.
   *
   * @throws {@link InvalidStateError} if `borrower` holds a token already.
   * @example
   * ```ts
   * yield* limiter.acquireOnBehalfOf(connection);
   * ```
   */
  acquireOnBehalfOf(borrower: unknown): Operation<Disposable> {
    return new BorrowOperation(this, { borrower });
  }

  /**
   * Borrows a token for the current task without waiting.
   *
   * @throws {@link WouldBlock} if none is free; {@link InvalidStateError} if the task holds one
   *   already, or outside a task.
   * @example
   * ```ts
   * using _ = limiter.acquireNowait();
   * ```
   */
  acquireNowait(): Disposable {
    return this.acquireOnBehalfOfNowait(requireTask("CapacityLimiter.acquireNowait()"));
  }

  /**
   * Borrows a token on behalf of `borrower` without waiting.
   *
   * @throws {@link WouldBlock} if none is free; {@link InvalidStateError} if `borrower` holds one.
   * @example
   * ```ts
   * limiter.acquireOnBehalfOfNowait(jobId);
   * ```
   */
  acquireOnBehalfOfNowait(borrower: unknown): Disposable {
    if (!this._tryBorrow(borrower)) {
      throw new WouldBlock(`CapacityLimiter: all ${this.#total} tokens are borrowed: use yield* acquire() to wait for one`);
    }
    return this._grant(borrower);
  }

  /**
   * Gives back the current task's token: to the first waiter, if any.
   *
   * @throws {@link InvalidStateError} if the task holds none, or outside a task.
   * @example
   * ```ts
   * limiter.release();
   * ```
   */
  release(): void {
    this.releaseOnBehalfOf(requireTask("CapacityLimiter.release()"));
  }

  /**
   * Gives back the token of `borrower`: to the first waiter, if any.
   *
   * @throws {@link InvalidStateError} if `borrower` holds none.
   * @example
   * ```ts
   * limiter.releaseOnBehalfOf(connection);
   * ```
   */
  releaseOnBehalfOf(borrower: unknown): void {
    if (!this.#borrowers.delete(borrower)) {
      throw new InvalidStateError(`CapacityLimiter: ${describeBorrower(borrower)} holds no token to release`);
    }
    this.#handOut();
  }

  /**
   * Who holds tokens, and how many wait.
   *
   * @example
   * ```ts
   * console.log(limiter.statistics().borrowers);
   * ```
   */
  statistics(): CapacityLimiterStatistics {
    return {
      borrowedTokens: this.#borrowers.size,
      totalTokens: this.#total,
      borrowers: [...this.#borrowers],
      tasksWaiting: this.#waiters.size,
    };
  }

  /** @internal Takes a token for `borrower` if one is free and nobody waits (no barging). */
  _tryBorrow(borrower: unknown): boolean {
    if (this.#borrowers.has(borrower)) {
      throw new InvalidStateError(`CapacityLimiter: ${describeBorrower(borrower)} holds a token already: a borrower holds at most one`);
    }
    if (this.#waiters.size > 0 || this.#borrowers.size >= this.#total) return false;
    this.#borrowers.add(borrower);
    return true;
  }

  /** @internal Parks `waiter` for a token on behalf of `borrower`. */
  _park(waiter: Waiter<typeof WOKEN>, borrower: unknown): void {
    this.#waiters.push(waiter, borrower);
  }

  /** @internal Withdraws a parked waiter (its task was cancelled before a token reached it). */
  _withdraw(waiter: Waiter<typeof WOKEN>): void {
    this.#waiters.withdraw(waiter);
  }

  /** @internal The Disposable that gives `borrower`'s token back, once. */
  _grant(borrower: unknown): Disposable {
    let held = true;
    return {
      [Symbol.dispose]: () => {
        if (!held) throw new InvalidStateError("a CapacityLimiter grant was disposed twice: each acquire gives its token back once");
        held = false;
        this.releaseOnBehalfOf(borrower);
      },
    };
  }

  /** Hands free tokens to the first waiters, recording each borrower before waking it. */
  #handOut(): void {
    const waiters = this.#waiters;
    while (this.#borrowers.size < this.#total) {
      const waiter = waiters.peek();
      if (waiter === undefined) return;
      const borrower = waiters.peekPayload();
      waiters.shift();
      if (!waiter.pending) continue; // withdrawn: its task left
      this.#borrowers.add(borrower);
      waiter.wake(WOKEN);
    }
  }
}

/** One `acquire()`: its own iterator and Wait (a borrower per call). */
class BorrowOperation implements Operation<Disposable>, Iterator<Instruction, Disposable, unknown>, Wait<typeof WOKEN> {
  readonly #limiter: CapacityLimiter;
  #borrower: { readonly borrower: unknown } | undefined; // undefined: the task, known at the first step

  constructor(limiter: CapacityLimiter, borrower: { readonly borrower: unknown } | undefined) {
    this.#limiter = limiter;
    this.#borrower = borrower;
  }

  get description(): string {
    return "capacityLimiter.acquire()";
  }

  next(resumed?: unknown): IteratorResult<Instruction, Disposable> {
    const borrower = (this.#borrower ??= { borrower: requireTask("CapacityLimiter.acquire()") }).borrower;
    if (resumed === WOKEN || this.#limiter._tryBorrow(borrower)) return { done: true, value: this.#limiter._grant(borrower) };
    return { done: false, value: new SuspendInstruction(this) };
  }

  throw(error: unknown): IteratorResult<Instruction, Disposable> {
    throw error;
  }

  return(value?: unknown): IteratorResult<Instruction, Disposable> {
    return { done: true, value: value as Disposable };
  }

  [Symbol.iterator](): this {
    return this;
  }

  park(waiter: Waiter<typeof WOKEN>): void {
    this.#limiter._park(waiter, (this.#borrower as { readonly borrower: unknown }).borrower);
  }

  abort(waiter: Waiter<typeof WOKEN>): boolean {
    this.#limiter._withdraw(waiter);
    return true;
  }
}

function requireTask(where: string): unknown {
  const task = currentTask();
  if (task === undefined) throw new InvalidStateError(`${where} must run inside a task (or use the OnBehalfOf form with a borrower)`);
  return task;
}

function checkTotal(where: string, value: unknown): asserts value is number {
  if (typeof value !== "number") throw new TypeError(`${where} needs a number of tokens: received ${describeReceived(value)}`);
  if (value !== Number.POSITIVE_INFINITY && (!Number.isInteger(value) || value < 1)) {
    throw new RangeError(`${where} needs an integer ≥ 1 or Infinity: received ${value}`);
  }
}

function describeBorrower(borrower: unknown): string {
  const name = (borrower as { name?: unknown } | null)?.name;
  return typeof name === "string" ? `task ${name}` : `borrower ${String(borrower)}`;
}
