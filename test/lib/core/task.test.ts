import test from "ava";
import {
  CancelScope,
  CancelledError,
  Future,
  InvalidStateError,
  moveOnAfter,
  Task,
  createTask,
  gather,
  getCurrentTask,
  getRunningLoop,
  shield,
  sleep,
  suspend,
  timeout,
  TimeoutError,
  yieldNow,
} from "../../../lib/index.js";
import type { Coroutine, Instruction, Waiter } from "../../../lib/index.js";
import { runVirtual } from "../../helpers/loop.js";
import { catching } from "../../helpers/operations.js";

/** A one-slot mailbox built on `suspend`: a woken waiter takes the letter, a withdrawn one does not. */
class Mailbox {
  readonly waiters: Waiter<string>[] = [];
  readonly letters: string[] = [];

  put(letter: string): void {
    for (let waiter = this.waiters.shift(); waiter !== undefined; waiter = this.waiters.shift()) {
      if (waiter.wake(letter)) return;
    }
    this.letters.push(letter);
  }

  *get(): Coroutine<string> {
    const letter = this.letters.shift();
    if (letter !== undefined) return letter;
    return yield* suspend<string>({
      description: "mailbox.get()",
      park: (waiter) => this.waiters.push(waiter),
      abort: (waiter) => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        return true;
      },
    });
  }
}

test("`Task` behaviour: is an exported class that extends Future", async (t) => {
  await runVirtual(t, function* () {
    const task = createTask(sleep(1));
    t.true(task instanceof Task);
    t.true(task instanceof Future);
    t.true(Object.getPrototypeOf(Task.prototype) === Future.prototype);
    yield* task;
  });
});

test("`Task` behaviour: a task awaiting itself gets InvalidStateError thrown into it and can go on", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const task = createTask(
      (function* (): Coroutine<string> {
        const me = yield* getCurrentTask();
        const error = yield* catching(me);
        t.true(error instanceof InvalidStateError);
        t.regex((error as Error).message, /Task .* awaited itself: a task cannot wait for its own result/);
        yield* sleep(1);
        return "went on";
      })(),
    );
    return yield* task;
  });
  t.is(result, "went on");
});

test("`Task.setResult()` behaviour: throws InvalidStateError; a task's result comes from its coroutine", async (t) => {
  await runVirtual(t, function* () {
    const task = createTask(sleep(1, "own"));
    t.throws(() => task.setResult("forced"), {
      instanceOf: InvalidStateError,
      message: /setResult\(\) was called on Task .*: a task's result comes from its coroutine/,
    });
    t.throws(() => task.setException(new Error("forced")), {
      instanceOf: InvalidStateError,
      message: /setException\(\) was called on Task .*: a task's result comes from its coroutine/,
    });
    t.is(yield* task, "own");
    t.throws(() => task.setResult("late"), { instanceOf: InvalidStateError });
  });
});

test("`Task.cancel()` behaviour: returns true while pending and false once done; cancelling() counts requests", async (t) => {
  await runVirtual(t, function* () {
    const task = createTask(sleep(100));
    yield* yieldNow();
    t.is(task.cancelling(), 0);
    t.true(task.cancel());
    t.true(task.cancel("again"));
    t.is(task.cancelling(), 2);
    t.true((yield* catching(task)) instanceof CancelledError);
    t.false(task.cancel());
    t.is(task.cancelling(), 2);
    const finished = createTask(sleep(1));
    yield* finished;
    t.false(finished.cancel());
    t.is(finished.cancelling(), 0);
    t.false(finished.cancelled());
  });
});

test("`Task.cancel()` behaviour: the message appears in the CancelledError, inside and outside the task", async (t) => {
  const seen: string[] = [];
  await runVirtual(t, function* () {
    const task = createTask(
      (function* (): Coroutine<void> {
        try {
          yield* sleep(100);
        } catch (error) {
          seen.push((error as Error).message);
          throw error;
        }
      })(),
      { name: "downloader" },
    );
    yield* yieldNow();
    task.cancel("user pressed stop");
    const error = yield* catching(task);
    t.true(error instanceof CancelledError);
    t.is((error as CancelledError).reason.message, "user pressed stop");
    t.throws(() => task.result(), { instanceOf: CancelledError, message: /user pressed stop/ });
  });
  t.deepEqual(seen, ["cancelled explicitly in task downloader: user pressed stop"]);
});

