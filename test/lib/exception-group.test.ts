import test from "ava";
import { ExceptionGroup, TimeoutError } from "../../lib/index.js";

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
  t.is(group.subgroup((e) => e instanceof TimeoutError), undefined);
});

test("`ExceptionGroup` behaviour: bad arguments are clear errors", (t) => {
  t.throws(() => new ExceptionGroup(["a"] as unknown as string, []), { instanceOf: TypeError, message: /needs a message string first: received object/ });
  t.throws(() => new ExceptionGroup("x", 3 as unknown as unknown[]), { instanceOf: TypeError, message: /needs an iterable of errors second: received number/ });
  t.throws(() => new ExceptionGroup("x", []), { instanceOf: RangeError, message: /needs at least one error: received an empty list/ });
  const group = new ExceptionGroup("x", [1]);
  t.throws(() => group.split("no" as unknown as () => boolean), { instanceOf: TypeError, message: /split\(\) needs a predicate function: received string/ });
});
