import test from "ava";
import { run, sleep } from "../../lib/index.js";
import { EVENT_READ, EVENT_WRITE, NOTHING_READY, VirtualFile, VirtualSelector } from "../../selectors/index.js";
import type { SelectResult } from "../../selectors/index.js";

/** Resolves to "pending" if `promise` has not settled after the host's current turn. */
async function settledOrPending<T>(promise: Promise<T>): Promise<T | "pending"> {
  return Promise.race([promise, new Promise<"pending">((resolve) => setImmediate(resolve, "pending"))]);
}

function masks(events: SelectResult): Array<[string, number]> {
  return events.map(([key, mask]) => [(key.fileobj as VirtualFile).name, mask]);
}

// ---- time ---------------------------------------------------------------------------------------

test("`VirtualSelector.time()` behaviour: starts at 0 or at the given start time", (t) => {
  t.is(new VirtualSelector().time(), 0);
  t.is(new VirtualSelector(1234.5).time(), 1234.5);
  t.is(new VirtualSelector(-10).time(), -10);
});

test("`VirtualSelector()` behaviour: a non-finite start is a RangeError", (t) => {
  for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
    t.throws(() => new VirtualSelector(bad), { instanceOf: RangeError, message: /finite start time/ });
  }
});

test("`VirtualSelector()` behaviour: a non-number start is a TypeError", (t) => {
  for (const bad of ["10", null, {}]) {
    t.throws(() => new VirtualSelector(bad as unknown as number), { instanceOf: TypeError });
  }
});

test("`VirtualSelector.select()` behaviour: with nothing ready, the clock jumps by the timeout and the answer is synchronous", (t) => {
  const selector = new VirtualSelector();
  const events = selector.select(250);
  t.is(events, NOTHING_READY, "the shared empty answer");
  t.is(selector.time(), 250);
  t.is(selector.select(0.5), NOTHING_READY);
  t.is(selector.time(), 250.5);
});

test("`VirtualSelector.select()` behaviour: select(0) answers at once and leaves the clock alone", (t) => {
  const selector = new VirtualSelector(10);
  t.is(selector.select(0), NOTHING_READY);
  t.is(selector.time(), 10);
  const file = new VirtualFile("f");
  selector.register(file, EVENT_READ);
  file.setReadable(true);
  const events = selector.select(0);
  t.true(Array.isArray(events));
  t.deepEqual(masks(events as SelectResult), [["f", EVENT_READ]]);
  t.is(selector.time(), 10);
});

test("`VirtualSelector.select()` behaviour: a ready file makes a timed select answer at once, without moving the clock", (t) => {
  const selector = new VirtualSelector();
  const file = new VirtualFile("f");
  selector.register(file, EVENT_WRITE, "data");
  file.setWritable(true);
  const events = selector.select(1000) as SelectResult;
  t.is(selector.time(), 0);
  t.is(events.length, 1);
  t.is(events[0]![0].fileobj, file);
  t.is(events[0]![0].data, "data");
  t.is(events[0]![1], EVENT_WRITE);
});

test("`VirtualSelector.select()` behaviour: select(null) waits until wake(), without moving the clock", async (t) => {
  const selector = new VirtualSelector(5);
  const waiting = selector.select(null);
  t.true(waiting instanceof Promise);
  t.is(await settledOrPending(waiting as Promise<SelectResult>), "pending");
  selector.wake();
  t.is(await waiting, NOTHING_READY);
  t.is(selector.time(), 5);
});

test("`VirtualSelector.select()` behaviour: select(null) is ended by a registered file becoming ready", async (t) => {
  const selector = new VirtualSelector();
  const file = new VirtualFile("pipe");
  selector.register(file, EVENT_READ | EVENT_WRITE);
  const waiting = selector.select(null) as Promise<SelectResult>;
  t.is(await settledOrPending(waiting), "pending");
  file.setReadable(true);
  t.deepEqual(masks(await waiting), [["pipe", EVENT_READ]]);
});

test("`VirtualSelector.select()` behaviour: select(null) is ended by registering a file that is already ready", async (t) => {
  const selector = new VirtualSelector();
  const file = new VirtualFile("ready");
  file.setWritable(true);
  const waiting = selector.select(null) as Promise<SelectResult>;
  selector.register(file, EVENT_WRITE);
  t.deepEqual(masks(await waiting), [["ready", EVENT_WRITE]]);
});

