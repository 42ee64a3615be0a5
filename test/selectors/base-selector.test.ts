import test from "ava";
import { BaseSelector, EVENT_READ, EVENT_WRITE, NOTHING_READY } from "../../selectors/index.js";
import type { SelectorKey, SelectResult } from "../../selectors/index.js";

class Pipe {
  readonly name: string;
  constructor(name: string) {
    this.name = name;
  }
}

/** A BaseSelector that accepts only `Pipe`s and records the hooks it is given. */
class RecordingSelector extends BaseSelector {
  readonly log: string[] = [];

  protected checkFileObject(fileobj: object): void {
    this.log.push("check");
    if (!(fileobj instanceof Pipe)) throw new TypeError(`RecordingSelector watches Pipes: received ${fileobj.constructor.name}`);
  }

  protected watch(key: SelectorKey): void {
    this.log.push(`watch ${(key.fileobj as Pipe).name} ${key.events} ${String(key.data)}`);
  }

  protected unwatch(key: SelectorKey): void {
    this.log.push(`unwatch ${(key.fileobj as Pipe).name} ${key.events}`);
  }

  select(_timeoutMs: number | null): SelectResult {
    return NOTHING_READY;
  }

  time(): number {
    return 0;
  }

  wake(): void {}

  closedNow(): boolean {
    return this.isClosed();
  }
}

test("`NOTHING_READY` behaviour: a shared, frozen, empty answer", (t) => {
  t.true(Array.isArray(NOTHING_READY));
  t.is(NOTHING_READY.length, 0);
  t.true(Object.isFrozen(NOTHING_READY));
});

test("`BaseSelector.register()` behaviour: checks the object, then watches the new key", (t) => {
  const selector = new RecordingSelector();
  const pipe = new Pipe("p");
  const key = selector.register(pipe, EVENT_READ | EVENT_WRITE, "data");
  t.deepEqual(key, { fileobj: pipe, fd: -1, events: 3, data: "data" });
  t.deepEqual(selector.log, ["check", "watch p 3 data"]);
  t.is(selector.getKey(pipe), key);
  t.is(selector.getMap().get(pipe), key);
});

test("`BaseSelector.register()` behaviour: a numeric `fd` property becomes the key's fd", (t) => {
  const selector = new RecordingSelector();
  const withFd = Object.assign(new Pipe("fd"), { fd: 7 });
  const withOddFd = Object.assign(new Pipe("odd"), { fd: "7" });
  t.is(selector.register(withFd, EVENT_READ).fd, 7);
  t.is(selector.register(withOddFd, EVENT_READ).fd, -1);
  t.is(selector.modify(withFd, EVENT_WRITE).fd, 7, "modify keeps the fd");
});

test("`BaseSelector.register()` behaviour: errors come before any hook runs, and leave no registration", (t) => {
  const selector = new RecordingSelector();
  const pipe = new Pipe("p");
  t.throws(() => selector.register(null as unknown as object, EVENT_READ), {
    instanceOf: TypeError,
    message: /register\(\) needs a file object: received null/,
  });
  t.throws(() => selector.register(5 as unknown as object, EVENT_READ), { instanceOf: TypeError, message: /received number 5/ });
  t.deepEqual(selector.log, [], "the subclass is not asked about non-objects");
  t.throws(() => selector.register({}, EVENT_READ), { instanceOf: TypeError, message: /watches Pipes: received Object/ });
  t.throws(() => selector.register(pipe, 0), { instanceOf: RangeError });
  t.throws(() => selector.register(pipe, 2.5), { instanceOf: TypeError });
  t.deepEqual(selector.log, ["check", "check", "check"], "nothing was watched");
  t.is(selector.getMap().size, 0);
});

test("`BaseSelector.register()` behaviour: every valid mask is accepted", (t) => {
  const selector = new RecordingSelector();
  for (const events of [EVENT_READ, EVENT_WRITE, EVENT_READ | EVENT_WRITE]) {
    const pipe = new Pipe(`p${events}`);
    t.is(selector.register(pipe, events).events, events);
  }
  t.is(selector.getMap().size, 3);
});

