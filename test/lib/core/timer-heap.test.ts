import test from "ava";
import fc from "fast-check";
import { EventLoop, TimerHandle, getRunningLoop, sleep } from "../../../lib/index.js";
import { TimerHeap } from "../../../lib/core/timer-heap.js";
import { VirtualSelector } from "../../../selectors/index.js";
import { runVirtual, virtualLoop } from "../../helpers/loop.js";
import { checkProperty } from "../../helpers/property.js";

/**
 * A heap with its own timers: a TimerHandle tells its loop when it is cancelled, so the
 * stand-in loop forwards that to this heap (as the real loop does to its own).
 */
function heapWithTimers(): { heap: TimerHeap; timer: (whenMs: number, name?: string) => TimerHandle } {
  const heap = new TimerHeap();
  const loop = { _timerCancelled: () => heap.noteCancelled() } as unknown as EventLoop;
  let seq = 0;
  const timer = (whenMs: number, name = `t${seq}`): TimerHandle => {
    const handle = new TimerHandle(whenMs, seq++, () => name, [], loop);
    heap.push(handle);
    return handle;
  };
  return { heap, timer };
}

function drain(heap: TimerHeap): TimerHandle[] {
  const out: TimerHandle[] = [];
  for (let timer = heap.pop(); timer !== undefined; timer = heap.pop()) out.push(timer);
  return out;
}

test("`TimerHeap` behaviour: pops by deadline, equal deadlines in scheduling order (any input)", async (t) => {
  await checkProperty(
    t,
    fc.property(fc.array(fc.integer({ min: -5, max: 20 }), { maxLength: 200 }), (deadlines) => {
      const { heap, timer } = heapWithTimers();
      const pushed = deadlines.map((when) => timer(when));
      const expected = [...pushed].sort((a, b) => a._when - b._when || a._seq - b._seq);
      const popped = drain(heap);
      return popped.length === expected.length && popped.every((entry, i) => entry === expected[i]);
    }),
  );
});

test("`TimerHeap` behaviour: ties are FIFO even when pushed between other deadlines", (t) => {
  const { heap, timer } = heapWithTimers();
  const names = new Map<TimerHandle, string>();
  for (const [when, name] of [
    [10, "a"],
    [5, "early"],
    [10, "b"],
    [20, "late"],
    [10, "c"],
  ] as const) {
    names.set(timer(when), name);
  }
  t.deepEqual(
    drain(heap).map((entry) => names.get(entry)),
    ["early", "a", "b", "c", "late"],
  );
});

test("`TimerHeap` behaviour: peek() is the earliest entry and pop() removes it", (t) => {
  const { heap, timer } = heapWithTimers();
  const timers = [30, 10, 20, 10, 0].map((when) => timer(when));
  t.is(heap.size, 5);
  t.is(heap.peek(), timers[4]);
  t.is(heap.pop(), timers[4]);
  t.is(heap.size, 4);
  t.is(heap.peek(), timers[1], "the first of the two entries due at 10");
  t.is(heap.pop(), timers[1]);
  t.is(heap.pop(), timers[3]);
  t.is(heap.pop(), timers[2]);
  t.is(heap.pop(), timers[0]);
  t.is(heap.pop(), undefined);
  t.is(heap.peek(), undefined);
  t.is(heap.size, 0);
});

