/**
 * Runs jobs where they are executed: in a worker thread, in a child process, or on the loop's
 * own thread for `InlineExecutor`. Modules are imported lazily, once, and cached (a module
 * that fails to load fails every job that names it, with its URL). Each job runs inside an
 * AsyncLocalStorage context that holds its AbortSignal, so `currentSignal()` finds it after
 * `await`s and in the job's own timers, and so that an error the job leaves behind (an
 * unhandled rejection in a timer) is blamed on that job, not on the one running when it shows.
 *
 * @module
 */

import { AsyncLocalStorage } from "node:async_hooks";
import { _JOB_CONTEXT } from "./current-signal.js";
import type { _JobContext, _JobStorage } from "./current-signal.js";
import type { _RefData } from "./protocol.js";

/** @internal The storage of job contexts, one per thread, shared with `currentSignal()`. */
export function _jobStorage(): AsyncLocalStorage<_JobContext> {
  const global = globalThis as { [_JOB_CONTEXT]?: _JobStorage };
  const existing = global[_JOB_CONTEXT];
  if (existing instanceof AsyncLocalStorage) return existing as AsyncLocalStorage<_JobContext>;
  const storage = new AsyncLocalStorage<_JobContext>();
  global[_JOB_CONTEXT] = storage;
  return storage;
}

/** @internal `module#export`, for messages. */
export function _describeRef(ref: _RefData): string {
  return `${ref.moduleUrl}#${ref.exportName}`;
}

/** @internal Loads work modules once per thread and calls their exports. */
export class _JobRunner {
  readonly #modules = new Map<string, Promise<Record<string, unknown>>>();
  readonly #storage = _jobStorage();

  /** Calls `ref(...args)` inside the job's context; resolves with its awaited result. */
  run(id: number, ref: _RefData, args: readonly unknown[], signal: AbortSignal): Promise<unknown> {
    const context: _JobContext = { id, signal, description: _describeRef(ref) };
    return this.#storage.run(context, async () => {
      const fn = await this.#resolve(ref);
      return await (fn as (...a: readonly unknown[]) => unknown)(...args);
    });
  }

  async #resolve(ref: _RefData): Promise<unknown> {
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
    return fn;
  }

  /** The job whose context is current, if any: who left an error behind. */
  currentJob(): _JobContext | undefined {
    return this.#storage.getStore();
  }
}
