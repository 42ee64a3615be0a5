import test from "ava";
import net from "node:net";
import { PassThrough } from "node:stream";
import { CancelledError, EventLoop, createTask, fromPromise, getRunningLoop, run, sleep } from "../../lib/index.js";
import type { ExceptionContext } from "../../lib/index.js";
import { EVENT_READ, EVENT_WRITE, NOTHING_READY, NodeSelector, VirtualFile } from "../../selectors/index.js";
import type { SelectResult } from "../../selectors/index.js";

const STREAM_EVENTS = ["readable", "end", "close", "error", "drain", "finish"] as const;

/** One turn of Node's own loop: stream events scheduled with nextTick have been emitted after it. */
function hostTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Resolves to "pending" if `promise` has not settled after the host's current turn. */
async function settledOrPending<T>(promise: Promise<T>): Promise<T | "pending"> {
  return Promise.race([promise, new Promise<"pending">((resolve) => setImmediate(resolve, "pending"))]);
}

function masks(events: SelectResult | Promise<SelectResult>): number[] {
  if (!Array.isArray(events)) throw new TypeError("expected a synchronous answer");
  return (events as SelectResult).map(([, mask]) => mask);
}

/** Ref'd host timers of this process. */
function hostTimers(): number {
  return process.getActiveResourcesInfo().filter((name) => name === "Timeout").length;
}

function listeners(stream: PassThrough): number {
  return STREAM_EVENTS.reduce((sum, event) => sum + stream.listenerCount(event), 0);
}

test("`NodeSelector.time()` behaviour: real milliseconds that never go backwards", (t) => {
  const selector = new NodeSelector();
  const readings = Array.from({ length: 100 }, () => selector.time());
  t.true(readings.every((reading, i) => i === 0 || reading >= readings[i - 1]!));
  t.true(Number.isFinite(readings[0]));
  selector.close();
});

test("`NodeSelector.select()` behaviour: select(0) answers synchronously, with the shared empty answer when nothing is ready", (t) => {
  const selector = new NodeSelector();
  t.is(selector.select(0), NOTHING_READY);
  const stream = new PassThrough();
  selector.register(stream, EVENT_READ);
  t.is(selector.select(0), NOTHING_READY);
  t.is(selector.select(0), NOTHING_READY);
  selector.close();
});

test("`NodeSelector.select()` behaviour: a stream with data is readable, level-triggered, until it is drained", async (t) => {
  const selector = new NodeSelector();
  const stream = new PassThrough();
  const key = selector.register(stream, EVENT_READ, "reader");
  stream.write("hello");
  await hostTurn();
  const events = selector.select(0) as SelectResult;
  t.is(events.length, 1);
  t.is(events[0]![0], key);
  t.is(events[0]![0].data, "reader");
  t.is(events[0]![1], EVENT_READ);
  t.deepEqual(masks(selector.select(0)), [EVENT_READ], "still readable: reported again");
  t.is(String(stream.read(2)), "he");
  t.deepEqual(masks(selector.select(0)), [EVENT_READ], "data left: still readable");
  t.is(String(stream.read()), "llo");
  t.is(selector.select(0), NOTHING_READY);
  selector.close();
});

test("`NodeSelector.select()` behaviour: a pending select(null) is ended by data written to a watched stream", async (t) => {
  const selector = new NodeSelector();
  const stream = new PassThrough();
  selector.register(stream, EVENT_READ);
  const waiting = selector.select(null);
  t.true(waiting instanceof Promise);
  t.is(await settledOrPending(waiting as Promise<SelectResult>), "pending");
  stream.write("data");
  t.deepEqual(masks(await waiting), [EVENT_READ]);
  selector.close();
});

test("`NodeSelector.select()` behaviour: the end of a stream is readable, so a reader can see it", async (t) => {
  const selector = new NodeSelector();
  const stream = new PassThrough();
  selector.register(stream, EVENT_READ);
  const waiting = selector.select(null) as Promise<SelectResult>;
  stream.end();
  t.deepEqual(masks(await waiting), [EVENT_READ]);
  t.is(stream.read(), null);
  await hostTurn();
  t.true(stream.readableEnded);
  t.deepEqual(masks(selector.select(0)), [EVENT_READ], "an ended stream stays readable");
  selector.close();
});

