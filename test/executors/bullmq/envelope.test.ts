/**
 * The BullMQ envelope: what structured clone keeps survives the trip through JSON (as BullMQ
 * stores it), errors come back with their class, stack, cause and code, and anything else is a
 * clear TypeError on the side that finds it.
 */
import test from "ava";
import { _open, _openError, _seal, _sealError } from "../../../executors/bullmq/envelope.js";

/** Through JSON and back, as BullMQ stores job data and results in Redis. */
function throughRedis<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

test("`_seal()` behaviour: Map, Set, Date, BigInt, Buffer, typed arrays, undefined and nested objects survive JSON storage", (t) => {
  const value = {
    map: new Map<string, number>([["a", 1]]),
    set: new Set([1, 2]),
    date: new Date(0),
    big: 2n ** 70n,
    buffer: Buffer.from("bytes"),
    floats: new Float64Array([1.5, -0]),
    missing: undefined,
    list: [undefined, null, { deep: [1, "two"] }],
  };
  const opened = _open(throughRedis(_seal(value, "the arguments")), "the arguments") as typeof value;
  t.deepEqual(opened.map, value.map);
  t.deepEqual(opened.set, value.set);
  t.is(opened.date.getTime(), 0);
  t.is(opened.big, 2n ** 70n);
  t.true(Buffer.isBuffer(opened.buffer) && opened.buffer.toString() === "bytes");
  t.deepEqual([...opened.floats], [1.5, -0]);
  t.true(Object.hasOwn(opened, "missing"), "an own property whose value is undefined stays");
  t.deepEqual(opened.list, value.list);
});

test("`_sealError()` behaviour: an error comes back with its class, message, the worker's stack, cause and code; a thrown non-error as itself", (t) => {
  const cause = new RangeError("inner");
  const thrown = Object.assign(new TypeError("outer", { cause }), { code: "E_OUTER" });
  const back = _openError(throughRedis(_sealError(thrown))) as TypeError & { code: string };
  t.true(back instanceof TypeError);
  t.is(back.message, "outer");
  t.is(back.code, "E_OUTER");
  t.is(back.stack, thrown.stack);
  t.true(back.cause instanceof RangeError);
  t.is((back.cause as Error).message, "inner");

  class QuotaError extends Error {
    override name = "QuotaError";
  }
  const custom = _openError(throughRedis(_sealError(new QuotaError("over quota")))) as Error;
  t.is(custom.name, "QuotaError", "another class comes back as an Error with its name");
  t.is(_openError(throughRedis(_sealError(42))), 42);
});

test("`_seal()` and `_open()` behaviour: what cannot be cloned, and what is not an envelope of this format, are TypeErrors that say so", (t) => {
  t.throws(() => _seal([() => 1], "the arguments of hash()"), {
    instanceOf: TypeError,
    message: /^the arguments of hash\(\) cannot be sent through Redis: .*could not be cloned/,
  });
  t.throws(() => _open({ data: "x" }, "the result"), { instanceOf: TypeError, message: /^the result is not a yieldio envelope/ });
  t.throws(() => _open(null, "the result"), { instanceOf: TypeError });
  t.throws(() => _open({ v: 2, b: "" }, "the result"), {
    instanceOf: TypeError,
    message: "the result is in envelope format 2; this yieldio reads format 1",
  });
});
