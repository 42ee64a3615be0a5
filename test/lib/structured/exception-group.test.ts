import test from "ava";
import { inspect } from "node:util";
import { ExceptionGroup, TimeoutError, sleep, taskGroup } from "../../../lib/index.js";
import type { Coroutine } from "../../../lib/index.js";
import { runVirtual } from "../../helpers/loop.js";
import { thrownBy } from "../../helpers/operations.js";

test("`ExceptionGroup` behaviour: an AggregateError whose exceptions and errors are the list", (t) => {
  const a = new Error("a");
  const b = new TypeError("b");
  const group = new ExceptionGroup("unhandled errors in a task group", [a, b]);
  t.true(group instanceof AggregateError);
  t.true(group instanceof Error);
  t.is(group.name, "ExceptionGroup");
  t.deepEqual(group.exceptions, [a, b]);
  t.deepEqual(group.errors, [a, b]);
  t.true(Object.isFrozen(group.exceptions));
});

test("`ExceptionGroup` behaviour: the message counts the errors and shows the first three", (t) => {
  const errors = ["a", "b", "c", "d", "e"].map((m) => new Error(m));
  t.is(new ExceptionGroup("failed", [errors[0]]).message, "failed (1 error: Error: a)");
  t.is(new ExceptionGroup("failed", errors).message, "failed (5 errors: Error: a; Error: b; Error: c; and 2 more)");
  const nested = new ExceptionGroup("outer", [new ExceptionGroup("inner", [errors[0]]), "a string"]);
  t.is(nested.message, "outer (2 errors: ExceptionGroup of 1; a string)");
});

test("`ExceptionGroup` behaviour: takes any iterable and an error cause", (t) => {
  const cause = new Error("cause");
  const group = new ExceptionGroup("failed", new Set([1, 2]), { cause });
  t.deepEqual(group.exceptions, [1, 2]);
  t.is(group.cause, cause);
});

