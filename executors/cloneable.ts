/**
 * What can cross to a worker, in types. Arguments and results travel by structured clone
 * (threads) or V8 serialization (processes): plain data, arrays, Maps, Sets, Dates, RegExps,
 * ArrayBuffers and their views, Errors. Functions, symbols and Promises cannot, and an object
 * holding one fails at run time with a DataCloneError; these types make it a compile-time
 * error instead.
 *
 * @module
 */

/**
 * Values that structured clone refuses (or, for a class instance's methods, silently drops).
 *
 * @example
 * ```ts
 * type Refused = (() => void) extends NotCloneable ? true : false; // true
 * ```
 */
export type NotCloneable = ((...args: never[]) => unknown) | symbol | PromiseLike<unknown> | WeakMap<object, unknown> | WeakSet<object>;

/**
 * The leaves structured clone carries as they are: primitives (not symbols), Dates, RegExps,
 * ArrayBuffers and their views, Errors.
 *
 * @example
 * ```ts
 * const leaf: CloneableLeaf = new Uint8Array(16);
 * ```
 */
export type CloneableLeaf = string | number | bigint | boolean | null | undefined | Date | RegExp | ArrayBuffer | ArrayBufferView | Error;

/**
 * `T` when structured clone can carry it, else `never` at the offending place, so that
 * passing such a value is a type error that points at it.
 *
 * @typeParam T - the type to check.
 * @example
 * ```ts
 * const ok: Cloneable<{ id: number; tags: string[] }> = { id: 1, tags: [] };
 * // @ts-expect-error a function cannot be sent to a worker
 * const bad: Cloneable<{ run: () => void }> = { run: () => {} };
 * ```
 */
export type Cloneable<T> = T extends NotCloneable
  ? never
  : T extends CloneableLeaf
    ? T
    : T extends ReadonlyMap<infer K, infer V>
      ? ReadonlyMap<Cloneable<K>, Cloneable<V>> & T
      : T extends ReadonlySet<infer V>
        ? ReadonlySet<Cloneable<V>> & T
        : T extends object
          ? { [K in keyof T]: Cloneable<T[K]> }
          : T;

/**
 * True (as a type) when `T` can cross the boundary as it is.
 *
 * @typeParam T - the type to check.
 * @example
 * ```ts
 * type Yes = IsCloneable<[Uint8Array, number]>; // true
 * type No = IsCloneable<[() => void]>; // false
 * ```
 */
export type IsCloneable<T> = [T] extends [Cloneable<T>] ? true : false;

/**
 * The arguments of a WorkRef, checked for the boundary: an argument that structured
 * clone cannot carry (a function, a symbol, a Promise, an object holding one) is a type error.
 *
 * @typeParam A - the argument tuple.
 * @example
 * ```ts
 * function send<A extends readonly unknown[]>(ref: WorkRef<A, unknown>, ...args: CloneableArgs<A>): void {}
 * ```
 */
export type CloneableArgs<A extends readonly unknown[]> = { [I in keyof A]: Cloneable<A[I]> };
