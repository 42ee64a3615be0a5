import test from "ava";
import {
  CancelScope,
  CancelledError,
  InvalidStateError,
  createTask,
  currentTask,
  getCurrentTask,
  getRunningLoop,
  sleep,
  suspend,
  yieldNow,
} from "../../../lib/index.js";
import type { Coroutine, Task, Wait, Waiter } from "../../../lib/index.js";
import { runVirtual } from "../../helpers/loop.js";
import { catching } from "../../helpers/operations.js";

// Tasks are compared with ===: a deep comparison (or a failure diff) walks the whole loop.

/**
 * A one-slot mailbox: the smallest primitive on the trap protocol. `put` hands the letter to
 * the first waiter that takes it (`wake` returns true), or keeps it in the slot. `abort`
 * withdraws a waiter, unless `refuseAborts` is set (then the wait completes by itself).
 */
class Mailbox {
  /** Waiters parked and not yet woken or withdrawn, in arrival order. */
  readonly waiters: Array<Waiter<string>> = [];
  /** Every waiter ever parked, for the test to inspect. */
  readonly parked: Array<Waiter<string>> = [];
  /** The waiters `abort` was called with. */
  readonly aborted: Array<Waiter<string>> = [];
  refuseAborts = false;
  #slot: string | undefined;

  get slot(): string | undefined {
    return this.#slot;
  }

  put(letter: string): void {
    for (let waiter = this.waiters.shift(); waiter !== undefined; waiter = this.waiters.shift()) {
      if (waiter.wake(letter)) return;
    }
    if (this.#slot !== undefined) throw new InvalidStateError("the mailbox is full");
    this.#slot = letter;
  }

  *get(): Coroutine<string> {
    const letter = this.#slot;
    if (letter !== undefined) {
      this.#slot = undefined;
      return letter; // no suspension
    }
    return yield* suspend<string>({
      description: "mailbox.get()",
      park: (waiter) => {
        this.parked.push(waiter);
        this.waiters.push(waiter);
      },
      abort: (waiter) => {
        this.aborted.push(waiter);
        if (this.refuseAborts) return false;
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        return true;
      },
    });
  }
}

/** A task that takes one letter and logs it, and what happens at its next suspension. */
function* reader(box: Pick<Mailbox, "get">, log: string[], name: string): Coroutine<string> {
  const letter = yield* box.get();
  log.push(`${name} got ${letter}`);
  try {
    yield* yieldNow();
    log.push(`${name} suspended again without error`);
  } catch (error) {
    log.push(`${name}'s next suspension raised ${(error as Error).name}`);
    throw error;
  }
  return letter;
}

test("`suspend()` behaviour: parks until the primitive wakes the waiter, then returns the value", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const loop = getRunningLoop();
    const box = new Mailbox();
    const task = createTask(reader(box, log, "reader"));
    yield* yieldNow();
    t.is(task.waitingOn, "mailbox.get()");
    const waiter = box.parked[0]!;
    t.true(waiter.pending);
    t.true(waiter.task === task);
    yield* sleep(30);
    box.put("letter");
    t.false(waiter.pending);
    t.false(waiter.wake("second letter"), "a waiter settles once");
    t.is(yield* task, "letter");
    t.is(loop.time(), 30);
  });
  t.deepEqual(log, ["reader got letter", "reader suspended again without error"]);
});

test("`suspend()` behaviour: woken and cancelled in the same step, the waiter gets the real value; the cancellation waits for its next suspension", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const box = new Mailbox();
    const task = createTask(reader(box, log, "reader"));
    yield* yieldNow();
    box.put("handed over");
    task.cancel();
    t.is(box.aborted.length, 0, "a woken waiter is not aborted");
    t.true((yield* catching(task)) instanceof CancelledError);
    t.is(box.slot, undefined, "the letter was taken, not left behind");
  });
  t.deepEqual(log, ["reader got handed over", "reader's next suspension raised CancelledError"]);
});

