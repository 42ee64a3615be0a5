import test from "ava";
import { _dataToError, _errorToData } from "../../executors/remote-error.js";

/** What the other side gets: the data goes through structured clone, as it does between threads. */
function roundTrip(thrown: unknown): unknown {
  return _dataToError(structuredClone(_errorToData(thrown)));
}

test("`_errorToData()` behaviour: an AggregateError keeps its errors; a cause chain keeps its classes; other own properties come along", (t) => {
  const inner = new SyntaxError("inner");
  const error = Object.assign(new AggregateError([new TypeError("a"), "b"], "several", { cause: inner }), { code: "E_SEVERAL", count: 2 });
  const back = roundTrip(error) as AggregateError & { code: string; count: number };
  t.true(back instanceof AggregateError);
  t.is(back.message, "several");
  t.true(back.errors[0] instanceof TypeError);
  t.is(back.errors[1], "b");
  t.true(back.cause instanceof SyntaxError);
  t.is(back.code, "E_SEVERAL");
  t.is(back.count, 2);
  t.is(back.stack, error.stack);
});

test("`_errorToData()` behaviour: a property that cannot be cloned is described, not lost; a cycle of causes ends", (t) => {
  const error = Object.assign(new Error("with a callback"), { retry: function retry() {} });
  t.is((roundTrip(error) as { retry: unknown }).retry, "[function retry]");
  const looped = new Error("looped");
  (looped as { cause?: unknown }).cause = looped;
  let depth = 0;
  for (let at: unknown = roundTrip(looped); at instanceof Error; at = at.cause) depth++;
  t.true(depth <= 9);
});