test("`NodeSelector.select()` behaviour: a stream is writable until it needs a drain, and again after the drain", async (t) => {
  const selector = new NodeSelector();
  const stream = new PassThrough({ highWaterMark: 1 });
  selector.register(stream, EVENT_WRITE);
  t.deepEqual(masks(selector.select(0)), [EVENT_WRITE], "a fresh stream is writable at once");
  t.false(stream.write("more than the high-water mark"));
  t.is(selector.select(0), NOTHING_READY, "full: not writable");
  const waiting = selector.select(null) as Promise<SelectResult>;
  t.is(await settledOrPending(waiting), "pending");
  stream.read(); // the reader side consumes: the writer side drains
  t.deepEqual(masks(await waiting), [EVENT_WRITE]);
  selector.close();
});

test("`NodeSelector.select()` behaviour: reports only the registered events, and both when both are ready", async (t) => {
  const selector = new NodeSelector();
  const stream = new PassThrough();
  selector.register(stream, EVENT_READ | EVENT_WRITE);
  t.deepEqual(masks(selector.select(0)), [EVENT_WRITE]);
  stream.write("x");
  await hostTurn();
  t.deepEqual(masks(selector.select(0)), [EVENT_READ | EVENT_WRITE]);
  selector.modify(stream, EVENT_WRITE);
  t.deepEqual(masks(selector.select(0)), [EVENT_WRITE], "modified: reading is no longer reported");
  selector.close();
});

test("`NodeSelector.select()` behaviour: a destroyed stream is reported ready, so its reader and writer find out", async (t) => {
  const selector = new NodeSelector();
  const stream = new PassThrough();
  selector.register(stream, EVENT_READ | EVENT_WRITE);
  t.deepEqual(masks(selector.select(0)), [EVENT_WRITE], "before the destroy: a fresh stream is only writable");
  stream.destroy();
  await hostTurn();
  t.deepEqual(masks(selector.select(0)), [EVENT_READ | EVENT_WRITE]);
  selector.close();
});

test("`NodeSelector.select()` behaviour: select(t) returns a Promise that its host timer resolves, without blocking Node", async (t) => {
  const selector = new NodeSelector();
  const log: string[] = [];
  // Node is not blocked: its own callbacks run while a select is pending. (A long timeout, so
  // that the order does not depend on machine speed; a short one raced the host callback.)
  const long = selector.select(60_000) as Promise<SelectResult>;
  t.true(long instanceof Promise);
  void long.then(() => log.push("long select resolved"));
  setImmediate(() => log.push("host callback ran"));
  await hostTurn();
  selector.wake();
  await long;
  t.deepEqual(log, ["host callback ran", "long select resolved"]);
  // The host timer resolves a short select by itself.
  const short = selector.select(5);
  t.true(short instanceof Promise);
  t.is(await short, NOTHING_READY);
  selector.close();
});

test("`NodeSelector.wake()` behaviour: ends a pending select(t) before its timer", async (t) => {
  const selector = new NodeSelector();
  const log: string[] = [];
  const waiting = (selector.select(60_000) as Promise<SelectResult>).then((events) => log.push(`resolved ${events.length}`));
  await hostTurn();
  log.push("wake");
  selector.wake();
  await waiting;
  t.deepEqual(log, ["wake", "resolved 0"]);
  selector.close();
});

test("`NodeSelector.wake()` behaviour: before a select, makes the next one answer synchronously, once", async (t) => {
  const selector = new NodeSelector();
  selector.wake();
  t.is(selector.select(null), NOTHING_READY);
  const waiting = selector.select(null);
  t.true(waiting instanceof Promise, "the wake-up was used up");
  selector.wake();
  t.is(await waiting, NOTHING_READY);
  selector.close();
});

