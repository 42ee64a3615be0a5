import test from "ava";
import type { ExecutionContext } from "ava";
import { BUDGET_MS, CancelledError, EventLoop, InvalidStateError, getRunningLoop, sleep, yieldNow } from "../../../lib/index.js";
import type { Coroutine, ExceptionContext, Operation, TimerHandle } from "../../../lib/index.js";
import { DefaultSelector, NodeSelector, VirtualFile, VirtualSelector } from "../../../selectors/index.js";
import type { Selector, SelectorKey, SelectResult } from "../../../selectors/index.js";
import { CLEAN, leftovers, runVirtual, virtualLoop } from "../../helpers/loop.js";

/** A selector (VirtualSelector by default) that writes every poll into the test's log, so passes show up in it. */
class LoggingSelector implements Selector {
  readonly inner: Selector;
  readonly #log: string[];
  polls = 0;

  constructor(log: string[], inner: Selector = new VirtualSelector()) {
    this.#log = log;
    this.inner = inner;
  }

  select(timeoutMs: number | null): SelectResult | Promise<SelectResult> {
    this.polls++;
    this.#log.push(`select(${timeoutMs})`);
    return this.inner.select(timeoutMs);
  }

  register<D>(fileobj: object, events: number, data?: D): SelectorKey<D> {
    return this.inner.register(fileobj, events, data);
  }

  unregister(fileobj: object): SelectorKey {
    return this.inner.unregister(fileobj);
  }

  modify<D>(fileobj: object, events: number, data?: D): SelectorKey<D> {
    return this.inner.modify(fileobj, events, data);
  }

  getKey(fileobj: object): SelectorKey | undefined {
    return this.inner.getKey(fileobj);
  }

  getMap(): ReadonlyMap<object, SelectorKey> {
    return this.inner.getMap();
  }

  close(): void {
    this.inner.close();
  }

  time(): number {
    return this.inner.time();
  }

  wake(): void {
    this.inner.wake();
  }
}

function loggingLoop(): { loop: EventLoop; selector: LoggingSelector; log: string[]; reports: ExceptionContext[] } {
  const log: string[] = [];
  const reports: ExceptionContext[] = [];
  const selector = new LoggingSelector(log);
  const loop = new EventLoop({ selector, exceptionHandler: (context) => reports.push(context) });
  return { loop, selector, log, reports };
}

/** Asserts that the loop holds nothing, that nothing was reported, and closes it. */
function closeClean(t: ExecutionContext, loop: EventLoop, reports: readonly ExceptionContext[]): void {
  t.deepEqual(leftovers(loop), CLEAN, "the loop still holds work");
  loop.close();
  t.deepEqual(
    reports.map((report) => report.message),
    [],
    "unexpected reports",
  );
}

/** Captures what the default exception handler writes to stderr while `body` runs. */
async function captureStderr(body: () => Promise<void> | void): Promise<string> {
  // eslint-disable-next-line @typescript-eslint/unbound-method -- kept only to be put back on process.stderr, never called detached
  const original = process.stderr.write;
  let written = "";
  process.stderr.write = (chunk: string | Uint8Array): boolean => {
    written += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
    return true;
  };
  try {
    await body();
  } finally {
    process.stderr.write = original;
  }
  return written;
}

function* idle(): Coroutine<void> {
  yield* sleep(1);
}

// ---- scheduler order ---------------------------------------------------------------------------

test("`callSoon()` behaviour: runs callbacks in the order scheduled, with their arguments", async (t) => {
  const { loop, reports } = virtualLoop();
  const log: string[] = [];
  loop.callSoon((a: string, b: number) => log.push(`first ${a} ${b}`), "x", 1);
  loop.callSoon(() => log.push("second"));
  loop.callSoon((a: string) => log.push(`third ${a}`), "y");
  loop.callSoon(() => loop.stop());
  await loop.runForever();
  t.deepEqual(log, ["first x 1", "second", "third y"]);
  closeClean(t, loop, reports);
});

test("`callSoon()` behaviour: a callback scheduled during a pass runs in the next pass, after the next poll", async (t) => {
  const { loop, log, reports } = loggingLoop();
  loop.callSoon(() => {
    log.push("A");
    loop.callSoon(() => {
      log.push("C (scheduled by A)");
      loop.stop();
    });
  });
  loop.callSoon(() => log.push("B"));
  await loop.runForever();
  t.deepEqual(log, ["select(0)", "A", "B", "select(0)", "C (scheduled by A)"]);
  closeClean(t, loop, reports);
});

test("`runForever()` behaviour: one pass runs ready callbacks, then I/O callbacks, then due timers", async (t) => {
  const { loop, log, reports } = loggingLoop();
  const file = new VirtualFile("pipe");
  // Scheduled in the opposite order of the phases: the pass still runs them phase by phase.
  loop.callLater(0, () => {
    log.push("timer");
    loop.removeReader(file);
    loop.stop();
  });
  loop.addReader(file, () => log.push("reader"));
  file.setReadable(true);
  loop.callSoon(() => log.push("ready"));
  await loop.runForever();
  t.deepEqual(log, ["select(0)", "ready", "reader", "timer"]);
  closeClean(t, loop, reports);
});

test("`runForever()` behaviour: work created during a pass runs in the next one, in phase order", async (t) => {
  const { loop, log, reports } = loggingLoop();
  const file = new VirtualFile("pipe");
  loop.addReader(file, () => {
    log.push("reader");
    file.setReadable(false);
  });
  loop.callSoon(() => {
    log.push("first pass");
    loop.callLater(0, () => {
      log.push("timer");
      loop.removeReader(file);
      loop.stop();
    });
    file.setReadable(true);
    loop.callSoon(() => log.push("ready"));
  });
  await loop.runForever();
  t.deepEqual(log, ["select(0)", "first pass", "select(0)", "ready", "reader", "timer"]);
  closeClean(t, loop, reports);
});

