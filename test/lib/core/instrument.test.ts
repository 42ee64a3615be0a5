/**
 * Instruments (Trio's `Instrument`): the hooks the loop calls, in order, on recorded logs; a
 * throwing instrument removed and reported; adding and removing at run time; bad instruments.
 */
import test from "ava";
import { EventLoop, Queue, Task, createTask, getRunningLoop, run, sleep, yieldNow } from "../../../lib/index.js";
import type { ExceptionContext, Handle, Instrument } from "../../../lib/index.js";
import { VirtualSelector } from "../../../selectors/index.js";
import { runVirtual } from "../../helpers/loop.js";

/** An instrument that logs every hook, tasks by name (only those in `names`, if given). */
function recorder(log: string[], names?: readonly string[]): Instrument {
  const shown = (task: Task<unknown>): boolean => names === undefined || names.includes(task.name);
  return {
    beforeRun: () => log.push("beforeRun"),
    afterRun: () => log.push("afterRun"),
    taskSpawned: (task) => shown(task) && log.push(`spawned ${task.name}`),
    taskScheduled: (task) => shown(task) && log.push(`scheduled ${task.name} from ${task.waitingOn}`),
    beforeTaskStep: (task) => shown(task) && log.push(`step ${task.name}`),
    afterTaskStep: (task) => shown(task) && log.push(`/step ${task.name}`),
    taskExited: (task) => shown(task) && log.push(`exited ${task.name}`),
  };
}

test("`Instrument` behaviour: a task's life: spawned, scheduled, steps, exited inside its last step (Trio's order); scheduled says what woke it", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    getRunningLoop().addInstrument(recorder(log, ["getter"]));
    const queue = new Queue<number>();
    const getter = createTask(
      (function* () {
        return yield* queue.get();
      })(),
      { name: "getter" },
    );
    yield* sleep(5);
    queue.putNowait(1);
    t.is(yield* getter, 1);
  });
  t.deepEqual(log, [
    "spawned getter",
    "scheduled getter from not started",
    "step getter",
    "/step getter",
    "scheduled getter from queue.get()",
    "step getter",
    "exited getter",
    "/step getter",
    "afterRun", // installed during the run
  ]);
});

test("`Instrument` behaviour: an eager task is spawned, scheduled and stepped at once; a sleeping task is scheduled by its timer", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    getRunningLoop().addInstrument(recorder(log, ["eager"]));
    const task = createTask(
      (function* () {
        yield* sleep(3);
      })(),
      { name: "eager", eager: true },
    );
    log.push("createTask returned");
    yield* task;
  });
  t.deepEqual(log, [
    "spawned eager",
    "scheduled eager from not started",
    "step eager",
    "/step eager",
    "createTask returned",
    "scheduled eager from sleep until 3",
    "step eager",
    "exited eager",
    "/step eager",
    "afterRun",
  ]);
});

test("`Instrument` behaviour: beforeIoWait and afterIoWait frame every poll, with its timeout and the number of ready files", async (t) => {
  const log: string[] = [];
  await run(
    function* () {
      yield* sleep(5);
      yield* yieldNow();
    },
    {
      selector: new VirtualSelector(),
      instruments: [
        {
          beforeIoWait: (timeoutMs) => log.push(`wait ${timeoutMs} @${getRunningLoop().time()}`),
          afterIoWait: (timeoutMs, events) => log.push(`woke ${timeoutMs} ${events} @${getRunningLoop().time()}`),
        },
      ],
    },
  );
  t.deepEqual(log.slice(0, 8), [
    "wait 0 @0",
    "woke 0 0 @0",
    "wait 5 @0",
    "woke 5 0 @5",
    "wait 0 @5",
    "woke 0 0 @5",
    "wait 0 @5",
    "woke 0 0 @5",
  ]);
});

test("`Instrument` behaviour: callback hooks see callSoon and callLater callbacks, not the timers that resume sleeping tasks", async (t) => {
  const log: string[] = [];
  const watcher: Instrument = {
    beforeCallback: (handle: Handle) => log.push(`callback${handle === timer ? " (the timer)" : ""}`),
    afterCallback: () => log.push("/callback"),
  };
  let timer: Handle | undefined;
  await runVirtual(t, function* () {
    const loop = getRunningLoop();
    loop.addInstrument(watcher);
    loop.callSoon(() => log.push("soon ran"));
    timer = loop.callLater(2, () => log.push("later ran"));
    yield* sleep(5); // a sleep timer: not a callback
    loop.removeInstrument(watcher);
  });
  t.deepEqual(log, ["callback", "soon ran", "/callback", "callback (the timer)", "later ran", "/callback"]);
});

