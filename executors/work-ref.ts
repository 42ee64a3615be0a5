/**
 * Typed references to work: a module URL and an export name, with the function's argument
 * and result types carried for the compiler.
 *
 * @module
 */

import { describeReceived } from "../lib/core/received.js";
import type { IsCloneable } from "./cloneable.js";
import type { WorkRef } from "./executor.js";

/**
 * A module's URL: a `URL` object (`new URL("./work.js", import.meta.url)`) or a string that
 * `import()` accepts. Typed by its `href` so that the public types do not need the DOM's or
 * Node's `URL` type.
 *
 * @example
 * ```ts
 * const url: ModuleUrl = new URL("./work.js", import.meta.url);
 * ```
 */
export type ModuleUrl =
  | string
  | {
      /** The URL as a string, as `URL` objects have it. */
      readonly href: string;
    };

/**
 * Any function, as a work module exports it; {@link WorkerFunctionName} keeps those whose
 * arguments and awaited result can cross to a worker.
 *
 * @example
 * ```ts
 * const hash: WorkFunction = (data: Uint8Array) => data.length;
 * ```
 */
export type WorkFunction = (...args: never[]) => unknown;

/**
 * The names of `M`'s exported functions that a worker can run: every argument and the awaited
 * result can cross the boundary.
 *
 * @typeParam M - the module's type, `typeof import("./work.js")`.
 * @example
 * ```ts
 * type Names = WorkerFunctionName<typeof import("./work.js")>; // "hash" | "sum"
 * ```
 */
export type WorkerFunctionName<M> = {
  [K in keyof M]: M[K] extends WorkFunction
    ? IsCloneable<Parameters<M[K]>> extends true
      ? IsCloneable<Awaited<ReturnType<M[K]>>> extends true
        ? K
        : never
      : never
    : never;
}[keyof M] &
  string;

/**
 * The {@link WorkRef} for a function type: its parameters, and its result once awaited.
 *
 * @typeParam F - the function's type.
 * @example
 * ```ts
 * type HashRef = WorkRefOf<(data: Uint8Array) => Promise<string>>; // WorkRef<[data: Uint8Array], string>
 * ```
 */
export type WorkRefOf<F extends WorkFunction> = WorkRef<Parameters<F>, Awaited<ReturnType<F>>>;

/**
 * A module of work functions, typed: `task(name)` gives the {@link WorkRef} of one export.
 *
 * @typeParam M - the module's type, `typeof import("./work.js")`.
 * @example
 * ```ts
 * const work = workerModule<typeof import("./work.js")>(new URL("./work.js", import.meta.url));
 * const digest = yield* toThread(work.task("hash"), data);
 * ```
 */
export interface WorkerModule<M> {
  /** The module's URL, as workers import it. */
  readonly url: string;
  /** The reference to the exported function `name`, with its types. */
  task<K extends WorkerFunctionName<M>>(name: K): M[K] extends WorkFunction ? WorkRefOf<M[K]> : never;
}

/**
 * Types every export of a work module at once. The module is not imported here (it is
 * imported lazily by each worker, once): only its type is, through `typeof import(...)`.
 * Only functions whose arguments and result can cross to a worker are offered by `task()`.
 *
 * @typeParam M - the module's type, `typeof import("./work.js")`.
 * @param url - the module's URL: a `URL`, a `file:` URL string, or anything `import()` accepts.
 * @throws TypeError when `url` is neither a URL nor a string.
 * @example
 * ```ts
 * // work.ts: export function hash(data: Uint8Array): string { ... }
 * const work = workerModule<typeof import("./work.js")>(new URL("./work.js", import.meta.url));
 * const digest: string = yield* toThread(work.task("hash"), data);
 * ```
 */
export function workerModule<M>(url: ModuleUrl): WorkerModule<M> {
  const href = checkUrl("workerModule()", url);
  const refs = new Map<string, WorkRef<readonly unknown[], unknown>>();
  return {
    url: href,
    task(name) {
      if (typeof name !== "string" || name === "") {
        throw new TypeError(`workerModule(...).task() needs an export name: received ${describe(name)}`);
      }
      let ref = refs.get(name);
      if (ref === undefined) {
        ref = Object.freeze({ moduleUrl: href, exportName: name });
        refs.set(name, ref);
      }
      return ref as never;
    },
  };
}

/**
 * An export name, when `F`'s arguments and awaited result can cross to a worker; else a type
 * whose name is the reason, so that passing a name is a compile-time error that explains itself.
 *
 * @typeParam F - the function's type.
 * @example
 * ```ts
 * const name: CrossingName<(n: number) => number> = "double"; // fine
 * ```
 */
export type CrossingName<F extends WorkFunction> =
  IsCloneable<Parameters<F>> extends true
    ? IsCloneable<Awaited<ReturnType<F>>> extends true
      ? string
      : "the function's result cannot cross to a worker (a function, symbol or Promise in it)"
    : "the function's arguments cannot cross to a worker (a function, symbol or Promise in them)";

/**
 * Types one exported function of a work module.
 *
 * @typeParam F - the function's type, e.g. `typeof import("./work.js").hash`.
 * @param url - the module's URL.
 * @param exportName - the name it is exported under.
 * @throws TypeError for a bad URL or an empty name.
 * @example
 * ```ts
 * const hash = workerFunction<typeof import("./work.js").hash>(new URL("./work.js", import.meta.url), "hash");
 * const digest = yield* toThread(hash, data);
 * ```
 */
export function workerFunction<F extends WorkFunction>(url: ModuleUrl, exportName: CrossingName<F>): WorkRefOf<F> {
  const href = checkUrl("workerFunction()", url);
  if (typeof exportName !== "string" || exportName === "") {
    throw new TypeError(`workerFunction() needs an export name second: received ${describe(exportName)}`);
  }
  return Object.freeze({ moduleUrl: href, exportName });
}

function checkUrl(where: string, url: unknown): string {
  const href = typeof url === "object" && url !== null ? (url as { href?: unknown }).href : undefined;
  if (typeof href === "string") return href;
  if (typeof url === "string" && url !== "") return url;
  throw new TypeError(`${where} needs the module's URL (new URL("./work.js", import.meta.url)): received ${describe(url)}`);
}

function describe(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : describeReceived(value);
}