test("`TimerHeap` behaviour: any mix of push, pop and cancel keeps order, counts and the memory bound", async (t) => {
  type Step = { op: "push"; when: number } | { op: "pop" } | { op: "cancel"; pick: number } | { op: "drop" };
  const step: fc.Arbitrary<Step> = fc.oneof(
    { weight: 5, arbitrary: fc.integer({ min: 0, max: 50 }).map((when): Step => ({ op: "push", when })) },
    { weight: 2, arbitrary: fc.constant<Step>({ op: "pop" }) },
    { weight: 4, arbitrary: fc.nat().map((pick): Step => ({ op: "cancel", pick })) },
    { weight: 1, arbitrary: fc.constant<Step>({ op: "drop" }) },
  );
  const key = (timer: TimerHandle): string => `${timer._when},${timer._seq}`;
  const before = (a: TimerHandle, b: TimerHandle): boolean => a._when < b._when || (a._when === b._when && a._seq < b._seq);
  await checkProperty(
    t,
    fc.property(fc.array(step, { maxLength: 400 }), (steps) => {
      const { heap, timer } = heapWithTimers();
      const live = new Set<TimerHandle>(); // the model: live timers in the heap
      const all: TimerHandle[] = [];
      for (const s of steps) {
        if (s.op === "push") {
          const entry = timer(s.when);
          live.add(entry);
          all.push(entry);
        } else if (s.op === "cancel") {
          const entry = all[s.pick % Math.max(1, all.length)];
          entry?.cancel();
          if (entry !== undefined) live.delete(entry);
        } else if (s.op === "drop") {
          heap.dropCancelledHead();
          const head = heap.peek();
          if (head !== undefined && head.cancelled()) throw new Error("dropCancelledHead() left a cancelled head");
        } else {
          const popped = heap.pop();
          let earliest: TimerHandle | undefined;
          for (const entry of live) if (earliest === undefined || before(entry, earliest)) earliest = entry;
          if (popped === undefined) {
            if (earliest !== undefined) throw new Error("pop() found nothing but live timers remain");
          } else if (popped.cancelled()) {
            if (earliest !== undefined && before(earliest, popped))
              throw new Error(`cancelled ${key(popped)} popped before live ${key(earliest)}`);
          } else {
            if (popped !== earliest)
              throw new Error(`popped ${key(popped)}, expected ${earliest === undefined ? "nothing" : key(earliest)}`);
            live.delete(popped);
          }
        }
        if (heap.size - heap.cancelledCount !== live.size) throw new Error("live count differs from the model");
        if (heap.size >= 64 && heap.cancelledCount * 2 > heap.size) throw new Error("more than half of a large heap is cancelled");
      }
      return true;
    }),
  );
});

test("`TimerHeap` behaviour: cancelled entries are counted, and dropped when they reach the head", (t) => {
  const { heap, timer } = heapWithTimers();
  const a = timer(1);
  const b = timer(2);
  const c = timer(3);
  b.cancel();
  a.cancel();
  t.is(heap.cancelledCount, 2);
  t.is(heap.size, 3, "a small heap keeps cancelled entries until they surface");
  heap.dropCancelledHead();
  t.is(heap.peek(), c);
  t.is(heap.size, 1);
  t.is(heap.cancelledCount, 0);
  c.cancel();
  t.is(heap.pop(), c, "pop returns a cancelled head too (the loop skips it)");
  t.is(heap.cancelledCount, 0);
  t.is(heap.pop(), undefined);
});

test("`TimerHeap` behaviour: cancelling a timer that already left the heap changes nothing", (t) => {
  const { heap, timer } = heapWithTimers();
  const gone = timer(1);
  timer(2);
  t.is(heap.pop(), gone);
  gone.cancel();
  t.true(gone.cancelled());
  t.is(heap.cancelledCount, 0);
  t.is(heap.size, 1);
});

test("`TimerHeap` behaviour: rebuilt without cancelled entries once more than half are cancelled", (t) => {
  const { heap, timer } = heapWithTimers();
  const timers = Array.from({ length: 100 }, (_, i) => timer((i * 37) % 100));
  // Cancel every other one by creation order: exactly half is not "more than half".
  const cancelled = timers.filter((_, i) => i % 2 === 0);
  for (const entry of cancelled) entry.cancel();
  t.is(heap.size, 100);
  t.is(heap.cancelledCount, 50);
  const extra = timers[1]!;
  extra.cancel();
  t.is(heap.size, 49, "the 51st cancellation rebuilt the heap");
  t.is(heap.cancelledCount, 0);
  const live = timers.filter((entry) => !entry.cancelled());
  const expected = [...live].sort((a, b) => a._when - b._when || a._seq - b._seq);
  t.deepEqual(drain(heap), expected, "the rebuilt heap still pops in order");
});

test("`TimerHeap` behaviour: a rebuild set off by cancelling the head still pops the earliest live timer first", (t) => {
  const { heap, timer } = heapWithTimers();
  // Pushed in this order, the head (0) has a later child (50) before an earlier one (1) in the
  // heap's array; the 61 late timers all sit below them.
  const head = timer(0, "head");
  const later = timer(50, "later");
  const earliestLive = timer(1, "earliest live");
  const late = Array.from({ length: 61 }, (_, i) => timer(100 + i));
  t.is(heap.size, 64);
  for (const entry of late.slice(0, 32)) entry.cancel();
  t.is(heap.cancelledCount, 32, "exactly half: no rebuild yet");
  head.cancel(); // the 33rd of 64: the rebuild runs with the head cancelled
  t.is(heap.size, 31, "rebuilt");
  t.is(heap.cancelledCount, 0);
  t.is(heap.peek(), earliestLive, "the rebuilt heap's head is the earliest live timer, not the first one left in the array");
  t.deepEqual(drain(heap), [earliestLive, later, ...late.slice(32)]);
});

