import test from "ava";
import { workerFunction, workerModule } from "../../executors/index.js";
import type { Cloneable, IsCloneable, WorkRef, WorkerFunctionName } from "../../executors/index.js";
import { runInExecutor } from "../../lib/index.js";
import type { Coroutine } from "../../lib/index.js";
import type * as Work from "../fixtures/executors/work.js";

const url = new URL("../fixtures/executors/work.ts", import.meta.url);

test("`workerModule()` behaviour: task(name) is a reference to that export, the same object for the same name", (t) => {
  const work = workerModule<typeof Work>(url);
  t.is(work.url, url.href);
  t.deepEqual({ ...work.task("add") }, { moduleUrl: url.href, exportName: "add" });
  t.is(work.task("add"), work.task("add"));
  t.true(Object.isFrozen(work.task("hash")));
  t.is(workerModule<typeof Work>(url.href).url, url.href, "a string URL works too");
});

test("`workerFunction()` behaviour: one export, typed by its function type", (t) => {
  const add = workerFunction<typeof Work.add>(url, "add");
  t.deepEqual({ ...add }, { moduleUrl: url.href, exportName: "add" });
});

test("`workerModule()` and `workerFunction()` behaviour: bad URLs and names are TypeErrors that show the fix", (t) => {
  for (const bad of [undefined, null, 42, "", {}]) {
    t.throws(
      () => workerModule(bad as never),
      { instanceOf: TypeError, message: /new URL\("\.\/work\.js", import\.meta\.url\)/ },
      `${typeof bad} ${JSON.stringify(bad)}`,
    );
  }
  t.throws(() => workerFunction(url, ""), { instanceOf: TypeError, message: /export name/ });
  t.throws(() => workerModule<typeof Work>(url).task(5 as never), { instanceOf: TypeError, message: /export name/ });
});

// ---- types: checked by `npm run typecheck`; each @ts-expect-error must be an error ----------

// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the usual exact-equality check: each T is a probe used once on purpose
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the type argument is the assertion
function expectType<T extends true>(_: T): void {}

test("work references behaviour (types): arguments and results are typed, and what cannot cross is a compile-time error", (t) => {
  const work = workerModule<typeof Work>(url);
  expectType<Equal<ReturnType<typeof work.task<"add">>, WorkRef<[a: number, b: number], number>>>(true);
  expectType<Equal<ReturnType<typeof work.task<"addLater">>, WorkRef<[a: number, b: number, delayMs: number], number>>>(true);
  expectType<Equal<ReturnType<typeof work.task<"hash">>, WorkRef<[data: Uint8Array], string>>>(true);
  expectType<IsCloneable<[Uint8Array, Map<string, number[]>, Date, { a: [string, null] }]>>(true);
  expectType<Equal<IsCloneable<[() => void]>, false>>(true);
  expectType<Equal<IsCloneable<{ when: Promise<number> }>, false>>(true);
  expectType<Equal<IsCloneable<symbol>, false>>(true);
  // Functions whose arguments or result cannot cross are not offered by task():
  expectType<Equal<"returnsFunction" extends WorkerFunctionName<typeof Work> ? true : false, true>>(true); // its result type is unknown
  type Unsendable = { withCallback(callback: () => void): void; returnsPromiseOfFunction(): Promise<() => void>; fine(n: number): number };
  expectType<Equal<WorkerFunctionName<Unsendable>, "fine">>(true);
  const unsendable = workerModule<Unsendable>(url);
  // @ts-expect-error a function whose argument is a callback cannot run in a worker
  unsendable.task("withCallback");
  // @ts-expect-error nor one whose result is a function
  unsendable.task("returnsPromiseOfFunction");
  // @ts-expect-error an export that is not there
  work.task("nope");
  // @ts-expect-error workerFunction() refuses a function whose argument is a callback
  workerFunction<(callback: () => void) => number>(url, "withCallback");
  // @ts-expect-error or whose result cannot cross
  workerFunction<() => Promise<symbol>>(url, "returnsSymbol");
  const loose = workerModule<{ f(x: object): void }>(url);
  function* typedCalls(): Coroutine<void> {
    yield* runInExecutor(null, loose.task("f"), { ok: 1 });
    // @ts-expect-error a function argument cannot be sent to a worker, even where the parameter allows it
    yield* runInExecutor(null, loose.task("f"), { callback: () => 1 });
    // @ts-expect-error the argument types are the function's
    yield* runInExecutor(null, work.task("add"), "1", 2);
    // @ts-expect-error and so is their number
    yield* runInExecutor(null, work.task("add"), 1);
  }
  const ok: Cloneable<{ id: number; tags: string[] }> = { id: 1, tags: [] };
  t.truthy(ok);
  t.is(typeof typedCalls, "function");
});