test("`Task` behaviour: `yield*` of a done task returns at once, without a pass", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const task = createTask(sleep(1, "value"));
    yield* task;
    getRunningLoop().callSoon(() => log.push("next pass"));
    log.push(`got ${yield* task}`);
    yield* yieldNow();
  });
  t.deepEqual(log, ["got value", "next pass"]);
});

test("`Task` behaviour: `yield*` of a failed task rethrows its error, at once when it is done", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const boom = new RangeError("boom");
    const task = createTask(
      (function* (): Coroutine<number> {
        yield* sleep(1);
        throw boom;
      })(),
    );
    t.is(yield* catching(task), boom);
    getRunningLoop().callSoon(() => log.push("next pass"));
    t.is(yield* catching(task), boom);
    log.push("rethrown without a pass");
    t.is(task.exception(), boom);
    yield* yieldNow();
  });
  t.deepEqual(log, ["rethrown without a pass", "next pass"]);
});

test("`Task` behaviour: cancelling the waiter of `yield* task` cancels the awaited task, and resumes after it unwound", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const loop = getRunningLoop();
    const child = createTask(
      (function* (): Coroutine<string> {
        try {
          yield* sleep(100);
          return "child finished";
        } finally {
          log.push(`child cleanup starts at ${loop.time()}`);
          yield* shield(sleep(10));
          log.push(`child cleanup ends at ${loop.time()}`);
        }
      })(),
      { name: "child" },
    );
    const parent = createTask(
      (function* (): Coroutine<void> {
        try {
          yield* child;
        } catch (error) {
          log.push(`parent resumes at ${loop.time()} with ${(error as Error).name}`);
          throw error;
        }
      })(),
    );
    yield* sleep(5);
    parent.cancel("stop");
    log.push("parent.cancel() returned");
    t.true((yield* catching(parent)) instanceof CancelledError);
    t.true(child.cancelled());
    t.throws(() => child.result(), { instanceOf: CancelledError, message: /stop/ });
  });
  t.deepEqual(log, [
    "parent.cancel() returned",
    "child cleanup starts at 5",
    "child cleanup ends at 15",
    "parent resumes at 15 with CancelledError",
  ]);
});

test("`Task` behaviour: if the awaited task ignores the cancellation, the waiter gets its value and raises at its next suspension", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const stubborn = createTask(
      (function* (): Coroutine<string> {
        try {
          yield* sleep(100);
        } catch {
          log.push("stubborn swallowed");
        }
        return "stubborn value";
      })(),
    );
    const parent = createTask(
      (function* (): Coroutine<void> {
        const value = yield* stubborn;
        log.push(`parent got ${value}`);
        try {
          yield* yieldNow();
          log.push("parent was not cancelled");
        } catch (error) {
          log.push(`parent raised ${(error as Error).name} at its next suspension`);
          throw error;
        }
      })(),
    );
    yield* yieldNow();
    parent.cancel();
    t.true((yield* catching(parent)) instanceof CancelledError);
    t.is(stubborn.result(), "stubborn value");
  });
  t.deepEqual(log, ["stubborn swallowed", "parent got stubborn value", "parent raised CancelledError at its next suspension"]);
});

test("`Task.cancel()` behaviour: acts at once, a parked sleep's timer is withdrawn synchronously", async (t) => {
  await runVirtual(t, function* () {
    const loop = getRunningLoop();
    const task = createTask(sleep(100));
    yield* yieldNow();
    t.is(loop._liveTimerCount(), 1);
    task.cancel();
    t.is(loop._liveTimerCount(), 0);
    t.is(task.waitingOn, "scheduled");
    t.true((yield* catching(task)) instanceof CancelledError);
    t.is(loop.time(), 0);
  });
});