test("`callSoon()` behaviour: a callback that schedules thousands of callbacks does not break the snapshot", async (t) => {
  const { loop, selector, log, reports } = loggingLoop();
  // Warm up: many passes first, so the ready queue's read position is far from zero.
  let warmups = 0;
  await loop.runUntilComplete(
    (function* () {
      for (; warmups < 3000; warmups++) yield* sleep(0);
    })(),
  );
  log.length = 0;
  const pollsAtStart = selector.polls;
  const passesSeen = new Set<number>();
  let ran = 0;
  loop.callSoon(() => {
    log.push("A");
    for (let i = 0; i < 5000; i++) {
      loop.callSoon(() => {
        passesSeen.add(selector.polls - pollsAtStart);
        ran++;
      });
    }
    loop.callSoon(() => {
      log.push(`after ${ran}`);
      loop.stop();
    });
  });
  loop.callSoon(() => log.push(`B after ${ran}`));
  await loop.runForever();
  t.deepEqual(log, ["select(0)", "A", "B after 0", "select(0)", "after 5000"]);
  t.deepEqual([...passesSeen], [2], "the new callbacks all ran in the second pass");
  closeClean(t, loop, reports);
});

test("`callSoon()` behaviour: from outside the loop, wakes a loop waiting for work", async (t) => {
  const { loop, log, reports } = loggingLoop();
  const running = loop.runForever();
  t.true(loop.isRunning());
  t.deepEqual(log, ["select(null)"], "the loop waits: nothing to do, no timer");
  await new Promise((resolve) => setImmediate(resolve));
  loop.callSoon(() => {
    log.push("woken");
    loop.stop();
  });
  await running;
  t.deepEqual(log, ["select(null)", "woken"]);
  closeClean(t, loop, reports);
});

test("`callSoon()` behaviour: a non-function callback is a TypeError and the loop stays usable", async (t) => {
  const { loop, reports } = virtualLoop();
  for (const bad of [undefined, null, 42, "callback", {}]) {
    t.throws(() => loop.callSoon(bad as () => void), { instanceOf: TypeError, message: /callSoon\(\) needs a function/ });
  }
  t.is(loop._readyCount(), 0, "nothing was scheduled");
  const log: string[] = [];
  loop.callSoon(() => {
    log.push("ran");
    loop.stop();
  });
  await loop.runForever();
  t.deepEqual(log, ["ran"]);
  closeClean(t, loop, reports);
});

// ---- timers ------------------------------------------------------------------------------------

test("`callLater()` behaviour: runs by deadline, equal deadlines in scheduling order, on virtual time", async (t) => {
  const { loop, reports } = virtualLoop();
  const log: string[] = [];
  const at = (name: string) => () => log.push(`${name}@${loop.time()}`);
  loop.callLater(30, at("c"));
  loop.callLater(10, at("a1"));
  loop.callLater(20, at("b"));
  loop.callLater(10, at("a2"));
  loop.callLater(10, at("a3"));
  loop.callLater(30, () => loop.stop());
  await loop.runForever();
  t.deepEqual(log, ["a1@10", "a2@10", "a3@10", "b@20", "c@30"]);
  closeClean(t, loop, reports);
});

test("`callAt()` behaviour: runs at absolute loop times; ties with callLater() keep scheduling order", async (t) => {
  const { loop, reports } = virtualLoop();
  const log: string[] = [];
  const timer = loop.callAt(50, (name: string) => log.push(`${name}@${loop.time()}`), "at-50");
  t.is(timer.when(), 50);
  loop.callLater(50, () => log.push(`later-50@${loop.time()}`));
  loop.callAt(25, () => log.push(`at-25@${loop.time()}`));
  loop.callAt(50, () => {
    log.push(`at-50-again@${loop.time()}`);
    loop.stop();
  });
  await loop.runForever();
  t.deepEqual(log, ["at-25@25", "at-50@50", "later-50@50", "at-50-again@50"]);
  closeClean(t, loop, reports);
});

test("`callLater()` behaviour: a negative delay is due at once, after the ready callbacks of the same pass", async (t) => {
  const { loop, log, reports } = loggingLoop();
  const timer = loop.callLater(-5, () => log.push(`timer@${loop.time()}`));
  t.is(timer.when(), -5);
  loop.callSoon(() => log.push("ready"));
  loop.callLater(0, () => loop.stop());
  await loop.runForever();
  t.deepEqual(log, ["select(0)", "ready", "timer@0"]);
  closeClean(t, loop, reports);
});

test("`callLater()` behaviour: a bad delay or callback is refused, nothing is scheduled, the loop goes on", async (t) => {
  const { loop, reports } = virtualLoop();
  t.throws(() => loop.callLater(Number.NaN, () => {}), { instanceOf: RangeError, message: /callLater\(\).*NaN/ });
  for (const bad of ["10", undefined, null, 10n, {}]) {
    t.throws(() => loop.callLater(bad as number, () => {}), { instanceOf: TypeError, message: /callLater\(\) needs delayMs/ });
  }
  for (const bad of [undefined, null, "callback", 3]) {
    t.throws(() => loop.callLater(10, bad as unknown as () => void), { instanceOf: TypeError, message: /callLater\(\) needs a function/ });
  }
  t.is(loop._timerCount(), 0, "no timer was armed");
  const log: string[] = [];
  loop.callLater(10, () => {
    log.push(`ran@${loop.time()}`);
    loop.stop();
  });
  await loop.runForever();
  t.deepEqual(log, ["ran@10"]);
  closeClean(t, loop, reports);
});

