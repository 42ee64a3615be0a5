/**
 * Runs jobs where they are executed: in a worker thread, in a child process, or on the loop's
 * own thread for `InlineExecutor`. Modules are imported lazily, once, and cached (a module
 * that fails to load fails every job that names it, with its URL). Each job runs inside an
 * AsyncLocalStorage context that holds its AbortSignal, so `currentSignal()` finds it after
 * `await`s and in the job's own timers, and so that an error the job leaves behind (an
 * unhandled rejection in a timer) is blamed on that job, not on the one running when it shows.
 *
 * A function whose module is loaded is called at once, and a result that is not a Promise is
 * answered in the same turn: a tiny job costs no Promise and no microtask.
 *
 * @module
 */

import { AsyncLocalStorage } from "node:async_hooks";
import { _JOB_CONTEXT } from "./current-signal.js";
import type { _JobContext, _JobStorage } from "./current-signal.js";
import { _describeRef } from "./protocol.js";
import type { _RefData } from "./protocol.js";

/** A work function, as the runner calls it. */
type Callable = (...args: readonly unknown[]) => unknown;

/** @internal The storage of job contexts, one per thread, shared with `currentSignal()`. */
export function _jobStorage(): AsyncLocalStorage<_JobContext> {
  const global = globalThis as { [_JOB_CONTEXT]?: _JobStorage };
  const existing = global[_JOB_CONTEXT];
  if (existing instanceof AsyncLocalStorage) return existing as AsyncLocalStorage<_JobContext>;
  const storage = new AsyncLocalStorage<_JobContext>();
  global[_JOB_CONTEXT] = storage;
  return storage;
}

/**
 * @internal One job's context. Its AbortController is made the first time anyone asks for the
 * signal (most jobs never do); an abort before that is remembered.
 */
export class _JobContextImpl implements _JobContext {
  readonly id: number;
  readonly #ref: _RefData;
  #controller: AbortController | undefined;
  #aborted = false;

  constructor(id: number, ref: _RefData) {
    this.id = id;
    this.#ref = ref;
  }

  get description(): string {
    return _describeRef(this.#ref);
  }

  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#aborted) this.#controller.abort();
    }
    return this.#controller.signal;
  }

  /** The job's caller cancelled it. */
  abort(): void {
    this.#aborted = true;
    this.#controller?.abort();
  }
}

/** @internal Loads work modules once per thread and calls their exports. */
export class _JobRunner {
  readonly #modules = new Map<string, Promise<Record<string, unknown>>>();
  /** Functions already resolved, by module URL, then export name. */
  readonly #functions = new Map<string, Map<string, Callable>>();
  readonly #storage = _jobStorage();

  /** The function `ref` names, if its module is loaded already (the fast path). */
  loaded(ref: _RefData): Callable | undefined {
    return this.#functions.get(ref.moduleUrl)?.get(ref.exportName);
  }

  /** Calls `fn(...args)` inside the job's context; returns what it returns (a Promise for an async function). */
  call(context: _JobContext, fn: Callable, args: readonly unknown[]): unknown {
    return this.#storage.run(context, fn, ...args);
  }

  /** Loads `ref`'s module if needed, then calls it inside the job's context; resolves with its awaited result. */
  async run(context: _JobContext, ref: _RefData, args: readonly unknown[]): Promise<unknown> {
    const fn = this.loaded(ref) ?? (await this.resolve(ref));
    return await this.call(context, fn, args);
  }

  /** Loads `ref`'s module (once) and finds the function. */
  async resolve(ref: _RefData): Promise<Callable> {
    let loading = this.#modules.get(ref.moduleUrl);
    if (loading === undefined) {
      loading = import(ref.moduleUrl) as Promise<Record<string, unknown>>;
      this.#modules.set(ref.moduleUrl, loading);
    }
    let module: Record<string, unknown>;
    try {
      module = await loading;
    } catch (error) {
      throw new Error(`the work module ${ref.moduleUrl} could not be loaded (for ${ref.exportName}): ${String(error)}`, { cause: error });
    }
    const fn = module[ref.exportName];
    if (typeof fn !== "function") {
      const names = Object.keys(module).filter((name) => typeof module[name] === "function");
      throw new TypeError(
        `the work module ${ref.moduleUrl} has no exported function ${JSON.stringify(ref.exportName)}` +
          (fn === undefined ? "" : ` (that export is ${typeof fn})`) +
          `: its functions are ${names.length === 0 ? "none" : names.join(", ")}`,
      );
    }
    let byName = this.#functions.get(ref.moduleUrl);
    if (byName === undefined) {
      byName = new Map();
      this.#functions.set(ref.moduleUrl, byName);
    }
    byName.set(ref.exportName, fn as Callable);
    return fn as Callable;
  }

  /** The job whose context is current, if any: who left an error behind. */
  currentJob(): _JobContext | undefined {
    return this.#storage.getStore();
  }
}