test("`Task.cancel()` behaviour: acts at once, an item handed over in the same step goes to the next waiter", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const box = new Mailbox();
    const first = createTask(box.get(), { name: "first" });
    const second = createTask(box.get(), { name: "second" });
    yield* yieldNow();
    t.is(box.waiters.length, 2);
    first.cancel();
    t.is(box.waiters.length, 1);
    box.put("letter");
    t.true((yield* catching(first)) instanceof CancelledError);
    log.push(`second got ${yield* second}`);
    t.deepEqual(box.letters, []);
  });
  t.deepEqual(log, ["second got letter"]);
});

test("`Task.cancel()` behaviour: a task asked to cancel that returns without suspending again ends with its value", async (t) => {
  await runVirtual(t, function* () {
    const task = createTask(
      (function* (): Coroutine<string> {
        yield* yieldNow();
        const me = yield* getCurrentTask();
        t.true(me.cancel("too late"));
        return "finished anyway";
      })(),
    );
    t.is(yield* task, "finished anyway");
    t.false(task.cancelled());
    t.is(task.cancelling(), 1);
  });
});

test("`Task.cancel()` behaviour: cancelled while queued after yieldNow, it raises instead of resuming", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const task = createTask(
      (function* (): Coroutine<void> {
        log.push("started");
        yield* yieldNow();
        log.push("resumed");
      })(),
      { eager: true },
    );
    t.is(task.waitingOn, "scheduled");
    task.cancel();
    t.true((yield* catching(task)) instanceof CancelledError);
  });
  t.deepEqual(log, ["started"]);
});

test("`Task.cancel()` behaviour: level-triggered, a task that catches CancelledError gets it again at its next suspension", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const loop = getRunningLoop();
    const task = createTask(
      (function* (): Coroutine<string> {
        for (const what of ["first", "second", "third"]) {
          try {
            yield* sleep(100);
            log.push(`${what} sleep finished`);
          } catch (error) {
            log.push(`${what} sleep raised ${(error as Error).name} at ${loop.time()}`);
          }
        }
        return "swallowed everything";
      })(),
    );
    yield* sleep(10);
    task.cancel();
    t.is(yield* task, "swallowed everything");
  });
  t.deepEqual(log, [
    "first sleep raised CancelledError at 10",
    "second sleep raised CancelledError at 10",
    "third sleep raised CancelledError at 10",
  ]);
});

test("`Task.cancel()` behaviour: a retry loop that swallows CancelledError does not freeze the loop", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const retrier = createTask(
      (function* (): Coroutine<void> {
        for (let attempt = 0; attempt < 3; attempt++) {
          try {
            yield* sleep(1000);
          } catch {
            log.push(`retrier caught ${attempt}`);
          }
        }
        log.push("retrier gave up");
      })(),
    );
    const other = createTask(
      (function* (): Coroutine<void> {
        for (let round = 0; round < 4; round++) {
          log.push(`other ${round}`);
          yield* yieldNow();
        }
      })(),
    );
    yield* yieldNow();
    log.push("cancel");
    retrier.cancel();
    log.push("cancel returned"); // nothing was raised synchronously
    yield* other;
    yield* retrier;
    t.is(getRunningLoop().time(), 0);
  });
  t.deepEqual(log, [
    "other 0",
    "cancel",
    "cancel returned",
    "other 1",
    "retrier caught 0",
    "other 2",
    "retrier caught 1",
    "other 3",
    "retrier caught 2",
    "retrier gave up",
  ]);
});

function* swallowing(times: number): Coroutine<number> {
  let swallowed = 0;
  while (swallowed < times) {
    try {
      yield* sleep(10);
    } catch (error) {
      if (!(error instanceof CancelledError)) throw error;
      swallowed++;
    }
  }
  return swallowed;
}