test("`VirtualSelector.wake()` behaviour: before a select, makes the next one answer at once, once", (t) => {
  const selector = new VirtualSelector();
  selector.wake();
  selector.wake();
  t.is(selector.select(500), NOTHING_READY);
  t.is(selector.time(), 0, "the woken select did not jump the clock");
  t.is(selector.select(500), NOTHING_READY);
  t.is(selector.time(), 500, "the wake-up was used up");
  selector.wake();
  t.is(selector.select(null), NOTHING_READY, "a woken select(null) answers synchronously");
});

test("`VirtualSelector.advance()` behaviour: moves the clock by hand", (t) => {
  const selector = new VirtualSelector(100);
  selector.advance(50);
  selector.advance(0);
  selector.advance(0.25);
  t.is(selector.time(), 150.25);
});

test("`VirtualSelector.advance()` behaviour: negative or non-finite amounts are RangeErrors and the clock stays", (t) => {
  const selector = new VirtualSelector(100);
  for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
    t.throws(() => selector.advance(bad), { instanceOf: RangeError, message: /advance\(\) needs a finite, non-negative number/ });
  }
  t.is(selector.time(), 100);
});

test("`VirtualSelector.advance()` behaviour: a non-number is a TypeError and the clock stays", (t) => {
  const selector = new VirtualSelector(100);
  for (const bad of ["10", undefined, null]) {
    t.throws(() => selector.advance(bad as unknown as number), { instanceOf: TypeError });
  }
  t.is(selector.time(), 100);
});

// ---- readiness ----------------------------------------------------------------------------------

test("`VirtualSelector.select()` behaviour: readiness is level-triggered and limited to the registered events", (t) => {
  const selector = new VirtualSelector();
  const reader = new VirtualFile("reader");
  const both = new VirtualFile("both");
  selector.register(reader, EVENT_READ);
  selector.register(both, EVENT_READ | EVENT_WRITE);
  reader.setReadable(true);
  reader.setWritable(true); // not registered for writing: not reported
  both.setWritable(true);
  const first = selector.select(0) as SelectResult;
  t.deepEqual(masks(first), [
    ["reader", EVENT_READ],
    ["both", EVENT_WRITE],
  ]);
  t.deepEqual(masks(selector.select(0) as SelectResult), masks(first), "still ready, reported again");
  both.setReadable(true);
  t.deepEqual(masks(selector.select(0) as SelectResult), [
    ["reader", EVENT_READ],
    ["both", EVENT_READ | EVENT_WRITE],
  ]);
  reader.setReadable(false);
  both.setReadable(false);
  both.setWritable(false);
  t.is(selector.select(0), NOTHING_READY);
});

test("`VirtualFile` behaviour: holds its readiness and its name", (t) => {
  const file = new VirtualFile("pipe");
  t.is(file.name, "pipe");
  t.is(new VirtualFile().name, "virtual-file");
  t.false(file.readable);
  t.false(file.writable);
  file.setReadable(true);
  file.setWritable(true);
  t.true(file.readable && file.writable);
  file.setReadable(false);
  t.false(file.readable);
  t.true(file.writable);
});

test("`VirtualSelector.unregister()` behaviour: an unregistered file no longer wakes or is reported", async (t) => {
  const selector = new VirtualSelector();
  const file = new VirtualFile("gone");
  selector.register(file, EVENT_READ);
  selector.unregister(file);
  const waiting = selector.select(null) as Promise<SelectResult>;
  file.setReadable(true);
  t.is(await settledOrPending(waiting), "pending");
  selector.wake();
  t.is(await waiting, NOTHING_READY);
  t.is(selector.select(0), NOTHING_READY);
});

test("`VirtualSelector.modify()` behaviour: changes the events and data reported", (t) => {
  const selector = new VirtualSelector();
  const file = new VirtualFile("f");
  file.setReadable(true);
  file.setWritable(true);
  const key = selector.register(file, EVENT_READ, "old");
  t.deepEqual(key, { fileobj: file, fd: -1, events: EVENT_READ, data: "old" });
  const changed = selector.modify(file, EVENT_WRITE, "new");
  t.deepEqual(changed, { fileobj: file, fd: -1, events: EVENT_WRITE, data: "new" });
  t.is(selector.getKey(file), changed);
  const events = selector.select(0) as SelectResult;
  t.is(events.length, 1);
  t.is(events[0]![0], changed);
  t.is(events[0]![1], EVENT_WRITE);
});

// ---- registration errors -----------------------------------------------------------------------

test("`VirtualSelector.register()` behaviour: registering twice is a RangeError and keeps the first key", (t) => {
  const selector = new VirtualSelector();
  const file = new VirtualFile();
  const key = selector.register(file, EVENT_READ, 1);
  t.throws(() => selector.register(file, EVENT_WRITE, 2), { instanceOf: RangeError, message: /already registered.*use modify\(\)/ });
  t.is(selector.getKey(file), key);
  t.is(selector.getMap().size, 1);
});

