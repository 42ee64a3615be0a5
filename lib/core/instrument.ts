/**
 * Instruments: hooks the loop calls as it runs (Trio's `trio.abc.Instrument`), for tracing,
 * profiling and teaching. A trace recorder, a task counter, a step timer are instruments.
 *
 * Discussion: zero cost when none is installed. The loop keeps `_instruments` undefined then,
 * and each hook site is one check of that field; the ready queue's fast runner is used unless
 * an instrument wants callback hooks or debug mode is on (see `EventLoop#runReadySnapshot`).
 *
 * @module
 */

import type { EventLoop } from "./event-loop.js";
import type { Handle } from "./handle.js";
import type { Task } from "./task.js";

/**
 * Hooks into the event loop, each optional (Trio's `Instrument`, in camelCase). Install them
 * with `run(main, { instruments: [i] })`, `new EventLoop({ instruments })` or
 * `loop.addInstrument(i)`. They run synchronously, inside the loop: keep them quick, and do
 * not start or cancel tasks from them. An instrument whose hook throws is removed and the
 * error goes to the loop's exception handler; the other instruments go on.
 *
 * The order for one task: `taskSpawned`, then (`taskScheduled`, `beforeTaskStep`,
 * `afterTaskStep`) for each step; `taskExited` comes inside the last step, which settles the
 * task, before that step's `afterTaskStep` (Trio's order). A task created eagerly, or woken by
 * its sleep timer, steps at once after `taskScheduled`.
 *
 * @example
 * ```ts
 * const steps = new Map<string, number>();
 * const counter: Instrument = {
 *   afterTaskStep: (task) => steps.set(task.name, (steps.get(task.name) ?? 0) + 1),
 * };
 * await run(main, { instruments: [counter] });
 * console.log(steps); // Map { "Task-1" => 3, ... }
 * ```
 */
export interface Instrument {
  /** The loop starts running (each `runUntilComplete`/`runForever`; once per `run()`). */
  beforeRun?(loop: EventLoop): void;
  /** The loop stopped running. */
  afterRun?(loop: EventLoop): void;
  /** A task was created (before its first step, even an eager one). */
  taskSpawned?(task: Task<unknown>): void;
  /**
   * A task became runnable: put on the ready queue, or about to step at once. While this hook
   * runs, `task.waitingOn` still says what it waited for (`sleep until 100`, `queue.get()`).
   */
  taskScheduled?(task: Task<unknown>): void;
  /** A task's coroutine is about to be resumed. */
  beforeTaskStep?(task: Task<unknown>): void;
  /** A task's coroutine suspended or ended. */
  afterTaskStep?(task: Task<unknown>): void;
  /** A task finished (its result or error is set). */
  taskExited?(task: Task<unknown>): void;
  /**
   * The loop is about to ask its selector for I/O events.
   *
   * @param timeoutMs - how long it may wait, in milliseconds (`null`: until something
   *   happens; `0`: only a look).
   */
  beforeIoWait?(timeoutMs: number | null): void;
  /**
   * The selector answered.
   *
   * @param timeoutMs - the wait's limit, in milliseconds, as given to `beforeIoWait`.
   * @param events - how many file objects are ready.
   */
  afterIoWait?(timeoutMs: number | null, events: number): void;
  /** A callback (`callSoon`, `callLater`, a done callback, an I/O callback) is about to run. */
  beforeCallback?(handle: Handle): void;
  /** That callback returned (or threw: the exception handler has been called). */
  afterCallback?(handle: Handle): void;
}

/**
 * The names of every hook of an {@link Instrument}, in the order the interface lists them.
 *
 * @example
 * ```ts
 * const counter: Record<string, () => void> = {};
 * for (const hook of INSTRUMENT_HOOKS) counter[hook] = () => calls++;
 * loop.addInstrument(counter as Instrument);
 * ```
 */
