/**
 * The options of the worker pools, and their checks.
 *
 * @module
 */

import { availableParallelism } from "node:os";
import { describeReceived } from "../lib/core/received.js";
import type { WorkRef } from "./executor.js";

/**
 * Options shared by {@link ThreadPoolExecutor} and {@link ProcessPoolExecutor}.
 *
 * @example
 * ```ts
 * const pool = new ThreadPoolExecutor({ maxWorkers: 4, idleTimeoutMs: 30_000, maxQueue: 1000 });
 * ```
 */
export interface PoolOptions {
  /** At most this many workers run jobs at once. Default: the machine's available parallelism. */
  readonly maxWorkers?: number;
  /** Workers kept alive when idle, once started (workers start on the first job). Default 0. */
  readonly minWorkers?: number;
  /** An idle worker beyond `minWorkers` exits after this many milliseconds. Default 10 000. */
  readonly idleTimeoutMs?: number;
  /**
   * At most this many jobs wait for a worker: `submit()` past it throws `QueueFull`, and
   * `runInExecutor()` waits for room. Default: unbounded.
   */
  readonly maxQueue?: number;
  /** A worker is replaced by a fresh one after this many jobs (Python's `max_tasks_per_child`). Default: never. */
  readonly maxTasksPerWorker?: number;
  /** The workers' environment variables. Default: the parent's. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * Node options of the workers. Default: the parent's `process.execArgv`, so a program run with
   * `node --import tsx` gets workers that load `.ts` work modules too; child processes leave out
   * `--inspect` and its kin (a second process cannot take the debugger's port), and threads keep
   * only what Node lets a thread take. Options given here that a thread cannot take (such as
   * `--expose-gc`) break the pool: `BrokenExecutorError`, its cause Node's error.
   */
  readonly execArgv?: readonly string[];
  /** Runs once in each worker before its first job; if it throws, the pool is broken (`BrokenExecutorError`). */
  readonly initializer?: WorkRef<[], unknown>;
  /** Runs once in each worker as it exits by the pool's choice (idle, recycled, shut down). */
  readonly teardown?: WorkRef<[], unknown>;
}

/** @internal The options with their defaults, checked. */
export interface _PoolSettings {
  readonly maxWorkers: number;
  readonly minWorkers: number;
  readonly idleTimeoutMs: number;
  readonly maxQueue: number;
  readonly maxTasksPerWorker: number;
  readonly env: Readonly<Record<string, string | undefined>> | undefined;
  readonly execArgv: readonly string[] | undefined;
  readonly initializer: WorkRef<[], unknown> | undefined;
  readonly teardown: WorkRef<[], unknown> | undefined;
}

const KNOWN = new Set([
  "maxWorkers",
  "minWorkers",
  "idleTimeoutMs",
  "maxQueue",
  "maxTasksPerWorker",
  "env",
  "execArgv",
  "initializer",
  "teardown",
  "resourceLimits",
]);

/** @internal Checks `options` for `where` (`ThreadPoolExecutor()`), and fills in defaults. */
export function _poolSettings(where: string, options: unknown): _PoolSettings {
  if (typeof options !== "object" || options === null) {
    throw new TypeError(`${where} needs an options object: received ${describeReceived(options)}`);
  }
  const given = options as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!KNOWN.has(key)) throw new TypeError(`${where} has no option ${JSON.stringify(key)}: the options are ${[...KNOWN].join(", ")}`);
  }
  const maxWorkers = count(where, "maxWorkers", given["maxWorkers"], availableParallelism(), 1);
  const minWorkers = count(where, "minWorkers", given["minWorkers"], 0, 0);
  if (minWorkers > maxWorkers) throw new RangeError(`${where} needs minWorkers <= maxWorkers: received ${minWorkers} > ${maxWorkers}`);
  const execArgv = given["execArgv"];
  if (execArgv !== undefined && (!Array.isArray(execArgv) || !execArgv.every((arg) => typeof arg === "string"))) {
    throw new TypeError(`${where} needs execArgv as an array of strings`);
  }
  const env = given["env"];
  if (env !== undefined && (typeof env !== "object" || env === null)) throw new TypeError(`${where} needs env as an object of strings`);
  return {
    maxWorkers,
    minWorkers,
    idleTimeoutMs: count(where, "idleTimeoutMs", given["idleTimeoutMs"], 10_000, 0),
    maxQueue: count(where, "maxQueue", given["maxQueue"], Number.POSITIVE_INFINITY, 1),
    maxTasksPerWorker: count(where, "maxTasksPerWorker", given["maxTasksPerWorker"], Number.POSITIVE_INFINITY, 1),
    env: env as _PoolSettings["env"],
    execArgv: execArgv,
    initializer: workRef(where, "initializer", given["initializer"]),
    teardown: workRef(where, "teardown", given["teardown"]),
  };
}

function count(where: string, name: string, value: unknown, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || Number.isNaN(value)) {
    throw new TypeError(`${where} needs ${name} as a number: received ${typeof value === "number" ? "NaN" : typeof value}`);
  }
  if (value < min || (value !== Number.POSITIVE_INFINITY && !Number.isInteger(value))) {
    throw new RangeError(`${where} needs ${name} as a whole number >= ${min}: received ${value}`);
  }
  return value;
}

function workRef(where: string, name: string, value: unknown): WorkRef<[], unknown> | undefined {
  if (value === undefined) return undefined;
  _checkWorkRef(`${where}'s ${name}`, value);
  return value as WorkRef<[], unknown>;
}

/** @internal Throws a TypeError unless `ref` is a {@link WorkRef} (a module URL and an export name). */
export function _checkWorkRef(where: string, ref: unknown): void {
  const candidate = ref as Partial<WorkRef<readonly unknown[], unknown>> | null;
  if (
    typeof candidate !== "object" ||
    candidate === null ||
    typeof candidate.moduleUrl !== "string" ||
    typeof candidate.exportName !== "string"
  ) {
    throw new TypeError(
      `${where} needs a reference to work (a module URL and an export name): make one with workerModule(url).task(name) or workerFunction(url, name)` +
        (typeof ref === "function" ? `; a function (${ref.name || "anonymous"}) cannot be sent to another thread` : ""),
    );
  }
}