test.serial("`NodeSelector.select()` behaviour: the host timer holds the process only while a select is pending", async (t) => {
  const selector = new NodeSelector();
  const baseline = hostTimers();
  const waiting = selector.select(60_000);
  t.is(hostTimers(), baseline + 1, "a pending select keeps Node alive");
  selector.wake();
  await waiting;
  t.is(hostTimers(), baseline, "once it is answered, the timer no longer holds the process");
  selector.close();
  t.is(hostTimers(), baseline);
});

test.serial("`NodeSelector.close()` behaviour: clears its host timer and answers a pending select", async (t) => {
  const selector = new NodeSelector();
  const baseline = hostTimers();
  const waiting = selector.select(60_000);
  t.is(hostTimers(), baseline + 1);
  selector.close();
  t.is(hostTimers(), baseline, "the host timer is gone");
  t.is(await waiting, NOTHING_READY);
  t.is(selector.select(null), NOTHING_READY, "a closed selector never waits");
  t.is(hostTimers(), baseline);
});

test("`NodeSelector.unregister()` behaviour: removes every listener it added; modify() does not add more", (t) => {
  const selector = new NodeSelector();
  const stream = new PassThrough();
  const before = listeners(stream);
  selector.register(stream, EVENT_READ);
  const registered = listeners(stream);
  t.true(registered > before);
  selector.modify(stream, EVENT_READ | EVENT_WRITE);
  selector.modify(stream, EVENT_READ);
  t.is(listeners(stream), registered, "re-watching replaces the listeners");
  selector.unregister(stream);
  t.is(listeners(stream), before);
  selector.register(stream, EVENT_WRITE);
  selector.close();
  t.is(listeners(stream), before, "close() removes them too");
});

test("`NodeSelector.unregister()` behaviour: an unregistered stream no longer ends a pending select", async (t) => {
  const selector = new NodeSelector();
  const stream = new PassThrough();
  selector.register(stream, EVENT_READ);
  selector.unregister(stream);
  const waiting = selector.select(null) as Promise<SelectResult>;
  stream.write("ignored");
  t.is(await settledOrPending(waiting), "pending");
  selector.wake();
  t.is(await waiting, NOTHING_READY);
  selector.close();
});

test("`NodeSelector.register()` behaviour: only Node streams (TypeError otherwise); the usual registration errors", (t) => {
  const selector = new NodeSelector();
  t.throws(() => selector.register({}, EVENT_READ), {
    instanceOf: TypeError,
    message: /NodeSelector can only watch Node streams.*received Object/,
  });
  t.throws(() => selector.register(new VirtualFile(), EVENT_READ), { instanceOf: TypeError, message: /received VirtualFile/ });
  const stream = new PassThrough();
  t.throws(() => selector.register(stream, 0), { instanceOf: RangeError });
  selector.register(stream, EVENT_READ);
  t.throws(() => selector.register(stream, EVENT_READ), { instanceOf: RangeError, message: /already registered/ });
  t.throws(() => selector.unregister(new PassThrough()), { instanceOf: RangeError, message: /not registered/ });
  t.is(selector.getMap().size, 1);
  selector.close();
});

test("`EventLoop.addReader()` behaviour: on a NodeSelector, the reader runs when a stream gets data from outside the loop", async (t) => {
  const reports: ExceptionContext[] = [];
  const loop = new EventLoop({ selector: new NodeSelector(), exceptionHandler: (context) => reports.push(context) });
  const stream = new PassThrough();
  const log: string[] = [];
  let reads = 0;
  loop.addReader(stream, () => {
    const chunk = stream.read() as Buffer | null;
    if (chunk === null) return;
    log.push(`read ${String(chunk)}`);
    if (++reads === 2) {
      loop.removeReader(stream);
      loop.stop();
    } else {
      setImmediate(() => stream.write("second"));
    }
  });
  const running = loop.runForever();
  setImmediate(() => {
    log.push("write first");
    stream.write("first");
  });
  await running;
  t.deepEqual(log, ["write first", "read first", "read second"]);
  t.is(loop.selector.getMap().size, 0);
  loop.close();
  t.deepEqual(reports, []);
});

