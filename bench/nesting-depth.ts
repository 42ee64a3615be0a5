/**
 * `npm run bench:depth`: how deeply each time limit and scope nests in one task before Node's
 * stack runs out (docs/semantics.md, "Nesting depth"). A bisection per wrapper: each probe runs
 * a fresh `run()` on virtual time with `depth` wrappers around a body that sleeps once, so every
 * level is resumed through. Past the limit the error must be the engine's RangeError; any other
 * error is printed, since it would hide the real one.
 *
 * @module
 */

import { CancelScope, moveOnAfter, run, shield, sleep, timeout, waitFor } from "../lib/index.js";
import type { Coroutine, Operation } from "../lib/index.js";
import { VirtualSelector } from "../selectors/index.js";

type Wrap = (body: Operation<string>) => Operation<string | undefined>;

const WRAPPERS: ReadonlyArray<[string, Wrap | undefined]> = [
  ["plain yield* (for comparison)", undefined],
  ["new CancelScope().run(body)", (body) => new CancelScope().run(body)],
  ["shield(op)", (body) => shield(body)],
  ["moveOnAfter(ms, body)", (body) => moveOnAfter(60_000, body)],
  ["waitFor(op, ms)", (body) => waitFor(body, 60_000)],
  ["timeout(ms, body)", (body) => timeout(60_000, body)],
];

function* nested(wrap: Wrap | undefined, depth: number): Coroutine<string> {
  if (depth === 0) {
    yield* sleep(1);
    return "innermost";
  }
  const inner = nested(wrap, depth - 1);
  return (yield* wrap === undefined ? inner : wrap(inner)) as string;
}

/** The deepest nesting that runs, and the error seen just past it. */
async function deepest(wrap: Wrap | undefined): Promise<{ depth: number; error: string }> {
  let low = 1;
  let high = 100_000;
  let error = "";
  while (low < high) {
    const depth = Math.ceil((low + high) / 2);
    try {
      await run(nested(wrap, depth), { selector: new VirtualSelector() });
      low = depth;
    } catch (caught) {
      high = depth - 1;
      if (error === "") error = caught instanceof Error ? `${caught.name}: ${caught.message}` : String(caught);
    }
  }
  return { depth: low, error };
}

console.log(`nesting depth in one task, Node ${process.version}, default stack`);
for (const [name, wrap] of WRAPPERS) {
  const { depth, error } = await deepest(wrap);
  console.log(`${name.padEnd(32)} ${String(depth).padStart(6)}   past it: ${error}`);
}
