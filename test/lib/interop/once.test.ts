import test from "ava";
import { EventEmitter } from "node:events";
import { createTask, getRunningLoop, once, sleep, yieldNow } from "../../../lib/index.js";
import { runVirtual } from "../../helpers/loop.js";
import { errorOf, settle } from "../../helpers/operations.js";

test("`once()` behaviour: on an EventEmitter, returns the event's arguments; its listeners are gone after", async (t) => {
  const emitter = new EventEmitter();
  const { result } = await runVirtual(t, function* () {
    getRunningLoop().callLater(20, () => emitter.emit("exit", 0, "SIGTERM"));
    return yield* once(emitter, "exit");
  });
  t.deepEqual(result, [0, "SIGTERM"]);
  t.is(emitter.listenerCount("exit") + emitter.listenerCount("error"), 0);
});

test("`once()` behaviour: an error event first is thrown; waiting for 'error' itself returns it", async (t) => {
  const emitter = new EventEmitter();
  const boom = new Error("boom");
  const { result } = await runVirtual(t, function* () {
    getRunningLoop().callLater(10, () => emitter.emit("error", boom));
    const failed = errorOf(yield* settle(once(emitter, "ready")));
    getRunningLoop().callLater(10, () => emitter.emit("error", boom));
    const [caught] = yield* once(emitter, "error");
    return { failed, caught };
  });
  t.is(result.failed, boom);
  t.is(result.caught, boom);
  t.is(emitter.listenerCount("ready") + emitter.listenerCount("error"), 0);
});

test("`once()` behaviour: on an EventTarget, returns [event]", async (t) => {
  const target = new EventTarget();
  const { result } = await runVirtual(t, function* () {
    getRunningLoop().callLater(5, () => target.dispatchEvent(new Event("ping")));
    const [event] = yield* once(target, "ping");
    return (event as Event).type;
  });
  t.is(result, "ping");
});

test("`once()` behaviour: cancelled while waiting, its listeners are removed and a later event is not taken", async (t) => {
  const emitter = new EventEmitter();
  const controller = new AbortController();
  const { result } = await runVirtual(t, function* () {
    const waiting = createTask(once(emitter, "data"));
    const waitingOnTarget = createTask(once(controller.signal, "abort"));
    yield* yieldNow();
    const during = emitter.listenerCount("data");
    waiting.cancel();
    waitingOnTarget.cancel();
    const outcomes = [errorOf(yield* settle(waiting)), errorOf(yield* settle(waitingOnTarget))].map((error) => (error as Error).name);
    emitter.emit("data", "late");
    controller.abort();
    yield* sleep(1);
    return { during, outcomes, after: emitter.listenerCount("data") + emitter.listenerCount("error") };
  });
  t.deepEqual(result, { during: 1, outcomes: ["CancelledError", "CancelledError"], after: 0 });
});

test("`once()` behaviour: anything but an EventEmitter or an EventTarget is a TypeError; the loop goes on", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const errors = [
      errorOf(yield* settle(once({} as never, "x"))),
      errorOf(yield* settle(once(null as never, "x"))),
      errorOf(yield* settle(once(new EventTarget(), Symbol("x")))),
    ].map((error) => `${(error as Error).name}: ${(error as Error).message}`);
    yield* sleep(1);
    return errors;
  });
  t.deepEqual(result, [
    "TypeError: once() needs a Node EventEmitter or a DOM EventTarget: received object",
    "TypeError: once() needs a Node EventEmitter or a DOM EventTarget: received null",
    "TypeError: once() on an EventTarget needs the event's name as a string: received Symbol(x)",
  ]);
});
