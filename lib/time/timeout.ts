/**
 * Time limits: `timeout`, `timeoutAt`, `moveOnAfter`, `moveOnAt`, all one cancel scope with a
 * deadline (Trio's `fail_after` / `move_on_after`, asyncio's `timeout`).
 *
 * On expiry the scope is cancelled; once the body has unwound, the scope absorbs its
 * `CancelledError` and we either throw `TimeoutError` (its `cause` is that error) or return
 * `undefined`. Nested limits that expire together: only the outermost expired scope absorbs,
 * so only it converts (see `cancel-scope.ts`). A body that returns normally, even after
 * expiry (it swallowed the cancellation, or ran shielded), returns its value.
 *
 * @module
 */

import { CancelScope } from "../core/cancel-scope.js";
import { InvalidStateError, TimeoutError } from "../core/errors.js";
import type { Instruction } from "../core/instruction.js";
import type { Operation } from "../core/operation.js";
import { checkOperation } from "../core/operation.js";
import { getRunningLoop } from "../core/running.js";

/**
 * A body of a time limit: an Operation, or a function of the {@link Timeout} returning one.
 *
 * @example
 * ```ts
 * const body: TimeoutBody<string> = (t) => fetchPage(url, t);
 * yield* timeout(1000, body);
 * ```
 */
export type TimeoutBody<T> = Operation<T> | ((timeout: Timeout) => Operation<T>);

/**
 * The handle a time-limited body receives: read, move or disable its deadline.
 *
 * @example
 * ```ts
 * yield* timeout(100, function* (t) {
 *   yield* connect();
 *   t.reschedule(getRunningLoop().time() + 1000); // more time once connected
 *   yield* download();
 * });
 * ```
 */
export class Timeout {
  readonly #scope: CancelScope;

  /** @internal Created by the time-limit functions. */
  constructor(scope: CancelScope) {
    this.#scope = scope;
  }

  /** The deadline in absolute loop time (milliseconds), or `null` when disabled. */
  when(): number | null {
    const deadline = this.#scope.deadline;
    return deadline === Number.POSITIVE_INFINITY ? null : deadline;
  }

  /**
   * Moves the deadline (absolute loop time, ms); `null` disables it. A deadline in the past
   * cancels the body at its next suspension.
   *
   * @param whenMs - the new deadline, in milliseconds of loop time (as `loop.time()`), or `null`.
   * @throws {@link InvalidStateError} once the time limit has finished.
   */
  reschedule(whenMs: number | null): void {
    if (this.#scope._exited) {
      throw new InvalidStateError("Timeout.reschedule() was called after the time limit finished: reschedule only inside its body");
    }
    if (whenMs !== null) checkMs("Timeout.reschedule()", "whenMs", whenMs);
    this.#scope.deadline = whenMs ?? Number.POSITIVE_INFINITY;
  }

  /** True once the deadline passed while the body was running (whether or not this limit converted). */
  expired(): boolean {
    return this.#scope._deadlineExpired;
  }
}

function checkMs(where: string, name: string, value: unknown): void {
  if (typeof value !== "number") throw new TypeError(`${where} needs ${name} as a number of ms or null: received ${typeof value}`);
  if (Number.isNaN(value)) throw new RangeError(`${where} needs ${name} as a number of ms or null: received NaN`);
}

/** @internal How a time limit's deadline is given: relative to when it starts, or absolute. */
export type DeadlineKind = "after" | "at";

/**
 * @internal The shared engine: run `body` in a scope with a deadline; on expiry throw or
 * return undefined. The deadline is read (and checked) when the operation starts, not when it
 * is built. `atOnce` (waitFor's rules) takes over a relative limit of 0 ms or less, and
 * means `body` must be an Operation.
 *
 * Discussion: the public functions return this generator itself instead of delegating to it
 * from a generator of their own: each generator between a task and its innermost suspension
 * costs stack frames on every resume, and one level fewer per time limit lets about a third
 * more of them nest (docs/semantics.md gives the depths).
 */
