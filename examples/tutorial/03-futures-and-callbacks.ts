/**
 * Tutorial, step 3: futures and callbacks, where the callback world meets the coroutine world.
 *
 *   npm run example -- tutorial/03
 *
 * Underneath every coroutine library sits a callback loop: "call this function soon", "call
 * this one in 50 ms", "call this one when the socket is readable". A Future is the meeting
 * point: a box that is empty now and gets a result (or an error) later. Callback code fills
 * it with `setResult()` / `setException()`; coroutine code waits for it with `yield* future`,
 * and callback code can also be told with `addDoneCallback()`.
 *
 * 1. `callSoon` and `callLater`: callbacks on the loop, in order.
 * 2. A future set by a timer callback, watched by a done callback and awaited by a coroutine.
 * 3. A callback-style API (Node's `(error, value)` convention) wrapped into an Operation.
 * 4. The other way round: a Task is a Future, so callback code can wait for a coroutine.
 *
 * Everything runs on a VirtualSelector, so the times printed are exact.
 */
import { createTask, getRunningLoop, run, sleep } from "../../lib/index.js";
import type { Coroutine, Future, Operation } from "../../lib/index.js";
import { VirtualSelector } from "../../selectors/index.js";

/** `[t=50]`: the loop's clock, so the reader can see when each line runs. */
function at(): string {
  return `[t=${getRunningLoop().time()}]`;
}

function* callbacksInOrder(): Coroutine<void> {
  const loop = getRunningLoop();
  console.log("1. callSoon runs on the next pass, callLater at its deadline, each in scheduling order:");
  loop.callLater(20, () => console.log(`  ${at()} callLater(20) #1`));
  loop.callLater(10, () => console.log(`  ${at()} callLater(10)`));
  loop.callLater(20, () => console.log(`  ${at()} callLater(20) #2 (same deadline: after #1)`));
  loop.callSoon((name) => console.log(`  ${at()} callSoon: hello ${name}`), "ada");
  loop.callSoon(() => console.log(`  ${at()} callSoon: second`));
  console.log(`  ${at()} scheduled five callbacks; nothing has run yet`);
  yield* sleep(30); // let them run
}

function* futureSetByACallback(): Coroutine<void> {
  const loop = getRunningLoop();
  console.log("2. a future, set by a timer callback, seen by a done callback and by a coroutine:");
  const future = loop.createFuture<string>();
  future.addDoneCallback((done) => console.log(`  ${at()} done callback: the future holds "${done.result()}"`));
  loop.callLater(50, () => {
    future.setResult("the answer");
    // setResult() runs nobody: it puts the done callback and the waiting task on the ready
    // queue, in the order they registered, and they run after this callback returns.
    console.log(`  ${at()} timer callback: setResult() returned`);
  });
  console.log(`  ${at()} the coroutine waits with yield* future (done: ${future.done()})`);
  const value = yield* future; // parks this task until the future is done
  console.log(`  ${at()} the coroutine resumed with "${value}"`);
  const again = yield* future; // a done future returns at once, without a pass
  console.log(`  ${at()} yield* on the done future again: "${again}" at once`);
}

// ---- a callback API and its Operation ---------------------------------------------------------

type NodeCallback<T> = (error: Error | null, value?: T) => void;

/**
 * A callback-style API, as many Node libraries have: it calls `callback(error, value)` later.
 * Here it looks a user up after `delayMs`, and fails for an unknown id.
 */
function lookUpUser(id: number, delayMs: number, callback: NodeCallback<string>): void {
  const users = new Map([
    [1, "ada"],
    [2, "grace"],
  ]);
  getRunningLoop().callLater(delayMs, () => {
    const name = users.get(id);
    if (name === undefined) callback(new Error(`no user ${id}`));
    else callback(null, name);
  });
}

/**
 * The same lookup as an Operation: a future bridges the two worlds. The callback settles the
 * future; the coroutine waits on it, and gets the value or has the error thrown at its yield*.
 * (`action()` from yieldio packages this pattern, with a teardown for cancellation.)
 */
function userName(id: number, delayMs: number): Operation<string> {
  const future: Future<string> = getRunningLoop().createFuture<string>();
  lookUpUser(id, delayMs, (error, name) => {
    if (error !== null) future.setException(error);
    else future.setResult(name ?? "");
  });
  return future;
}

function* wrappedCallbackApi(): Coroutine<void> {
  console.log("3. a callback API wrapped as an Operation: values come back, errors are thrown:");
  const name = yield* userName(1, 10);
  console.log(`  ${at()} user 1 is ${name}`);
  try {
    yield* userName(3, 10);
  } catch (error) {
    console.log(`  ${at()} user 3: caught "${(error as Error).message}"`);
  }
}

function* callbackWaitsForTask(): Coroutine<void> {
  console.log("4. a Task is a Future: a done callback can wait for a coroutine:");
  const task = createTask(sleep(25, "slept 25 ms"), { name: "sleeper" });
  task.addDoneCallback((done) => console.log(`  ${at()} done callback of task ${task.name}: "${done.result()}"`));
  const slept = yield* task;
  console.log(`  ${at()} and the coroutine's yield* task returned "${slept}"`);
}

await run(
  function* () {
    yield* callbacksInOrder();
    yield* futureSetByACallback();
    yield* wrappedCallbackApi();
    yield* callbackWaitsForTask();
  },
  { selector: new VirtualSelector() },
);
