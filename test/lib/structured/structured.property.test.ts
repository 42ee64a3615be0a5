/**
 * Property tests of structured concurrency: random trees of `gather`, `gatherSettled`, `race`,
 * `taskGroup` and `timeout` over sleeping leaves, with random failures, failures during
 * cleanup, leaves that swallow their cancellation, `tg.cancel()` calls, deadlines and an
 * external cancellation of the whole tree, on virtual time.
 *
 * Each tree is run for real and also evaluated by a small model of the documented semantics
 * (`predict`). The properties: every leaf's `finally` runs exactly once; nothing is left
 * pending and nothing is reported when the loop closes; the tree ends at the predicted time
 * with the predicted value or error (the error's identity, and for an `ExceptionGroup` its
 * entries in order of failure, the body's error last).
 *
 * So that the model need not know the order of work inside one pass, every event has its own
 * time: leaf delays, deadlines, `tg.cancel()` times and the external cancellation are
 * distinct multiples of 10 ms. Cancellation unwinds without time passing, so what happens at
 * one instant is caused by one event; where several children can fail in the same instant
 * (while unwinding), the model accepts any of them (gather, race) or any order of them (an
 * `ExceptionGroup`'s entries of the same instant).
 *
 * Seeded: set `FC_SEED` to replay a run; fast-check prints the seed and the shrunk tree on failure.
 */
import test from "ava";
import fc from "fast-check";
import {
  CancelledError,
  ExceptionGroup,
  TimeoutError,
  createTask,
  gather,
  gatherSettled,
  getRunningLoop,
  race,
  run,
  sleep,
  taskGroup,
  timeout,
} from "../../../lib/index.js";
import type { Coroutine, ExceptionContext, Operation, TaskGroup } from "../../../lib/index.js";
import { VirtualSelector } from "../../../selectors/index.js";
import { CLEAN, leftovers } from "../../helpers/loop.js";
import { checkProperty } from "../../helpers/property.js";

// ---- trees ----------------------------------------------------------------------------------

type Cleanup = "none" | "fails" | "swallows";
interface Leaf {
  readonly type: "leaf";
  id: string;
  delay: number;
  readonly fail: boolean;
  readonly cleanup: Cleanup;
}
interface Combinator {
  readonly type: "gather" | "gatherSettled" | "race";
  id: string;
  readonly children: Node[];
}
interface Group {
  readonly type: "taskGroup";
  id: string;
  readonly children: Node[];
  readonly body: Leaf; // runs in the group's own task; its cleanup is "none" or "fails"
  cancelAt: number | undefined; // a child calls tg.cancel() then
}
interface Deadline {
  readonly type: "timeout";
  id: string;
  deadline: number;
  readonly child: Node;
}
type Node = Leaf | Combinator | Group | Deadline;
interface Case {
  readonly root: Node;
  cancelAt: number | undefined; // the whole tree's task is cancelled then
}

const leafArb = (cleanups: readonly Cleanup[]): fc.Arbitrary<Leaf> =>
  fc.record({
    type: fc.constant("leaf" as const),
    id: fc.constant(""),
    delay: fc.nat(999),
    fail: fc.boolean(),
    cleanup: fc.constantFrom(...cleanups),
  });

