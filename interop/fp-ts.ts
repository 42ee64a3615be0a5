/**
 * `yieldio/interop/fp-ts`: fp-ts's `Task` and `TaskEither` as Operations, and Operations as
 * them. fp-ts is an optional peer dependency: only this entry point loads it.
 *
 * A `Task<A>` is a function returning a Promise that never rejects; a `TaskEither<E, A>` one
 * whose Promise holds an `Either`: a failure is a value (`Left`), not a rejection.
 *
 * @module
 */

import { isLeft, left, right } from "fp-ts/lib/Either.js";
import type { Either } from "fp-ts/lib/Either.js";
import type { Task } from "fp-ts/lib/Task.js";
import type { TaskEither } from "fp-ts/lib/TaskEither.js";
import { fromPromise } from "../lib/index.js";
import type { Operation } from "../lib/index.js";
import { describeValue } from "./describe-value.js";
import { checkOperationSource, loopHereOrNone, startOperation } from "./start-operation.js";
import type { OperationSource } from "./start-operation.js";

export type { OperationSource } from "./start-operation.js";

/**
 * The error {@link fromTaskEither} raises for a `Left`: the left value is kept, typed, in
 * `left`.
 *
 * @typeParam E - the left value's type.
 * @example
 * ```ts
 * try {
 *   yield* fromTaskEither(parseConfig(text));
 * } catch (error) {
 *   if (error instanceof LeftError) report(error.left);
 * }
 * ```
 */
export class LeftError<E> extends Error {
  /** The `Left`'s value. */
  readonly left: E;

  /** @param value - the `Left`'s value. */
  constructor(value: E) {
    super(`a TaskEither failed with Left: ${describeValue(value)}`, value instanceof Error ? { cause: value } : undefined);
    this.left = value;
  }

  static {
    this.prototype.name = "LeftError";
  }
}

/**
 * Runs an fp-ts `Task` and returns its value.
 *
 * **Cancellation:** the task stops waiting and raises `CancelledError`; a `Task` has no way to
 * be stopped, so its work runs on and its late value is dropped (as with `fromPromise`).
 *
 * @example
 * ```ts
 * const now: Task<number> = () => Promise.resolve(Date.now());
 * const value = yield* fromTask(now);
 * ```
 */
export function* fromTask<A>(task: Task<A>): Operation<A> {
  if (typeof task !== "function")
    throw new TypeError(`fromTask() needs an fp-ts Task (a function returning a Promise): received ${typeof task}`);
  return yield* fromPromise(task);
}

/**
 * Runs an fp-ts `TaskEither`: returns the `Right` value; raises a {@link LeftError} holding
 * the `Left` value.
 *
 * **Cancellation:** as {@link fromTask}.
 *
 * @example
 * ```ts
 * const user = yield* fromTaskEither(TE.tryCatch(() => fetchUser(id), String));
 * ```
 */
export function* fromTaskEither<E, A>(taskEither: TaskEither<E, A>): Operation<A> {
  if (typeof taskEither !== "function") {
    throw new TypeError(
      `fromTaskEither() needs an fp-ts TaskEither (a function returning a Promise of an Either): received ${typeof taskEither}`,
    );
  }
  const either: Either<E, A> = yield* fromPromise(taskEither);
  if (isLeft(either)) throw new LeftError(either.left);
  return either.right;
}

/**
 * Turns an Operation into an fp-ts `Task`: each call of the Task runs it (as a task of the loop
 * it was made in, or in a `run()` of its own when made outside one). An error rejects the
 * Promise, which a `Task` is not meant to do: use {@link toTaskEither} for Operations that can
 * fail.
 *
 * **Cancellation:** a `Task` cannot be cancelled; the Operation is cancelled only with its
 * loop.
 *
 * @param source - an Operation, or a function returning a fresh one per call.
 * @throws TypeError if `source` is neither an Operation nor a function.
 * @example
 * ```ts
 * const task: Task<string> = toTask(() => readGreeting());
 * const greeting = await task();
 * ```
 */
export function toTask<A>(source: OperationSource<A>): Task<A> {
  checkOperationSource("toTask()", source);
  const loop = loopHereOrNone();
  return () => startOperation(source, loop).done;
}

/**
 * Turns an Operation into an fp-ts `TaskEither`: `Right` with its value, `Left` with its error,
 * including a cancellation (`CancelledError`), so that the Promise never rejects.
 *
 * **Cancellation:** the Operation cancelled (with its loop, or a timeout inside it) gives a
 * `Left` holding the `CancelledError`.
 *
 * @param source - an Operation, or a function returning a fresh one per call.
 * @throws TypeError if `source` is neither an Operation nor a function.
 * @example
 * ```ts
 * const result = await toTaskEither(() => fetchUser(id))();
 * if (E.isLeft(result)) console.error(result.left);
 * ```
 */
export function toTaskEither<A>(source: OperationSource<A>): TaskEither<unknown, A> {
  checkOperationSource("toTaskEither()", source);
  const loop = loopHereOrNone();
  return () => startOperation(source, loop).done.then(right, (error: unknown) => left(error));
}