test("`suspend()` behaviour: a pending waiter that is cancelled is aborted, and a later wake() returns false", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const box = new Mailbox();
    const first = createTask(reader(box, log, "first"));
    const second = createTask(reader(box, log, "second"));
    yield* yieldNow();
    const firstWaiter = box.parked[0]!;
    first.cancel();
    t.is(box.aborted.length, 1);
    t.true(box.aborted[0] === firstWaiter);
    t.false(firstWaiter.pending);
    t.false(firstWaiter.wake("late"), "the withdrawn waiter does not take the letter");
    box.put("letter"); // so the primitive gives it to someone else
    t.true((yield* catching(first)) instanceof CancelledError);
    t.is(yield* second, "letter");
  });
  t.deepEqual(log, ["second got letter", "second suspended again without error"]);
});

test("`suspend()` behaviour: a withdrawn waiter's late fail() returns false too", async (t) => {
  await runVirtual(t, function* () {
    const box = new Mailbox();
    const task = createTask(box.get());
    yield* yieldNow();
    task.cancel();
    t.false(box.parked[0]!.fail(new Error("late")));
    t.true((yield* catching(task)) instanceof CancelledError);
  });
});

test("`suspend()` behaviour: an abort that refuses lets the wait complete by itself", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const loop = getRunningLoop();
    const box = new Mailbox();
    box.refuseAborts = true;
    const task = createTask(reader(box, log, "reader"));
    yield* yieldNow();
    task.cancel();
    t.is(box.aborted.length, 1);
    t.true(box.parked[0]!.pending, "still waiting for its letter");
    t.is(task.waitingOn, "mailbox.get()");
    yield* sleep(25);
    t.false(task.done());
    log.push(`put at ${loop.time()}`);
    box.put("granted");
    t.true((yield* catching(task)) instanceof CancelledError);
    t.is(loop.time(), 25);
  });
  t.deepEqual(log, ["put at 25", "reader got granted", "reader's next suspension raised CancelledError"]);
});

test("`suspend()` behaviour: an abort that refuses, then fails the waiter, delivers the error", async (t) => {
  await runVirtual(t, function* () {
    const box = new Mailbox();
    box.refuseAborts = true;
    const task = createTask(box.get());
    yield* yieldNow();
    task.cancel();
    const failure = new RangeError("mailbox closed");
    t.true(box.parked[0]!.fail(failure));
    t.is(yield* catching(task), failure);
  });
});

test("`suspend()` behaviour: a park that throws delivers the error into the coroutine, which can go on", async (t) => {
  const log: string[] = [];
  const { result } = await runVirtual(t, function* () {
    getRunningLoop().callSoon(() => log.push("next pass"));
    const failure = new RangeError("no room");
    try {
      yield* suspend<number>({
        description: "full.get()",
        park: () => {
          throw failure;
        },
      });
      log.push("not reached");
    } catch (error) {
      t.is(error, failure);
      log.push("caught at the suspend, in the same step");
    }
    yield* yieldNow();
    return yield* sleep(5, "went on");
  });
  t.is(result, "went on");
  t.deepEqual(log, ["caught at the suspend, in the same step", "next pass"]);
});

test("`suspend()` behaviour: a park that wakes at once resumes on the next pass", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    getRunningLoop().callSoon(() => log.push("next pass"));
    const value = yield* suspend<string>({
      description: "ready.get()",
      park: (waiter) => {
        t.true(waiter.wake("at once"));
      },
    });
    log.push(`resumed with ${value}`);
  });
  t.deepEqual(log, ["next pass", "resumed with at once"]);
});

test("`suspend()` behaviour: fail() throws the error into the coroutine at the suspend", async (t) => {
  await runVirtual(t, function* () {
    const failure = new Error("broken pipe");
    const error = yield* catching(
      suspend<void>({
        description: "pipe.read()",
        park: (waiter) => {
          getRunningLoop().callLater(10, () => waiter.fail(failure));
        },
      }),
    );
    t.is(error, failure);
    t.is(getRunningLoop().time(), 10);
  });
});

