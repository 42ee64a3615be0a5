/**
 * Property tests (fast-check) of the synchronisation primitives and queues: random tasks run
 * random scripts of operations and cancellations on virtual time, and each run checks that
 * nothing was lost or doubled (queues), that no two tasks held more than the permits
 * (locks, semaphores), and that no waiter was left asleep with work available (conditions).
 *
 * Seeded: set FC_SEED to replay a run; a failure prints its seed and path.
 */
import test from "ava";
import type { ExecutionContext } from "ava";
import fc from "fast-check";
import {
  BoundedSemaphore,
  CancelledError,
  Condition,
  LifoQueue,
  Lock,
  PriorityQueue,
  Queue,
  QueueEmpty,
  QueueFull,
  QueueShutDown,
  Semaphore,
  createTask,
  getRunningLoop,
  run,
  sleep,
  yieldNow,
} from "../../../lib/index.js";
import type { Coroutine, ExceptionContext, Task } from "../../../lib/index.js";
import { VirtualSelector } from "../../../selectors/index.js";
import { CLEAN, leftovers } from "../../helpers/loop.js";
import { checkProperty } from "../../helpers/property.js";

/** Virtual ms after which whatever still waits is cancelled (every script is done well before). */
const QUIESCENCE_MS = 1000;

/** Runs `property` for `numRuns` cases with the shared seed (see `checkProperty`: a failure says how to replay it). */
async function check<T>(
  t: ExecutionContext,
  arbitrary: fc.Arbitrary<T>,
  numRuns: number,
  property: (value: T) => Promise<void>,
): Promise<void> {
  let cases = 0;
  const details = await checkProperty(
    t,
    fc.asyncProperty(arbitrary, async (value) => {
      cases++;
      await property(value);
    }),
    { numRuns, endOnFailure: true },
  );
  if (!details.failed) t.true(cases >= numRuns, `${cases} cases ran`);
}

/** Runs `main` on a fresh virtual loop; fails if anything is left pending or was reported. */
async function runCase(main: () => Coroutine<void>): Promise<void> {
  const reports: ExceptionContext[] = [];
  let left: Record<string, number> | undefined;
  await run(
    function* () {
      yield* main();
      left = leftovers(getRunningLoop(), 1);
    },
    { selector: new VirtualSelector(), exceptionHandler: (context) => reports.push(context) },
  );
  if (JSON.stringify(left) !== JSON.stringify(CLEAN)) throw new Error(`the case left something pending: ${JSON.stringify(left)}`);
  if (reports.length > 0) throw new Error(`unexpected reports: ${reports.map((r) => r.message).join("; ")}`);
}

/** Waits for every task, whatever its outcome (their errors are checked by the scripts). */
function* settleAll(tasks: readonly Task<unknown>[]): Coroutine<void> {
  for (const task of tasks) {
    try {
      yield* task;
    } catch (error) {
      if (!(error instanceof CancelledError)) throw error;
    }
  }
}

/** Lets the scripts run, then cancels whatever still waits, and waits for it to unwind. */
function* finish(tasks: readonly Task<unknown>[]): Coroutine<void> {
  yield* sleep(QUIESCENCE_MS);
  for (const task of tasks) task.cancel();
  yield* settleAll(tasks);
}

/** A step that gives way (or not) between operations: most interleavings happen within a pass. */
type Pause =
  { readonly kind: "sleep"; readonly ms: number } | { readonly kind: "yield" } | { readonly kind: "cancel"; readonly target: number };

const pauseArb = (actors: number): fc.Arbitrary<Pause> =>
  fc.oneof(
    fc.record({ kind: fc.constant("sleep" as const), ms: fc.integer({ min: 0, max: 3 }) }),
    fc.constant({ kind: "yield" as const }),
    fc.record({ kind: fc.constant("cancel" as const), target: fc.integer({ min: 0, max: actors - 1 }) }),
  );

function* pause(step: Pause, tasks: readonly Task<unknown>[]): Coroutine<void> {
  if (step.kind === "sleep") yield* sleep(step.ms);
  else if (step.kind === "yield") yield* yieldNow();
  else tasks[step.target]?.cancel();
}