test("`callAt()` behaviour: a bad time or callback is refused, nothing is scheduled, the loop goes on", async (t) => {
  const { loop, reports } = virtualLoop();
  t.throws(() => loop.callAt(Number.NaN, () => {}), { instanceOf: RangeError, message: /callAt\(\).*NaN/ });
  for (const bad of ["10", undefined, null, {}]) {
    t.throws(() => loop.callAt(bad as number, () => {}), { instanceOf: TypeError, message: /callAt\(\) needs whenMs/ });
  }
  t.throws(() => loop.callAt(10, "callback" as unknown as () => void), { instanceOf: TypeError, message: /callAt\(\) needs a function/ });
  t.is(loop._timerCount(), 0);
  const log: string[] = [];
  loop.callAt(10, () => {
    log.push(`ran@${loop.time()}`);
    loop.stop();
  });
  await loop.runForever();
  t.deepEqual(log, ["ran@10"]);
  closeClean(t, loop, reports);
});

test("`callLater()` behaviour: a cancelled timer never fires, and the poll does not wait for it", async (t) => {
  const { loop, log, reports } = loggingLoop();
  const early = loop.callLater(10, () => log.push("early"));
  loop.callLater(20, () => {
    log.push(`late@${loop.time()}`);
    loop.stop();
  });
  early.cancel();
  t.true(early.cancelled());
  await loop.runForever();
  // The cancelled head was dropped before the poll timeout was computed: one wait, to 20.
  t.deepEqual(log, ["select(20)", "late@20"]);
  closeClean(t, loop, reports);
});

test("`TimerHandle.cancel()` behaviour: cancelling a timer due in the same pass stops it", async (t) => {
  const { loop, reports } = virtualLoop();
  const log: string[] = [];
  loop.callLater(10, () => {
    log.push("first");
    second.cancel();
  });
  const second = loop.callLater(10, () => log.push("second"));
  loop.callLater(10, () => {
    log.push("third");
    loop.stop();
  });
  await loop.runForever();
  t.deepEqual(log, ["first", "third"]);
  closeClean(t, loop, reports);
});

test("`time()` behaviour: on a VirtualSelector, starts at its start time and jumps to each deadline", async (t) => {
  const selector = new VirtualSelector(1000);
  const loop = new EventLoop({ selector });
  t.is(loop.time(), 1000);
  const seen: number[] = [];
  loop.callLater(250, () => seen.push(loop.time()));
  loop.callLater(3_600_000, () => {
    seen.push(loop.time());
    loop.stop();
  });
  await loop.runForever();
  t.deepEqual(seen, [1250, 3_601_000]);
  t.is(loop.time(), 3_601_000, "time does not move while the loop is stopped");
  t.is(loop.time(), selector.time());
  loop.close();
});

// ---- I/O callbacks ---------------------------------------------------------------------------

test("`addReader()` behaviour: level-triggered, the reader runs on every pass while the file is readable", async (t) => {
  const { loop, log, reports } = loggingLoop();
  const file = new VirtualFile("pipe");
  let reads = 0;
  loop.addReader(
    file,
    (name: string) => {
      log.push(`read ${name} ${++reads}`);
      if (reads === 3) {
        file.setReadable(false);
        t.true(loop.removeReader(file));
        t.false(loop.removeReader(file), "a second remove finds nothing");
        loop.stop();
      }
    },
    "pipe",
  );
  loop.callLater(40, () => file.setReadable(true));
  await loop.runForever();
  // Nothing is ready and no timer is left, so the loop polls with no limit: the selector answers
  // at once because the file is still readable (level-triggered).
  t.deepEqual(log, ["select(40)", "select(null)", "read pipe 1", "select(null)", "read pipe 2", "select(null)", "read pipe 3"]);
  t.is(loop.time(), 40);
  closeClean(t, loop, reports);
});

test("`addWriter()` behaviour: shares the file's registration with a reader; each is removed on its own", async (t) => {
  const { loop, reports } = virtualLoop();
  const file = new VirtualFile("socket");
  const log: string[] = [];
  loop.addReader(file, () => log.push("read"));
  let writes = 0;
  loop.addWriter(file, () => {
    log.push(`write ${++writes}`);
    if (writes < 2) return;
    t.true(loop.removeWriter(file));
    t.false(loop.removeWriter(file), "a second remove finds nothing");
    t.is(loop.selector.getKey(file), undefined, "nothing left: the registration is gone");
    loop.stop();
  });
  t.is(loop.selector.getMap().size, 1);
  t.is(loop.selector.getKey(file)?.events, 3);
  file.setWritable(true);
  file.setReadable(true);
  // Runs in the ready phase of pass 1, before the I/O callbacks: the reader never runs.
  loop.callSoon(() => {
    t.true(loop.removeReader(file));
    t.is(loop.selector.getKey(file)?.events, 2, "the writer stays registered");
  });
  await loop.runForever();
  t.deepEqual(log, ["write 1", "write 2"]);
  closeClean(t, loop, reports);
});

