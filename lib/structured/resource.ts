/**
 * `resource`: a value with a lifetime, whose cleanup runs when the task that created it ends
 * (Effection's `resource`).
 *
 * Design: the resource's body runs in a task of its own, not in a task group: it must outlive
 * the `yield*` that made it and be released only when its creator ends, after the creator's
 * own `finally` blocks (which may still use it). The creator waits for `provide(value)` as
 * `tg.start` waits for `started()`; from then on an `ensure()`-style cleanup of the creator
 * cancels the resource's task and waits for it to unwind. A resource that fails while in use
 * cancels its creator, and that cleanup raises the resource's error.
 *
 * @module
 */

import { CancelledError, InvalidStateError } from "../core/errors.js";
import { getCurrentTask, suspend } from "../core/instruction.js";
import type { Instruction } from "../core/instruction.js";
import type { Future } from "../core/future.js";
import { isOperation } from "../core/operation.js";
import type { Operation } from "../core/operation.js";
import { describeReceived } from "../core/received.js";
import type { Task, TaskOptions } from "../core/task.js";
import { shield } from "../time/shield.js";
import { _settled } from "./settled.js";

/**
 * What {@link resource} gives its body: `yield* provide(value)` hands `value` to the task that
 * created the resource and suspends until that task ends; then it raises `CancelledError`, and
 * the body's `finally` releases what it holds.
 *
 * @typeParam T - the resource's value.
 * @example
 * ```ts
 * const body = function* (provide: Provide<number>): Coroutine<void> {
 *   yield* provide(42);
 * };
 * ```
 */
export type Provide<T> = (value: T) => Operation<void>;

/** Where a resource is in its life; it only moves down the list. */
const STARTING = 0; // the body runs; nothing provided yet
const IN_USE = 1; // provided: the creator holds the value
const RELEASED = 2; // the creator ended: the body is being cancelled
type Stage = typeof STARTING | typeof IN_USE | typeof RELEASED;

/**
 * Runs `fn(provide)` as a task of its own and returns, once it calls `provide(value)`, with that
 * value. The resource lives until the task that created it ends; then its body is cancelled
 * (`provide` raises `CancelledError`), its `finally` blocks run, and the creator settles only
 * after they are done. Resources are released newest first, together with `ensure()`'s
 * cleanups. A resource may create resources of its own: they are released when it is.
 *
 * - An error of the body before `provide()` is raised here; a body that returns without
 *   calling `provide()` makes this throw `InvalidStateError`.
 * - An error of the body after `provide()`, while the creator runs, cancels the creator
 *   (reason `resource`), and the creator then ends with that error.
 *
 * **Cancellation:** a cancellation of the caller before `provide()` cancels the body, waits for
 * it to unwind, and raises `CancelledError`. Releasing is a cancellation of the body: wrap the
 * suspending parts of its cleanup in `shield` (`finally { yield* shield(close()) }`). The creator
 * waits for the release shielded: a cancellation does not cut it short.
 *
 * @param fn - the resource's body, given {@link Provide}.
 * @param options - the name of the resource's task (and `eager`).
 * @throws the body's error before `provide()`; {@link InvalidStateError} if it returned
 *   without calling `provide()`, or called it twice or from another task; TypeError if `fn` is
 *   not a function or does not return an Operation.
 * @example
 * ```ts
 * function useConnection(port: number): Operation<[StreamReader, StreamWriter]> {
 *   return resource(function* (provide) {
 *     const [reader, writer] = yield* openConnection("127.0.0.1", port);
 *     try {
 *       yield* provide([reader, writer]);
 *     } finally {
 *       writer.close();
 *       yield* shield(writer.waitClosed());
 *     }
 *   });
 * }
 *
 * await run(function* () {
 *   const [reader, writer] = yield* useConnection(8080);
 *   writer.write(new TextEncoder().encode("PING\n"));
 *   console.log(yield* reader.readLine());
 * }); // the connection is closed before run() returns
 * ```
 */
