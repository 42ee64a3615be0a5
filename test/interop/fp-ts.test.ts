import test from "ava";
import * as E from "fp-ts/lib/Either.js";
import * as T from "fp-ts/lib/Task.js";
import * as TE from "fp-ts/lib/TaskEither.js";
import { pipe } from "fp-ts/lib/function.js";
import { CancelledError, createTask, getRunningLoop, sleep, timeout, yieldNow } from "../../lib/index.js";
import { LeftError, fromTask, fromTaskEither, toTask, toTaskEither } from "../../interop/fp-ts.js";
import { runVirtual } from "../helpers/loop.js";
import { errorOf, settle } from "../helpers/operations.js";

test("`fromTask()` behaviour: returns the Task's value; a cancelled wait raises CancelledError and drops the late value", async (t) => {
  let finish: ((value: string) => void) | undefined;
  const { result } = await runVirtual(t, function* () {
    const value = yield* fromTask(T.of(42));
    const slow: T.Task<string> = () => new Promise((resolve) => (finish = resolve));
    const waiting = createTask(fromTask(slow));
    yield* yieldNow();
    waiting.cancel();
    const outcome = yield* settle(waiting);
    finish?.("late");
    return { value, cancelled: errorOf(outcome) instanceof CancelledError };
  });
  t.deepEqual(result, { value: 42, cancelled: true });
});

test("`fromTaskEither()` behaviour: Right is returned; Left is raised as a LeftError keeping the left value", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const right = yield* fromTaskEither(TE.right<string, number>(7));
    const failure = errorOf(yield* settle(fromTaskEither(TE.left<{ code: number }, number>({ code: 404 }))));
    const fromError = errorOf(yield* settle(fromTaskEither(TE.left(new Error("disk full")))));
    return { right, failure, fromError };
  });
  t.is(result.right, 7);
  t.true(result.failure instanceof LeftError);
  t.deepEqual((result.failure as LeftError<{ code: number }>).left, { code: 404 });
  t.is((result.failure as Error).message, 'a TaskEither failed with Left: {"code":404}');
  t.is(((result.fromError as LeftError<Error>).cause as Error).message, "disk full");
});

test("`toTask()` behaviour: a Task that runs the Operation (in a run() of its own outside a loop); composes with fp-ts", async (t) => {
  const greeting = toTask(function* () {
    yield* sleep(5);
    return "hello";
  });
  const shout = pipe(
    greeting,
    T.map((text) => text.toUpperCase()),
  );
  t.is(await shout(), "HELLO");
  t.is(await greeting(), "hello", "a function source runs again on each call");
});

test("`toTaskEither()` behaviour: Right with the value, Left with the error; a cancellation inside is a Left too; the Promise never rejects", async (t) => {
  const ok = await toTaskEither(function* () {
    yield* sleep(1);
    return 1;
  })();
  const boom = new Error("boom");
  const failed = await toTaskEither(function* () {
    yield* sleep(1);
    throw boom;
  })();
  const timedOut = await toTaskEither(() => timeout(5, sleep(60_000)))();
  t.deepEqual(ok, E.right(1));
  t.deepEqual(failed, E.left(boom));
  t.true(E.isLeft(timedOut) && (timedOut.left as Error).name === "TimeoutError");
});

test("`toTaskEither()` behaviour: made inside a loop, runs as a task of that loop; fromTaskEither reads it back", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const loop = getRunningLoop();
    const delayed = toTaskEither(function* () {
      yield* sleep(30);
      return loop.time();
    });
    return yield* fromTaskEither(delayed);
  });
  t.is(result, 30);
});

test("`fromTask()` and `fromTaskEither()` behaviour: anything but a function is a TypeError", async (t) => {
  const { result } = await runVirtual(t, function* () {
    return [errorOf(yield* settle(fromTask(1 as never))), errorOf(yield* settle(fromTaskEither("x" as never)))].map(
      (error) => (error as Error).name,
    );
  });
  t.deepEqual(result, ["TypeError", "TypeError"]);
});

test("`toTask()` and `toTaskEither()` behaviour: anything but an Operation or a function is a TypeError, at once", (t) => {
  t.throws(() => toTask(42 as never), {
    instanceOf: TypeError,
    message: "toTask() needs an Operation or a function returning one: received number",
  });
  t.throws(() => toTaskEither(null as never), {
    instanceOf: TypeError,
    message: "toTaskEither() needs an Operation or a function returning one: received null",
  });
});