test("`addReader()` behaviour: a second reader replaces the first, whose handle is cancelled", async (t) => {
  const { loop, reports } = virtualLoop();
  const file = new VirtualFile();
  const log: string[] = [];
  const first = loop.addReader(file, () => log.push("first"));
  const second = loop.addReader(file, () => {
    log.push("second");
    loop.removeReader(file);
    loop.stop();
  });
  t.true(first.cancelled());
  t.false(second.cancelled());
  file.setReadable(true);
  await loop.runForever();
  t.deepEqual(log, ["second"]);
  t.true(second.cancelled(), "removeReader cancels the handle");
  closeClean(t, loop, reports);
});

test("`addReader()` behaviour: a file that becomes ready wakes a loop waiting with no timer", async (t) => {
  const { loop, log, reports } = loggingLoop();
  const file = new VirtualFile();
  loop.addReader(file, () => {
    log.push("read");
    loop.removeReader(file);
    loop.stop();
  });
  const running = loop.runForever();
  await new Promise((resolve) => setImmediate(resolve));
  t.deepEqual(log, ["select(null)"]);
  file.setReadable(true);
  await running;
  t.deepEqual(log, ["select(null)", "read"]);
  closeClean(t, loop, reports);
});

test("`addReader()` behaviour: a bad callback or file object is refused and nothing is registered", (t) => {
  const { loop, reports } = virtualLoop();
  const file = new VirtualFile();
  t.throws(() => loop.addReader(file, null as unknown as () => void), { instanceOf: TypeError, message: /addReader\(\) needs a function/ });
  t.throws(() => loop.addWriter(file, 1 as unknown as () => void), { instanceOf: TypeError, message: /addWriter\(\) needs a function/ });
  t.throws(() => loop.addReader({}, () => {}), { instanceOf: TypeError, message: /VirtualFile/ });
  t.is(loop.selector.getMap().size, 0);
  t.false(loop.removeReader(file));
  t.false(loop.removeWriter({}));
  closeClean(t, loop, reports);
});

// ---- running and stopping --------------------------------------------------------------------

test("`stop()` behaviour: the loop stops after the current pass; what it scheduled waits for the next run", async (t) => {
  const { loop, reports } = virtualLoop();
  const log: string[] = [];
  loop.callSoon(() => {
    log.push("a");
    loop.stop();
    loop.callSoon(() => log.push("next run"));
  });
  loop.callSoon(() => log.push("b (same pass)"));
  await loop.runForever();
  t.deepEqual(log, ["a", "b (same pass)"]);
  t.false(loop.isRunning());
  t.is(loop._readyCount(), 1);
  loop.callSoon(() => loop.stop());
  await loop.runForever();
  t.deepEqual(log, ["a", "b (same pass)", "next run"]);
  closeClean(t, loop, reports);
});

test("`stop()` behaviour: called before runForever(), the run stops after one pass", async (t) => {
  const { loop, reports } = virtualLoop();
  const log: string[] = [];
  loop.callSoon(() => log.push("ran"));
  loop.stop();
  await loop.runForever();
  t.deepEqual(log, ["ran"], "asyncio runs exactly one pass (API: 'makes the next run stop after one pass')");
  closeClean(t, loop, reports);
});

test("`stop()` behaviour: called before runForever() with only a timer pending, the one pass polls without waiting: the clock stays, the timer waits for the next run", async (t) => {
  const { loop, log, reports } = loggingLoop();
  loop.callLater(100, () => {
    log.push(`timer at ${loop.time()}`);
    loop.stop();
  });
  loop.stop();
  await loop.runForever();
  t.deepEqual(log, ["select(0)"], "one pass, and its poll did not wait for the timer");
  t.is(loop.time(), 0);
  t.is(loop._liveTimerCount(), 1, "the timer is still pending");
  await loop.runForever();
  t.deepEqual(log, ["select(0)", "select(100)", "timer at 100"]);
  closeClean(t, loop, reports);
});

test("`stop()` behaviour: from outside, ends a loop waiting for work", async (t) => {
  const { loop, reports } = virtualLoop();
  const running = loop.runForever();
  await new Promise((resolve) => setImmediate(resolve));
  t.true(loop.isRunning());
  loop.stop();
  await running;
  t.false(loop.isRunning());
  closeClean(t, loop, reports);
});

test("`isRunning()` behaviour: true only while the loop runs; `isClosed()` once closed", async (t) => {
  const { loop, reports } = virtualLoop();
  const seen: boolean[] = [];
  t.false(loop.isRunning());
  loop.callSoon(() => {
    seen.push(loop.isRunning());
    seen.push(getRunningLoop() === loop);
    loop.stop();
  });
  const running = loop.runForever();
  await running;
  t.deepEqual(seen, [true, true]);
  t.false(loop.isRunning());
  t.false(loop.isClosed());
  t.throws(() => getRunningLoop(), { instanceOf: InvalidStateError });
  closeClean(t, loop, reports);
  t.true(loop.isClosed());
  t.notThrows(() => loop.close(), "closing twice is harmless");
});

test("`runForever()` behaviour: refused while the loop is already running, and the loop goes on", async (t) => {
  const { loop, reports } = virtualLoop();
  const errors: unknown[] = [];
  loop.callSoon(() => {
    try {
      void loop.runForever();
    } catch (error) {
      errors.push(error);
    }
    loop.stop();
  });
  await loop.runForever();
  t.is(errors.length, 1);
  t.true(errors[0] instanceof InvalidStateError);
  t.regex((errors[0] as Error).message, /already running/);
  closeClean(t, loop, reports);
});

test("`runUntilComplete()` behaviour: returns the operation's result, or rejects with its error", async (t) => {
  const { loop, reports } = virtualLoop();
  const value = await loop.runUntilComplete(
    (function* () {
      yield* sleep(10);
      return "done";
    })(),
  );
  t.is(value, "done");
  t.is(loop.time(), 10);
  const failure = new Error("boom");
  await t.throwsAsync(
    loop.runUntilComplete(
      (function* (): Coroutine<never> {
        yield* sleep(5);
        throw failure;
      })(),
    ),
    { is: failure },
  );
  closeClean(t, loop, reports);
});