test("`Task.cancel()` behaviour: in debug mode a task that catches its CancelledError and suspends again is reported, once", async (t) => {
  let swallower: Task<number> | undefined;
  const { reports } = await runVirtual(
    t,
    function* () {
      swallower = createTask(swallowing(150), { name: "swallower" });
      yield* yieldNow();
      swallower.cancel("stop");
      t.is(yield* swallower, 150);
    },
    { debug: true, allowReports: true },
  );
  // Only the swallow report matters here (a slow step on a busy machine is reported too).
  const swallowReports = reports.filter((report) => !report.message.startsWith("slow "));
  t.is(swallowReports.length, 1);
  t.regex(
    swallowReports[0]!.message,
    /^Task swallower \(created at .*task\.test\.ts:\d+:\d+\)\) caught a CancelledError \(cancelled explicitly in task swallower: stop\) and suspended again inside it \(on sleep\(10\)\): let CancelledError propagate/,
  );
  t.true(swallowReports[0]!.task === swallower);
});

test("`Task.cancel()` behaviour: in debug mode a task that catches its CancelledError and returns a value is reported; scopes that absorb their own cancellation are not", async (t) => {
  const { reports } = await runVirtual(
    t,
    function* () {
      const quitter = createTask(
        (function* () {
          try {
            yield* sleep(10);
          } catch {
            return "pretended to finish";
          }
          return "finished";
        })(),
        { name: "quitter" },
      );
      const timed = createTask(
        (function* () {
          yield* moveOnAfter(1, sleep(10)); // absorbs its own deadline: not a swallow
          yield* sleep(1);
          return "went on after moveOnAfter";
        })(),
      );
      yield* yieldNow();
      quitter.cancel();
      t.is(yield* quitter, "pretended to finish");
      t.is(yield* timed, "went on after moveOnAfter");
    },
    { debug: true, allowReports: true },
  );
  const swallowReports = reports.filter((report) => !report.message.startsWith("slow "));
  t.deepEqual(
    swallowReports.map((report) => report.message.replace(/ \(created at [^)]*\)\)/, "")),
    [
      "Task quitter caught a CancelledError (cancelled explicitly in task quitter) and returned a value: let CancelledError propagate (a finally block that must wait needs shield())",
    ],
  );
});

test("`Task.cancel()` behaviour: without debug mode swallowing is not reported", async (t) => {
  await runVirtual(t, function* () {
    const swallower = createTask(swallowing(150));
    yield* yieldNow();
    swallower.cancel();
    t.is(yield* swallower, 150);
  });
});

test("`Task.cancel()` behaviour: a finally that suspends during cancellation gets CancelledError too", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const loop = getRunningLoop();
    const task = createTask(
      (function* (): Coroutine<void> {
        try {
          yield* sleep(100);
        } finally {
          log.push(`cleanup starts at ${loop.time()}`);
          try {
            yield* sleep(10);
            log.push("cleanup sleep finished");
          } catch (error) {
            log.push(`cleanup sleep raised ${(error as Error).name} at ${loop.time()}`);
          }
        }
      })(),
    );
    yield* sleep(5);
    task.cancel();
    t.true((yield* catching(task)) instanceof CancelledError);
    t.true(task.cancelled());
  });
  t.deepEqual(log, ["cleanup starts at 5", "cleanup sleep raised CancelledError at 5"]);
});

test("`Task.cancel()` behaviour: cancelled while parked in its cleanup, the cleanup is interrupted and the task ends cancelled", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const loop = getRunningLoop();
    const task = createTask(
      (function* (): Coroutine<string> {
        try {
          yield* sleep(5);
          return "value";
        } finally {
          log.push(`cleanup starts at ${loop.time()}`);
          yield* sleep(10);
          log.push("cleanup finished");
        }
      })(),
    );
    yield* sleep(8);
    task.cancel();
    t.true((yield* catching(task)) instanceof CancelledError);
    t.is(loop.time(), 8);
  });
  t.deepEqual(log, ["cleanup starts at 5"]);
});