test("`suspend()` behaviour: without abort, cancellation withdraws the wait and a later wake() returns false", async (t) => {
  await runVirtual(t, function* () {
    let parked: Waiter<number> | undefined;
    const wait: Wait<number> = { description: "plain.get()", park: (waiter) => (parked = waiter) };
    const task = createTask(suspend(wait));
    yield* yieldNow();
    task.cancel();
    t.false(parked!.pending);
    t.false(parked!.wake(1));
    t.true((yield* catching(task)) instanceof CancelledError);
  });
});

test("`suspend()` behaviour: inside an already cancelled scope, park is never called and CancelledError comes on the next pass", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const scope = new CancelScope();
    scope.cancel();
    yield* scope.run(function* () {
      getRunningLoop().callSoon(() => log.push("next pass"));
      try {
        yield* suspend<void>({ description: "never.get()", park: () => log.push("parked") });
      } catch (error) {
        log.push(`raised ${(error as Error).name}`);
        throw error;
      }
    });
    t.true(scope.cancelledCaught);
  });
  t.deepEqual(log, ["next pass", "raised CancelledError"]);
});

test("`suspend()` behaviour: an abort that throws is reported, and the wait is withdrawn", async (t) => {
  let task: Task<void> | undefined;
  const { reports } = await runVirtual(
    t,
    function* () {
      let parked: Waiter<void> | undefined;
      task = createTask(
        suspend<void>({
          description: "broken.get()",
          park: (waiter) => (parked = waiter),
          abort: () => {
            throw new Error("abort broke");
          },
        }),
      );
      yield* yieldNow();
      task.cancel();
      t.false(parked!.pending);
      t.true((yield* catching(task)) instanceof CancelledError);
    },
    { allowReports: true },
  );
  t.is(reports.length, 1);
  t.regex(reports[0]!.message, /abort\(\) of wait broken\.get\(\) threw; the wait was withdrawn/);
  t.is((reports[0]!.exception as Error).message, "abort broke");
  t.true(reports[0]!.task === task);
});

test("`suspend()` behaviour: an abort that wakes the waiter counts as a refusal: the value is delivered, the task queued once", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const loop = getRunningLoop();
    const task = createTask(
      reader(
        {
          *get(): Coroutine<string> {
            return yield* suspend<string>({
              description: "eager.get()",
              park: () => {},
              // A sloppy primitive: hands the item over inside abort, and still says "withdrawn".
              abort: (waiter) => {
                log.push(`wake() in abort returned ${waiter.wake("item")}`);
                return true;
              },
            });
          },
        },
        log,
        "reader",
      ),
    );
    yield* yieldNow();
    task.cancel();
    t.is(loop._readyCount(), 1, "the task is on the ready queue once");
    t.true((yield* catching(task)) instanceof CancelledError);
  });
  t.deepEqual(log, ["wake() in abort returned true", "reader got item", "reader's next suspension raised CancelledError"]);
});

test("`getCurrentTask()` behaviour: returns the running task without a pass", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    getRunningLoop().callSoon(() => log.push("next pass"));
    const me = yield* getCurrentTask();
    log.push("got the task");
    t.true(me === currentTask());
    const child = createTask(
      (function* (): Coroutine<Task<unknown>> {
        return yield* getCurrentTask();
      })(),
    );
    t.true((yield* child) === child);
  });
  t.deepEqual(log, ["got the task", "next pass"]);
});

test("`getCurrentTask()` behaviour: is not a suspension, so it does not raise a pending cancellation", async (t) => {
  await runVirtual(t, function* () {
    const scope = new CancelScope();
    const value = yield* scope.run(function* (self) {
      self.cancel();
      const me = yield* getCurrentTask();
      return me.name;
    });
    t.regex(value!, /^Task-\d+$/);
    t.false(scope.cancelledCaught);
  });
});