test("`runUntilComplete()` behaviour: waits on a Future as it is, and stops once it is done", async (t) => {
  const { loop, reports } = virtualLoop();
  const future = loop.createFuture<number>();
  loop.callLater(10, () => future.setResult(7));
  const later = loop.callLater(100, () => t.fail("the loop should have stopped at 10"));
  t.is(await loop.runUntilComplete(future), 7);
  t.is(loop.time(), 10);
  later.cancel();
  const failed = loop.createFuture<number>();
  const error = new Error("failed future");
  loop.callSoon(() => failed.setException(error));
  await t.throwsAsync(loop.runUntilComplete(failed), { is: error });
  // Rejecting the run retrieved the exception: closing reports nothing.
  closeClean(t, loop, reports);
});

test("`runUntilComplete()` behaviour: rejects with InvalidStateError when the loop is stopped first", async (t) => {
  const { loop, reports } = virtualLoop();
  const task = loop.createTask(
    (function* () {
      yield* sleep(100);
      return "slow";
    })(),
  );
  loop.callLater(10, () => loop.stop());
  await t.throwsAsync(loop.runUntilComplete(task), { instanceOf: InvalidStateError, message: /stopped before/ });
  t.false(task.done());
  t.is(await loop.runUntilComplete(task), "slow", "running again finishes it");
  t.is(loop.time(), 100);
  closeClean(t, loop, reports);
});

test("`runUntilComplete()` behaviour: a non-Operation is a TypeError with a hint", async (t) => {
  const { loop, reports } = virtualLoop();
  const promise = Promise.resolve(1);
  t.throws(() => loop.runUntilComplete(promise as unknown as Operation<never>), {
    instanceOf: TypeError,
    message: /fromPromise\(promise\)/,
  });
  function work(): Coroutine<number> {
    return (function* () {
      return 1;
    })();
  }
  t.throws(() => loop.runUntilComplete(work as unknown as Operation<never>), {
    instanceOf: TypeError,
    message: /given a function \(work\): call it/,
  });
  for (const bad of [42, null, undefined, "text", [idle()]]) {
    t.throws(() => loop.runUntilComplete(bad as unknown as Operation<never>), {
      instanceOf: TypeError,
      message: /needs an Operation/,
    });
  }
  t.false(loop.isRunning());
  t.is(await loop.runUntilComplete(work()), 1, "the loop is still usable");
  closeClean(t, loop, reports);
});

