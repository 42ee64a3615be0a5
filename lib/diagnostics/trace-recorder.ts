/**
 * `TraceRecorder`: an instrument that records what the loop did as Chrome Trace Event JSON,
 * the format Perfetto (ui.perfetto.dev) and chrome://tracing load, and that
 * `renderTimelineHtml` draws.
 *
 * The trace, as the issue asks: one track (a "thread") per task, named after it, in the order
 * the tasks were spawned; a slice per step; instant events for I/O waits, for timers that woke
 * a task, and for a task's spawn and exit; callbacks as slices on the loop's own track; and the
 * loop's passes as a counter.
 *
 * @module
 */

import { performance } from "node:perf_hooks";
import type { EventLoop } from "../core/event-loop.js";
import { TimerHandle } from "../core/handle.js";
import type { Handle } from "../core/handle.js";
import type { Instrument } from "../core/instrument.js";
import { currentTask } from "../core/running.js";
import type { Task } from "../core/task.js";
import { describeReceived } from "../core/received.js";

/**
 * One event of a trace (Chrome's Trace Event Format): `ph` is its phase: `X` a slice with a
 * duration, `i` an instant, `C` a counter sample, `M` metadata (a track's name or order).
 * Times are microseconds.
 *
 * @example
 * ```ts
 * const step: TraceEvent = { name: "step", ph: "X", ts: 1200, dur: 35, pid: 1, tid: 2 };
 * ```
 */
export interface TraceEvent {
  /** What happened: `step`, `spawned`, `io wait`, the callback's name ... */
  readonly name: string;
  /** The phase: `X` slice, `i` instant, `C` counter, `M` metadata. */
  readonly ph: "X" | "i" | "C" | "M";
  /** When, in microseconds from the start of the recording (absent on metadata). */
  readonly ts?: number;
  /** How long, in microseconds (slices only). */
  readonly dur?: number;
  /** The process: always 1 (one loop). */
  readonly pid: number;
  /** The track: 0 is the loop's own, each task has its own from 1 on. */
  readonly tid: number;
  /** The scope of an instant: `t`, its track. */
  readonly s?: "t";
  /** A category: `task`, `loop`, `io`, `timer`, `callback`. */
  readonly cat?: string;
  /** Details shown when the event is selected. */
  readonly args?: Readonly<Record<string, unknown>>;
}

/**
 * A whole trace, in the object form of the Trace Event Format (what `JSON.stringify` of a
 * {@link TraceRecorder} gives, and what `yieldio run --trace` writes).
 *
 * @example
 * ```ts
 * const trace: TraceFile = JSON.parse(fs.readFileSync("out.json", "utf8"));
 * console.log(trace.traceEvents.length);
 * ```
 */
export interface TraceFile {
  /** The events, in the order they were recorded. */
  readonly traceEvents: readonly TraceEvent[];
  /** How viewers show times. */
  readonly displayTimeUnit: "ms";
  /** Who wrote the trace, and how many events were left out. */
  readonly otherData: TraceOtherData;
}

/**
 * The `otherData` of a {@link TraceFile}.
 *
 * @example
 * ```ts
 * if (trace.otherData.droppedEvents > 0) console.warn("the trace is cut short");
 * ```
 */
export interface TraceOtherData {
  /** Who wrote the trace. */
  readonly producer: "yieldio";
  /** Events left out once `maxEvents` was reached. */
  readonly droppedEvents: number;
}

/**
 * Options of {@link TraceRecorder}.
 *
 * @example
 * ```ts
 * const recorder = new TraceRecorder({ maxEvents: 100_000 });
 * ```
 */
export interface TraceRecorderOptions {
  /** The clock, in milliseconds; default `performance.now` (real time, even on a `VirtualSelector`). */
  readonly clock?: () => number;
  /** Events kept at most; later ones are counted in `otherData.droppedEvents`. Default 1,000,000. */
  readonly maxEvents?: number;
}

/** The loop's own track. */
const LOOP_TID = 0;
const PID = 1;
/** The passes counter is sampled at most this often (µs), so that a busy loop's trace stays small. */
const COUNTER_EVERY_US = 100;

