/**
 * `yieldio/interop/effect`: Effect (effect 4) programs as Operations, and Operations as
 * Effects, with interruption and cancellation carried both ways and finalizers awaited. effect
 * is an optional peer dependency: only this entry point loads it.
 *
 * @module
 */

import { Cause, Effect, Exit, Option } from "effect";
import { CancelledError, fromAbortable } from "../lib/index.js";
import type { Operation } from "../lib/index.js";
import { describeValue } from "./describe-value.js";
import { checkOperationSource, loopHereOrNone, startOperation } from "./start-operation.js";
import type { OperationSource } from "./start-operation.js";

export type { OperationSource } from "./start-operation.js";

/**
 * The error {@link fromEffect} raises when the Effect fails: the typed failure value is kept in
 * `failure`, the whole `Cause` in `effectCause`.
 *
 * @typeParam E - the Effect's failure type.
 * @example
 * ```ts
 * try {
 *   yield* fromEffect(loadUser(id)); // Effect<User, NotFound>
 * } catch (error) {
 *   if (error instanceof EffectFailure && error.failure._tag === "NotFound") return undefined;
 *   throw error;
 * }
 * ```
 */
export class EffectFailure<E> extends Error {
  /** The Effect's failure value (its `E`). */
  readonly failure: E;
  /** The Effect's `Cause`, for its full story (several failures, finalizer defects ...). */
  readonly effectCause: Cause.Cause<E>;

  /**
   * @param failure - the failure value.
   * @param cause - the Effect's `Cause`.
   */
  constructor(failure: E, cause: Cause.Cause<E>) {
    super(`an Effect failed: ${describeValue(failure)}`, failure instanceof Error ? { cause: failure } : undefined);
    this.failure = failure;
    this.effectCause = cause;
  }

  static {
    this.prototype.name = "EffectFailure";
  }
}

/**
 * Runs an Effect (one with no requirements left: provide its layers first) and returns its
 * value. A failure is raised as an {@link EffectFailure} keeping the typed value; a defect
 * (`Effect.die`, a thrown exception) is raised as it is; an Effect that interrupted itself is a
 * `CancelledError`.
 *
 * **Cancellation:** the fiber is interrupted and the task waits for it to end (its finalizers,
 * `acquireRelease` releases and `ensuring` blocks run first), then raises `CancelledError`.
 *
 * @example
 * ```ts
 * const config = yield* timeout(1_000, fromEffect(loadConfig)); // interrupted at the deadline
 * ```
 */
export function* fromEffect<A, E>(effect: Effect.Effect<A, E>): Operation<A> {
  if (!Effect.isEffect(effect)) throw new TypeError(`fromEffect() needs an Effect: received ${typeof effect}`);
  const exit = yield* fromAbortable((signal) => Effect.runPromiseExit(effect, { signal: signal }));
  if (Exit.isSuccess(exit)) return exit.value;
  const failure = Cause.findErrorOption(exit.cause);
  if (Option.isSome(failure)) throw new EffectFailure(failure.value, exit.cause);
  if (Cause.hasInterruptsOnly(exit.cause)) {
    throw new CancelledError({ source: "abort", message: "the Effect was interrupted" });
  }
  throw Cause.squash(exit.cause);
}

/**
 * Turns an Operation into an Effect: running the Effect runs the Operation (as a task of the
 * loop it was made in, or in a `run()` of its own when made outside one); its value is the
 * Effect's success, anything it throws the Effect's failure (typed `unknown`).
 *
 * **Cancellation:** interrupting the fiber cancels the task, and the interruption waits until
 * the task has unwound (its `finally` blocks ran).
 *
 * @param source - an Operation, or a function returning a fresh one per run (an Effect can run
 *   many times; a generator object runs once).
 * @throws TypeError if `source` is neither an Operation nor a function.
 * @example
 * ```ts
 * const program = Effect.timeout(toEffect(() => crawl(site)), "5 seconds");
 * await Effect.runPromise(program);
 * ```
 */
export function toEffect<A>(source: OperationSource<A>): Effect.Effect<A, unknown> {
  checkOperationSource("toEffect()", source);
  const loop = loopHereOrNone();
  return Effect.callback<A, unknown>((resume) => {
    const started = startOperation(source, loop);
    started.done.then(
      (value) => resume(Effect.succeed(value)),
      (error: unknown) => resume(Effect.fail(error)),
    );
    // Run on interruption: cancel, then wait for the task to unwind.
    return Effect.promise(() => {
      started.cancel();
      return started.done.then(ignore, ignore);
    });
  });
}

function ignore(): void {
  // The interrupted fiber does not look at the task's outcome: only that it ended.
}
