/**
 * `gatherSettled`: run operations concurrently and collect every outcome, success or failure
 * (`Promise.allSettled` for coroutines).
 *
 * @module
 */

import { Children, SETTLED, operationsOf } from "./children.js";
import type { OperationResult } from "./gather.js";
import type { Instruction } from "../core/instruction.js";
import type { Operation } from "../core/operation.js";

/**
 * The outcome of one child of {@link gatherSettled}: its value, or why it failed (a cancelled
 * child is rejected with its `CancelledError`).
 *
 * @typeParam T - the child's result type.
 * @example
 * ```ts
 * const [outcome] = yield* gatherSettled(fetchPage(url));
 * if (outcome.status === "fulfilled") console.log(outcome.value.length);
 * else console.log(`failed: ${String(outcome.reason)}`);
 * ```
 */
export type SettledResult<T> = Fulfilled<T> | Rejected;

/**
 * A child of {@link gatherSettled} that returned a value.
 *
 * @typeParam T - the child's result type.
 * @example
 * ```ts
 * const ok: Fulfilled<number> = { status: "fulfilled", value: 1 };
 * ```
 */
export interface Fulfilled<T> {
  /** The discriminant. */
  readonly status: "fulfilled";
  /** What the child returned. */
  readonly value: T;
}

/**
 * A child of {@link gatherSettled} that threw or was cancelled.
 *
 * @example
 * ```ts
 * const failed: Rejected = { status: "rejected", reason: new Error("boom") };
 * ```
 */
export interface Rejected {
  /** The discriminant. */
  readonly status: "rejected";
  /** What the child threw (a `CancelledError` if it was cancelled). */
  readonly reason: unknown;
}

/**
 * The results of {@link gatherSettled} for a tuple (or array) of operations: the same shape,
 * each element a {@link SettledResult} of its operation's result.
 *
 * @typeParam Ops - the operations' types.
 * @example
 * ```ts
 * type Outcomes = SettledResults<[Coroutine<number>]>; // [SettledResult<number>]
 * ```
 */
export type SettledResults<Ops extends readonly Operation<unknown>[]> = {
  -readonly [K in keyof Ops]: SettledResult<OperationResult<Ops[K]>>;
};

/**
 * Runs the operations concurrently, each as a child task, and returns every outcome in
 * argument order: `{ status: "fulfilled", value }` or `{ status: "rejected", reason }`. It
 * never throws for a child; a cancelled child is rejected with its `CancelledError`. One Array
 * argument is the same as spreading it; Futures and Tasks passed in are awaited, not re-run.
 *
 * **Cancellation:** cancelling the awaiting task cancels every child (Tasks passed in
 * included), waits for all of them, then raises `CancelledError`; the outcomes are dropped.
 *
 * @throws TypeError (when it starts, before any child runs) if an argument is not an Operation.
 * @example
 * ```ts
 * const outcomes = yield* gatherSettled(urls.map((url) => fetchPage(url)));
 * const failed = outcomes.filter((o) => o.status === "rejected").length;
 * ```
 */
export function gatherSettled<const Ops extends readonly Operation<unknown>[]>(
  ops: Ops,
): Generator<Instruction, SettledResults<Ops>, unknown>;
export function gatherSettled<Ops extends readonly Operation<unknown>[]>(...ops: Ops): Generator<Instruction, SettledResults<Ops>, unknown>;
export function* gatherSettled(...args: readonly unknown[]): Generator<Instruction, unknown[], unknown> {
  const ops = operationsOf("gatherSettled()", args);
  if (ops.length === 0) return [];
  const children = new Children("gatherSettled()", SETTLED, ops.length);
  yield* children.run(ops);
  return children.outcome() as unknown[];
}