/**
 * Records a trace of the loop it is installed on (it is an {@link Instrument}): install it with
 * `run(main, { instruments: [recorder] })`, then write `JSON.stringify(recorder)` to a file and
 * open it in Perfetto, or turn it into an HTML timeline with `renderTimelineHtml`.
 * `yieldio run script.ts --trace out.json` does all of that for a script.
 *
 * One recorder records one loop; it keeps at most `maxEvents` events (each is some 100 bytes).
 *
 * @example
 * ```ts
 * const recorder = new TraceRecorder();
 * await run(main, { instruments: [recorder] });
 * fs.writeFileSync("trace.json", JSON.stringify(recorder));
 * fs.writeFileSync("trace.html", renderTimelineHtml(recorder.trace()));
 * ```
 */
export class TraceRecorder implements Instrument {
  readonly #clock: () => number;
  readonly #maxEvents: number;
  readonly #events: TraceEvent[] = [];
  #dropped = 0;
  #originMs: number | undefined;
  // Track ids of the tasks seen, and what each one was woken from (set by taskScheduled).
  readonly #tids = new WeakMap<Task<unknown>, number>();
  #nextTid = LOOP_TID + 1;
  readonly #wokenFrom = new WeakMap<Task<unknown>, string>();
  // Open steps and callbacks, innermost last: an eager task's first step runs inside its
  // creator's step, and a callback can create an eager task.
  readonly #openSlices: number[] = [];
  #ioWaitStartUs = 0;
  #passes = 0;
  #lastCounterUs = Number.NEGATIVE_INFINITY;

  constructor(options: TraceRecorderOptions = {}) {
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- a JavaScript caller can pass anything
    if (typeof options !== "object" || options === null) {
      throw new TypeError(`new TraceRecorder() needs an options object (or none): received ${describeReceived(options)}`);
    }
    const { clock = () => performance.now(), maxEvents = 1_000_000 } = options;
    if (typeof clock !== "function")
      throw new TypeError(`new TraceRecorder() needs options.clock to be a function: received ${describeReceived(clock)}`);
    if (typeof maxEvents !== "number")
      throw new TypeError(`new TraceRecorder() needs options.maxEvents to be a number: received ${describeReceived(maxEvents)}`);
    if (!Number.isInteger(maxEvents) || maxEvents < 1) {
      throw new RangeError(`new TraceRecorder() needs options.maxEvents to be a whole number ≥ 1: received ${maxEvents}`);
    }
    this.#clock = clock;
    this.#maxEvents = maxEvents;
    this.#push({ name: "process_name", ph: "M", pid: PID, tid: LOOP_TID, args: { name: "yieldio" } });
    this.#push({ name: "thread_name", ph: "M", pid: PID, tid: LOOP_TID, args: { name: "event loop" } });
    this.#push({ name: "thread_sort_index", ph: "M", pid: PID, tid: LOOP_TID, args: { sort_index: LOOP_TID } });
  }

