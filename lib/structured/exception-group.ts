/**
 * `ExceptionGroup`: several errors raised together, Python's `ExceptionGroup` on JavaScript's
 * `AggregateError`.
 *
 * @module
 */

import { describeReceived } from "../core/received.js";

/**
 * Several errors that happened together: what a task group throws when its children (or its
 * children and its body) failed. `exceptions` holds them in order of failure, the body's own
 * error last. Groups nest: a child that ran its own group contributes that `ExceptionGroup` as
 * one entry.
 *
 * It extends `AggregateError`, so `errors` holds the same list and tools that know
 * `AggregateError` print every entry. {@link ExceptionGroup.split} and
 * {@link ExceptionGroup.subgroup} play the part of Python's `except*`.
 *
 * @example
 * ```ts
 * try {
 *   yield* taskGroup(function* (tg) {
 *     tg.createTask(fetchPage("a"));
 *     tg.createTask(fetchPage("b"));
 *   });
 * } catch (error) {
 *   if (!(error instanceof ExceptionGroup)) throw error;
 *   const [timeouts, rest] = error.split((e) => e instanceof TimeoutError);
 *   if (timeouts !== undefined) console.log(`${timeouts.exceptions.length} pages timed out`);
 *   if (rest !== undefined) throw rest;
 * }
 * ```
 */
export class ExceptionGroup extends AggregateError {
  /** The errors, in order of failure (the same list as `errors`). */
  declare readonly exceptions: readonly unknown[];
  /** The message as given, before the summary of the errors was appended. */
  readonly #baseMessage: string;
  /** Where each error came from (`Task worker-1`), when a task group built the group. */
  #origins: ReadonlyMap<unknown, string> = NO_ORIGINS;

  /**
   * @param message - what failed, e.g. `"unhandled errors in a task group"`; the count and
   *   the first errors are appended.
   * @param exceptions - one or more errors.
   * @throws TypeError if `message` is not a string or `exceptions` is not iterable;
   *   RangeError if `exceptions` is empty.
   */
  constructor(message: string, exceptions: Iterable<unknown>, options?: ErrorOptions) {
    if (typeof message !== "string") {
      throw new TypeError(`ExceptionGroup() needs a message string first: received ${typeof message}`);
    }
    if (typeof (exceptions as { [Symbol.iterator]?: unknown } | null)?.[Symbol.iterator] !== "function") {
      throw new TypeError(`ExceptionGroup() needs an iterable of errors second: received ${describeReceived(exceptions)}`);
    }
    const list = Object.freeze([...exceptions]);
    if (list.length === 0) {
      throw new RangeError("ExceptionGroup() needs at least one error: received an empty list; only build a group when something failed");
    }
    super(list, describe(message, list), options);
    // Not enumerable: printers show `errors` (AggregateError's own list) already, and a second
    // enumerable copy printed every error twice.
    Object.defineProperty(this, "exceptions", { value: list, enumerable: false, writable: false, configurable: true });
    this.#baseMessage = message;
  }

  /** @internal A group whose printout names where each error came from. */
  static _withOrigins(message: string, exceptions: readonly unknown[], origins: ReadonlyMap<unknown, string>): ExceptionGroup {
    const group = new ExceptionGroup(message, exceptions);
    group.#origins = origins;
    // The stack starts at the caller (the task group), as if it had called the constructor.
    // eslint-disable-next-line @typescript-eslint/unbound-method -- V8 only compares the function: the stack starts below its frame
    (Error as { captureStackTrace?: (target: object, below: unknown) => void }).captureStackTrace?.(group, ExceptionGroup._withOrigins);
    return group;
  }

  /**
   * How Node's `console.log` and `util.inspect` print the group: its own stack, then each
   * error once, numbered and with the task it came from, nested groups indented in turn
   * (Python's traceback of an exception group), then the cause.
   */
  [Symbol.for("nodejs.util.inspect.custom")](
    depth: number,
    options: { depth?: number | null },
    inspect: (value: unknown, options: object) => string,
  ): string {
    // Each entry is printed by a fresh inspect() call, which does not know what is being printed
    // around it: cycles (a group that is its own cause) are cut here.
    if (printing.has(this)) return `[Circular ${this.name}]`;
    if (depth < 0) return `[${this.name}: ${this.message}]`;
    printing.add(this);
    try {
      return this.#printed(depth, options, inspect);
    } finally {
      printing.delete(this);
    }
  }

