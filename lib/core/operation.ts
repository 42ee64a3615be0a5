/**
 * What a coroutine is, in types. Users write `function*` and compose with `yield*`, so
 * TypeScript infers every result type; the kernel only ever sees {@link Instruction}s.
 *
 * @module
 */

import type { Instruction } from "./instruction.js";
import { describeReceived } from "./received.js";

/**
 * Anything that can be run with `yield*` inside a coroutine: a generator object such as
 * `worker(1)`, a {@link Future}, a {@link Task}, or the result of any yieldio function that waits.
 *
 * @typeParam T - what `yield*` returns.
 * @example
 * ```ts
 * function* twice(op: () => Operation<number>): Coroutine<number> {
 *   return (yield* op()) + (yield* op());
 * }
 * ```
 */
export interface Operation<T> {
  /** Starts the operation: each call returns a fresh iterator of instructions. */
  [Symbol.iterator](): Iterator<Instruction, T, unknown>;
}

/**
 * The type of a generator function's result when it is a coroutine: annotate `function*` with it.
 *
 * @typeParam T - the value the coroutine returns.
 * @example
 * ```ts
 * function* worker(): Coroutine<number> {
 *   yield* sleep(10);
 *   return 1;
 * }
 * ```
 */
export type Coroutine<T> = Generator<Instruction, T, unknown>;

/**
 * True for objects that can be run with `yield*`: they have a `[Symbol.iterator]` method and
 * are not arrays, Sets, Maps or strings (an array of operations is a diagnosed mistake: run several at once with `gather`).
 *
 * @example
 * ```ts
 * isOperation(sleep(1)); // true
 * isOperation([sleep(1)]); // false
 * ```
 */
export function isOperation(value: unknown): value is Operation<unknown> {
  if (value instanceof GENERATOR) return true; // the common case, one prototype walk
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Set) &&
    !(value instanceof Map) &&
    typeof (value as { [Symbol.iterator]?: unknown })[Symbol.iterator] === "function"
  );
}

/**
 * A function whose `prototype` is %GeneratorPrototype%, so that `value instanceof GENERATOR`
 * is true exactly for generator objects (V8's fastest prototype-chain test).
 */
function GENERATOR(): void {}
/** @internal True exactly for generator objects (`worker(1)`). */
export function _isGeneratorObject(value: unknown): value is Generator<unknown, unknown, unknown> {
  return value instanceof GENERATOR;
}
GENERATOR.prototype = Object.getPrototypeOf(Object.getPrototypeOf((function* () {})())) as object;

/**
 * @internal Throws a `TypeError` naming the likely mistake when `op` is not an Operation:
 * a Promise (wrap it with `fromPromise`), a function (call it), an array (use `gather`).
 */
export function checkOperation(where: string, op: unknown): asserts op is Operation<unknown> {
  if (isOperation(op)) return;
  // `name()` gives `name(work())`; anything else (a body function) gives `() => work()`.
  const example = (fn: string): string => (where.endsWith("()") ? `${where.slice(0, -2)}(${fn}())` : `() => ${fn}()`);
  if (typeof (op as { then?: unknown } | null)?.then === "function") {
    throw new TypeError(`${where} was given a Promise: wrap it as an Operation with fromPromise(promise)`);
  }
  if (typeof op === "function") {
    throw new TypeError(
      `${where} was given a function (${op.name || "anonymous"}): call it and pass the result, e.g. ${example(op.name || "work")}`,
    );
  }
  if (Array.isArray(op)) {
    throw new TypeError(`${where} needs an Operation, not an array: to run several at once use gather(...)`);
  }
  if (op instanceof Set || op instanceof Map) {
    throw new TypeError(
      `${where} needs an Operation, not a ${op instanceof Set ? "Set" : "Map"}: pass its operations as an Array, e.g. gather([...${op instanceof Set ? "set" : "map.values()"}])`,
    );
  }
  throw new TypeError(`${where} needs an Operation (a generator object, a Future or a Task): received ${describeReceived(op)}`);
}