test("`ExceptionGroup` behaviour: split() keeps the nesting and returns undefined for an empty side", (t) => {
  const timeoutA = new TimeoutError("a");
  const other = new Error("other");
  const timeoutB = new TimeoutError("b");
  const inner = new ExceptionGroup("inner", [timeoutB, other]);
  const group = new ExceptionGroup("outer", [timeoutA, inner]);
  const [timeouts, rest] = group.split((e) => e instanceof TimeoutError);
  t.deepEqual(timeouts?.exceptions[0], timeoutA);
  t.true(timeouts?.exceptions[1] instanceof ExceptionGroup);
  t.deepEqual((timeouts?.exceptions[1] as ExceptionGroup).exceptions, [timeoutB]);
  t.true(rest?.exceptions[0] instanceof ExceptionGroup);
  t.deepEqual((rest?.exceptions[0] as ExceptionGroup).exceptions, [other]);
  t.regex(rest!.message, /^outer \(/);
  const [all, none] = group.split(() => true);
  t.is(all, group);
  t.is(none, undefined);
  const [nothing, everything] = group.split((e) => e === "no such error");
  t.is(nothing, undefined);
  t.is(everything, group);
});

test("`ExceptionGroup` behaviour: subgroup() is split()'s first part", (t) => {
  const a = new RangeError("a");
  const group = new ExceptionGroup("failed", [a, new Error("b")]);
  t.deepEqual(group.subgroup((e) => e instanceof RangeError)?.exceptions, [a]);
  t.is(
    group.subgroup((e) => e instanceof TimeoutError),
    undefined,
  );
});

test("`ExceptionGroup` behaviour: bad arguments are clear errors", (t) => {
  t.throws(() => new ExceptionGroup(["a"] as unknown as string, []), {
    instanceOf: TypeError,
    message: /needs a message string first: received object/,
  });
  t.throws(() => new ExceptionGroup("x", 3 as unknown as unknown[]), {
    instanceOf: TypeError,
    message: /needs an iterable of errors second: received number/,
  });
  t.throws(() => new ExceptionGroup("x", []), { instanceOf: RangeError, message: /needs at least one error: received an empty list/ });
  const group = new ExceptionGroup("x", [1]);
  t.throws(() => group.split("no" as unknown as () => boolean), {
    instanceOf: TypeError,
    message: /split\(\) needs a predicate function: received string/,
  });
});

// ---- printing (issue 7) -------------------------------------------------------------------------

test("`ExceptionGroup` behaviour: util.inspect shows each error once, numbered, then the cause", (t) => {
  const first = new Error("first failure");
  const second = new TypeError("second failure");
  const group = new ExceptionGroup("several things failed", [first, second], { cause: new Error("the root cause") });
  const printed = inspect(group);
  t.is(printed.split("first failure").length - 1, 2, "once in the summary line, once as its own entry");
  t.is(printed.split("second failure").length - 1, 2);
  t.regex(printed, /^ExceptionGroup: several things failed \(2 errors: Error: first failure; TypeError: second failure\)\n/);
  t.regex(printed, /\n {2}\[1\/2\]:\n {4}Error: first failure\n/);
  t.regex(printed, /\n {2}\[2\/2\]:\n {4}TypeError: second failure\n/);
  t.regex(printed, /\n {2}\[cause\]:\n {4}Error: the root cause\n/);
  t.false(Object.keys(group).includes("exceptions"), "exceptions is not enumerable (it is the same list as errors)");
  t.deepEqual(group.exceptions, group.errors as unknown as readonly unknown[]);
});

test("`taskGroup()` behaviour: the ExceptionGroup it throws prints each child error once, naming the task it came from", async (t) => {
  const { result } = await runVirtual(t, function* () {
    return yield* thrownBy(
      taskGroup(function* (tg) {
        tg.createTask(
          (function* (): Coroutine<void> {
            yield* sleep(1);
            throw new Error("fetch failed");
          })(),
          { name: "fetcher" },
        );
        try {
          yield* sleep(5); // cancelled when the child fails at 1 ms
        } finally {
          // eslint-disable-next-line no-unsafe-finally -- on purpose: the test needs cleanup that throws while the coroutine unwinds
          throw new RangeError("body gave up");
        }
      }),
    );
  });
  const printed = inspect(result);
  t.regex(printed, /\n {2}\[1\/2\] from Task fetcher:\n {4}Error: fetch failed\n/);
  t.regex(printed, /\n {2}\[2\/2\] from the group's body:\n {4}RangeError: body gave up\n/);
  t.is(printed.split("fetch failed").length - 1, 2, "once in the summary, once in the entry");
  t.notRegex(printed, /_withOrigins/, "the stack starts at the task group");
});

test("`ExceptionGroup` behaviour: nested groups print indented, and split() keeps the origins", async (t) => {
  const { result } = await runVirtual(t, function* () {
    return yield* thrownBy(
      taskGroup(function* (tg) {
        tg.createTask(
          taskGroup(function* (inner) {
            inner.createTask(
              (function* (): Coroutine<void> {
                yield* sleep(1);
                throw new Error("deep");
              })(),
              { name: "deep-worker" },
            );
          }),
          { name: "inner-group" },
        );
        tg.createTask(
          (function* (): Coroutine<void> {
            try {
              yield* sleep(10); // cancelled when the inner group fails at 1 ms
            } finally {
              // eslint-disable-next-line no-unsafe-finally -- on purpose: the test needs cleanup that throws while the coroutine unwinds
              throw new TypeError("shallow");
            }
          })(),
          { name: "shallow-worker" },
        );
      }),
    );
  });
  const group = result as ExceptionGroup;
  const printed = inspect(group);
  t.regex(
    printed,
    /\n {2}\[1\/2\] from Task inner-group:\n {4}ExceptionGroup: unhandled errors in a task group \(1 error: Error: deep\)\n/,
  );
  t.regex(printed, /\n {6}\[1\/1\] from Task deep-worker:\n {8}Error: deep\n/);
  const [typeErrors] = group.split((error) => error instanceof TypeError);
  t.regex(inspect(typeErrors), /\n {2}\[1\/1\] from Task shallow-worker:\n {4}TypeError: shallow\n/);
});

test("`ExceptionGroup` behaviour: a group that is its own cause, or is reached again through an entry's cause, prints [Circular ...] instead of recursing", (t) => {
  const group = new ExceptionGroup("loops", [new Error("a")]);
  (group as { cause?: unknown }).cause = group;
  t.regex(inspect(group), /\n {2}\[cause\]:\n {4}\[Circular ExceptionGroup\]$/);
  const entry = new Error("entry");
  const outer = new ExceptionGroup("outer", [entry]);
  (entry as { cause?: unknown }).cause = outer;
  const printed = inspect(outer, { depth: null });
  t.true(printed.length < 10_000, `printed ${printed.length} characters`);
  t.regex(printed, /\[Circular ExceptionGroup\]/);
});