  #printed(depth: number, options: { depth?: number | null }, inspect: (value: unknown, options: object) => string): string {
    const lines = [this.stack ?? `${this.name}: ${this.message}`];
    const count = this.exceptions.length;
    const childOptions = { ...options, depth: options.depth == null ? options.depth : depth - 1 };
    this.exceptions.forEach((error, index) => {
      const origin = this.#origins.get(error);
      lines.push(`  [${index + 1}/${count}]${origin === undefined ? "" : ` from ${origin}`}:`);
      lines.push(indent(inspect(error, childOptions), "    "));
    });
    if (this.cause !== undefined) lines.push("  [cause]:", indent(inspect(this.cause, childOptions), "    "));
    return lines.join("\n");
  }

  static {
    this.prototype.name = "ExceptionGroup";
  }

  /**
   * Splits the group by a predicate, keeping the nesting: the first part holds the errors that
   * match, the second the rest; either is `undefined` when empty. A nested group that matches
   * as a whole goes whole into the first part.
   *
   * @example
   * ```ts
   * const [cancelled, failed] = group.split((e) => e instanceof CancelledError);
   * ```
   */
  split(predicate: (error: unknown) => boolean): [ExceptionGroup | undefined, ExceptionGroup | undefined] {
    if (typeof predicate !== "function") {
      throw new TypeError(`ExceptionGroup.split() needs a predicate function: received ${typeof predicate}`);
    }
    if (predicate(this)) return [this, undefined];
    const matching: unknown[] = [];
    const rest: unknown[] = [];
    for (const error of this.exceptions) {
      if (error instanceof ExceptionGroup) {
        const [yes, no] = error.split(predicate);
        if (yes !== undefined) matching.push(yes);
        if (no !== undefined) rest.push(no);
      } else if (predicate(error)) matching.push(error);
      else rest.push(error);
    }
    return [this.#derive(matching), this.#derive(rest)];
  }

  /**
   * The errors that match `predicate`, as a group with the same nesting, or `undefined` if none
   * does (the first part of {@link ExceptionGroup.split}).
   *
   * @example
   * ```ts
   * const timeouts = group.subgroup((e) => e instanceof TimeoutError);
   * ```
   */
  subgroup(predicate: (error: unknown) => boolean): ExceptionGroup | undefined {
    return this.split(predicate)[0];
  }

  /** A group of the same message with other errors (or this one, if they are all ours). */
  #derive(exceptions: unknown[]): ExceptionGroup | undefined {
    if (exceptions.length === 0) return undefined;
    if (exceptions.length === this.exceptions.length && exceptions.every((e, i) => e === this.exceptions[i])) return this;
    const derived = new ExceptionGroup(this.#baseMessage, exceptions, { cause: this.cause });
    derived.#origins = this.#origins;
    return derived;
  }
}

const NO_ORIGINS: ReadonlyMap<unknown, string> = new Map();

/** The groups being printed right now, outermost first (see the custom inspect). */
const printing = new Set<ExceptionGroup>();

function indent(text: string, prefix: string): string {
  return text
    .split("\n")
    .map((line) => prefix + line)
    .join("\n");
}

/** "unhandled errors in a task group (2 errors: Error: a; TypeError: b)". */
function describe(message: string, exceptions: readonly unknown[]): string {
  const shown = exceptions.slice(0, 3).map(summary).join("; ");
  const more = exceptions.length > 3 ? `; and ${exceptions.length - 3} more` : "";
  const count = exceptions.length === 1 ? "1 error" : `${exceptions.length} errors`;
  return `${message} (${count}: ${shown}${more})`;
}

function summary(error: unknown): string {
  if (error instanceof ExceptionGroup) return `${error.name} of ${error.exceptions.length}`;
  if (error instanceof Error) return error.message === "" ? error.name : `${error.name}: ${error.message}`;
  return String(error);
}