test("`VirtualSelector.register()` behaviour: only VirtualFile objects (TypeError otherwise)", (t) => {
  const selector = new VirtualSelector();
  t.throws(() => selector.register({}, EVENT_READ), {
    instanceOf: TypeError,
    message: /VirtualSelector can only watch VirtualFile objects: received Object/,
  });
  t.throws(() => selector.register(new Map(), EVENT_READ), { instanceOf: TypeError, message: /received Map/ });
  for (const bad of [null, 3, "file"]) {
    t.throws(() => selector.register(bad as unknown as object, EVENT_READ), {
      instanceOf: TypeError,
      message: /register\(\) needs a file object/,
    });
  }
  t.is(selector.getMap().size, 0);
});

test("`VirtualSelector.register()` behaviour: a bad event mask is a TypeError (not an integer) or a RangeError (empty, unknown bits)", (t) => {
  const selector = new VirtualSelector();
  const file = new VirtualFile();
  for (const bad of [0, 4, 8, -1, EVENT_READ | 4]) {
    t.throws(() => selector.register(file, bad), {
      instanceOf: RangeError,
      message: /non-empty mask of EVENT_READ \(1\) and EVENT_WRITE \(2\)/,
    });
  }
  for (const bad of [1.5, Number.NaN, "1", null]) {
    t.throws(() => selector.register(file, bad as unknown as number), { instanceOf: TypeError, message: /needs an event mask/ });
  }
  t.is(selector.getMap().size, 0);
  selector.register(file, EVENT_READ);
  t.throws(() => selector.modify(file, 0), { instanceOf: RangeError });
  t.throws(() => selector.modify(file, "2" as unknown as number), { instanceOf: TypeError });
  t.is(selector.getKey(file)?.events, EVENT_READ, "a refused modify changes nothing");
});

test("`VirtualSelector.unregister()` behaviour: an unknown file is a RangeError; so is modify()", (t) => {
  const selector = new VirtualSelector();
  const file = new VirtualFile();
  t.throws(() => selector.unregister(file), {
    instanceOf: RangeError,
    message: /unregister\(\) was given a file object that is not registered.*register\(\) it first/,
  });
  t.throws(() => selector.modify(file, EVENT_READ), {
    instanceOf: RangeError,
    message: /modify\(\) was given a file object that is not registered/,
  });
  const key = selector.register(file, EVENT_READ);
  t.is(selector.unregister(file), key);
  t.throws(() => selector.unregister(file), { instanceOf: RangeError });
  t.is(selector.getKey(file), undefined);
});

test("`VirtualSelector.getMap()` behaviour: every registration by file object", (t) => {
  const selector = new VirtualSelector();
  const a = new VirtualFile("a");
  const b = new VirtualFile("b");
  const keyA = selector.register(a, EVENT_READ);
  const keyB = selector.register(b, EVENT_WRITE);
  t.deepEqual(
    [...selector.getMap().entries()],
    [
      [a, keyA],
      [b, keyB],
    ],
  );
  t.is(selector.getKey(new VirtualFile()), undefined);
});

// ---- closing -------------------------------------------------------------------------------------

test("`VirtualSelector.close()` behaviour: drops every registration; closing twice is harmless", (t) => {
  const selector = new VirtualSelector();
  const file = new VirtualFile();
  selector.register(file, EVENT_READ);
  selector.close();
  t.is(selector.getMap().size, 0);
  t.notThrows(() => selector.close());
  file.setReadable(true);
  t.is(selector.select(0), NOTHING_READY, "a closed selector watches nothing");
});

test("`VirtualSelector.close()` behaviour: registering on a closed selector is refused as a state error", (t) => {
  const selector = new VirtualSelector();
  selector.close();
  const error = t.throws(() => selector.register(new VirtualFile(), EVENT_READ), { message: /closed selector/ });
  t.is(error.name, "InvalidStateError", "using a closed selector is a state misuse (InvalidStateError), not a range error");
  t.is(selector.getMap().size, 0);
});

// ---- with the loop ----------------------------------------------------------------------------

test("`VirtualSelector` behaviour: run() on it jumps an hour of sleep at once", async (t) => {
  const selector = new VirtualSelector();
  const result = await run(
    function* () {
      yield* sleep(3_600_000);
      return selector.time();
    },
    { selector },
  );
  t.is(result, 3_600_000);
});
