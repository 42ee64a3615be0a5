/**
 * Type tests of the structured-concurrency combinators: the `Expect<Equal<...>>` lines below are
 * checked by `npm run typecheck` (a wrong inferred type is a compile error), and the
 * `@ts-expect-error` lines pin what must not compile. The ava test runs the same calls to show
 * that the values have the shapes the types claim.
 */
import test from "ava";
import { asCompleted, createTask, gather, gatherSettled, race, sleep, taskGroup, wait } from "../../../lib/index.js";
import type { Coroutine, Future, Instruction, Operation, SettledResult, Task, WaitResult } from "../../../lib/index.js";
import { runVirtual } from "../../helpers/loop.js";

// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the usual exact-equality check: each T is a probe used once on purpose
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;
/** The value an operation-returning call gives with `yield*`. */
type Yields<G> = G extends Generator<Instruction, infer R, unknown> ? R : G extends Operation<infer R> ? R : never;

function* num(): Coroutine<number> {
  yield* sleep(1);
  return 1;
}
function* str(): Coroutine<string> {
  yield* sleep(2);
  return "s";
}
function* flag(): Coroutine<boolean> {
  return true;
}

/**
 * Never called: it holds the checked expressions, so that nothing runs at import time.
 * (Unused locals are fine: the compiler checks every line all the same.)
 */
/* eslint-disable @typescript-eslint/no-unused-vars -- typeChecks() exists for the compiler: its locals and type aliases are never read */
export function typeChecks(
  numTask: Task<number>,
  strFuture: Future<string>,
  numOps: Coroutine<number>[],
  mixedOps: Array<Coroutine<number> | Coroutine<string>>,
): void {
  // gather: tuples for spread arguments and for a tuple literal; arrays for arrays.
  type Gather1 = Expect<Equal<Yields<ReturnType<typeof gather<[Coroutine<number>, Coroutine<string>]>>>, [number, string]>>;
  const spread = gather(num(), str(), numTask, strFuture);
  type Gather2 = Expect<Equal<Yields<typeof spread>, [number, string, number, string]>>;
  const tupleLiteral = gather([num(), str(), flag()]);
  type Gather3 = Expect<Equal<Yields<typeof tupleLiteral>, [number, string, boolean]>>;
  const fromArray = gather(numOps);
  type Gather4 = Expect<Equal<Yields<typeof fromArray>, number[]>>;
  const fromMixedArray = gather(mixedOps);
  type Gather5 = Expect<Equal<Yields<typeof fromMixedArray>, (string | number)[]>>;
  const empty = gather();
  type Gather6 = Expect<Equal<Yields<typeof empty>, []>>;

  // gatherSettled: the same shapes, each element a SettledResult.
  const settledSpread = gatherSettled(num(), strFuture);
  type Settled1 = Expect<Equal<Yields<typeof settledSpread>, [SettledResult<number>, SettledResult<string>]>>;
  const settledArray = gatherSettled(numOps);
  type Settled2 = Expect<Equal<Yields<typeof settledArray>, SettledResult<number>[]>>;

  // race: the union of the results.
  const raced = race(num(), str(), numTask);
  type Race1 = Expect<Equal<Yields<typeof raced>, number | string>>;
  const racedTuple = race([num(), flag()]);
  type Race2 = Expect<Equal<Yields<typeof racedTuple>, number | boolean>>;
  const racedArray = race(mixedOps);
  type Race3 = Expect<Equal<Yields<typeof racedArray>, number | string>>;

  // wait: sets of the futures' own type.
  const waited = wait([numTask, strFuture]);
  type Wait1 = Expect<Equal<Yields<typeof waited>, WaitResult<Task<number> | Future<string>>>>;

  // asCompleted: Operations of the union of the results.
  const completions = asCompleted([numTask, strFuture]);
  type AsCompleted1 = Expect<Equal<Yields<ReturnType<(typeof completions)["next"]>["value"]>, number | string>>;

  // taskGroup: the body's type, or undefined (tg.cancel() may interrupt the body).
  const grouped = taskGroup(function* (tg) {
    const child: Task<number> = tg.createTask(num());
    return yield* child;
  });
  type Group1 = Expect<Equal<Yields<typeof grouped>, number | undefined>>;

  // What must not compile.
  // @ts-expect-error a Promise is not an Operation
  const bad1 = gather(Promise.resolve(1));
  // @ts-expect-error a number is not an Operation
  const bad2 = race(num(), 3);
  // @ts-expect-error wait() takes Futures and Tasks, not Operations
  // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment -- the wrong argument is the point: the line must not compile
  const bad3 = wait([num()]);
  // @ts-expect-error taskGroup() takes a function of the group
  const bad4 = taskGroup(num());
  // @ts-expect-error unknown returnWhen
  const bad5 = wait([numTask], { returnWhen: "FIRST" });
}
/* eslint-enable @typescript-eslint/no-unused-vars */

test("structured concurrency types: the values have the shapes the types claim", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const task = createTask(num());
    const [a, b, c] = yield* gather(num(), str(), task);
    const [settled] = yield* gatherSettled([str()]);
    const winner = yield* race(num(), str());
    const { done } = yield* wait([task]);
    const grouped = yield* taskGroup(function* (tg) {
      return yield* tg.createTask(flag());
    });
    return { a, b, c, settled, winner, done: done.size, grouped };
  });
  t.deepEqual(result, { a: 1, b: "s", c: 1, settled: { status: "fulfilled", value: "s" }, winner: 1, done: 1, grouped: true });
});