// ---- queues: put/get/cancel conserve items --------------------------------------------------------------

type QueueStep =
  | Pause
  | { readonly kind: "put" }
  | { readonly kind: "putNowait" }
  | { readonly kind: "get" }
  | { readonly kind: "getNowait" }
  | { readonly kind: "shutdown"; readonly immediate: boolean };

interface QueueScenario {
  readonly queueKind: "fifo" | "lifo" | "priority";
  readonly maxsize: number;
  readonly scripts: readonly (readonly QueueStep[])[];
}

const queueScenarioArb: fc.Arbitrary<QueueScenario> = fc.integer({ min: 2, max: 6 }).chain((actors) =>
  fc.record({
    queueKind: fc.constantFrom("fifo" as const, "lifo" as const, "priority" as const),
    maxsize: fc.integer({ min: 0, max: 3 }),
    scripts: fc.array(
      fc.array(
        fc.oneof(
          { weight: 4, arbitrary: fc.constant({ kind: "put" as const }) },
          { weight: 1, arbitrary: fc.constant({ kind: "putNowait" as const }) },
          { weight: 4, arbitrary: fc.constant({ kind: "get" as const }) },
          { weight: 1, arbitrary: fc.constant({ kind: "getNowait" as const }) },
          { weight: 4, arbitrary: pauseArb(actors) },
          { weight: 1, arbitrary: fc.record({ kind: fc.constant("shutdown" as const), immediate: fc.boolean() }) },
        ),
        { minLength: 1, maxLength: 8 },
      ),
      { minLength: actors, maxLength: actors },
    ),
  }),
);

async function checkQueueConservation(scenario: QueueScenario): Promise<void> {
  const putOk: number[] = [];
  const putRefused: number[] = [];
  const got: number[] = [];
  let dropped = 0;
  let remaining: number[] = [];
  let largest = 0;
  let stuck = "";
  await runCase(function* () {
    const options = { maxsize: scenario.maxsize };
    const queue =
      scenario.queueKind === "fifo"
        ? new Queue<number>(options)
        : scenario.queueKind === "lifo"
          ? new LifoQueue<number>(options)
          : new PriorityQueue<number>(options);
    const observe = (): void => {
      largest = Math.max(largest, queue.qsize());
    };
    let waitingGetters = 0;
    let waitingPutters = 0;
    const tasks: Task<void>[] = [];
    scenario.scripts.forEach((script, actor) => {
      tasks.push(
        createTask(
          (function* () {
            let next = 0;
            for (const step of script) {
              const item = actor * 100 + next;
              try {
                switch (step.kind) {
                  case "put":
                    next++;
                    waitingPutters++;
                    try {
                      yield* queue.put(item);
                    } catch (error) {
                      putRefused.push(item);
                      throw error;
                    } finally {
                      waitingPutters--;
                    }
                    putOk.push(item);
                    break;
                  case "putNowait":
                    next++;
                    try {
                      queue.putNowait(item);
                    } catch (error) {
                      putRefused.push(item);
                      throw error;
                    }
                    putOk.push(item);
                    break;
                  case "get":
                    waitingGetters++;
                    try {
                      got.push(yield* queue.get());
                    } finally {
                      waitingGetters--;
                    }
                    break;
                  case "getNowait":
                    got.push(queue.getNowait());
                    break;
                  case "shutdown":
                    if (step.immediate) dropped += queue.qsize();
                    queue.shutdown(step.immediate);
                    break;
                  default:
                    yield* pause(step, tasks);
                }
              } catch (error) {
                if (!(error instanceof QueueFull || error instanceof QueueEmpty || error instanceof QueueShutDown)) throw error;
              }
              observe();
            }
          })(),
        ),
      );
    });
    yield* sleep(QUIESCENCE_MS);
    // Quiescent: a getter still waiting on a non-empty queue, or a putter on a queue with room,
    // missed its wake-up.
    if (waitingGetters > 0 && !queue.empty()) stuck = `${waitingGetters} getter(s) wait on a queue holding ${queue.qsize()} item(s)`;
    if (waitingPutters > 0 && !queue.full()) stuck = `${waitingPutters} putter(s) wait on a queue with room`;
    yield* finish(tasks);
    remaining = [];
    while (!queue.empty()) remaining.push(queue.getNowait());
  });
  if (scenario.maxsize > 0 && largest > scenario.maxsize) throw new Error(`the queue held more than maxsize ${scenario.maxsize} items`);
  if (stuck !== "") throw new Error(stuck);
  const out = [...got, ...remaining];
  if (new Set(out).size !== out.length) throw new Error(`an item came out twice: ${JSON.stringify(out)}`);
  const accepted = new Set(putOk);
  for (const item of out) if (!accepted.has(item)) throw new Error(`item ${item} came out but its put did not succeed`);
  for (const item of putRefused) if (out.includes(item)) throw new Error(`item ${item} came out although its put was refused or cancelled`);
  if (putOk.length !== out.length + dropped) {
    throw new Error(
      `items put (${putOk.length}) ≠ items got (${got.length}) + still queued (${remaining.length}) + dropped by shutdown(true) (${dropped})`,
    );
  }
}

