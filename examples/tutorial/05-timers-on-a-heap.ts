/**
 * Tutorial, step 5: timers on a heap.
 *
 *   npm run example -- tutorial/05
 *
 * A loop with thousands of timers must answer two questions fast, on every pass: "when is the
 * earliest deadline?" (that is how long the poll may wait) and "which timers are due now?". A
 * binary min-heap answers the first in O(1) (its root) and pops due timers in O(log n) each.
 *
 * Part 1 writes such a heap out: an array in which every entry is no later than its two
 * children. Its key is `(deadline, sequence number)`: the sequence number counts the pushes, so
 * two timers with the same deadline come out in the order they were scheduled. A heap keyed by
 * the deadline alone gives no such promise, and the part shows it breaking the tie.
 *
 * Part 2 uses yieldio's own heap (lib/core/timer-heap.ts, keyed the same way) through
 * `callLater`, `callAt` and `sleep`, on a VirtualSelector. An Instrument prints each poll's
 * timeout: when nothing is ready, it is the time until the earliest live deadline.
 */
import { getRunningLoop, run, sleep } from "../../lib/index.js";
import type { Coroutine, Handle, Instrument } from "../../lib/index.js";
import { VirtualSelector } from "../../selectors/index.js";

// ---- part 1: a binary min-heap of deadlines -------------------------------------------------

interface Entry<T> {
  readonly whenMs: number;
  readonly seq: number;
  readonly item: T;
}

/**
 * A min-heap in an array: the children of entry i are at 2i+1 and 2i+2, and no entry is later
 * than its children, so the earliest is always at index 0.
 */
class DeadlineHeap<T> {
  readonly #entries: Array<Entry<T>> = [];
  #pushes = 0;
  readonly #breakTies: boolean;

  /** @param breakTies - compare sequence numbers when deadlines are equal (yieldio does). */
  constructor(breakTies: boolean) {
    this.#breakTies = breakTies;
  }

  /** True if the entry at index `i` must come out before the one at `j` (false past the end). */
  #earlier(i: number, j: number): boolean {
    const a = this.#entries[i];
    const b = this.#entries[j];
    if (a === undefined || b === undefined) return false;
    if (a.whenMs !== b.whenMs) return a.whenMs < b.whenMs;
    return this.#breakTies && a.seq < b.seq;
  }

  #swap(i: number, j: number): void {
    const entries = this.#entries;
    const a = entries[i];
    const b = entries[j];
    if (a === undefined || b === undefined) return;
    entries[i] = b;
    entries[j] = a;
  }

  /** Adds at the end, then moves the entry up while it is earlier than its parent: O(log n). */
  push(whenMs: number, item: T): void {
    let index = this.#entries.push({ whenMs, seq: this.#pushes++, item }) - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!this.#earlier(index, parent)) break;
      this.#swap(index, parent);
      index = parent;
    }
  }

  /** The earliest deadline, without removing it: O(1). This is what the poll timeout needs. */
  peekWhen(): number | undefined {
    return this.#entries[0]?.whenMs;
  }

  /** Removes the root; the last entry takes its place and moves down: O(log n). */
  pop(): Entry<T> | undefined {
    const entries = this.#entries;
    const first = entries[0];
    const last = entries.pop();
    if (first === undefined || last === undefined || entries.length === 0) return first;
    entries[0] = last;
    for (let index = 0; ;) {
      const left = 2 * index + 1;
      const right = left + 1;
      let earliest = index;
      if (this.#earlier(left, earliest)) earliest = left;
      if (this.#earlier(right, earliest)) earliest = right;
      if (earliest === index) break;
      this.#swap(index, earliest);
      index = earliest;
    }
    return first;
  }
}

function drain(heap: DeadlineHeap<string>): string {
  const order: string[] = [];
  for (let entry = heap.pop(); entry !== undefined; entry = heap.pop()) order.push(`${entry.item}@${entry.whenMs}`);
  return order.join(" ");
}

console.log("1. a binary min-heap keyed (deadline, sequence number):");
const timers = new DeadlineHeap<string>(true);
const pushed: Array<[number, string]> = [
  [30, "a"],
  [10, "b"],
  [20, "c"],
  [10, "d"],
  [0, "e"],
  [10, "f"],
];
for (const [whenMs, name] of pushed) timers.push(whenMs, name);
console.log(`  pushed:      ${pushed.map(([whenMs, name]) => `${name}@${whenMs}`).join(" ")}`);
console.log(`  earliest deadline (the root): ${timers.peekWhen()}`);
console.log(`  popped:      ${drain(timers)}   (b, d, f: same deadline, in push order)`);

// Five equal deadlines. After the first pop the last entry ("5") moves to the root, and since it
// is not later than its children it stays there: keyed by the deadline alone, the heap hands
// the ties back in an order that depends on its shape. The sequence number restores push order.
const byDeadlineOnly = new DeadlineHeap<string>(false);
const withSequence = new DeadlineHeap<string>(true);
for (const name of ["1", "2", "3", "4", "5"]) {
  byDeadlineOnly.push(10, name);
  withSequence.push(10, name);
}
console.log(`  five timers due at 10, keyed by deadline only:    ${drain(byDeadlineOnly)}`);
console.log(`  the same, keyed by (deadline, sequence number):   ${drain(withSequence)}`);

// ---- part 2: yieldio's timers ---------------------------------------------------------------

const selector = new VirtualSelector();

/** Prints each poll that may wait; a timeout of 0 (something is ready) is left out for brevity. */
const pollPrinter: Instrument = {
  beforeIoWait(timeoutMs) {
    if (timeoutMs !== 0) console.log(`  t=${selector.time()}: poll, timeout ${timeoutMs === null ? "none" : `${timeoutMs} ms`}`);
  },
};

function* timersInDeadlineOrder(): Coroutine<void> {
  const loop = getRunningLoop();
  const fire = (name: string) => (): void => console.log(`  t=${loop.time()}: ${name} fired`);
  loop.callLater(30, fire("a (callLater 30)"));
  loop.callLater(10, fire("b (callLater 10)"));
  loop.callLater(20, fire("c (callLater 20)"));
  loop.callLater(10, fire("d (callLater 10, scheduled after b)"));
  loop.callAt(25, fire("e (callAt 25)"));
  // A cancelled timer never fires. It stays in the heap until it reaches the root, where phase 1
  // of a pass drops it: the poll timeout is computed from the earliest *live* deadline.
  const cancelled: Handle = loop.callLater(5, fire("never (cancelled)"));
  cancelled.cancel();
  // sleep() parks the task on a timer of the same heap: it wakes up after c, scheduled before it.
  yield* sleep(20);
  console.log(`  t=${loop.time()}: the main task woke up from sleep(20)`);
  yield* sleep(15); // past a (30): let every timer fire
}

console.log("2. yieldio's callLater, callAt and sleep on virtual time; each poll waits for the earliest deadline:");
await run(timersInDeadlineOrder, { selector, instruments: [pollPrinter] });