test("`BaseSelector.register()` behaviour: an already registered object is a RangeError naming the fix", (t) => {
  const selector = new RecordingSelector();
  const pipe = new Pipe("p");
  selector.register(pipe, EVENT_READ);
  t.throws(() => selector.register(pipe, EVENT_READ), { instanceOf: RangeError, message: /already registered \(Pipe\): use modify\(\)/ });
  t.deepEqual(selector.log, ["check", "watch p 1 undefined", "check"]);
});

test("`BaseSelector.modify()` behaviour: re-watches with a new key; the old key is unchanged", (t) => {
  const selector = new RecordingSelector();
  const pipe = new Pipe("p");
  const old = selector.register(pipe, EVENT_READ, "a");
  const key = selector.modify(pipe, EVENT_WRITE, "b");
  t.not(key, old);
  t.deepEqual(old, { fileobj: pipe, fd: -1, events: EVENT_READ, data: "a" });
  t.deepEqual(key, { fileobj: pipe, fd: -1, events: EVENT_WRITE, data: "b" });
  t.is(selector.getKey(pipe), key);
  t.deepEqual(selector.log, ["check", "watch p 1 a", "watch p 2 b"]);
});

test("`BaseSelector.modify()` behaviour: an unknown object or a bad mask is refused and nothing changes", (t) => {
  const selector = new RecordingSelector();
  const pipe = new Pipe("p");
  t.throws(() => selector.modify(pipe, EVENT_READ), {
    instanceOf: RangeError,
    message: /modify\(\) was given a file object that is not registered \(Pipe\)/,
  });
  const key = selector.register(pipe, EVENT_READ);
  t.throws(() => selector.modify(pipe, 16), { instanceOf: RangeError, message: /received 16/ });
  t.throws(() => selector.modify(pipe, "1" as unknown as number), { instanceOf: TypeError, message: /received string 1/ });
  t.is(selector.getKey(pipe), key);
  t.deepEqual(selector.log, ["check", "watch p 1 undefined"]);
});

test("`BaseSelector.unregister()` behaviour: removes the key, unwatches it and returns it", (t) => {
  const selector = new RecordingSelector();
  const pipe = new Pipe("p");
  const key = selector.register(pipe, EVENT_WRITE);
  t.is(selector.unregister(pipe), key);
  t.is(selector.getKey(pipe), undefined);
  t.is(selector.getMap().size, 0);
  t.deepEqual(selector.log, ["check", "watch p 2 undefined", "unwatch p 2"]);
  t.throws(() => selector.unregister(pipe), { instanceOf: RangeError, message: /not registered \(Pipe\): register\(\) it first/ });
  t.notThrows(() => selector.register(pipe, EVENT_READ), "it can be registered again");
});

test("`BaseSelector.close()` behaviour: unwatches every key once and forgets them; closing twice is harmless", (t) => {
  const selector = new RecordingSelector();
  selector.register(new Pipe("a"), EVENT_READ);
  selector.register(new Pipe("b"), EVENT_WRITE);
  selector.log.length = 0;
  t.false(selector.closedNow());
  selector.close();
  t.true(selector.closedNow());
  t.deepEqual(selector.log, ["unwatch a 1", "unwatch b 2"]);
  t.is(selector.getMap().size, 0);
  selector.close();
  t.deepEqual(selector.log, ["unwatch a 1", "unwatch b 2"]);
});

test("`BaseSelector.register()` behaviour: refused after close(), naming the fix", (t) => {
  const selector = new RecordingSelector();
  selector.close();
  t.throws(() => selector.register(new Pipe("late"), EVENT_READ), {
    message: /register\(\) was called on a closed selector: create a new one/,
  });
  t.deepEqual(selector.log, [], "no hook ran");
  t.is(selector.getMap().size, 0);
});