test("`TimerHeap` behaviour: a small heap is never rebuilt", (t) => {
  const { heap, timer } = heapWithTimers();
  const timers = Array.from({ length: 20 }, (_, i) => timer(i));
  for (const entry of timers.slice(0, 19)) entry.cancel();
  t.is(heap.size, 20);
  t.is(heap.cancelledCount, 19);
  heap.dropCancelledHead();
  t.is(heap.size, 1);
  t.is(heap.peek(), timers[19]);
});

test("`TimerHeap` behaviour: clear() empties the heap; its former entries no longer count", (t) => {
  const { heap, timer } = heapWithTimers();
  const a = timer(1);
  const b = timer(2);
  b.cancel();
  heap.clear();
  t.is(heap.size, 0);
  t.is(heap.cancelledCount, 0);
  t.is(heap.peek(), undefined);
  a.cancel();
  t.is(heap.cancelledCount, 0, "a cleared timer no longer counts against the heap");
});

// ---- bounded memory through the loop ----------------------------------------------------------

test("`callLater()` behaviour: a million set-and-cancelled timers keep the heap bounded", (t) => {
  const { loop, reports } = virtualLoop();
  let largest = 0;
  for (let i = 0; i < 1_000_000; i++) {
    loop.callLater(1000 + (i % 7), () => t.fail("cancelled timers never fire")).cancel();
    const size = loop._timerCount();
    if (size > largest) largest = size;
  }
  t.true(largest <= 64, `the heap grew to ${largest} entries`);
  t.is(loop._liveTimerCount(), 0);
  loop.close();
  t.deepEqual(reports, []);
});

test("`callLater()` behaviour: with live timers around, cancelled ones never outnumber them by much", async (t) => {
  const { loop, reports } = virtualLoop();
  const fired: number[] = [];
  const live = 200;
  for (let i = 0; i < live; i++) loop.callLater(10 + i, () => fired.push(i));
  let largest = 0;
  for (let i = 0; i < 1_000_000; i++) {
    loop.callLater(5 + (i % 400), () => t.fail("cancelled timers never fire")).cancel();
    const size = loop._timerCount();
    if (size > largest) largest = size;
  }
  t.true(largest <= 2 * live + 1, `the heap grew to ${largest} entries for ${live} live timers`);
  t.is(loop._liveTimerCount(), live);
  loop.callLater(10 + live, () => loop.stop());
  await loop.runForever();
  t.deepEqual(
    fired,
    Array.from({ length: live }, (_, i) => i),
    "the live timers all fired, in order",
  );
  t.is(loop._liveTimerCount(), 0);
  t.true(loop._timerCount() < 64, "only a few cancelled entries, later than the last live one, are left");
  loop.close();
  t.deepEqual(reports, []);
});

test("`callLater()` behaviour: timeouts armed and cancelled inside a running task keep the heap bounded", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const loop = getRunningLoop();
    let largest = 0;
    for (let round = 0; round < 100; round++) {
      for (let i = 0; i < 10_000; i++) {
        loop.callLater(60_000, () => {}).cancel();
        largest = Math.max(largest, loop._timerCount());
      }
      yield* sleep(1);
    }
    return largest;
  });
  t.true(result <= 64, `the heap grew to ${result} entries`);
});

test("`callLater()` behaviour: the heap never holds more cancelled than live entries past its minimum size", (t) => {
  const loop = new EventLoop({ selector: new VirtualSelector() });
  const timers = Array.from({ length: 1000 }, (_, i) => loop.callLater(i, () => {}));
  const violations: string[] = [];
  for (const [index, timer] of timers.entries()) {
    timer.cancel();
    const size = loop._timerCount();
    const cancelledHeld = size - loop._liveTimerCount();
    if (size >= 64 && cancelledHeld > loop._liveTimerCount()) violations.push(`after ${index + 1}: ${cancelledHeld} cancelled of ${size}`);
  }
  t.deepEqual(violations, []);
  t.true(loop._timerCount() < 64, "what is left is below the rebuild size");
  loop.close();
});
