import test from "ava";
import { Readable } from "node:stream";
import { createTask, fromAsyncIterable, getRunningLoop, sleep, yieldNow } from "../../../lib/index.js";
import { runVirtual } from "../../helpers/loop.js";
import { errorOf, settle } from "../../helpers/operations.js";

async function* counter(log: string[], upTo: number): AsyncGenerator<number, string> {
  try {
    for (let i = 1; i <= upTo; i++) yield await Promise.resolve(i);
    return "counted";
  } finally {
    log.push("generator finally");
  }
}

test("`fromAsyncIterable()` behaviour: next() reads each item in turn, then the return value with done", async (t) => {
  const log: string[] = [];
  const { result } = await runVirtual(t, function* () {
    const items = fromAsyncIterable(counter(log, 3));
    const steps: Array<IteratorResult<number, string>> = [];
    for (let step = yield* items.next(); ; step = yield* items.next()) {
      steps.push(step);
      if (step.done === true) break;
    }
    return steps;
  });
  t.deepEqual(result, [
    { value: 1, done: false },
    { value: 2, done: false },
    { value: 3, done: false },
    { value: "counted", done: true },
  ]);
  t.deepEqual(log, ["generator finally"]);
});

test("`fromAsyncIterable()` behaviour: reads a Node Readable", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const chunks = fromAsyncIterable<string>(Readable.from(["a", "b", "c"]));
    let text = "";
    for (let step = yield* chunks.next(); step.done !== true; step = yield* chunks.next()) text += step.value;
    return text;
  });
  t.is(result, "abc");
});

test("`fromAsyncIterable()` behaviour: a cancelled next() ends the iteration: the generator's finally runs once its pending step ends", async (t) => {
  const log: string[] = [];
  let release: (() => void) | undefined;
  async function* slow(): AsyncGenerator<string> {
    try {
      await new Promise<void>((resolve) => (release = resolve));
      yield "never read";
    } finally {
      log.push("finally ran");
    }
  }
  const { result } = await runVirtual(t, function* () {
    const reader = fromAsyncIterable(slow());
    const waiting = createTask(reader.next());
    yield* yieldNow();
    waiting.cancel();
    const outcome = errorOf(yield* settle(waiting));
    log.push("next() cancelled");
    getRunningLoop().callSoon(() => release?.());
    yield* sleep(1);
    return (outcome as Error).name;
  });
  t.is(result, "CancelledError");
  t.deepEqual(log, ["next() cancelled", "finally ran"]);
});

test("`fromAsyncIterable()` behaviour: return() ends the iteration early and waits for the iterator's cleanup", async (t) => {
  const log: string[] = [];
  const { result } = await runVirtual(t, function* () {
    const items = fromAsyncIterable(counter(log, 10));
    const first = yield* items.next();
    yield* items.return();
    log.push("returned");
    return { first: first.value, after: yield* items.next() };
  });
  t.deepEqual(result, { first: 1, after: { value: undefined, done: true } });
  t.deepEqual(log, ["generator finally", "returned"]);
});

test("`fromAsyncIterable()` behaviour: anything but an async iterable or iterator is a TypeError", (t) => {
  t.throws(() => fromAsyncIterable([1, 2] as never), {
    instanceOf: TypeError,
    message: "fromAsyncIterable() needs an async iterable or iterator: received object",
  });
  t.throws(() => fromAsyncIterable(undefined as never), { instanceOf: TypeError });
});
