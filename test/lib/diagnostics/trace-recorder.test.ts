/**
 * `TraceRecorder`: the Chrome Trace Event JSON it records for a small program on virtual time,
 * with a clock that ticks once per reading so every timestamp is known.
 */
import test from "ava";
import { Queue, TraceRecorder, createTask, getRunningLoop, run, sleep } from "../../../lib/index.js";
import type { TraceEvent, TraceFile } from "../../../lib/index.js";
import { VirtualSelector } from "../../../selectors/index.js";

/** A clock that moves 1 ms per reading: deterministic timestamps (1000 µs apart). */
function tickingClock(): () => number {
  let ms = 0;
  return () => ms++;
}

async function traceOf(main: () => Generator<unknown, unknown, unknown>, maxEvents?: number): Promise<TraceFile> {
  const recorder = new TraceRecorder({ clock: tickingClock(), ...(maxEvents === undefined ? {} : { maxEvents }) });
  await run(main as never, { selector: new VirtualSelector(), instruments: [recorder] });
  return JSON.parse(JSON.stringify(recorder)) as TraceFile; // through JSON, as a file would be
}

const threadNames = (trace: TraceFile): Map<number, string> =>
  new Map(trace.traceEvents.filter((e) => e.ph === "M" && e.name === "thread_name").map((e) => [e.tid, String(e.args?.["name"])]));

/** A track's events in time order (a task's exit is recorded inside its last step, before that step's slice). */
const on = (trace: TraceFile, tid: number): TraceEvent[] =>
  trace.traceEvents.filter((e) => e.tid === tid && e.ph !== "M").sort((a, b) => (a.ts ?? 0) - (b.ts ?? 0));

test("`TraceRecorder` behaviour: one named track per task in spawn order, a slice per step, marks for spawn, timers and exit", async (t) => {
  const trace = await traceOf(function* () {
    const queue = new Queue<string>();
    const consumer = createTask(
      (function* () {
        return yield* queue.get();
      })(),
      { name: "consumer" },
    );
    const producer = createTask(
      (function* () {
        yield* sleep(10);
        queue.putNowait("item");
      })(),
      { name: "producer" },
    );
    yield* producer;
    return yield* consumer;
  });
  t.is(trace.displayTimeUnit, "ms");
  t.deepEqual(trace.otherData, { producer: "yieldio", droppedEvents: 0 });
  const names = threadNames(trace);
  t.is(names.get(0), "event loop");
  t.deepEqual([names.get(2), names.get(3)], ["consumer", "producer"], "tracks numbered in spawn order (1 is main)");

  const consumer = on(trace, 2).map((e) => `${e.ph} ${e.name}${e.ph === "X" ? ` ${JSON.stringify(e.args)}` : ""}`);
  t.deepEqual(consumer, [
    "i spawned",
    'X step {"resumedFrom":"not started","then":"queue.get()"}',
    'X step {"resumedFrom":"queue.get()","then":"done"}',
    "i exited",
  ]);
  const producer = on(trace, 3).map((e) => `${e.ph} ${e.name}`);
  t.deepEqual(producer, ["i spawned", "X step", "i timer", "X step", "i exited"]);
  const spawned = on(trace, 2)[0]!;
  t.deepEqual(spawned.args, { by: names.get(1) });
  const exits = trace.traceEvents.filter((e) => e.name === "exited").map((e) => e.args?.["outcome"]);
  t.deepEqual(exits, ["returned", "returned", "returned"]);
});

test("`TraceRecorder` behaviour: every event has the fields viewers need; times are µs, slices do not end before they start", async (t) => {
  const trace = await traceOf(function* () {
    getRunningLoop().callLater(5, function tick() {});
    yield* sleep(10);
  });
  for (const event of trace.traceEvents) {
    t.true(["X", "i", "C", "M"].includes(event.ph), event.name);
    t.is(event.pid, 1);
    t.is(typeof event.tid, "number");
    if (event.ph !== "M") t.true(typeof event.ts === "number" && event.ts >= 0, event.name);
    if (event.ph === "X") t.true(typeof event.dur === "number" && event.dur >= 0, event.name);
    if (event.ph === "i") t.is(event.s, "t");
  }
  const loopTrack = on(trace, 0).map((e) => `${e.ph} ${e.name}`);
  t.true(loopTrack.includes("X tick"), "the callLater callback is a slice named after its function");
  t.true(loopTrack.includes("i io wait") && loopTrack.includes("X waiting for I/O or a timer"), "waits that may block are marked");
  t.deepEqual(loopTrack.slice(0, 1), ["i run started"]);
  const tick = trace.traceEvents.find((e) => e.name === "tick")!;
  t.is(tick.cat, "timer");
  t.deepEqual(tick.args, { due: 5 });
  const counters = trace.traceEvents.filter((e) => e.ph === "C");
  t.true(counters.length >= 2);
  const values = counters.map((e) => Number(e.args?.["passes"]));
  t.deepEqual(
    values,
    [...values].sort((a, b) => a - b),
    "the passes counter only grows",
  );
});

test("`TraceRecorder` behaviour: a failed or cancelled task's exit says so, and the failure is still reported as never retrieved", async (t) => {
  const reports: string[] = [];
  const recorder = new TraceRecorder({ clock: tickingClock() });
  await run(
    function* () {
      createTask(
        (function* () {
          throw new Error("nobody looks");
        })(),
        { name: "lonely" },
      );
      const sleeper = createTask(sleep(100), { name: "sleeper" });
      yield* sleep(1);
      sleeper.cancel();
      yield* sleep(1);
    },
    { selector: new VirtualSelector(), instruments: [recorder], exceptionHandler: (context) => reports.push(context.message) },
  );
  const names = threadNames(recorder.trace());
  const outcomes = new Map(
    recorder
      .trace()
      .traceEvents.filter((e) => e.name === "exited")
      .map((e) => [names.get(e.tid), e.args?.["outcome"]] as const),
  );
  t.is(outcomes.get("lonely"), "failed: Error: nobody looks");
  t.is(outcomes.get("sleeper"), "cancelled");
  t.true(
    reports.some((message) => /never retrieved/i.test(message)),
    `the recorder peeked without retrieving: ${reports.join("; ")}`,
  );
});

test("`TraceRecorder` behaviour: past maxEvents, events are counted as dropped, not kept", async (t) => {
  const trace = await traceOf(function* () {
    for (let i = 0; i < 20; i++) yield* sleep(1);
  }, 10);
  t.is(trace.traceEvents.length, 10);
  t.true(trace.otherData.droppedEvents > 0);
});

test("`TraceRecorder` behaviour: bad options are TypeErrors and RangeErrors", (t) => {
  t.throws(() => new TraceRecorder(42 as never), { instanceOf: TypeError, message: /needs an options object/ });
  t.throws(() => new TraceRecorder({ clock: 1 as never }), { instanceOf: TypeError, message: /options.clock to be a function/ });
  t.throws(() => new TraceRecorder({ maxEvents: "10" as never }), { instanceOf: TypeError, message: /options.maxEvents to be a number/ });
  t.throws(() => new TraceRecorder({ maxEvents: 0 }), {
    instanceOf: RangeError,
    message: /options.maxEvents to be a whole number ≥ 1: received 0/,
  });
});
