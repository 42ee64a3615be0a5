/**
 * The worker's side of a job name: the function it stands for, imported once per module from
 * under the worker's `moduleRoot` (see job-name.ts for what is refused before any import).
 *
 * @module
 */

import { _jobTarget } from "./job-name.js";

/** @internal A worker's modules, imported on first use and kept. */
export class _JobLoader {
  readonly #moduleRoot: string;
  // One import per module, shared by the jobs that arrive while it loads.
  readonly #modules = new Map<string, Promise<Record<string, unknown>>>();
  /** Job name → its function, once loaded: the next jobs of that name skip the lookup. */
  readonly #functions = new Map<string, (...args: unknown[]) => unknown>();

  constructor(moduleRoot: string) {
    this.#moduleRoot = moduleRoot;
  }

  /** The function job name `name` stands for, if a job of that name was loaded before. */
  loaded(name: string): ((...args: unknown[]) => unknown) | undefined {
    return this.#functions.get(name);
  }

  /**
   * The function job name `name` stands for.
   * @throws TypeError if the name is refused, the module cannot be imported, or the export is missing or not a function.
   */
  async load(name: string): Promise<(...args: unknown[]) => unknown> {
    const { moduleUrl, exportName } = _jobTarget(name, this.#moduleRoot);
    let module = this.#modules.get(moduleUrl);
    if (module === undefined) {
      module = import(moduleUrl) as Promise<Record<string, unknown>>;
      this.#modules.set(moduleUrl, module);
      module.catch(() => this.#modules.delete(moduleUrl)); // a module fixed on disk may load next time
    }
    let exports: Record<string, unknown>;
    try {
      exports = await module;
    } catch (error) {
      throw new TypeError(`cannot load ${moduleUrl} for job ${name}: ${(error as Error).message}`, { cause: error });
    }
    const fn = exports[exportName];
    if (typeof fn !== "function") {
      throw new TypeError(
        exportName in exports
          ? `${moduleUrl} exports ${exportName}, but it is a ${typeof fn}, not a function`
          : `${moduleUrl} has no export named ${exportName}`,
      );
    }
    this.#functions.set(name, fn as (...args: unknown[]) => unknown);
    return fn as (...args: unknown[]) => unknown;
  }
}