test("`Queue` behaviour (property): random put/get/cancel/shutdown interleavings never lose or duplicate an item, nor leave a waiter asleep", async (t) => {
  await check(t, queueScenarioArb, 1500, checkQueueConservation);
});

// ---- locks and semaphores: acquire/release/cancel never exceed the permits -----------------------------------

type LockStep =
  Pause | { readonly kind: "hold"; readonly ms: number; readonly style: "using" | "finally"; readonly cancelOnRelease: number | undefined };

interface LockScenario {
  readonly primitive: "lock" | "semaphore" | "bounded";
  readonly permits: number;
  readonly scripts: readonly (readonly LockStep[])[];
}

const lockScenarioArb: fc.Arbitrary<LockScenario> = fc.integer({ min: 2, max: 6 }).chain((actors) =>
  fc.record({
    primitive: fc.constantFrom("lock" as const, "semaphore" as const, "bounded" as const),
    permits: fc.integer({ min: 1, max: 3 }),
    scripts: fc.array(
      fc.array(
        fc.oneof(
          {
            weight: 3,
            arbitrary: fc.record({
              kind: fc.constant("hold" as const),
              ms: fc.integer({ min: 0, max: 2 }),
              style: fc.constantFrom("using" as const, "finally" as const),
              cancelOnRelease: fc.option(fc.integer({ min: 0, max: actors - 1 }), { nil: undefined }),
            }),
          },
          { weight: 2, arbitrary: pauseArb(actors) },
        ),
        { minLength: 1, maxLength: 6 },
      ),
      { minLength: actors, maxLength: actors },
    ),
  }),
);

async function checkMutualExclusion(scenario: LockScenario): Promise<void> {
  const permits = scenario.primitive === "lock" ? 1 : scenario.permits;
  let holders = 0;
  let most = 0;
  let freeAtEnd = 0;
  await runCase(function* () {
    const primitive =
      scenario.primitive === "lock"
        ? new Lock()
        : scenario.primitive === "semaphore"
          ? new Semaphore(permits)
          : new BoundedSemaphore(permits);
    const tasks: Task<void>[] = [];
    scenario.scripts.forEach((script) => {
      tasks.push(
        createTask(
          (function* () {
            for (const step of script) {
              if (step.kind !== "hold") {
                yield* pause(step, tasks);
                continue;
              }
              if (step.style === "using") {
                using _ = yield* primitive.acquire();
                most = Math.max(most, ++holders);
                try {
                  yield* sleep(step.ms);
                } finally {
                  holders--;
                  // A cancellation in the same step as the release: it races with the hand-off.
                  if (step.cancelOnRelease !== undefined) tasks[step.cancelOnRelease]?.cancel();
                }
              } else {
                yield* primitive.acquire();
                most = Math.max(most, ++holders);
                try {
                  yield* sleep(step.ms);
                } finally {
                  holders--;
                  primitive.release();
                  if (step.cancelOnRelease !== undefined) tasks[step.cancelOnRelease]?.cancel();
                }
              }
            }
          })(),
        ),
      );
    });
    yield* finish(tasks);
    freeAtEnd = primitive instanceof Lock ? (primitive.locked() ? 0 : 1) : primitive.value;
  });
  if (most > permits) throw new Error(`${most} tasks held ${scenario.primitive} at once; it has ${permits} permit(s)`);
  if (holders !== 0) throw new Error(`${holders} holder(s) left`);
  if (freeAtEnd !== permits) throw new Error(`the ${scenario.primitive} was not fully released at the end: a grant was lost`);
}