test("`Task.waitingOn` behaviour: describes the stage or what the task waits for", async (t) => {
  await runVirtual(t, function* () {
    const loop = getRunningLoop();
    const future = loop.createFuture<void>();
    const box = new Mailbox();
    const inner = createTask(sleep(5), { name: "inner" });
    const sleeper = createTask(sleep(100));
    const onFuture = createTask(future);
    const onTask = createTask(inner);
    const onBox = createTask(box.get());
    const me = yield* getCurrentTask();
    t.is(sleeper.waitingOn, "not started");
    t.is(me.waitingOn, "running");
    yield* yieldNow();
    t.is(sleeper.waitingOn, "sleep until 100");
    t.is(onFuture.waitingOn, "Future");
    t.is(onTask.waitingOn, "Task inner");
    t.is(onBox.waitingOn, "mailbox.get()");
    future.setResult();
    box.put("letter");
    t.is(onBox.waitingOn, "scheduled");
    yield* onBox;
    yield* onFuture;
    yield* onTask;
    yield* sleeper;
    t.is(sleeper.waitingOn, "done");
  });
});

// ---- misuse inside retry loops --------------------------------------------------------------

/** Lets a test yield something that is not an instruction (the mistake under test). */
function wrong(value: unknown): Instruction {
  return value as Instruction;
}

/** Safety net of the retry loops below: without the fix they spin until it, freezing the loop meanwhile. */
const MAX_ATTEMPTS = 1000;

/** Gives way `rounds` times, logging each, then sets `done.flag`. */
function* progress(log: string[], done: { flag: boolean }, rounds: number): Coroutine<void> {
  for (let round = 0; round < rounds; round++) {
    log.push(`other ${round}`);
    yield* yieldNow();
  }
  done.flag = true;
}

test("`Task` behaviour: a catch-and-retry loop around a bad yield gives way: the first diagnosis of a step comes at once, later ones on the next pass", async (t) => {
  const log: string[] = [];
  const { result } = await runVirtual(t, function* () {
    const loop = getRunningLoop();
    const done = { flag: false };
    const retrier = createTask(
      (function* (): Coroutine<number> {
        let attempts = 0;
        while (!done.flag && attempts < MAX_ATTEMPTS) {
          attempts++;
          try {
            yield wrong(Promise.resolve("yielded instead of yield* fromPromise"));
          } catch (error) {
            t.true(error instanceof TypeError);
            t.regex((error as Error).message, /yielded a Promise/);
            log.push(`retrier caught ${attempts}`);
          }
        }
        return attempts;
      })(),
    );
    const other = createTask(progress(log, done, 3));
    loop.callSoon(() => log.push("callback"));
    const attempts = yield* retrier;
    yield* other;
    t.is(loop.time(), 0);
    return attempts;
  });
  t.is(result, 8, "the retry loop stopped because the other task made progress, not by the safety net");
  t.deepEqual(log, [
    "retrier caught 1", // thrown back in the same step
    "other 0",
    "callback",
    "retrier caught 2", // the second diagnosis of the first step, on the next pass
    "retrier caught 3",
    "other 1",
    "retrier caught 4",
    "retrier caught 5",
    "other 2",
    "retrier caught 6",
    "retrier caught 7",
    "retrier caught 8",
  ]);
});

test("`Task` behaviour: a catch-and-retry loop around awaiting itself gives way to the rest of the loop", async (t) => {
  const log: string[] = [];
  const { result } = await runVirtual(t, function* () {
    const done = { flag: false };
    const retrier = createTask(
      (function* (): Coroutine<number> {
        const me = yield* getCurrentTask();
        let attempts = 0;
        while (!done.flag && attempts < MAX_ATTEMPTS) {
          attempts++;
          const error = yield* catching(me);
          t.true(error instanceof InvalidStateError);
          log.push(`retrier caught ${attempts}`);
        }
        return attempts;
      })(),
    );
    const other = createTask(progress(log, done, 2));
    const attempts = yield* retrier;
    yield* other;
    return attempts;
  });
  t.is(result, 6);
  t.deepEqual(log, [
    "retrier caught 1",
    "other 0",
    "retrier caught 2",
    "retrier caught 3",
    "other 1",
    "retrier caught 4",
    "retrier caught 5",
    "retrier caught 6",
  ]);
});

