/**
 * `ContextVar`: task-local values (asyncio's `contextvars`, Effection's context). Each task has
 * a context; a task starts with a copy of the context of the code that created it, so a value
 * set before `createTask()` (or in the task group's body) is seen by the child, and a value the
 * child sets is its own.
 *
 * Contexts are immutable maps: `set()` replaces the current task's map with a new one, so
 * copying a context is taking a reference (a task costs nothing more for it).
 *
 * @module
 */

import { InvalidStateError } from "./errors.js";
import { describeReceived } from "./received.js";
import { currentTask } from "./running.js";
import { _outsideContext } from "./task.js";
import type { Task } from "./task.js";

/**
 * Raised by {@link ContextVar.get} for a variable that has no value in the current context and
 * no default (Python's `LookupError`).
 *
 * @example
 * ```ts
 * try {
 *   requestId.get();
 * } catch (error) {
 *   if (error instanceof LookupError) console.log("not inside a request");
 * }
 * ```
 */
export class LookupError extends Error {
  static {
    this.prototype.name = "LookupError";
  }
}

/** No value (as opposed to the value `undefined`). */
const MISSING: unique symbol = Symbol("missing");

/**
 * What {@link ContextVar.set} returns: how to put the variable back as it was
 * ({@link ContextVar.reset}), once.
 *
 * @typeParam T - the variable's type.
 * @example
 * ```ts
 * const token = user.set("ada");
 * try {
 *   yield* handle();
 * } finally {
 *   user.reset(token);
 * }
 * ```
 */
export class ContextToken<T> {
  /** The variable it belongs to. */
  readonly variable: ContextVar<T>;
  /** @internal The value before the `set()`, or MISSING. */
  readonly _old: T | typeof MISSING;
  /** @internal The task (or the outside context, undefined) it was made in. */
  readonly _owner: Task<unknown> | undefined;
  /** @internal Set once the token was used. */
  _used = false;

  /** @internal Made by {@link ContextVar.set}. */
  constructor(variable: ContextVar<T>, old: T | typeof MISSING, owner: Task<unknown> | undefined) {
    this.variable = variable;
    this._old = old;
    this._owner = owner;
  }

  /** The value before the `set()` that made this token, or `undefined` if there was none. */
  get oldValue(): T | undefined {
    return this._old === MISSING ? undefined : this._old;
  }
}

/**
 * A task-local variable (asyncio's `ContextVar`): `get()` reads its value in the current
 * task's context, `set()` changes it there only. A task starts with a copy of its creator's
 * context: values set before `createTask()` are seen by the child; the child's own `set()`s
 * are not seen by its creator, nor the creator's later ones by the child.
 *
 * @typeParam T - the value's type.
 * @example
 * ```ts
 * const requestId = new ContextVar<string>("requestId", { default: "-" });
 * function* log(message: string): Coroutine<void> {
 *   console.log(`[${requestId.get()}] ${message}`);
 * }
 * function* handle(id: string): Coroutine<void> {
 *   using _ = requestId.withValue(id);
 *   yield* log("start"); // "[req-1] start"
 * }
 * ```
 */
export class ContextVar<T> {
  /** The variable's name (for messages). */
  readonly name: string;
  readonly #default: T | typeof MISSING;

  /**
   * @param name - a name for messages.
   * @param options - `default`: the value `get()` gives where the variable was never set.
   * @throws TypeError for a name that is not a string or options that are not an object.
   */
  constructor(name: string, options?: { readonly default?: T }) {
    if (typeof name !== "string") throw new TypeError(`ContextVar() needs a name (a string): received ${describeReceived(name)}`);
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- a JavaScript caller can pass anything
    if (options !== undefined && (typeof options !== "object" || options === null)) {
      throw new TypeError(`ContextVar() needs an options object: received ${describeReceived(options)}`);
    }
    this.name = name;
    // `"default" in options`: a default of undefined is a default (as Python's default=None).
    this.#default = options !== undefined && "default" in options ? options.default : MISSING;
  }

  /**
   * The value in the current context, else `fallback` when given, else the variable's default.
   *
   * @throws {@link LookupError} when there is none of the three.
   * @example
   * ```ts
   * const id = requestId.get();
   * ```
   */
  get(...fallback: [] | [T]): T {
    const map = currentContext();
    if (map?.has(this) === true) return map.get(this) as T;
    if (fallback.length > 0) return fallback[0] as T;
    if (this.#default !== MISSING) return this.#default;
    throw new LookupError(`ContextVar ${this.name} has no value here and no default`);
  }

  /**
   * Sets the value in the current context (the running task's, or the context outside any task)
   * and returns a token that puts the old value back.
   *
   * @example
   * ```ts
   * const token = requestId.set("req-7");
   * ```
   */
  set(value: T): ContextToken<T> {
    const map = currentContext();
    const old = map?.has(this) === true ? (map.get(this) as T) : MISSING;
    setContext(new Map(map).set(this, value));
    return new ContextToken(this, old, currentTask());
  }

  /**
   * Puts the variable back as it was before the `set()` that made `token`.
   *
   * @throws RangeError for a token of another variable, or one made in another task;
   *   {@link InvalidStateError} for a token used already.
   * @example
   * ```ts
   * requestId.reset(token);
   * ```
   */
  reset(token: ContextToken<T>): void {
    if (!(token instanceof ContextToken) || token.variable !== this) {
      throw new RangeError(`ContextVar ${this.name}.reset() needs a token of this variable's set(): received ${describeReceived(token)}`);
    }
    if (token._used) throw new InvalidStateError(`ContextVar ${this.name}.reset() was given a token that was used already`);
    if (token._owner !== currentTask()) {
      throw new RangeError(`ContextVar ${this.name}.reset() was given a token made in another task: reset it where it was set`);
    }
    token._used = true;
    const next = new Map(currentContext());
    if (token._old === MISSING) next.delete(this);
    else next.set(this, token._old);
    setContext(next);
  }

  /**
   * Sets the value until the returned Disposable is disposed: `using _ = variable.withValue(v)`
   * (or `try`/`finally` with `[Symbol.dispose]()` in JavaScript without `using`).
   *
   * @example
   * ```ts
   * {
   *   using _ = requestId.withValue("req-9");
   *   yield* handle(); // sees req-9, and so do the tasks it creates
   * } // back to the value before
   * ```
   */
  withValue(value: T): Disposable {
    const token = this.set(value);
    return { [Symbol.dispose]: () => this.reset(token) };
  }
}

function currentContext(): ReadonlyMap<object, unknown> | undefined {
  const task = currentTask();
  return task === undefined ? _outsideContext.map : task._context;
}

function setContext(map: ReadonlyMap<object, unknown>): void {
  const task = currentTask();
  if (task === undefined) _outsideContext.map = map;
  else task._context = map;
}
