/**
 * Debug mode (`run(main, { debug: true })`, `YIELDIO_DEBUG=1`, `yieldio run --debug`): what it
 * reports, each with the task's name and where it was created. Slow steps and swallowed
 * cancellations have their tests beside the loop and the task (event-loop.test.ts, task.test.ts).
 */
import test from "ava";
import { EventLoop, createTask, run, sleep } from "../../../lib/index.js";
import type { ExceptionContext } from "../../../lib/index.js";
import { VirtualSelector } from "../../../selectors/index.js";

/** `new EventLoop()` with YIELDIO_DEBUG set to `value` (or unset) while it is made. */
function loopWithEnvironment(value: string | undefined, options: { debug?: boolean } = {}): EventLoop {
  const saved = process.env["YIELDIO_DEBUG"];
  if (value === undefined) delete process.env["YIELDIO_DEBUG"];
  else process.env["YIELDIO_DEBUG"] = value;
  try {
    return new EventLoop({ selector: new VirtualSelector(), ...options });
  } finally {
    if (saved === undefined) delete process.env["YIELDIO_DEBUG"];
    else process.env["YIELDIO_DEBUG"] = saved;
  }
}

test("`debug` behaviour: YIELDIO_DEBUG turns debug mode on unless it is 0 or empty; the option wins over it", (t) => {
  const cases: Array<[string | undefined, { debug?: boolean }, boolean]> = [
    ["1", {}, true],
    ["yes", {}, true],
    ["0", {}, false],
    ["", {}, false],
    [undefined, {}, false],
    ["1", { debug: false }, false],
    [undefined, { debug: true }, true],
  ];
  for (const [value, options, expected] of cases) {
    const loop = loopWithEnvironment(value, options);
    t.is(loop.debug, expected, `YIELDIO_DEBUG=${String(value)} ${JSON.stringify(options)}`);
    loop.close();
  }
});

test("`debug` behaviour: a failed task nobody looked at is reported with where it was created", async (t) => {
  const reports: ExceptionContext[] = [];
  await run(
    function* () {
      createTask(
        (function* () {
          throw new Error("ignored failure");
        })(),
        { name: "forgotten" },
      );
      yield* sleep(1);
    },
    { selector: new VirtualSelector(), debug: true, exceptionHandler: (context) => reports.push(context) },
  );
  const report = reports.find((context) => context.message.includes("never retrieved"));
  t.regex(report?.message ?? "", /^Task forgotten \(created at .*debug-mode\.test\.ts:\d+:\d+\)\) exception was never retrieved$/);
  t.is((report?.exception as Error).message, "ignored failure");
});

test("`debug` behaviour: tasks still pending when run()'s main ends are named, with what they wait on and where they were created", async (t) => {
  for (const debug of [true, false]) {
    const reports: ExceptionContext[] = [];
    await run(
      function* () {
        createTask(sleep(1000), { name: "background" });
        yield* sleep(1);
      },
      { selector: new VirtualSelector(), debug, exceptionHandler: (context) => reports.push(context) },
    );
    const messages = reports.map((context) => context.message);
    if (debug) {
      t.is(messages.length, 1);
      t.regex(
        messages[0] ?? "",
        /^Task background \(created at .*debug-mode\.test\.ts:\d+:\d+\)\) was still pending when run\(\)'s main operation ended \(waiting on sleep until 1000\): it is cancelled$/,
      );
    } else {
      t.deepEqual(messages, [], "without debug mode, the shutdown cancels them quietly");
    }
  }
});

test("`debug` behaviour: a slow step after a sleep (its timer steps the task directly) is reported as the task's step", async (t) => {
  const reports: ExceptionContext[] = [];
  const loop = new EventLoop({ selector: new VirtualSelector(), debug: true, exceptionHandler: (context) => reports.push(context) });
  loop.slowCallbackDurationMs = 0; // every entry is slow: the test does not depend on the machine
  await loop.runUntilComplete(loop.createTask(sleep(5), { name: "sleeper" }));
  loop.close();
  const messages = reports.map((context) => context.message);
  const steps = messages.filter((message) => /^slow step of Task sleeper \(created at .*\) took \d+\.\d ms$/.test(message));
  t.is(steps.length, 2, `its first step and the one its timer ran: ${messages.join("; ")}`);
});
