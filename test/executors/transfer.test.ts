import test from "ava";
import { transfer } from "../../executors/index.js";
import { _transferListOf } from "../../executors/transfer.js";

test("`transfer()` behaviour: marks an object once; a view gives its buffer; only marked top-level values are listed", (t) => {
  const bytes = new Uint8Array(8);
  const buffer = new ArrayBuffer(4);
  t.is(transfer(bytes), bytes, "the value comes back as it is");
  transfer(buffer);
  const list = _transferListOf([bytes, buffer, new ArrayBuffer(2), { nested: buffer }], undefined);
  t.deepEqual(list, [bytes.buffer, buffer]);
  t.deepEqual(_transferListOf([bytes], undefined), [], "a mark is used once");
});

test("`transfer()` behaviour: a value that is not an object is a TypeError", (t) => {
  for (const bad of [42, "bytes", null, undefined]) {
    t.throws(() => transfer(bad as never), { instanceOf: TypeError, message: /transfer\(\) needs an object/ }, String(bad));
  }
});