const nodeArb: fc.Memo<Node> = fc.memo((depth) => {
  const leaf = leafArb(["none", "none", "fails", "swallows"]);
  if (depth <= 1) return leaf;
  const child = nodeArb(depth - 1);
  return fc.oneof(
    { weight: 2, arbitrary: leaf },
    {
      weight: 3,
      arbitrary: fc.record({
        type: fc.constantFrom("gather" as const, "gatherSettled" as const, "race" as const),
        id: fc.constant(""),
        children: fc.array(child, { minLength: 1, maxLength: 4 }),
      }),
    },
    {
      weight: 3,
      arbitrary: fc.record({
        type: fc.constant("taskGroup" as const),
        id: fc.constant(""),
        children: fc.array(child, { minLength: 0, maxLength: 4 }),
        body: leafArb(["none", "fails"]),
        cancelAt: fc.option(fc.nat(999), { nil: undefined, freq: 4 }),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({ type: fc.constant("timeout" as const), id: fc.constant(""), deadline: fc.nat(999), child }),
    },
  );
});

/**
 * Gives every node an id and every event a distinct time: the random times are only ranks
 * (ties broken by position), mapped to 10, 20, 30 ... ms.
 */
const caseArb: fc.Arbitrary<Case> = fc
  .record({ root: nodeArb(4), cancelAt: fc.option(fc.nat(999), { nil: undefined, freq: 3 }) })
  .map((raw) => {
    const copy = structuredClone(raw) as Case;
    const slots: Array<{ raw: number; set: (ms: number) => void }> = [];
    let next = 0;
    const visit = (node: Node): void => {
      node.id = String(next++);
      switch (node.type) {
        case "leaf":
          slots.push({ raw: node.delay, set: (ms) => (node.delay = ms) });
          return;
        case "timeout":
          slots.push({ raw: node.deadline, set: (ms) => (node.deadline = ms) });
          return visit(node.child);
        case "taskGroup":
          node.body.id = `${node.id}b`;
          slots.push({ raw: node.body.delay, set: (ms) => (node.body.delay = ms) });
          if (node.cancelAt !== undefined) slots.push({ raw: node.cancelAt, set: (ms) => (node.cancelAt = ms) });
          return node.children.forEach(visit);
        default:
          return node.children.forEach(visit);
      }
    };
    visit(copy.root);
    if (copy.cancelAt !== undefined) slots.push({ raw: copy.cancelAt, set: (ms) => (copy.cancelAt = ms) });
    slots
      .map((slot, index) => ({ ...slot, index }))
      .sort((a, b) => a.raw - b.raw || a.index - b.index)
      .forEach((slot, rank) => slot.set((rank + 1) * 10));
    return copy;
  });

// ---- the model ------------------------------------------------------------------------------

/** A cancellation reaching a subtree: when, and which scope caused it. */
type Cancel = { readonly at: number; readonly origin: string } | undefined;

/** An error, as a comparable description: `E:<leaf>`, `E:<leaf>!` (cleanup), `T:<deadline>`, or a group. */
type ErrorDesc = string | GroupDesc;
interface GroupDesc {
  readonly entries: readonly Entry[]; // children's errors, in order of failure
  readonly body: readonly ErrorDesc[] | undefined; // the body's error (alternatives), last
}
interface Entry {
  readonly time: number;
  readonly primary: boolean; // the failure that cancelled the group comes before those it caused
  readonly alts: readonly ErrorDesc[];
}
type Prediction =
  | { readonly kind: "value"; readonly end: number; readonly value: unknown }
  | { readonly kind: "error"; readonly end: number; readonly alts: readonly ErrorDesc[] } // any one of
  | { readonly kind: "cancelled"; readonly end: number; readonly origin: string };
interface Rejection {
  readonly rejected: readonly ErrorDesc[];
}

function earlier(a: Cancel, b: Cancel): Cancel {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a.at < b.at ? a : b;
}

/** What the semantics say `node` does when `cancel` reaches it (all nodes start at time 0). */
function predict(node: Node, cancel: Cancel): Prediction {
  switch (node.type) {
    case "leaf": {
      // A leaf that ends exactly when the cancellation comes caused it (times are distinct).
      if (cancel === undefined || node.delay <= cancel.at) {
        return node.fail ? { kind: "error", end: node.delay, alts: [`E:${node.id}`] } : { kind: "value", end: node.delay, value: node.id };
      }
      if (node.cleanup === "fails") return { kind: "error", end: cancel.at, alts: [`E:${node.id}!`] };
      if (node.cleanup === "swallows") return { kind: "value", end: cancel.at, value: `${node.id}~` };
      return { kind: "cancelled", end: cancel.at, origin: cancel.origin };
    }
    case "timeout": {
      const own = { at: node.deadline, origin: `timeout ${node.id}` };
      const result = predict(node.child, earlier(cancel, own));
      // The deadline's own CancelledError is absorbed and becomes TimeoutError; the rest passes.
      if (result.kind === "cancelled" && result.origin === own.origin)
        return { kind: "error", end: result.end, alts: [`T:${node.deadline}`] };
      return result;
    }
    case "gather":
    case "gatherSettled":
    case "race":
      return predictCombinator(node, cancel);
    case "taskGroup":
      return predictGroup(node, cancel);
  }
}

/**
 * gather, gatherSettled, race: the children are tasks of their own, cancelled only by the
 * combinator (on its decision, or when the waiting task is cancelled).
 */
function predictCombinator(node: Combinator, cancel: Cancel): Prediction {
  const alone = node.children.map((child) => predict(child, undefined));
  let decider = -1;
  for (let i = 0; i < alone.length; i++) {
    const r = alone[i]!;
    if (r.kind === "cancelled") throw new Error("model: a child cancelled with nobody cancelling it");
    const decides = node.type === "race" || (node.type === "gather" && r.kind === "error");
    if (decides && (decider === -1 || r.end < alone[decider]!.end)) decider = i;
  }
  const naturalEnd = decider !== -1 ? alone[decider]!.end : Math.max(...alone.map((r) => r.end));
  if (cancel !== undefined && cancel.at < naturalEnd) {
    // Interrupted: every child is cancelled at once; a real error raised while unwinding wins
    // (gather, race), else CancelledError.
    const unwound = node.children.map((child) => predict(child, { at: cancel.at, origin: `combinator ${node.id}` }));
    const errors = node.type === "gatherSettled" ? [] : unwound.filter((r) => r.kind === "error" && r.end === cancel.at);
    if (errors.length > 0) return { kind: "error", end: cancel.at, alts: errors.flatMap((r) => (r.kind === "error" ? r.alts : [])) };
    return { kind: "cancelled", end: cancel.at, origin: cancel.origin };
  }
  if (decider !== -1) return { ...alone[decider]!, end: naturalEnd };
  const value =
    node.type === "gather"
      ? alone.map((r) => (r.kind === "value" ? r.value : undefined))
      : alone.map((r) => (r.kind === "value" ? { status: "fulfilled", value: r.value } : { rejected: r.kind === "error" ? r.alts : [] }));
  return { kind: "value", end: naturalEnd, value };
}

/**
 * taskGroup: the children and the body hang under the group scope, so a cancellation of the
 * enclosing task reaches them directly; the group scope is cancelled by the first child error,
 * a body error, or tg.cancel().
 */
function predictGroup(node: Group, cancel: Cancel): Prediction {
  const origin = `group ${node.id}`;
  let children = node.children.map((child) => predict(child, cancel));
  let body = predict(node.body, cancel);
  // When the group scope is cancelled, and by what.
  let abort: { at: number; cause: number | "body" | "cancel" } | undefined;
  const consider = (at: number, cause: number | "body" | "cancel"): void => {
    // An error at the very instant of the outer cancellation is not its cause (it is an error
    // while unwinding, or the outer cancellation came from this very failure and changes nothing).
    if ((cancel === undefined || at < cancel.at) && (abort === undefined || at < abort.at)) abort = { at, cause };
  };
  children.forEach((r, i) => r.kind === "error" && consider(r.end, i));
  if (body.kind === "error") consider(body.end, "body");
  if (node.cancelAt !== undefined) consider(node.cancelAt, "cancel");
  const effective = earlier(cancel, abort === undefined ? undefined : { at: abort.at, origin });
  if (abort !== undefined) {
    children = node.children.map((child) => predict(child, effective));
    body = predict(node.body, effective);
  }
  const cancellerEnd = node.cancelAt === undefined ? 0 : Math.min(node.cancelAt, effective?.at ?? Number.POSITIVE_INFINITY);
  const end = Math.max(body.end, cancellerEnd, ...children.map((r) => r.end));
  const entries: Entry[] = [];
  children.forEach((r, i) => {
    if (r.kind !== "error") return;
    const primary = abort?.cause === i || effective === undefined || r.end !== effective.at;
    entries.push({ time: r.end, primary, alts: r.alts });
  });
  entries.sort((a, b) => a.time - b.time || Number(b.primary) - Number(a.primary));
  if (entries.length > 0 || body.kind === "error") {
    return { kind: "error", end, alts: [{ entries, body: body.kind === "error" ? body.alts : undefined }] };
  }
  if (body.kind === "cancelled") {
    return body.origin === origin ? { kind: "value", end, value: undefined } : { kind: "cancelled", end, origin: body.origin };
  }
  // The body returned; a cancellation while the group waited for its children is reported,
  // except the group's own (tg.cancel()), which it absorbs, keeping the body's value.
  if (effective !== undefined && body.end < effective.at && effective.at <= end && effective.origin !== origin) {
    return { kind: "cancelled", end, origin: effective.origin };
  }
  return { kind: "value", end, value: body.value };
}

// ---- running a tree -------------------------------------------------------------------------

class LeafError extends Error {}

interface Stats {
  readonly started: Map<string, number>;
  readonly finallies: Map<string, number>;
}

function bump(map: Map<string, number>, id: string): void {
  map.set(id, (map.get(id) ?? 0) + 1);
}

function* leaf(node: Leaf, stats: Stats): Coroutine<string> {
  bump(stats.started, node.id);
  try {
    yield* sleep(node.delay);
    if (node.fail) throw new LeafError(node.id);
    return node.id;
  } catch (error) {
    if (error instanceof CancelledError) {
      if (node.cleanup === "swallows") return `${node.id}~`;
      if (node.cleanup === "fails") throw new LeafError(`${node.id}!`);
    }
    throw error;
  } finally {
    bump(stats.finallies, node.id);
  }
}

function* canceller(tg: TaskGroup, atMs: number): Coroutine<void> {
  yield* sleep(atMs);
  tg.cancel();
}

function build(node: Node, stats: Stats): Operation<unknown> {
  switch (node.type) {
    case "leaf":
      return leaf(node, stats);
    case "timeout":
      return timeout(node.deadline, build(node.child, stats));
    case "gather":
      return gather(node.children.map((child) => build(child, stats)));
    case "gatherSettled":
      return gatherSettled(node.children.map((child) => build(child, stats)));
    case "race":
      return race(node.children.map((child) => build(child, stats)));
    case "taskGroup":
      return taskGroup(function* (tg) {
        for (const child of node.children) tg.createTask(build(child, stats));
        if (node.cancelAt !== undefined) tg.createTask(canceller(tg, node.cancelAt));
        return yield* leaf(node.body, stats);
      });
  }
}

function leaves(node: Node): string[] {
  switch (node.type) {
    case "leaf":
      return [node.id];
    case "timeout":
      return leaves(node.child);
    case "taskGroup":
      return [node.body.id, ...node.children.flatMap(leaves)];
    default:
      return node.children.flatMap(leaves);
  }
}

/** A thrown error as a comparable description (see ErrorDesc). */
function describe(error: unknown): unknown {
  if (error instanceof LeafError) return `E:${error.message}`;
  if (error instanceof TimeoutError) return `T:${/timeout\((\d+)\)/.exec(error.message)?.[1] ?? "?"}`;
  if (error instanceof ExceptionGroup) return { exceptions: error.exceptions.map(describe) };
  if (error instanceof CancelledError) return "CancelledError";
  return `unexpected ${String(error)}`;
}

function matchesError(alts: readonly ErrorDesc[], actual: unknown): boolean {
  return alts.some((alt) => matchesOne(alt, actual));
}

function matchesOne(expected: ErrorDesc, actual: unknown): boolean {
  if (typeof expected === "string") return expected === actual;
  const exceptions = (actual as { exceptions?: unknown[] } | null)?.exceptions;
  if (!Array.isArray(exceptions)) return false;
  const children = exceptions.slice(0, expected.entries.length);
  if (exceptions.length !== expected.entries.length + (expected.body === undefined ? 0 : 1)) return false;
  if (expected.body !== undefined && !matchesError(expected.body, exceptions.at(-1))) return false;
  // Entries of the same instant (and rank) may come in any order; instants must be in order.
  let start = 0;
  while (start < expected.entries.length) {
    const { time, primary } = expected.entries[start]!;
    let stop = start;
    while (stop < expected.entries.length && expected.entries[stop]!.time === time && expected.entries[stop]!.primary === primary) stop++;
    const unused = expected.entries.slice(start, stop);
    for (const got of children.slice(start, stop)) {
      const index = unused.findIndex((entry) => matchesError(entry.alts, got));
      if (index === -1) return false;
      unused.splice(index, 1);
    }
    start = stop;
  }
  return true;
}

function matchesValue(expected: unknown, actual: unknown): boolean {
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && actual.length === expected.length && expected.every((e, i) => matchesValue(e, actual[i]));
  }
  if (typeof expected === "object" && expected !== null) {
    const got = actual as { status?: string; value?: unknown; reason?: unknown };
    if ("rejected" in expected) return got.status === "rejected" && matchesError((expected as Rejection).rejected, describe(got.reason));
    return got.status === "fulfilled" && matchesValue((expected as { value: unknown }).value, got.value);
  }
  return expected === actual;
}

interface Outcome {
  readonly end: number;
  readonly value?: unknown;
  readonly error?: unknown;
  readonly failed: boolean;
  readonly leftovers: Record<string, number>;
  readonly reports: readonly string[];
}

async function execute(testCase: Case, stats: Stats): Promise<Outcome> {
  const reports: ExceptionContext[] = [];
  const outcome = await run(
    function* () {
      const loop = getRunningLoop();
      const task = createTask(build(testCase.root, stats));
      if (testCase.cancelAt !== undefined) loop.callLater(testCase.cancelAt, () => task.cancel("external"));
      let result: { value?: unknown; error?: unknown; failed: boolean };
      try {
        result = { value: yield* task, failed: false };
      } catch (error) {
        result = { error, failed: true };
      }
      const end = loop.time();
      yield* sleep(10_000); // let the external cancellation's timer (if unused) come and go
      return { ...result, end, leftovers: leftovers(loop, 1), reports: [] as string[] };
    },
    { selector: new VirtualSelector(), exceptionHandler: (context) => reports.push(context) },
  );
  return { ...outcome, reports: reports.map((r) => `${r.message}: ${String(r.exception)}`) };
}

/** Checks one case; throws (for fast-check) with what differed. Counts the predicted outcomes in `tally`. */
async function check(testCase: Case, tally: Map<string, number>): Promise<void> {
  const stats: Stats = { started: new Map(), finallies: new Map() };
  const expected = predict(testCase.root, testCase.cancelAt === undefined ? undefined : { at: testCase.cancelAt, origin: "external" });
  const kind = expected.kind === "error" && typeof expected.alts[0] === "object" ? "ExceptionGroup" : expected.kind;
  tally.set(kind, (tally.get(kind) ?? 0) + 1);
  const actual = await execute(testCase, stats);
  const problems: string[] = [];
  for (const id of leaves(testCase.root)) {
    if (stats.started.get(id) !== 1 || stats.finallies.get(id) !== 1) {
      problems.push(`leaf ${id}: started ${stats.started.get(id) ?? 0} times, finally ran ${stats.finallies.get(id) ?? 0} times`);
    }
  }
  if (JSON.stringify(actual.leftovers) !== JSON.stringify(CLEAN)) problems.push(`left pending: ${JSON.stringify(actual.leftovers)}`);
  if (actual.reports.length > 0) problems.push(`reported: ${actual.reports.join(" | ")}`);
  if (actual.end !== expected.end) problems.push(`ended at ${actual.end}, predicted ${expected.end}`);
  const got = actual.failed ? describe(actual.error) : { value: actual.value };
  let ok: boolean;
  if (expected.kind === "value") ok = !actual.failed && matchesValue(expected.value, actual.value);
  else if (expected.kind === "error") ok = actual.failed && matchesError(expected.alts, got);
  else ok = actual.failed && got === "CancelledError" && expected.origin === "external";
  if (!ok) problems.push(`outcome ${JSON.stringify(got)}, predicted ${JSON.stringify(expected)}`);
  if (problems.length > 0) throw new Error(problems.join("\n"));
}

const NUM_RUNS = 1500;

test("structured concurrency property: random trees end as the semantics predict, every finally once, nothing left", async (t) => {
  let cases = 0;
  const tally = new Map<string, number>();
  const details = await checkProperty(
    t,
    fc.asyncProperty(caseArb, async (testCase) => {
      cases++;
      await check(testCase, tally);
    }),
    { numRuns: NUM_RUNS },
  );
  const kinds = [...tally]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([kind, count]) => `${count} ${kind}`)
    .join(", ");
  t.log(`${cases} generated cases (${NUM_RUNS} runs; predicted: ${kinds})`);
  if (!details.failed) t.true(details.numRuns >= 1000, `at least 1,000 generated cases: ${details.numRuns}`);
});