test("`Instrument` behaviour: beforeRun and afterRun frame each run of the loop", async (t) => {
  const log: string[] = [];
  const loop = new EventLoop({ selector: new VirtualSelector(), instruments: [recorder(log, [])] });
  await loop.runUntilComplete(sleep(1));
  await loop.runUntilComplete(sleep(1));
  loop.close();
  t.deepEqual(log, ["beforeRun", "afterRun", "beforeRun", "afterRun"]);
});

test("`Instrument` behaviour: an instrument that throws is removed and reported; the others go on and the loop runs on", async (t) => {
  const log: string[] = [];
  const reports: ExceptionContext[] = [];
  const broken = new Error("instrument bug");
  class Broken implements Instrument {
    beforeTaskStep(): void {
      throw broken;
    }
  }
  const result = await run(
    function* () {
      yield* sleep(1);
      yield* sleep(1);
      return "finished";
    },
    {
      selector: new VirtualSelector(),
      exceptionHandler: (context) => reports.push(context),
      instruments: [new Broken(), { afterTaskStep: (task) => log.push(`after ${task.name}`) }],
    },
  );
  t.is(result, "finished");
  t.is(log.length, 3, "the healthy instrument saw all three steps");
  t.is(reports.length, 1, "reported once: the broken instrument is gone after its first error");
  t.is(reports[0]?.exception, broken);
  t.regex(reports[0]?.message ?? "", /^instrument Broken raised in beforeTaskStep\(\): it was removed, the other instruments go on$/);
});

test("`Instrument` behaviour: added and removed at run time, even from inside its own hook", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const loop = getRunningLoop();
    const once: Instrument = {
      afterTaskStep: (task) => {
        log.push(`once saw ${task.name}`);
        t.true(loop.removeInstrument(once));
      },
    };
    loop.addInstrument(once);
    loop.addInstrument(once); // installed already: no second call
    yield* yieldNow();
    yield* yieldNow();
    t.false(loop.removeInstrument(once), "removed already");
  });
  t.is(log.length, 1);
});

test("`Instrument` behaviour: bad instruments are TypeErrors naming the problem, and nothing is installed", async (t) => {
  await runVirtual(t, function* () {
    const loop = getRunningLoop();
    t.throws(() => loop.addInstrument(null as never), {
      instanceOf: TypeError,
      message: /addInstrument\(\) needs an instrument .*: received null/,
    });
    t.throws(() => loop.addInstrument({ beforeTaskStep: 1 } as never), {
      instanceOf: TypeError,
      message: "addInstrument() needs the instrument's beforeTaskStep to be a function: received number",
    });
    t.throws(() => loop.addInstrument({ beforeStep: () => undefined } as never), {
      instanceOf: TypeError,
      message: /^addInstrument\(\) got an object with none of the instrument hooks \(beforeRun, afterRun, /,
    });
    t.is(loop._instruments, undefined);
    yield* sleep(1);
  });
  t.throws(() => new EventLoop({ selector: new VirtualSelector(), instruments: [42 as never] }), {
    instanceOf: TypeError,
    message: /^new EventLoop\(\) \(options.instruments\[0\]\) needs an instrument/,
  });
});

test("`Instrument` behaviour: with debug mode on too, callbacks are timed and hooked", async (t) => {
  const log: string[] = [];
  const reports: ExceptionContext[] = [];
  const loop = new EventLoop({
    selector: new VirtualSelector(),
    debug: true,
    exceptionHandler: (context) => reports.push(context),
    instruments: [{ beforeCallback: () => log.push("callback"), afterCallback: () => log.push("/callback") }],
  });
  loop.slowCallbackDurationMs = 0; // every callback is "slow": reported, and still hooked
  loop.callSoon(() => log.push("ran"));
  loop.callSoon(() => loop.stop());
  await loop.runForever();
  loop.close();
  t.deepEqual(log, ["callback", "ran", "/callback", "callback", "/callback"]);
  t.deepEqual(
    reports.map((report) => report.message.replace(/[\d.]+ ms/, "N ms")),
    ["slow callback (anonymous) took N ms", "slow callback (anonymous) took N ms"],
  );
});

test("`Instrument` behaviour: hooks are called as methods, so a class instrument keeps its state on `this`", async (t) => {
  class StepCounter implements Instrument {
    steps = 0;
    afterTaskStep(): void {
      this.steps++;
    }
  }
  const counter = new StepCounter();
  await run(
    function* () {
      yield* yieldNow();
      yield* yieldNow();
    },
    { selector: new VirtualSelector(), instruments: [counter] },
  );
  t.is(counter.steps, 3);
});