export function* resource<T>(fn: (provide: Provide<T>) => Operation<void>, options?: TaskOptions): Generator<Instruction, T, unknown> {
  if (typeof fn !== "function") throw new TypeError(`resource() needs a function of provide: received ${describeReceived(fn)}`);
  const creator = yield* getCurrentTask();
  const life = new ResourceLife<T>(creator);
  const task = creator._loop.createTask(life.body(fn), options);
  let value: T;
  try {
    value = yield* life.ready;
  } catch (error) {
    // The caller was cancelled while the resource got ready: it goes too, and the caller's
    // cancellation completes once it has unwound.
    if (!task.done()) yield* life.abandon(task);
    throw error;
  }
  creator._addCleanup(() => life.release(task));
  return value;
}

/** One resource: its stage, the Future its creator waits on, and its body. */
class ResourceLife<T> {
  readonly creator: Task<unknown>;
  // Invariant: settled once, by provide() (a value), or by the body's end or error before it.
  readonly ready: Future<T>;
  #stage: Stage = STARTING;
  // The resource's own task, known once its body starts (eager tasks start inside createTask).
  #own: Task<unknown> | undefined = undefined;
  #provided = false;

  constructor(creator: Task<unknown>) {
    this.creator = creator;
    this.ready = creator._loop.createFuture<T>();
  }

  /** The resource's body: until `provide()`, its errors are the creator's, through `ready`. */
  *body(fn: (provide: Provide<T>) => Operation<void>): Generator<Instruction, void, unknown> {
    const own = (this.#own = yield* getCurrentTask());
    try {
      const op = fn((value) => this.#provide(value));
      if (!isOperation(op)) {
        throw new TypeError(
          `the function given to resource() returned ${describeReceived(op)}, not an Operation: write it as a generator function`,
        );
      }
      yield* op;
      if (this.#stage === STARTING)
        this.#fail(new InvalidStateError("the function given to resource() returned without calling provide()"));
    } catch (error) {
      if (this.#stage === IN_USE && !(error instanceof CancelledError)) {
        // A resource that fails while in use brings its creator down; the creator's release
        // of it (a cleanup) then raises this error.
        this.creator._cancelWithReason({ source: "resource", message: `${own._describe()}, a resource it uses, failed` });
      }
      if (this.#stage !== STARTING) throw error;
      this.#fail(error);
      if (error instanceof CancelledError) throw error;
    }
  }

  *#provide(value: T): Generator<Instruction, void, unknown> {
    const caller = yield* getCurrentTask();
    if (caller !== this.#own) {
      throw new InvalidStateError(`provide() was called from ${caller._describe()}: only the resource's own body provides its value`);
    }
    if (this.#provided) throw new InvalidStateError("provide() was called twice: a resource provides one value");
    this.#provided = true;
    if (this.#stage === STARTING) {
      this.#stage = IN_USE;
      this.ready.setResult(value);
    } // else the caller stopped waiting: the body is being cancelled, and the suspension raises
    yield* suspend<void>({ description: "resource provide()", park: noop }); // until released
  }

  /** Hands an error before `provide()` to the creator (unless it stopped waiting). */
  #fail(error: unknown): void {
    if (this.ready.done()) return;
    if (error instanceof CancelledError) this.ready.cancel(error.message);
    else this.ready.setException(error);
  }

  /** The creator stopped waiting before `provide()`: cancel the body and wait for it, whatever its outcome. */
  *abandon(task: Task<unknown>): Generator<Instruction, void, unknown> {
    this.#stage = RELEASED;
    task.cancel();
    yield* shield(_settled(task));
  }

  /** The creator's cleanup: cancel the body, wait for it, raise its error if it failed. */
  *release(task: Task<unknown>): Generator<Instruction, void, unknown> {
    this.#stage = RELEASED;
    task._cancelWithReason({ source: "resource", message: `${this.creator._describe()}, which created it, ended` });
    try {
      yield* task;
    } catch (error) {
      if (!(error instanceof CancelledError)) throw error;
    }
  }
}

function noop(): void {}