test("`Task` behaviour: a diagnosis delivered on the next pass that is not caught fails the task with it", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const loop = getRunningLoop();
    const task = createTask(
      (function* (): Coroutine<void> {
        try {
          yield wrong(42);
        } catch {
          log.push("first caught");
        }
        loop.callSoon(() => log.push(`next pass, task done: ${task.done()}`));
        yield wrong(43); // the second diagnosis of the step: raised on the next pass, uncaught
      })(),
    );
    const error = yield* catching(task);
    t.true(error instanceof TypeError);
    t.regex((error as Error).message, /bare value \(43\)/);
    t.true(task.done());
  });
  t.deepEqual(log, ["first caught", "next pass, task done: false"]);
});

test("`Task` behaviour: `yield* [a, b]` as the second misuse of a step still fails with the gather hint on the next pass", async (t) => {
  await runVirtual(t, function* () {
    const task = createTask(
      (function* (): Coroutine<void> {
        try {
          yield wrong("first mistake");
        } catch {
          // caught, then a second mistake in the same step
        }
        yield* [sleep(1), sleep(2)] as unknown as Coroutine<void>;
      })(),
    );
    const error = yield* catching(task);
    t.true(error instanceof TypeError);
    t.regex((error as Error).message, /yield\* gather\(a, b\)/);
    t.regex(String((error as Error).cause), /'throw' method/, "the engine's own error is kept as the cause");
  });
});

// ---- withdrawn waits ---------------------------------------------------------------------------

test("`Task.cancel()` behaviour: a withdrawn sleep raises CancelledError even if a shield hides the cancellation before the task runs", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const loop = getRunningLoop();
    const inner = new CancelScope();
    const task = createTask(
      (function* (): Coroutine<void> {
        try {
          yield* inner.run(function* () {
            try {
              const value = yield* sleep(1000, "slept");
              log.push(`sleep returned ${value} at ${loop.time()}`);
            } catch (error) {
              log.push(`sleep raised ${(error as Error).name} (${(error as CancelledError).reason.source}) at ${loop.time()}`);
            }
            // The shield now keeps the task's cancellation out: later waits inside complete.
            log.push(`shielded sleep returned ${yield* sleep(10, "ok")} at ${loop.time()}`);
          });
          log.push("after the scope");
          yield* yieldNow();
        } catch (error) {
          log.push(`outside the shield: ${(error as Error).name} at ${loop.time()}`);
          throw error;
        }
      })(),
    );
    yield* yieldNow();
    task.cancel(); // withdraws the sleep
    inner.shield = true; // in the same step: the cancellation no longer applies inside
    t.true((yield* catching(task)) instanceof CancelledError);
    t.true(task.cancelled());
  });
  t.deepEqual(log, [
    "sleep raised CancelledError (explicit) at 0",
    "shielded sleep returned ok at 10",
    "after the scope",
    "outside the shield: CancelledError at 10",
  ]);
});

test("`Task.cancel()` behaviour: a withdrawn suspend() raises CancelledError even if a shield hides the cancellation before the task runs", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const box = new Mailbox();
    const inner = new CancelScope();
    const task = createTask(
      (function* (): Coroutine<void> {
        try {
          yield* inner.run(function* () {
            log.push(`got ${yield* box.get()}`);
          });
        } catch (error) {
          log.push(`get raised ${(error as Error).name} (${(error as CancelledError).reason.source})`);
          throw error;
        }
      })(),
    );
    yield* yieldNow();
    t.is(box.waiters.length, 1);
    task.cancel();
    inner.shield = true;
    t.is(box.waiters.length, 0, "the wait was withdrawn");
    box.put("letter"); // not for the withdrawn waiter
    t.true((yield* catching(task)) instanceof CancelledError);
    t.true(task.cancelled());
    t.deepEqual(box.letters, ["letter"]);
  });
  t.deepEqual(log, ["get raised CancelledError (explicit)"]);
});