test("`NodeSelector.select()` behaviour: a connected TCP socket is writable, and readable while the peer's bytes wait (level-triggered)", async (t) => {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const accepted = new Promise<net.Socket>((resolve) => server.once("connection", resolve));
  const client = net.connect((server.address() as net.AddressInfo).port, "127.0.0.1");
  await new Promise((resolve) => client.once("connect", resolve));
  const peer = await accepted;
  const selector = new NodeSelector();
  const key = selector.register(client, EVENT_READ | EVENT_WRITE, "client");
  const log: string[] = [];
  const record = (events: SelectResult | Promise<SelectResult>): void => {
    for (const [ready, mask] of events as SelectResult) log.push(`${String(ready.data)} ${mask}`);
  };
  record(selector.select(0)); // connected, nothing received: writable only
  selector.modify(client, EVENT_READ, key.data); // writable would end every select at once
  peer.write("ping");
  record(await selector.select(null)); // woken by the bytes
  record(selector.select(0)); // level-triggered: still readable, the bytes are still there
  log.push(String(client.read()));
  t.is(selector.select(0), NOTHING_READY, "drained");
  selector.close();
  client.destroy();
  peer.destroy();
  await new Promise((resolve) => server.close(resolve));
  t.deepEqual(log, [`client ${EVENT_WRITE}`, `client ${EVENT_READ}`, `client ${EVENT_READ}`, "ping"]);
});

// ---- deadlines beyond Node's timer range -------------------------------------------------------

/** Further away than Node's longest timer delay (2^31 - 1 ms, about 24.8 days). */
const THIRTY_DAYS_MS = 30 * 24 * 3600 * 1000;

/** Collects the process warnings emitted while `body` runs (and one host turn after it). */
async function warningsDuring(body: () => Promise<void>): Promise<string[]> {
  const warnings: string[] = [];
  const onWarning = (warning: Error): void => {
    warnings.push(`${warning.name}: ${warning.message}`);
  };
  process.on("warning", onWarning);
  try {
    await body();
    await hostTurn(); // warnings are emitted on the next tick
  } finally {
    process.off("warning", onWarning);
  }
  return warnings;
}

// Serial: it listens to process-wide warnings.
test.serial("`NodeSelector.select()` behaviour: a timeout beyond 2^31-1 ms waits without a TimeoutOverflowWarning", async (t) => {
  const selector = new NodeSelector();
  const log: string[] = [];
  const warnings = await warningsDuring(async () => {
    const waiting = (selector.select(THIRTY_DAYS_MS) as Promise<SelectResult>).then(() => log.push("resolved"));
    await hostTurn();
    await hostTurn();
    log.push("still waiting after two host turns");
    selector.wake();
    await waiting;
  });
  t.deepEqual(
    warnings.filter((warning) => warning.startsWith("TimeoutOverflowWarning")),
    [],
  );
  t.deepEqual(log, ["still waiting after two host turns", "resolved"]);
  selector.close();
});

test.serial(
  "`run()` behaviour: on a NodeSelector, a task sleeping 30 days while main waits on a Promise causes no TimeoutOverflowWarning",
  async (t) => {
    const reports: ExceptionContext[] = [];
    const log: string[] = [];
    const warnings = await warningsDuring(async () => {
      const result = await run(
        function* () {
          t.true(getRunningLoop().selector instanceof NodeSelector);
          const sleeper = createTask(sleep(THIRTY_DAYS_MS, "woke"), { name: "sleeper" });
          yield* fromPromise(new Promise<void>((resolve) => setTimeout(resolve, 50)));
          log.push("main waited on the host timer");
          sleeper.cancel();
          try {
            yield* sleeper;
          } catch (error) {
            log.push(`sleeper ended with ${(error as Error).name}`);
            t.true(error instanceof CancelledError);
          }
          return "done";
        },
        { selector: new NodeSelector(), exceptionHandler: (context) => reports.push(context) },
      );
      log.push(`run returned ${result}`);
    });
    t.deepEqual(
      warnings.filter((warning) => warning.startsWith("TimeoutOverflowWarning")),
      [],
    );
    t.deepEqual(log, ["main waited on the host timer", "sleeper ended with CancelledError", "run returned done"]);
    t.deepEqual(reports, []);
  },
);