test("`Lock` and `Semaphore` behaviour (property): random acquire/release/cancel interleavings never exceed the permits or lose a grant", async (t) => {
  await check(t, lockScenarioArb, 1500, checkMutualExclusion);
});

// ---- conditions: no waiter sleeps while work is available -------------------------------------------------------

type ConditionStep =
  | Pause
  | { readonly kind: "consume" }
  | { readonly kind: "produce"; readonly notifyAll: boolean; readonly cancelAfterNotify: number | undefined };

const conditionScenarioArb: fc.Arbitrary<readonly (readonly ConditionStep[])[]> = fc.integer({ min: 2, max: 6 }).chain((actors) =>
  fc.array(
    fc.array(
      fc.oneof(
        { weight: 3, arbitrary: fc.constant({ kind: "consume" as const }) },
        {
          weight: 3,
          arbitrary: fc.record({
            kind: fc.constant("produce" as const),
            notifyAll: fc.boolean(),
            cancelAfterNotify: fc.option(fc.integer({ min: 0, max: actors - 1 }), { nil: undefined }),
          }),
        },
        { weight: 3, arbitrary: pauseArb(actors) },
      ),
      { minLength: 1, maxLength: 6 },
    ),
    { minLength: actors, maxLength: actors },
  ),
);

async function checkNoLostWakeup(scripts: readonly (readonly ConditionStep[])[]): Promise<void> {
  let tokens = 0;
  let produced = 0;
  let consumed = 0;
  let stuck = "";
  await runCase(function* () {
    const condition = new Condition();
    const waiting = new Set<number>();
    const tasks: Task<void>[] = [];
    scripts.forEach((script, actor) => {
      tasks.push(
        createTask(
          (function* () {
            for (const step of script) {
              if (step.kind === "consume") {
                using _ = yield* condition.acquire();
                waiting.add(actor);
                try {
                  yield* condition.waitFor(() => tokens > 0);
                } finally {
                  waiting.delete(actor);
                }
                if (!condition.locked()) throw new Error("waitFor() returned without the lock");
                tokens--;
                consumed++;
              } else if (step.kind === "produce") {
                using _ = yield* condition.acquire();
                tokens++;
                produced++;
                if (step.notifyAll) condition.notifyAll();
                else condition.notify();
                // A cancellation in the same step as the notify: it races with the wake-up.
                if (step.cancelAfterNotify !== undefined) tasks[step.cancelAfterNotify]?.cancel();
              } else {
                yield* pause(step, tasks);
              }
            }
          })(),
        ),
      );
    });
    yield* sleep(QUIESCENCE_MS);
    // Quiescent: a consumer still waiting while a token is available missed a wake-up.
    if (waiting.size > 0 && tokens > 0) stuck = `consumers ${[...waiting].join(", ")} wait while ${tokens} token(s) are available`;
    for (const task of tasks) task.cancel();
    yield* settleAll(tasks);
    if (condition.locked()) stuck ||= "the lock was left held";
  });
  if (stuck !== "") throw new Error(stuck);
  if (produced - consumed !== tokens) throw new Error(`tokens produced ${produced} − consumed ${consumed} ≠ left ${tokens}`);
}

test("`Condition` behaviour (property): random notify/wait/cancel interleavings never leave a waiter asleep with work available", async (t) => {
  await check(t, conditionScenarioArb, 1000, checkNoLostWakeup);
});