  /** The trace so far, as a {@link TraceFile} (a snapshot: later events are not in it). */
  trace(): TraceFile {
    return { traceEvents: [...this.#events], displayTimeUnit: "ms", otherData: { producer: "yieldio", droppedEvents: this.#dropped } };
  }

  /** `JSON.stringify(recorder)` writes the trace. */
  toJSON(): TraceFile {
    return this.trace();
  }

  /** @inheritDoc */
  beforeRun(_loop: EventLoop): void {
    this.#instant("run started", LOOP_TID, "loop");
  }

  /** @inheritDoc */
  afterRun(_loop: EventLoop): void {
    this.#instant("run stopped", LOOP_TID, "loop");
  }

  /** @inheritDoc */
  taskSpawned(task: Task<unknown>): void {
    const tid = this.#tidOf(task);
    const creator = currentTask();
    this.#instant("spawned", tid, "task", creator === undefined ? undefined : { by: creator.name });
  }

  /** @inheritDoc */
  taskScheduled(task: Task<unknown>): void {
    const waitingOn = task.waitingOn;
    this.#wokenFrom.set(task, waitingOn);
    if (waitingOn.startsWith("sleep until")) this.#instant("timer", this.#tidOf(task), "timer", { fired: waitingOn });
  }

  /** @inheritDoc */
  beforeTaskStep(_task: Task<unknown>): void {
    this.#openSlices.push(this.#now());
  }

  /** @inheritDoc */
  afterTaskStep(task: Task<unknown>): void {
    const startUs = this.#openSlices.pop() ?? this.#now();
    const after = task.done() ? "done" : task.waitingOn;
    this.#slice("step", this.#tidOf(task), "task", startUs, { resumedFrom: this.#wokenFrom.get(task) ?? "not started", then: after });
  }

  /** @inheritDoc */
  taskExited(task: Task<unknown>): void {
    const tid = this.#tidOf(task);
    // Peeked, not retrieved: the recorder must not keep an unretrieved failure from its report.
    const state = task._peekState();
    const outcome = state === "failed" ? `failed: ${describeError(task._outcomeValue())}` : state === "fulfilled" ? "returned" : state;
    this.#instant("exited", tid, "task", { outcome });
    // Named again: a task may be renamed while it runs, and viewers keep the last name.
    this.#push({ name: "thread_name", ph: "M", pid: PID, tid, args: { name: task.name } });
  }

  /** @inheritDoc */
  beforeIoWait(timeoutMs: number | null): void {
    const now = this.#now();
    this.#ioWaitStartUs = now;
    this.#passes++;
    if (now - this.#lastCounterUs >= COUNTER_EVERY_US) {
      this.#lastCounterUs = now;
      this.#push({ name: "loop passes", ph: "C", ts: now, pid: PID, tid: LOOP_TID, args: { passes: this.#passes } });
    }
    // A poll that only looks (timeout 0) happens every busy pass: the counter shows those.
    if (timeoutMs !== 0) this.#instant("io wait", LOOP_TID, "io", { timeoutMs: timeoutMs ?? "none" }, now);
  }

  /** @inheritDoc */
  afterIoWait(timeoutMs: number | null, events: number): void {
    if (timeoutMs !== 0)
      this.#slice("waiting for I/O or a timer", LOOP_TID, "io", this.#ioWaitStartUs, { timeoutMs: timeoutMs ?? "none", events });
    if (events > 0) this.#instant("io ready", LOOP_TID, "io", { events });
  }

  /** @inheritDoc */
  beforeCallback(_handle: Handle): void {
    this.#openSlices.push(this.#now());
  }

  /** @inheritDoc */
  afterCallback(handle: Handle): void {
    const startUs = this.#openSlices.pop() ?? this.#now();
    const timer = handle instanceof TimerHandle;
    this.#slice(handle.callbackName, LOOP_TID, timer ? "timer" : "callback", startUs, timer ? { due: handle.when() } : undefined);
  }

  /** Microseconds since the first event. */
  #now(): number {
    const ms = this.#clock();
    this.#originMs ??= ms;
    return Math.round((ms - this.#originMs) * 1e6) / 1000; // µs, to the nanosecond
  }

  #tidOf(task: Task<unknown>): number {
    let tid = this.#tids.get(task);
    if (tid === undefined) {
      tid = this.#nextTid++;
      this.#tids.set(task, tid);
      this.#push({ name: "thread_name", ph: "M", pid: PID, tid, args: { name: task.name } });
      this.#push({ name: "thread_sort_index", ph: "M", pid: PID, tid, args: { sort_index: tid } });
    }
    return tid;
  }

  #instant(name: string, tid: number, cat: string, args?: Record<string, unknown>, ts = this.#now()): void {
    this.#push({ name, ph: "i", s: "t", ts, pid: PID, tid, cat, ...(args === undefined ? {} : { args }) });
  }

  #slice(name: string, tid: number, cat: string, startUs: number, args?: Record<string, unknown>): void {
    const endUs = this.#now();
    this.#push({ name, ph: "X", ts: startUs, dur: endUs - startUs, pid: PID, tid, cat, ...(args === undefined ? {} : { args }) });
  }

  #push(event: TraceEvent): void {
    if (this.#events.length >= this.#maxEvents) this.#dropped++;
    else this.#events.push(event);
  }
}

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return describeReceived(error);
}