// ---- cancelling what a task awaits -------------------------------------------------------------

/** A Future whose cancel() throws (a broken subclass). */
class UncancellableFuture<T> extends Future<T> {
  override cancel(_message?: string): boolean {
    throw new Error("this future refuses to be cancelled");
  }
}

test("`Task.cancel()` behaviour: an awaited future whose cancel() throws is reported; the waiter and its siblings in the scope are still cancelled", async (t) => {
  const log: string[] = [];
  let waiter: Task<string> | undefined;
  const { reports } = await runVirtual(
    t,
    function* () {
      const loop = getRunningLoop();
      const stubborn = new UncancellableFuture<string>(loop);
      const scope = new CancelScope();
      let sibling: Task<void> | undefined;
      loop.callLater(5, () => {
        scope.cancel("stop all");
        log.push("scope.cancel() returned");
      });
      yield* scope.run(function* () {
        // Tasks whose root scopes hang under `scope` (as in a task group); the waiter is linked
        // first, so the cancellation reaches it before the sibling.
        waiter = loop._createTask(
          (function* (): Coroutine<string> {
            try {
              return yield* stubborn;
            } catch (error) {
              log.push(`waiter raised ${(error as Error).name} at ${loop.time()}`);
              throw error;
            }
          })(),
          { parentScope: scope, name: "waiter" },
        );
        sibling = loop._createTask(
          (function* (): Coroutine<void> {
            try {
              yield* sleep(1000);
            } catch (error) {
              log.push(`sibling raised ${(error as Error).name} at ${loop.time()}`);
              throw error;
            }
          })(),
          { parentScope: scope, name: "sibling" },
        );
        yield* sleep(1000);
      });
      t.true(scope.cancelledCaught);
      const waiterError = yield* catching(waiter!);
      t.true(waiterError instanceof CancelledError);
      t.is((waiterError as CancelledError).reason.message, "stop all");
      t.true((yield* catching(sibling!)) instanceof CancelledError);
      t.false(stubborn.done(), "the future itself stays pending");
      stubborn.setResult("late");
      yield* yieldNow();
      t.true(waiter!.cancelled(), "the withdrawn waiter did not take the late result");
    },
    { allowReports: true },
  );
  t.deepEqual(log, ["scope.cancel() returned", "waiter raised CancelledError at 5", "sibling raised CancelledError at 5"]);
  t.is(reports.length, 1);
  t.regex(reports[0]!.message, /cancel\(\) of Future threw while Task waiter was being cancelled; the wait was withdrawn/);
  t.regex(String(reports[0]!.exception), /this future refuses to be cancelled/);
  t.true(reports[0]!.task === waiter);
});

test("`Task` behaviour: cancelling the waiter of `yield* task` passes its reason on: a deadline reaches the awaited task as a deadline", async (t) => {
  await runVirtual(t, function* () {
    const loop = getRunningLoop();
    const inner = createTask(sleep(1000), { name: "inner" });
    let timeoutError: unknown;
    try {
      yield* timeout(10, inner);
    } catch (error) {
      timeoutError = error;
    }
    t.is(loop.time(), 10);
    t.true(timeoutError instanceof TimeoutError);
    const innerError = yield* catching(inner);
    t.true(innerError instanceof CancelledError);
    t.is((innerError as CancelledError).reason.source, "deadline");
    t.is((innerError as CancelledError).reason.scope, "timeout(10)");
    const cause = (timeoutError as Error).cause;
    t.true(cause instanceof CancelledError);
    t.is((cause as CancelledError).reason.source, "deadline");
  });
});

// ---- await cycles (issue 7, defect 5) ---------------------------------------------------------

