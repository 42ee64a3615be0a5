/**
 * `transfer(value)`: move an ArrayBuffer (or a view's buffer, a MessagePort ...) to the other
 * side instead of copying it. The marker is a registry of objects, kept on `globalThis` under
 * a shared symbol so that a work module and the worker's runner agree even if they loaded
 * yieldio through different paths.
 *
 * @module
 */

import { describeReceived } from "../lib/core/received.js";

const REGISTRY: unique symbol = Symbol.for("yieldio.executors.transferables");

function registry(): WeakSet<object> {
  const global = globalThis as { [REGISTRY]?: WeakSet<object> | undefined };
  let marked = global[REGISTRY];
  if (marked === undefined) {
    marked = new WeakSet();
    global[REGISTRY] = marked;
  }
  return marked;
}

/**
 * Marks `value` to be transferred, not copied, when it crosses to or from a worker thread:
 * as an argument of `submit`/`runInExecutor`, or as what a work function returns. A typed
 * array or DataView transfers its underlying buffer. After the crossing, the sender's object
 * is detached (length 0). With a process pool it is a no-op: the value is copied.
 *
 * Only top-level arguments and the result itself are looked at; for objects nested deeper use
 * `SubmitOptions.transfer`.
 *
 * @typeParam T - the value's type, returned unchanged.
 * @param value - an ArrayBuffer, a typed array or DataView, or another transferable object.
 * @returns `value`, marked.
 * @throws TypeError when `value` is not an object.
 * @example
 * ```ts
 * const digest = yield* toThread(work.task("hash"), transfer(bytes)); // bytes is now empty here
 * // in the work module: return transfer(output);
 * ```
 */
export function transfer<T extends object>(value: T): T {
  const given: unknown = value; // a JavaScript caller can pass anything
  if ((typeof given !== "object" && typeof given !== "function") || given === null) {
    throw new TypeError(`transfer() needs an object (an ArrayBuffer, a typed array ...): received ${describeReceived(given)}`);
  }
  registry().add(value);
  return value;
}

/** @internal The transfer list for these values: the marked ones (a view gives its buffer). */
export function _transferListOf(values: readonly unknown[], extra: readonly object[] | undefined): object[] {
  const marked = registry();
  const list = extra === undefined ? [] : [...extra];
  for (const value of values) {
    if (typeof value !== "object" || value === null || !marked.has(value)) continue;
    marked.delete(value);
    const target = ArrayBuffer.isView(value) ? value.buffer : value;
    if (!list.includes(target)) list.push(target);
  }
  return list;
}