export const INSTRUMENT_HOOKS = [
  "beforeRun",
  "afterRun",
  "taskSpawned",
  "taskScheduled",
  "beforeTaskStep",
  "afterTaskStep",
  "taskExited",
  "beforeIoWait",
  "afterIoWait",
  "beforeCallback",
  "afterCallback",
] as const;

/**
 * The name of one hook of an {@link Instrument}.
 *
 * @example
 * ```ts
 * const hook: InstrumentHook = "beforeTaskStep";
 * ```
 */
export type InstrumentHook = (typeof INSTRUMENT_HOOKS)[number];

/**
 * @internal The instruments of a loop, never empty (the loop holds `undefined` instead).
 * Invariant: `#list` is replaced, never changed in place, so a hook may add or remove
 * instruments while the set calls them: the call in progress goes on with the old list.
 */
export class _InstrumentSet {
  readonly #loop: EventLoop;
  #list: readonly Instrument[];
  /** True if some instrument has a callback hook: the loop then runs its ready queue entry by entry. */
  watchesCallbacks = false;

  constructor(loop: EventLoop, instruments: readonly Instrument[]) {
    this.#loop = loop;
    this.#list = instruments;
    this.#update();
  }

  get size(): number {
    return this.#list.length;
  }

  has(instrument: Instrument): boolean {
    return this.#list.includes(instrument);
  }

  /** Adds `instrument` (again: it is called once per hook all the same). */
  add(instrument: Instrument): void {
    if (!this.#list.includes(instrument)) this.#list = [...this.#list, instrument];
    this.#update();
  }

  /** Removes `instrument`; true if it was there. */
  remove(instrument: Instrument): boolean {
    if (!this.#list.includes(instrument)) return false;
    this.#list = this.#list.filter((installed) => installed !== instrument);
    this.#update();
    return true;
  }

  /** Calls `hook` on every instrument that has it; a throwing one is removed and reported. */
  call(hook: InstrumentHook, arg?: unknown, arg2?: unknown): void {
    for (const instrument of this.#list) {
      // A hook is called as a method of its instrument (a class's hooks may use `this`).
      const hooks = instrument as Record<InstrumentHook, ((this: unknown, a?: unknown, b?: unknown) => void) | undefined>;
      if (hooks[hook] === undefined) continue;
      try {
        hooks[hook](arg, arg2);
      } catch (error) {
        this.remove(instrument);
        this.#loop._instrumentsChanged();
        this.#loop.callExceptionHandler({
          message: `instrument ${describeInstrument(instrument)} raised in ${hook}(): it was removed, the other instruments go on`,
          exception: error,
        });
      }
    }
  }

  #update(): void {
    this.watchesCallbacks = this.#list.some(
      (instrument) => instrument.beforeCallback !== undefined || instrument.afterCallback !== undefined,
    );
  }
}

/**
 * @internal Throws a TypeError unless `value` can be an instrument: an object whose hooks
 * are functions, with at least one hook (a misspelled hook would otherwise do nothing).
 */
export function _checkInstrument(where: string, value: unknown): asserts value is Instrument {
  if (typeof value !== "object" || value === null) {
    throw new TypeError(
      `${where} needs an instrument (an object with hooks such as beforeTaskStep): received ${value === null ? "null" : typeof value}`,
    );
  }
  let hooks = 0;
  for (const hook of INSTRUMENT_HOOKS) {
    const fn = (value as Record<string, unknown>)[hook];
    if (fn === undefined) continue;
    if (typeof fn !== "function") throw new TypeError(`${where} needs the instrument's ${hook} to be a function: received ${typeof fn}`);
    hooks++;
  }
  if (hooks === 0) throw new TypeError(`${where} got an object with none of the instrument hooks (${INSTRUMENT_HOOKS.join(", ")})`);
}

function describeInstrument(instrument: Instrument): string {
  const name = (instrument as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === "string" && name !== "" && name !== "Object" ? name : "(an object)";
}
