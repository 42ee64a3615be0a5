import test from "ava";
import { _ByteBuffer } from "../../../lib/streams/byte-buffer.js";

test("`_ByteBuffer` behaviour: bytes come out in the order they went in, across growth and compaction", (t) => {
  const buffer = new _ByteBuffer();
  const expected: number[] = [];
  const taken: number[] = [];
  let next = 0;
  // Appends of growing sizes and takes of other sizes: the array grows, then slides down.
  for (let round = 1; round <= 200; round++) {
    const chunk = new Uint8Array(round * 7).map(() => next++ % 251);
    expected.push(...chunk);
    buffer.append(chunk);
    taken.push(...buffer.take(Math.min(buffer.length, round * 5)));
  }
  taken.push(...buffer.take(buffer.length));
  t.is(buffer.length, 0);
  t.deepEqual(taken, expected);
});

test("`_ByteBuffer.indexOf()` behaviour: finds a separator in the held bytes from an offset, or -1", (t) => {
  const buffer = new _ByteBuffer();
  buffer.append(new TextEncoder().encode("xxab\r\n\r\nrest"));
  buffer.take(2);
  const separator = new TextEncoder().encode("\r\n\r\n");
  t.is(buffer.indexOf(separator, 0), 2);
  t.is(buffer.indexOf(separator, 3), -1);
  t.is(new TextDecoder().decode(buffer.view()), "ab\r\n\r\nrest");
});
