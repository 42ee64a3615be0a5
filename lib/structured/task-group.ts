/**
 * Task groups: asyncio's `TaskGroup` with Trio's nursery guarantees, on a cancel scope.
 *
 * Design: the group's body runs inside a cancel scope (the group scope) in the calling task,
 * and every child task's root scope hangs under it. So one `scope.cancel()` reaches the body
 * and every child (and their own scopes, down to shields), and a cancellation of the calling
 * task reaches the children through the same tree without the group doing anything.
 *
 * The group never ends before its children: after the body, the calling task parks until
 * the last child is done. A suspension inside a cancelled scope raises (on the next pass), so when the
 * calling task is (or gets) cancelled, that wait raises; the group then keeps waiting inside
 * `shield` (the children are being cancelled through the tree meanwhile) and reports the
 * cancellation afterwards. What it reports:
 * 1. errors of children (in order of failure) and of the body (last): an `ExceptionGroup`;
 * 2. else a `CancelledError` of the body or of the wait: raised inside the group scope, so the
 *    scope absorbs it when the group cancelled itself (`tg.cancel()`) and lets it through when
 *    the cancellation came from outside;
 * 3. else the body's value.
 * A child that ends cancelled is no error (asyncio's rule): it was cancelled by the group, or
 * by someone who asked for it.
 *
 * @module
 */

import { CancelScope } from "../core/cancel-scope.js";
import { CancelledError, InvalidStateError } from "../core/errors.js";
import type { EventLoop } from "../core/event-loop.js";
import { ExceptionGroup } from "./exception-group.js";
import type { Future } from "../core/future.js";
import { suspend } from "../core/instruction.js";
import type { Instruction, Wait } from "../core/instruction.js";
import { isOperation } from "../core/operation.js";
import type { Operation } from "../core/operation.js";
import { getRunningLoop } from "../core/running.js";
import { shield } from "../time/shield.js";
import { _settled } from "./settled.js";
import type { InternalTaskOptions, Task, TaskOptions } from "../core/task.js";
import type { Waiter } from "../core/waiter.js";
import { describeReceived } from "../core/received.js";

const OPEN = 0; // the body runs
const EXITING = 1; // the body is done; waiting for the children
const DONE = 2; // finished: no more children
type State = typeof OPEN | typeof EXITING | typeof DONE;

/** No value: the body did not throw, the wait was not interrupted. */
const NONE: unique symbol = Symbol("none");

/**
 * What {@link TaskGroup.start} gives the child it starts: the child calls `started(value)`
 * once it is ready (listening, connected, warmed up), and `start()` returns that value.
 *
 * @typeParam V - the value handed back to the caller of `start()`.
 * @example
 * ```ts
 * function* serve(status: TaskStatus<number>): Coroutine<void> {
 *   const server = yield* startServer(handler, "127.0.0.1", 0);
 *   status.started((server.address() as SocketAddress).port);
 *   yield* server.serveForever();
 * }
 * ```
 */
export interface TaskStatus<V> {
  /**
   * Says the child is ready: `start()` returns `value`, and the child goes on in the group.
   *
   * @throws {@link InvalidStateError} when called a second time.
   */
  started(value: V): void;
}

/**
 * The handle of a running task group, given to its body by {@link taskGroup}: start child
 * tasks with {@link TaskGroup.createTask}, stop everything with {@link TaskGroup.cancel}.
 *
 * **Cancellation:** the group's children and body share one cancel scope: the first child
 * failure, an error of the body, or {@link TaskGroup.cancel} cancels it; a cancellation of the
 * task running the group reaches the children too. See {@link taskGroup}.
 *
 * @example
 * ```ts
 * yield* taskGroup(function* (tg) {
 *   for (const url of urls) tg.createTask(fetchPage(url), { name: url });
 * }); // every page fetched, or an ExceptionGroup
 * ```
 */