export function* withDeadline<T>(
  kind: DeadlineKind,
  ms: number | null,
  body: TimeoutBody<T>,
  label: string,
  onExpiry: "throw" | "return",
  atOnce?: (body: Operation<T>, label: string) => Generator<Instruction, T, unknown>,
): Generator<Instruction, T | undefined, unknown> {
  const where = `${label.slice(0, label.indexOf("("))}()`;
  if (ms !== null) checkMs(where, atOnce !== undefined ? "timeoutMs" : kind === "after" ? "delayMs" : "whenMs", ms);
  // waitFor (the caller with `atOnce`) takes an Operation only, never a body function.
  if (typeof body !== "function" || atOnce !== undefined) checkOperation(where, body);
  if (atOnce !== undefined && kind === "after" && ms !== null && ms <= 0) return yield* atOnce(body as Operation<T>, label);
  const whenMs = ms === null ? Number.POSITIVE_INFINITY : kind === "after" ? getRunningLoop().time() + ms : ms;
  const scope = new CancelScope({ deadline: whenMs });
  scope._label = label;
  const handle = new Timeout(scope);
  const result = yield* scope.run(typeof body === "function" ? () => body(handle) : body);
  // Only the deadline can cancel this private scope, so a caught cancellation is an expiry.
  if (scope.cancelledCaught && onExpiry === "throw") {
    throw new TimeoutError(`${label} expired: the operation did not finish before its deadline`, { cause: scope._caughtError });
  }
  return result;
}

/**
 * Runs `body` with a time limit of `delayMs` ms (`null`: none). On expiry the body is
 * cancelled and, once it has unwound, `TimeoutError` is thrown. A zero or negative delay means
 * "now" (as asyncio's `timeout(-5)`): the body starts and is cancelled at its first suspension.
 *
 * **Cancellation:** expiry cancels the body (every suspension in it raises `CancelledError`
 * until it unwinds). Errors of the body pass through unchanged; cancellation from outside
 * propagates as `CancelledError`; a body that returns normally returns its value.
 *
 * @param delayMs - the time limit in milliseconds of loop time, counted from when the operation starts;
 *   `<= 0`: expired already; `null`: no limit.
 * @param body - an Operation, or a function of the {@link Timeout} returning one.
 * @throws {@link TimeoutError} on expiry; TypeError/RangeError for a bad delay.
 * @example
 * ```ts
 * try {
 *   const page = yield* timeout(5000, fetchPage(url));
 * } catch (error) {
 *   if (!(error instanceof TimeoutError)) throw error;
 * }
 * ```
 */
export function timeout<T>(delayMs: number | null, body: TimeoutBody<T>): Generator<Instruction, T, unknown> {
  return withDeadline("after", delayMs, body, `timeout(${delayMs})`, "throw") as Generator<Instruction, T, unknown>;
}

/**
 * Like {@link timeout}, with an absolute deadline in loop time (`null`: none). A deadline in
 * the past cancels the body at its first suspension.
 *
 * **Cancellation:** as {@link timeout}.
 *
 * @param whenMs - the deadline in milliseconds of loop time (as `loop.time()`); `null`: none.
 * @param body - an Operation, or a function of the {@link Timeout} returning one.
 * @example
 * ```ts
 * const deadline = getRunningLoop().time() + 60_000;
 * for (const url of urls) yield* timeoutAt(deadline, fetchPage(url)); // one budget for all
 * ```
 */
export function timeoutAt<T>(whenMs: number | null, body: TimeoutBody<T>): Generator<Instruction, T, unknown> {
  return withDeadline("at", whenMs, body, `timeoutAt(${whenMs})`, "throw") as Generator<Instruction, T, unknown>;
}

/**
 * Runs `body` with a time limit of `delayMs` ms; on expiry the body is cancelled and
 * `undefined` is returned instead of throwing (Trio's `move_on_after`). A zero or negative
 * delay means "now": the body starts and is cancelled at its first suspension.
 *
 * **Cancellation:** as {@link timeout}, but expiry is not an error.
 *
 * @param delayMs - the time limit in milliseconds of loop time, counted from when the operation starts;
 *   `<= 0`: expired already; `null`: no limit.
 * @param body - an Operation, or a function of the {@link Timeout} returning one.
 * @example
 * ```ts
 * const reply = yield* moveOnAfter(1000, readReply()); // undefined after 1 s
 * ```
 */
export function moveOnAfter<T>(delayMs: number | null, body: TimeoutBody<T>): Generator<Instruction, T | undefined, unknown> {
  return withDeadline("after", delayMs, body, `moveOnAfter(${delayMs})`, "return");
}

/**
 * Like {@link moveOnAfter}, with an absolute deadline in loop time. A deadline in the past
 * cancels the body at its first suspension.
 *
 * **Cancellation:** as {@link moveOnAfter}.
 *
 * @param whenMs - the deadline in milliseconds of loop time (as `loop.time()`); `null`: none.
 * @param body - an Operation, or a function of the {@link Timeout} returning one.
 * @example
 * ```ts
 * const reply = yield* moveOnAt(getRunningLoop().time() + 1000, readReply());
 * ```
 */
export function moveOnAt<T>(whenMs: number | null, body: TimeoutBody<T>): Generator<Instruction, T | undefined, unknown> {
  return withDeadline("at", whenMs, body, `moveOnAt(${whenMs})`, "return");
}
