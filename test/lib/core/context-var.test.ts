/**
 * `ContextVar`, adapted from CPython's test_context.py (ContextTest: test_context_var_new_1,
 * test_context_getset_1 ... _5, test_context_copy_1) and asyncio's rule that a task starts
 * with a copy of its creator's context.
 */
import test from "ava";
import { ContextToken, ContextVar, InvalidStateError, LookupError, createTask, sleep, taskGroup, yieldNow } from "../../../lib/index.js";
import { runVirtual } from "../../helpers/loop.js";

test("`ContextVar` behaviour: a name, a default, get() with a fallback; LookupError when there is no value (test_context_var_new_1, test_context_getset_1)", async (t) => {
  t.throws(() => new ContextVar(1 as never), { instanceOf: TypeError });
  t.throws(() => new ContextVar("x", 1 as never), { instanceOf: TypeError });
  await runVirtual(t, function* () {
    const c = new ContextVar<number>("a");
    t.is(c.name, "a");
    t.throws(() => c.get(), { instanceOf: LookupError, message: "ContextVar a has no value here and no default" });
    t.is(c.get(42), 42);
    const withDefault = new ContextVar<string | undefined>("b", { default: undefined });
    t.is(withDefault.get(), undefined, "a default of undefined is a default");
    const token = c.set(10);
    t.true(token instanceof ContextToken);
    t.is(token.variable, c);
    t.is(token.oldValue, undefined);
    t.is(c.get(), 10);
    t.is(c.get(42), 10);
    const second = c.set(20);
    t.is(second.oldValue, 10);
    c.reset(second);
    t.is(c.get(), 10);
    c.reset(token);
    t.throws(() => c.get(), { instanceOf: LookupError });
    yield* yieldNow();
  });
});

test("`ContextVar.reset()` behaviour: a token of another variable or another task is a RangeError; a used token an InvalidStateError (test_context_getset_2 ... _4)", async (t) => {
  await runVirtual(t, function* () {
    const a = new ContextVar<number>("a");
    const b = new ContextVar<number>("b");
    const token = a.set(1);
    t.throws(() => b.reset(token as never), { instanceOf: RangeError, message: /needs a token of this variable's set\(\)/ });
    t.throws(() => a.reset({} as never), { instanceOf: RangeError });
    a.reset(token);
    t.throws(() => a.reset(token), { instanceOf: InvalidStateError, message: /used already/ });
    const elsewhere = a.set(2);
    const child = createTask(
      (function* () {
        t.throws(() => a.reset(elsewhere), { instanceOf: RangeError, message: /made in another task/ });
      })(),
    );
    yield* child;
    a.reset(elsewhere);
  });
});

test("`ContextVar` behaviour: a task starts with a copy of its creator's context; neither sees the other's later set() (asyncio's rule, test_context_copy_1)", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const user = new ContextVar<string>("user", { default: "nobody" });
    user.set("ada");
    const child = createTask(
      (function* () {
        log.push(`child starts with ${user.get()}`);
        yield* sleep(10);
        log.push(`child after the parent's change: ${user.get()}`);
        user.set("grace");
        log.push(`child set ${user.get()}`);
      })(),
    );
    yield* sleep(5);
    user.set("linus");
    yield* child;
    log.push(`parent after the child's change: ${user.get()}`);
  });
  t.deepEqual(log, [
    "child starts with ada",
    "child after the parent's change: ada",
    "child set grace",
    "parent after the child's change: linus",
  ]);
});

test("`ContextVar.withValue()` behaviour: a using scope; nested scopes restore in turn; children of a task group see the body's value", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const requestId = new ContextVar<string>("requestId", { default: "-" });
    {
      using _outer = requestId.withValue("req-1");
      {
        using _inner = requestId.withValue("req-2");
        log.push(`inner ${requestId.get()}`);
        yield* taskGroup(function* (tg) {
          tg.createTask(
            (function* () {
              yield* yieldNow();
              log.push(`group child ${requestId.get()}`);
            })(),
          );
        });
      }
      log.push(`outer ${requestId.get()}`);
    }
    log.push(`after ${requestId.get()}`);
  });
  t.deepEqual(log, ["inner req-2", "group child req-2", "outer req-1", "after -"]);
});

test("`ContextVar` behaviour: outside any task, set() changes the outside context, which tasks created there start with", async (t) => {
  const region = new ContextVar<string>("region");
  const token = region.set("eu");
  try {
    const { result } = await runVirtual(t, function* () {
      return region.get();
    });
    t.is(result, "eu");
  } finally {
    region.reset(token);
  }
  t.throws(() => region.get(), { instanceOf: LookupError });
});