export class TaskGroup {
  readonly #loop: EventLoop;
  readonly #scope: CancelScope;
  // Invariant: OPEN while the body runs, EXITING while the group waits for its children,
  // DONE once taskGroup() is about to return or throw (createTask then throws).
  #state: State = OPEN;
  // Invariant: the number of children whose done callback has not run yet; the waiting task
  // is woken when it drops to 0 after the body.
  #pending = 0;
  // Errors of failed children, in the order their done callbacks ran (order of failure).
  readonly #errors: unknown[] = [];
  // Where each error came from (`Task worker-1`, `the body`), for printing the group.
  readonly #origins = new Map<unknown, string>();
  #waiter: Waiter<void> | undefined = undefined;
  // A CancelledError the body raised while nothing had cancelled the group (see #main).
  #strayCancellation: unknown = NONE;
  readonly #onChildDone = (task: Future<unknown>): void => {
    if (!task.cancelled()) {
      try {
        task.result(); // retrieves a failure: the group reports it
      } catch (error) {
        this.#errors.push(error);
        // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment -- the callback is only ever added to the group's own children, which are Tasks
        const child = task as Task<unknown>;
        this.#origins.set(error, child._describe());
        this.#abort(`${child.name} failed`);
      }
    }
    if (--this.#pending !== 0) return;
    // The last child is done after the body: the group is finished from this very step, so a
    // createTask() in the window before the group's task resumes is refused, not orphaned.
    if (this.#state === EXITING) this.#state = DONE;
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.wake(undefined);
  };
  readonly #childrenDone: Wait<void> = {
    description: "taskGroup(): waiting for its children",
    park: (waiter) => {
      if (this.#pending === 0) waiter.wake(undefined);
      else this.#waiter = waiter;
    },
    abort: () => {
      this.#waiter = undefined;
      return true; // the task raises; #waitForChildren goes on waiting inside shield
    },
  };

  /** @internal Use {@link taskGroup}. */
  constructor(loop: EventLoop) {
    this.#loop = loop;
    this.#scope = new CancelScope();
    this.#scope._label = "taskGroup()";
  }

  /**
   * Starts `op` as a child task of the group and returns the Task. Allowed while the body runs
   * and while the group waits for its children (a child may start siblings); on a cancelled
   * group the child starts cancelled (its body never runs).
   *
   * **Cancellation:** the child is cancelled with the group: on the first failure of a
   * sibling, an error of the body, `tg.cancel()`, or a cancellation of the task running the
   * group. A child that ends cancelled is not an error of the group.
   *
   * @param op - a generator object, a Future or a Task (awaited by the child).
   * @param options - `name` (default `Task-N`) and `eager` (run at once up to the first
   *   suspension; default: the loop's setting).
   * @throws {@link InvalidStateError} once the group has finished; TypeError if `op` is not
   *   an Operation or an option has the wrong type.
   * @example
   * ```ts
   * yield* taskGroup(function* (tg) {
   *   const user = tg.createTask(fetchUser(id), { name: "user" });
   *   const posts = tg.createTask(fetchPosts(id));
   *   yield* sleep(0);
   *   console.log(user.name, posts.done());
   * });
   * ```
   */
  createTask<T>(op: Operation<T>, options?: TaskOptions): Task<T> {
    if (this.#state === DONE) {
      throw new InvalidStateError(
        "TaskGroup.createTask() was called on a task group that has finished: start children while the group's body (or one of its children) runs",
      );
    }
    const task = this.#loop._createTask(op, childOptions(options, this.#scope));
    this.#pending++;
    task.addDoneCallback(this.#onChildDone);
    return task;
  }

  /**
   * Starts a child that says when it is ready (Trio's `nursery.start`): runs `fn(status)` as a
   * child of the group and returns once it calls `status.started(value)`, with that value. The
   * child then goes on in the group like any other.
   *
   * - An error of the child before `started()` is raised here, not into the group (the group
   *   and the other children go on); a child that returns without calling `started()` makes
   *   this raise an {@link InvalidStateError}.
   * - After `started()`, the child's errors are the group's, as for `createTask`.
   *
   * **Cancellation:** cancelled while it waits, the child is cancelled too, and this raises
   * `CancelledError` once the child has unwound. A cancellation of the group before
   * `started()` cancels the child, and this raises its `CancelledError`.
   *
   * @param fn - a function of the child's {@link TaskStatus}, returning the child's Operation.
   * @param options - as for {@link TaskGroup.createTask}.
   * @throws {@link InvalidStateError} once the group has finished, or when the child ends
   *   without calling `started()`; the child's error before `started()`; TypeError if `fn` is
   *   not a function.
   * @example
   * ```ts
   * yield* taskGroup(function* (tg) {
   *   const port = yield* tg.start(serve); // listening when this returns
   *   const [reader, writer] = yield* openConnection("127.0.0.1", port);
   *   // ...
   * });
   * ```
   */
  *start<V>(fn: (status: TaskStatus<V>) => Operation<unknown>, options?: TaskOptions): Generator<Instruction, V, unknown> {
    if (typeof fn !== "function") {
      throw new TypeError(`TaskGroup.start() needs a function of the task status: received ${describeReceived(fn)}`);
    }
    const ready = this.#loop.createFuture<V>();
    let startedCalled = false;
    const status: TaskStatus<V> = {
      started: (value) => {
        if (startedCalled) throw new InvalidStateError("TaskStatus.started() was called twice: a child says it is ready once");
        startedCalled = true;
        ready.setResult(value);
      },
    };
    const child = this.createTask(
      startable(fn, status, ready, () => startedCalled),
      options,
    );
    try {
      return yield* ready;
    } catch (error) {
      if (!(error instanceof CancelledError) || child.done()) throw error;
      // The caller was cancelled while the child got ready: the child goes too, and the
      // caller's cancellation completes once it has unwound.
      child.cancel();
      yield* shield(_settled(child));
      if (ready.done() && !ready.cancelled()) ready.exception(); // retrieved: nobody else will look
      throw error;
    }
  }

  /**
   * Cancels the group: its children and its body (Python 3.15's `TaskGroup.cancel()`). The
   * group waits for them to unwind and then ends without an error: `taskGroup()` returns the
   * body's value if the body had already returned, else `undefined`. Errors of children still
   * make it throw an `ExceptionGroup`. Calling it again, or after the group finished, does
   * nothing.
   *
   * **Cancellation:** this is the cancellation; a cancellation from outside at the same time
   * wins (`CancelledError` propagates).
   *
   * @example
   * ```ts
   * yield* taskGroup(function* (tg) {
   *   tg.createTask(serve(listener));
   *   yield* shutdownRequested.wait();
   *   tg.cancel(); // stop serving; the group ends quietly
   * });
   * ```
   */
  cancel(): void {
    if (this.#state === DONE) return;
    this.#scope.cancel({ source: "task-group", message: "tg.cancel() was called" });
  }

  /** @internal Runs the group around `body`: see {@link taskGroup}. */
  *_run<T>(body: (tg: TaskGroup) => Operation<T>): Generator<Instruction, T | undefined, unknown> {
    let returned: { value: T } | undefined;
    const result = yield* this.#scope.run(this.#main(body, (value) => (returned = { value })));
    // The group scope absorbed the CancelledError that its own abort caused; the stray one
    // that made it abort was not ours to absorb.
    if (this.#strayCancellation !== NONE) throw this.#strayCancellation;
    // Absorbed our own cancellation (tg.cancel()) after the body had returned: keep its value.
    if (this.#scope.cancelledCaught && returned !== undefined) return returned.value;
    return result;
  }

  /** Inside the group scope: the body, then the wait for the children, then the verdict. */
  *#main<T>(body: (tg: TaskGroup) => Operation<T>, onReturn: (value: T) => void): Generator<Instruction, T, unknown> {
    let value: T | undefined;
    let bodyError: unknown = NONE;
    try {
      const op = body(this);
      if (!isOperation(op)) {
        throw new TypeError(
          `taskGroup()'s body returned ${describeReceived(op)}, not an Operation: write the body as a generator function, taskGroup(function* (tg) { ... })`,
        );
      }
      value = yield* op;
      onReturn(value);
    } catch (error) {
      bodyError = error;
      if (!(error instanceof CancelledError)) this.#abort("its body failed");
      else if (this.#scope._cancelling() === undefined) {
        // A CancelledError nobody cancelled us for (a future someone else cancelled): as
        // asyncio, the children are cancelled, and the error still propagates (see _run).
        this.#strayCancellation = error;
        this.#abort("its body raised CancelledError");
      }
    }
    this.#state = this.#pending === 0 ? DONE : EXITING;
    const interrupted = yield* this.#waitForChildren();
    this.#state = DONE;
    const errors = this.#errors;
    if (bodyError !== NONE && !(bodyError instanceof CancelledError)) {
      errors.push(bodyError);
      if (!this.#origins.has(bodyError)) this.#origins.set(bodyError, "the group's body");
    }
    if (errors.length > 0) throw ExceptionGroup._withOrigins("unhandled errors in a task group", errors, this.#origins);
    if (bodyError !== NONE) throw bodyError;
    if (interrupted !== NONE) throw interrupted;
    return value as T;
  }

  /**
   * Waits until every child is done, even if the waiting task is cancelled meanwhile (then
   * inside `shield`: the children are cancelled through the scope tree). Returns the
   * `CancelledError` that interrupted the wait, else NONE.
   */
  *#waitForChildren(): Generator<Instruction, unknown, unknown> {
    if (this.#pending === 0) return NONE;
    try {
      yield* suspend(this.#childrenDone);
      return NONE;
    } catch (error) {
      if (this.#pending > 0) yield* shield(suspend(this.#childrenDone));
      return error;
    }
  }

  /** Cancels the group scope (children and body), keeping the first reason. */
  #abort(why: string): void {
    this.#scope.cancel({ source: "task-group", message: why });
  }
}

/**
 * A child of `start()`: until it calls `started()`, its fate is the caller's business, not the
 * group's. Its error then goes to `ready` (start() raises it) and the child ends quietly; a
 * cancellation goes to `ready` and still ends the child cancelled; a return without `started()`
 * fails `ready`.
 */
function* startable<V>(
  fn: (status: TaskStatus<V>) => Operation<unknown>,
  status: TaskStatus<V>,
  ready: Future<V>,
  startedCalled: () => boolean,
): Generator<Instruction, unknown, unknown> {
  try {
    const op = fn(status);
    if (!isOperation(op)) {
      throw new TypeError(
        `the function given to TaskGroup.start() returned ${describeReceived(op)}, not an Operation: write it as a generator function`,
      );
    }
    const value = yield* op;
    if (!startedCalled())
      ready.setException(new InvalidStateError("the child of TaskGroup.start() returned without calling status.started()"));
    return value;
  } catch (error) {
    if (startedCalled()) throw error; // the group's, from now on
    if (error instanceof CancelledError) {
      ready.cancel(error.message);
      throw error;
    }
    ready.setException(error);
    return undefined;
  }
}

/** The kernel's task options for a child: the caller's name and eagerness, under the group scope. */
function childOptions(options: TaskOptions | undefined, scope: CancelScope): InternalTaskOptions {
  if (options === undefined) return { parentScope: scope };
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- a JavaScript caller can pass anything
  if (typeof options !== "object" || options === null) {
    throw new TypeError(`TaskGroup.createTask() needs an options object: received ${describeReceived(options)}`);
  }
  const { name, eager } = options;
  if (name !== undefined && typeof name !== "string") {
    throw new TypeError(`TaskGroup.createTask() needs options.name as a string: received ${typeof name}`);
  }
  if (eager !== undefined && typeof eager !== "boolean") {
    throw new TypeError(`TaskGroup.createTask() needs options.eager as a boolean: received ${typeof eager}`);
  }
  return {
    parentScope: scope,
    ...(name === undefined ? {} : { name }),
    ...(eager === undefined ? {} : { eager }),
  };
}

/**
 * Runs `body` with a new {@link TaskGroup}, waits for every child the body (or a child)
 * started, even after the body returned, and returns the body's value.
 *
 * - The first failure of a child cancels the other children and the body; once all have
 *   unwound, an {@link ExceptionGroup} is thrown with every error, in order of failure, the
 *   body's own error (if any) last. An error of the body cancels the children the same way.
 * - A child that ends cancelled is not an error.
 * - `tg.cancel()` cancels the children and the body, and the group ends without an error: it
 *   returns the body's value if the body had already returned, `undefined` if it was
 *   interrupted (hence the `T | undefined` result type). The type stays `T | undefined` even
 *   for a body that never calls `tg.cancel()`: the handle may reach children, helpers and
 *   closures, and the compiler cannot see who calls it (the Semantics guide says more).
 *
 * **Cancellation:** cancelling the task that runs the group cancels the body and every child;
 * the group waits for all of them, then propagates `CancelledError`, unless children (or the
 * body) failed with real errors: then the `ExceptionGroup` wins.
 *
 * @param body - a function of the group returning an Operation (usually a generator function).
 * @throws {@link ExceptionGroup} when children or the body failed; TypeError if `body` is not
 *   a function; {@link InvalidStateError} outside a task.
 * @example
 * ```ts
 * const pages = new Map<string, string>();
 * yield* taskGroup(function* (tg) {
 *   for (const url of urls) {
 *     tg.createTask(function* () {
 *       pages.set(url, yield* fetchPage(url));
 *     }());
 *   }
 * });
 * console.log(`${pages.size} pages`); // every child has finished here
 * ```
 */
export function* taskGroup<T>(body: (tg: TaskGroup) => Operation<T>): Generator<Instruction, T | undefined, unknown> {
  if (typeof body !== "function") {
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- a JavaScript caller can pass anything
    const what = body === null ? "null" : typeof body === "object" ? "an object (an Operation?)" : typeof body;
    throw new TypeError(`taskGroup() needs a function of the group: received ${what}; write taskGroup(function* (tg) { ... })`);
  }
  return yield* new TaskGroup(getRunningLoop())._run(body);
}