test("`runUntilComplete()` behaviour: refused from inside a running step, of this loop or another", async (t) => {
  const { loop, reports } = virtualLoop();
  const other = new EventLoop({ selector: new VirtualSelector() });
  const errors: string[] = [];
  const result = await loop.runUntilComplete(
    (function* () {
      for (const target of [loop, other]) {
        try {
          void target.runUntilComplete(idle());
        } catch (error) {
          errors.push(`${(error as Error).name}: ${(error as Error).message}`);
        }
      }
      yield* sleep(1);
      return "finished";
    })(),
  );
  t.is(result, "finished");
  t.is(errors.length, 2);
  t.regex(errors[0]!, /^InvalidStateError: .*already running/);
  t.regex(errors[1]!, /^InvalidStateError: .*inside a running event loop's step/);
  t.false(other.isRunning());
  t.is(other._pendingTaskCount(), 0, "the refused call created no task");
  other.close();
  closeClean(t, loop, reports);
});

test("`createTask()` behaviour: a non-Operation is a TypeError with a hint", (t) => {
  const { loop, reports } = virtualLoop();
  t.throws(() => loop.createTask(Promise.resolve(1) as unknown as Operation<never>), { instanceOf: TypeError, message: /fromPromise/ });
  t.throws(() => loop.createTask(idle as unknown as Operation<never>), { instanceOf: TypeError, message: /call it/ });
  t.is(loop._pendingTaskCount(), 0);
  closeClean(t, loop, reports);
});

// ---- closing ---------------------------------------------------------------------------------

test("`close()` behaviour: refused while running (InvalidStateError), and the loop goes on", async (t) => {
  const { loop, reports } = virtualLoop();
  const log: string[] = [];
  loop.callSoon(() => {
    t.throws(() => loop.close(), { instanceOf: InvalidStateError, message: /running event loop/ });
    loop.callSoon(() => {
      log.push("still running");
      loop.stop();
    });
  });
  await loop.runForever();
  t.deepEqual(log, ["still running"]);
  t.false(loop.isClosed());
  closeClean(t, loop, reports);
});

test("`close()` behaviour: reports pending tasks and never-retrieved exceptions, once", (t) => {
  const { loop, reports } = virtualLoop();
  const task = loop.createTask(idle(), { name: "left-behind" });
  const future = loop.createFuture<number>();
  const error = new Error("nobody looked");
  future.setException(error);
  const retrieved = loop.createFuture<number>();
  retrieved.setException(new Error("looked at"));
  t.true(retrieved.exception() instanceof Error);
  loop.close();
  t.is(reports.length, 2);
  t.regex(reports[0]!.message, /Task left-behind was still pending when the loop closed \(waiting on not started\)/);
  t.is(reports[0]!.task, task);
  t.regex(reports[1]!.message, /exception was never retrieved/);
  t.is(reports[1]!.exception, error);
  t.is(reports[1]!.future, future);
  loop.close();
  t.is(reports.length, 2, "closing again reports nothing new");
});

test("`close()` behaviour: drops callbacks and timers; a closed loop refuses new work with InvalidStateError", (t) => {
  const { loop, reports } = virtualLoop();
  const file = new VirtualFile();
  loop.callSoon(() => t.fail("dropped"));
  loop.callLater(10, () => t.fail("dropped"));
  loop.addReader(file, () => t.fail("dropped"));
  loop.close();
  t.deepEqual(leftovers(loop), CLEAN);
  t.is(loop._timerCount(), 0);
  const closed = { instanceOf: InvalidStateError, message: /closed event loop/ };
  t.throws(() => loop.callSoon(() => {}), closed);
  t.throws(() => loop.callLater(1, () => {}), closed);
  t.throws(() => loop.callAt(1, () => {}), closed);
  t.throws(() => loop.createTask(idle()), closed);
  t.throws(() => loop.addReader(file, () => {}), closed);
  t.throws(() => loop.runForever(), closed);
  t.throws(() => loop.runUntilComplete(idle()), closed);
  t.deepEqual(reports, []);
});

// ---- the exception handler --------------------------------------------------------------------

test("`setExceptionHandler()` behaviour: a throwing callback is reported with its handle and the loop goes on", async (t) => {
  const { loop, reports } = virtualLoop();
  const log: string[] = [];
  const error = new Error("callback failed");
  const handle = loop.callSoon(function failing() {
    throw error;
  });
  loop.callSoon(() => log.push("same pass"));
  loop.callLater(5, () => {
    log.push("later");
    loop.stop();
  });
  await loop.runForever();
  t.deepEqual(log, ["same pass", "later"]);
  t.is(reports.length, 1);
  t.regex(reports[0]!.message, /Exception in callback failing/);
  t.is(reports[0]!.exception, error);
  t.is(reports[0]!.handle, handle);
  reports.length = 0;
  closeClean(t, loop, reports);
});

test("`callExceptionHandler()` behaviour: the handler receives the context and the loop", (t) => {
  const loop = new EventLoop({ selector: new VirtualSelector() });
  const calls: Array<[ExceptionContext, EventLoop]> = [];
  const handler = (context: ExceptionContext, from: EventLoop): void => {
    calls.push([context, from]);
  };
  loop.setExceptionHandler(handler);
  const context = { message: "background job failed", exception: new Error("x") };
  loop.callExceptionHandler(context);
  t.is(calls.length, 1);
  t.is(calls[0]![0], context);
  t.is(calls[0]![1], loop);
  t.throws(() => loop.setExceptionHandler("handler" as unknown as null), {
    instanceOf: TypeError,
    message: /setExceptionHandler\(\) needs a function/,
  });
  t.is(loop.getExceptionHandler(), handler, "a refused handler leaves the current one in place");
  loop.close();
});

test.serial(
  "`setExceptionHandler()` behaviour: a handler that throws is logged with the original report, and the loop goes on",
  async (t) => {
    const loop = new EventLoop({ selector: new VirtualSelector() });
    loop.setExceptionHandler(() => {
      throw new Error("handler broke");
    });
    const log: string[] = [];
    const written = await captureStderr(async () => {
      loop.callSoon(function failing() {
        throw new Error("callback broke");
      });
      loop.callSoon(() => {
        log.push("went on");
        loop.stop();
      });
      await loop.runForever();
    });
    t.deepEqual(log, ["went on"]);
    t.regex(written, /the exception handler threw/);
    t.regex(written, /handler broke/);
    t.regex(written, /Exception in callback failing/);
    t.regex(written, /callback broke/);
    loop.close();
  },
);

test.serial("`setExceptionHandler()` behaviour: null restores the default handler, which logs to stderr", async (t) => {
  const reports: ExceptionContext[] = [];
  const loop = new EventLoop({ selector: new VirtualSelector(), exceptionHandler: (context) => reports.push(context) });
  t.not(loop.getExceptionHandler(), null);
  loop.setExceptionHandler(null);
  t.is(loop.getExceptionHandler(), null);
  const written = await captureStderr(async () => {
    loop.callSoon(() => {
      throw new Error("to stderr");
    });
    loop.callSoon(() => loop.stop());
    await loop.runForever();
  });
  t.deepEqual(reports, [], "the old handler is no longer called");
  t.regex(written, /^yieldio: Exception in callback/);
  t.regex(written, /to stderr/);
  loop.close();
});

test.serial("`setExceptionHandler()` behaviour: the default handler prints an error with its cause and sub-errors", async (t) => {
  const loop = new EventLoop({ selector: new VirtualSelector() });
  loop.setExceptionHandler(null);
  const written = await captureStderr(async () => {
    loop.callSoon(() => {
      throw new Error("outer failure", { cause: new Error("inner cause of the failure") });
    });
    loop.callSoon(() => {
      throw new AggregateError([new RangeError("first sub-error"), new TypeError("second sub-error")], "several failures");
    });
    loop.callSoon(() => {
      // eslint-disable-next-line @typescript-eslint/only-throw-error -- on purpose: how the default handler prints a thrown non-Error
      throw { code: "E_PLAIN", detail: "a plain object" };
    });
    loop.callSoon(() => loop.stop());
    await loop.runForever();
  });
  t.regex(written, /outer failure/);
  t.regex(written, /inner cause of the failure/);
  t.regex(written, /several failures/);
  t.regex(written, /first sub-error/);
  t.regex(written, /second sub-error/);
  t.regex(written, /E_PLAIN/, "a non-Error is shown with its fields, not as [object Object]");
  t.notRegex(written, /\[object Object\]/);
  loop.close();
});

// ---- timers added while the loop waits ---------------------------------------------------------

test("`callLater()` behaviour: from outside the loop, wakes a loop waiting with no timer, and fires on (virtual) time", async (t) => {
  const { loop, log, reports } = loggingLoop();
  const running = loop.runForever();
  t.deepEqual(log, ["select(null)"]);
  await new Promise((resolve) => setImmediate(resolve));
  loop.callLater(5, () => {
    log.push(`timer at ${loop.time()}`);
    loop.stop();
  });
  await running;
  t.deepEqual(log, ["select(null)", "select(5)", "timer at 5"]);
  closeClean(t, loop, reports);
});

// On the host, because waiting on it is what is tested. Nothing waits on the wall clock: the
// early timer is due at once, so it can only fire before the far one if adding it woke the
// loop; one host turn (setImmediate) is all the loop gets, and the order of events is asserted.
test("`callLater()` behaviour: on a NodeSelector, a timer added from outside while the loop waits fires before a later one; a later one does not wake the loop", async (t) => {
  const log: string[] = [];
  const selector = new LoggingSelector(log, new NodeSelector());
  const reports: ExceptionContext[] = [];
  const loop = new EventLoop({ selector, exceptionHandler: (context) => reports.push(context) });
  const hostTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
  // The poll timeouts are real durations (60 s less a few µs): log them in whole seconds.
  const events = (): string[] =>
    log.map((entry) => entry.replace(/^select\(([\d.]+)\)$/, (_, ms: string) => `select(${Math.round(Number(ms) / 1000)} s)`));
  const far = loop.callLater(60_000, () => log.push("far timer fired"));
  let later: TimerHandle | undefined;
  const running = loop.runForever();
  try {
    t.deepEqual(events(), ["select(60 s)"], "the loop waits on the host for the far timer");
    await hostTurn();
    later = loop.callLater(120_000, () => log.push("later timer fired"));
    await hostTurn();
    t.deepEqual(events(), ["select(60 s)"], "a timer after the earliest one does not wake the loop");
    loop.callLater(0, () => {
      log.push("early timer fired");
      loop.stop();
    });
    await hostTurn();
    t.deepEqual(events(), ["select(60 s)", "early timer fired"], "the earlier timer woke the loop, which ran it without another poll");
    t.false(loop.isRunning());
  } finally {
    // A failed assertion throws: end the run at once instead of leaving it waiting a minute on the host.
    if (loop.isRunning()) loop.stop();
    await running;
  }
  far.cancel();
  later.cancel();
  closeClean(t, loop, reports);
});

// ---- on run() --------------------------------------------------------------------------------

test("`EventLoop` behaviour: a cancelled sleeping task under run() leaves no timer behind", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const loop = getRunningLoop();
    const task = loop.createTask(
      (function* () {
        yield* sleep(1000);
      })(),
    );
    yield* sleep(10);
    t.is(loop._liveTimerCount(), 1);
    task.cancel();
    t.is(loop._liveTimerCount(), 0, "the sleep's timer was withdrawn at once");
    const error = yield* catchError(task);
    return error instanceof CancelledError;
  });
  t.true(result);
});

