/**
 * How deep the time limits and scopes nest in one task (issue 7, defect 4): far past the limit
 * the user sees the engine's RangeError, never our bookkeeping's "exited out of order", and
 * every scope is exited (no deadline timer is left armed); up to the documented depth
 * (docs/semantics.md, "Nesting depth") they work.
 */
import test from "ava";
import { CancelScope, CancelledError, moveOnAfter, shield, sleep, timeout, waitFor } from "../../../lib/index.js";
import type { Coroutine, Operation } from "../../../lib/index.js";
import { runVirtual } from "../../helpers/loop.js";
import { catching } from "../../helpers/operations.js";

type Wrap = (body: Operation<string>) => Operation<string | undefined>;

const wrappers: ReadonlyArray<[string, Wrap]> = [
  ["CancelScope.run()", (body) => new CancelScope().run(body)],
  ["timeout()", (body) => timeout(60_000, body)],
  ["moveOnAfter()", (body) => moveOnAfter(60_000, body)],
  ["shield()", (body) => shield(body)],
  ["waitFor()", (body) => waitFor(body, 60_000)],
];

/** `depth` wrappers around a body that sleeps once (so every level is resumed through). */
function* nested(wrap: Wrap, depth: number): Coroutine<string> {
  if (depth === 0) {
    yield* sleep(1);
    return "innermost";
  }
  return (yield* wrap(nested(wrap, depth - 1))) as string;
}

/** The depth docs/semantics.md promises for every wrapper. */
const SUPPORTED_DEPTH = 1000;

for (const [name, wrap] of wrappers) {
  test(`\`${name}\` behaviour: ${SUPPORTED_DEPTH} nested in one task work`, async (t) => {
    const { result, endTime } = await runVirtual(t, () => nested(wrap, SUPPORTED_DEPTH));
    t.is(result, "innermost");
    t.is(endTime, 1);
  });

  test(`\`${name}\` behaviour: nested far past the stack's limit, the RangeError reaches the user, every scope is exited, and the loop goes on`, async (t) => {
    await runVirtual(t, function* () {
      const error = yield* catching(nested(wrap, 20_000));
      t.true(error instanceof RangeError, `a RangeError, not ${String(error)}`);
      t.false(error instanceof CancelledError);
      // The task's scopes were all exited: a new scope here sees no stale cancellation, and
      // runVirtual checks that no deadline timer is left armed.
      t.is(yield* new CancelScope().run(sleep(1, "alive")), "alive");
    });
  });
}
