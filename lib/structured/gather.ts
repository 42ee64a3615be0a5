/**
 * `gather`: run operations concurrently and collect every result, in argument order.
 *
 * @module
 */

import { Children, GATHER, operationsOf } from "./children.js";
import type { Instruction } from "../core/instruction.js";
import type { Operation } from "../core/operation.js";

/**
 * What an Operation returns with `yield*`: `OperationResult<Coroutine<number>>` is `number`.
 *
 * @typeParam O - an Operation type (a generator, a Future, a Task ...).
 * @example
 * ```ts
 * type Page = OperationResult<ReturnType<typeof fetchPage>>;
 * ```
 */
export type OperationResult<O> = O extends Operation<infer T> ? T : never;

/**
 * The results of {@link gather} for a tuple (or array) of operations: the same shape, each
 * element its operation's result.
 *
 * @typeParam Ops - the operations' types.
 * @example
 * ```ts
 * type Results = GatherResults<[Coroutine<number>, Task<string>]>; // [number, string]
 * ```
 */
export type GatherResults<Ops extends readonly Operation<unknown>[]> = {
  -readonly [K in keyof Ops]: OperationResult<Ops[K]>;
};

/**
 * Runs the operations concurrently, each as a child task, and returns their results in
 * argument order (a tuple type for a tuple of arguments). One Array argument is the same as
 * spreading it, so a gather of 100k children needs no spread. `gather()` returns `[]`.
 *
 * Futures and Tasks passed in are awaited, not run again; a Task (or a generator object)
 * passed twice runs once and its result fills both positions. Other Operations are run once
 * per position (`gather(queue.get(), queue.get())` gets two items).
 *
 * Unlike asyncio's `gather`, the first failure does not leave the others running: on the first
 * failure (an error, or a child cancelled by someone else) the other children are cancelled
 * and awaited, then that failure is thrown. Later errors of the cancelled children are
 * dropped; use {@link taskGroup} to see every error.
 *
 * **Cancellation:** if the awaiting task is cancelled, every child (Tasks passed in included)
 * is cancelled and awaited; then `gather` raises `CancelledError`, unless a child failed with
 * a real error first, which is raised instead (an error is never hidden behind a
 * cancellation). A gather that completes without waiting (every argument a done Future) does
 * not suspend.
 *
 * @throws TypeError (when it starts, before any child runs) if an argument is not an
 *   Operation, with the likely mistake: a Promise, a function, a nested Array.
 * @example
 * ```ts
 * const [user, posts] = yield* gather(fetchUser(id), fetchPosts(id)); // [User, Post[]]
 * const pages = yield* gather(urls.map((url) => fetchPage(url)));     // string[]
 * ```
 */
export function gather<const Ops extends readonly Operation<unknown>[]>(ops: Ops): Generator<Instruction, GatherResults<Ops>, unknown>;
export function gather<Ops extends readonly Operation<unknown>[]>(...ops: Ops): Generator<Instruction, GatherResults<Ops>, unknown>;
export function* gather(...args: readonly unknown[]): Generator<Instruction, unknown[], unknown> {
  const ops = operationsOf("gather()", args);
  if (ops.length === 0) return [];
  const children = new Children("gather()", GATHER, ops.length);
  yield* children.run(ops);
  return children.outcome() as unknown[];
}