test("`EventLoop` behaviour: the default selector is a DefaultSelector", (t) => {
  const loop = new EventLoop();
  t.true(loop.selector instanceof DefaultSelector);
  loop.close();
});

function* catchError(op: Operation<unknown>): Coroutine<unknown> {
  try {
    yield* op;
    return undefined;
  } catch (error) {
    return error;
  }
}

test("`debug` behaviour: callbacks and task steps longer than slowCallbackDurationMs are reported; below it, nothing", async (t) => {
  const { loop, reports } = virtualLoop();
  loop.debug = true;
  loop.slowCallbackDurationMs = 0; // every entry is "slow": the report does not depend on the machine
  function namedCallback(): void {}
  loop.callSoon(namedCallback);
  const task = loop.createTask(
    (function* (): Coroutine<number> {
      yield* sleep(1);
      return 1;
    })(),
    { name: "stepper" },
  );
  t.is(await loop.runUntilComplete(task), 1);
  const messages = reports.map((report) => report.message);
  t.true(
    messages.some((message) => /^slow callback namedCallback took \d+\.\d ms$/.test(message)),
    "the callback was reported, by its name",
  );
  t.true(
    messages.some((message) => /^slow step of Task stepper \(created at .*event-loop\.test\.ts:\d+:\d+\)\) took \d+\.\d ms$/.test(message)),
    "the task step was reported, with where the task was created (this test)",
  );
  t.is(reports.find((report) => report.message.startsWith("slow step"))?.task, task);

  reports.length = 0;
  loop.slowCallbackDurationMs = Number.POSITIVE_INFINITY;
  loop.callSoon(namedCallback);
  await loop.runUntilComplete(loop.createTask(sleep(1)));
  t.deepEqual(reports, [], "nothing is slow against an infinite threshold");
  loop.close();
});

test("`close()` behaviour: in debug mode a task still pending at close is reported with where it was created", async (t) => {
  const { loop, reports } = virtualLoop();
  loop.debug = true;
  loop.slowCallbackDurationMs = Number.POSITIVE_INFINITY;
  const forgotten = loop.createTask(sleep(1000), { name: "forgotten" });
  await loop.runUntilComplete(loop.createTask(sleep(1)));
  loop.close();
  const report = reports.find((entry) => entry.task === forgotten);
  t.truthy(report, "the pending task was reported");
  t.regex(report!.message, /Task forgotten was still pending when the loop closed \(waiting on sleep until 1000\)/);
  t.regex(report!.message, /task created here[\s\S]*event-loop\.test\.ts/, "with the stack where it was created");
});