test("`Task` behaviour: A awaits B while B awaits A: the second await raises InvalidStateError naming the cycle, and both can finish", async (t) => {
  await runVirtual(t, function* () {
    const log: string[] = [];
    const tasks: { a?: Task<string>; b?: Task<string> } = {};
    tasks.a = createTask(
      (function* (): Coroutine<string> {
        yield* sleep(1);
        return `a saw ${yield* tasks.b!}`;
      })(),
      { name: "A" },
    );
    tasks.b = createTask(
      (function* (): Coroutine<string> {
        yield* sleep(2); // A is parked on B by now
        try {
          return yield* tasks.a!;
        } catch (error) {
          log.push((error as Error).message);
          t.true(error instanceof InvalidStateError);
          return "b gave up waiting";
        }
      })(),
      { name: "B" },
    );
    t.deepEqual(yield* gather(tasks.a, tasks.b), ["a saw b gave up waiting", "b gave up waiting"]);
    t.deepEqual(log, [
      "Task B awaited Task A, which already waits for it: Task B → Task A → Task B is an await cycle, and none of them could ever finish; let one side hand its result over another way (an Event, a Queue, a Future it sets)",
    ]);
  });
});

test("`Task` behaviour: a longer await cycle (A → B → C → A) is refused at the await that would close it", async (t) => {
  await runVirtual(t, function* () {
    const tasks: Task<number>[] = [];
    const waiter = (index: number): Coroutine<number> =>
      (function* (): Coroutine<number> {
        yield* sleep(index + 1); // A parks first, then B, then C closes the cycle
        return 1 + (yield* tasks[(index + 1) % 3]!);
      })();
    for (const name of ["A", "B", "C"]) tasks.push(createTask(waiter(tasks.length), { name }));
    const outcome = yield* catching(gather(...tasks));
    t.true(outcome instanceof InvalidStateError);
    t.regex(
      (outcome as Error).message,
      /^Task C awaited Task A, which already waits for it: Task C → Task A → Task B → Task C is an await cycle/,
    );
    t.true(tasks.every((task) => task.done()));
  });
});

test("`Task` behaviour: the issue's hang: A awaits B, B awaits A inside timeout(100, gather(a, b)) ends with the cycle error, not a hang", async (t) => {
  await runVirtual(t, function* () {
    const loop = getRunningLoop();
    const tasks: { a?: Task<void>; b?: Task<void> } = {};
    tasks.a = createTask(
      (function* (): Coroutine<void> {
        yield* sleep(1);
        yield* tasks.b!;
      })(),
    );
    tasks.b = createTask(
      (function* (): Coroutine<void> {
        yield* sleep(2);
        yield* tasks.a!;
      })(),
    );
    const error = yield* catching(timeout(100, gather(tasks.a, tasks.b)));
    t.true(error instanceof InvalidStateError);
    t.true(loop.time() < 100, "it ended at the cycle, not at the deadline");
  });
});

test("`Task` behaviour: a chain of awaits that is not a cycle is fine (A → B → C, C returns)", async (t) => {
  await runVirtual(t, function* () {
    const c = createTask(sleep(10, "c"));
    const b = createTask(
      (function* (): Coroutine<string> {
        return `b(${yield* c})`;
      })(),
    );
    const a = createTask(
      (function* (): Coroutine<string> {
        return `a(${yield* b})`;
      })(),
    );
    t.is(yield* a, "a(b(c))");
  });
});

// ---- cancel(message) takes a string (issue 7, defect 7) ---------------------------------------

test("`Task.cancel()` behaviour: a message that is not a string is a TypeError; the task is not cancelled and the loop goes on", async (t) => {
  await runVirtual(t, function* () {
    const task = createTask(sleep(10, "finished"));
    for (const bad of [{}, 42, null, Symbol("s")]) {
      const error = t.throws(() => task.cancel(bad as unknown as string), { instanceOf: TypeError });
      t.regex(error.message, /^Task\.cancel\(\) needs a message string or nothing: received (object|number|null|symbol)$/);
    }
    t.is(task.cancelling(), 0);
    t.is(yield* task, "finished");
    const other = createTask(sleep(10));
    t.true(other.cancel("a string is fine"));
    const cancelled = yield* catching(other);
    t.true(cancelled instanceof CancelledError);
    t.regex((cancelled as Error).message, /a string is fine/);
  });
});
