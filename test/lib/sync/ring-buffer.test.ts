import test from "ava";
import { RingBuffer } from "../../../lib/sync/ring-buffer.js";

test("`RingBuffer` behaviour: first in, first out across growth and wrap-around", (t) => {
  const ring = new RingBuffer<number>();
  t.is(ring.length, 0);
  t.is(ring.shift(), undefined);
  t.is(ring.peek(), undefined);
  const expected: number[] = [];
  let next = 0;
  // Interleave pushes and shifts so the head wraps around while the buffer grows.
  for (let round = 0; round < 50; round++) {
    for (let i = 0; i < (round % 7) + 3; i++) {
      ring.push(next);
      expected.push(next++);
    }
    for (let i = 0; i < round % 5; i++) t.is(ring.shift(), expected.shift());
    t.is(ring.length, expected.length);
    t.is(ring.peek(), expected[0]);
  }
  while (expected.length > 0) t.is(ring.shift(), expected.shift());
  t.is(ring.length, 0);
});

test("`RingBuffer` behaviour: holds undefined as a value; clear() empties it", (t) => {
  const ring = new RingBuffer<number | undefined>();
  ring.push(undefined);
  ring.push(1);
  t.is(ring.length, 2);
  t.is(ring.shift(), undefined);
  t.is(ring.length, 1);
  ring.clear();
  t.is(ring.length, 0);
  ring.push(2);
  t.is(ring.shift(), 2);
});

test("`RingBuffer` behaviour: a large burst drains and the buffer keeps working", (t) => {
  const ring = new RingBuffer<number>();
  for (let i = 0; i < 5000; i++) ring.push(i);
  for (let i = 0; i < 5000; i++) t.is(ring.shift(), i);
  t.is(ring.length, 0);
  ring.push(42);
  t.is(ring.peek(), 42);
});