// ---- the time budget: handing control back to Node -----------------------------------------------

/**
 * A step that overruns the loop's time budget by itself: CPU work that keeps the thread busy
 * until more than BUDGET_MS of host time has passed. Nothing sleeps, and the tests below assert
 * only the order of events, never a duration. On a VirtualSelector the loop never waits, so a
 * host callback (`setImmediate`) can only run when the loop hands control back to Node.
 */
function overrunBudget(): void {
  const end = performance.now() + BUDGET_MS + 1;
  while (performance.now() < end) {
    // busy: this is the step's work
  }
}

/**
 * A coroutine of `steps` steps that each overrun the budget, log, ask Node for a turn (through
 * `host`: `setImmediate` by default), and give way.
 */
function* overrunningSteps(
  name: string,
  steps: number,
  log: string[],
  host: (callback: () => void) => void = setImmediate,
): Coroutine<void> {
  for (let step = 1; step <= steps; step++) {
    overrunBudget();
    log.push(`${name} step ${step}`);
    host(() => log.push(`Node after ${name} step ${step}`));
    yield* yieldNow();
  }
}

// A host timer due when the loop hands off fires before the next stretch, also after a stretch
// that did not start in Node's check phase (the first one, here).
const HOST_TURNS: readonly [string, (callback: () => void) => void][] = [
  ["setImmediate", setImmediate],
  ["a host timer", (callback) => setTimeout(callback, 0)],
];

for (const [what, host] of HOST_TURNS) {
  test(`\`runUntilComplete()\` behaviour: after a task step that overruns BUDGET_MS, Node gets a turn before the next step (${what})`, async (t) => {
    const { loop, log, reports } = loggingLoop();
    await loop.runUntilComplete(loop.createTask(overrunningSteps("A", 3, log, host)));
    t.deepEqual(log, [
      "select(0)",
      "A step 1",
      "Node after A step 1",
      "select(0)",
      "A step 2",
      "Node after A step 2",
      "select(0)",
      "A step 3",
      "Node after A step 3",
      "select(0)", // A returns
      "select(0)", // runUntilComplete's done callback stops the loop
    ]);
    closeClean(t, loop, reports);
  });
}

test("`runUntilComplete()` behaviour: tasks that overrun BUDGET_MS in one snapshot each get Node a turn; the rest of the snapshot runs next, before the next poll", async (t) => {
  const { loop, log, reports } = loggingLoop();
  const tasks = ["A", "B", "C"].map((name) => loop.createTask(overrunningSteps(name, 2, log)));
  const main = loop.createTask(
    (function* (): Coroutine<void> {
      log.push("main joins");
      for (const task of tasks) yield* task;
      log.push("main done");
    })(),
  );
  await loop.runUntilComplete(main);
  t.deepEqual(log, [
    // The first snapshot is [A, B, C, main]: the loop hands off after each long step and
    // resumes the same snapshot without a poll.
    "select(0)",
    "A step 1",
    "Node after A step 1",
    "B step 1",
    "Node after B step 1",
    "C step 1",
    "Node after C step 1",
    "main joins",
    // What those steps scheduled (their yieldNow) runs in the next pass, after its poll.
    "select(0)",
    "A step 2",
    "Node after A step 2",
    "B step 2",
    "Node after B step 2",
    "C step 2",
    "Node after C step 2",
    "select(0)", // A, B and C return
    "select(0)",
    "main done",
    "select(0)",
  ]);
  closeClean(t, loop, reports);
});

for (const debug of [false, true]) {
  test(`\`callSoon()\` behaviour${debug ? " in debug mode" : ""}: callbacks that overrun BUDGET_MS each get Node a turn; what Node schedules runs after the rest of the snapshot`, async (t) => {
    const { loop, log, reports } = loggingLoop();
    loop.debug = debug;
    loop.slowCallbackDurationMs = Number.POSITIVE_INFINITY; // debug mode times entries, reports none
    for (const name of ["a", "b", "c"]) {
      loop.callSoon(() => {
        overrunBudget();
        log.push(`callback ${name}`);
        setImmediate(() => {
          log.push(`Node after callback ${name}`);
          if (name === "a") {
            loop.callSoon(() => {
              log.push("scheduled during Node's turn");
              loop.stop();
            });
          }
        });
      });
    }
    await loop.runForever();
    t.deepEqual(log, [
      "select(0)",
      "callback a",
      "Node after callback a",
      "callback b",
      "Node after callback b",
      "callback c",
      "Node after callback c",
      "select(0)",
      "scheduled during Node's turn",
    ]);
    closeClean(t, loop, reports);
  });
}

test("`stop()` behaviour: requested in a pass that hands control to Node in the middle, the run ends after the rest of that pass", async (t) => {
  const { loop, log, reports } = loggingLoop();
  loop.callSoon(() => {
    overrunBudget();
    log.push("first, stops the loop");
    loop.stop();
    loop.callSoon(() => log.push("scheduled during the pass"));
    setImmediate(() => log.push("Node"));
  });
  loop.callSoon(() => log.push("second"));
  await loop.runForever();
  t.deepEqual(log, ["select(0)", "first, stops the loop", "Node", "second"]);
  loop.callSoon(() => loop.stop());
  await loop.runForever();
  t.deepEqual(log.slice(4), ["select(0)", "scheduled during the pass"], "the next run starts with what the pass scheduled");
  closeClean(t, loop, reports);
});
