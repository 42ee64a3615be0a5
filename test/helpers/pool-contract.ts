/**
 * The contract both worker pools keep (ThreadPoolExecutor, ProcessPoolExecutor), as tests
 * declared once and run against each: results and errors across the boundary, cancellation of
 * queued and running jobs, the late result, backpressure, crashes, module failures, what a job
 * leaves behind, the lifecycle options and shutdown. Real workers; loop time is virtual.
 */
import test from "ava";
import type { ExecutionContext } from "ava";
import {
  BrokenExecutorError,
  CancelledError,
  QueueFull,
  WorkerExitedError,
  createTask,
  fromPromise,
  gather,
  runInExecutor,
  yieldNow,
} from "../../lib/index.js";
import type { Coroutine, Operation } from "../../lib/index.js";
import { workerModule } from "../../executors/index.js";
import type { PoolOptions, WorkerPoolExecutor } from "../../executors/index.js";
import { runVirtual } from "./loop.js";
import type { VirtualRun } from "./loop.js";
import { errorOf, settle } from "./operations.js";

/** The test work module, typed. */
export const work = workerModule<typeof import("../fixtures/executors/work.js")>(new URL("../fixtures/executors/work.ts", import.meta.url));
const WORK_URL = work.url;

/** Real time passes (a worker's idle timer, a crash): poll `condition` every few ms of real time. */
export function* until(condition: () => boolean, what: string, limitMs = 20_000): Coroutine<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > limitMs) throw new Error(`still waiting after ${limitMs} ms: ${what}`);
    yield* fromPromise(new Promise<void>((resolve) => setTimeout(resolve, 5)));
  }
}

/** Runs `body` with a fresh pool on a virtual-time loop, and shuts the pool down at the end. */
export function withPool<T, O extends PoolOptions = PoolOptions>(
  t: ExecutionContext,
  make: (options: O) => WorkerPoolExecutor,
  options: O,
  body: (pool: WorkerPoolExecutor) => Operation<T>,
  runOptions: { allowReports?: boolean } = {},
): Promise<VirtualRun<T>> {
  return runVirtual(
    t,
    function* () {
      const pool = make(options);
      try {
        return yield* body(pool);
      } finally {
        yield* pool.shutdown({ wait: false });
      }
    },
    runOptions,
  );
}

/** Declares the contract's tests for one kind of pool. */
export function poolContract(name: string, make: (options: PoolOptions) => WorkerPoolExecutor): void {
  const title = (what: string): string => `\`${name}\` behaviour: ${what}`;

  test(title("results cross the boundary: numbers, strings, Maps, Sets, typed arrays, Dates, nested objects"), async (t) => {
    const value = {
      n: 1,
      s: "two",
      map: new Map([["k", [1, 2]]]),
      set: new Set([3]),
      bytes: new Uint8Array([4, 5]),
      when: new Date(6),
      nested: { deep: [null, true] },
    };
    const { result } = await withPool(t, make, { maxWorkers: 2 }, function* (pool) {
      return yield* gather(runInExecutor(pool, work.task("add"), 2, 3), runInExecutor(pool, work.task("echo"), value));
    });
    t.is(result[0], 5);
    t.deepEqual(result[1], value);
  });

  test(title("async work functions: their awaited result"), async (t) => {
    const { result } = await withPool(t, make, { maxWorkers: 1 }, function* (pool) {
      return yield* runInExecutor(pool, work.task("addLater"), 20, 22, 5);
    });
    t.is(result, 42);
  });

  test(title("an error arrives with name, message, the worker's stack, cause and code; built-in classes are restored"), async (t) => {
    const { result } = await withPool(t, make, { maxWorkers: 1 }, function* (pool) {
      return errorOf(yield* settle(runInExecutor(pool, work.task("failWith"), "bad input")));
    });
    t.true(result instanceof TypeError);
    const error = result as TypeError & { code?: string };
    t.is(error.message, "bad input");
    t.is(error.code, "E_WORK");
    t.regex(error.stack ?? "", /failWith .*work\.ts/, "the stack shows the worker's frames");
    t.true(error.cause instanceof RangeError);
    t.is((error.cause as RangeError).message, "the inner reason");
  });

  test(title("an error of a user's class comes back as an Error with its name; a thrown non-Error as itself"), async (t) => {
    const { result } = await withPool(t, make, { maxWorkers: 1 }, function* (pool) {
      const custom = errorOf(yield* settle(runInExecutor(pool, work.task("failCustom"))));
      const value = errorOf(yield* settle(runInExecutor(pool, work.task("throwString"))));
      return { custom, value };
    });
    t.true(result.custom instanceof Error);
    t.is((result.custom as Error).name, "CustomError");
    t.is((result.custom as Error).message, "custom failure");
    t.is(result.value, "a plain string");
  });

  test(
    title("a module that cannot be loaded fails every job naming it with its URL; none is left pending; the pool goes on"),
    async (t) => {
      const missing = workerModule<{ f: () => number }>(new URL("../fixtures/executors/no-such-module.js", import.meta.url));
      const { result } = await withPool(t, make, { maxWorkers: 1 }, function* (pool) {
        const outcomes = yield* gather(
          settle(runInExecutor(pool, missing.task("f"))),
          settle(runInExecutor(pool, missing.task("f"))),
          settle(runInExecutor(pool, missing.task("f"))),
        );
        return { errors: outcomes.map(errorOf), after: yield* runInExecutor(pool, work.task("add"), 1, 1) };
      });
      t.is(result.errors.length, 3);
      for (const error of result.errors) {
        t.true(error instanceof Error);
        t.regex((error as Error).message, /no-such-module\.js could not be loaded \(for f\)/);
      }
      t.is(result.after, 2);
    },
  );

  test(title("a missing export or one that is not a function fails the job, naming the export and the module's functions"), async (t) => {
    const loose = workerModule<Record<string, () => number>>(WORK_URL);
    const { result } = await withPool(t, make, { maxWorkers: 1 }, function* (pool) {
      return [
        errorOf(yield* settle(runInExecutor(pool, loose.task("nope")))),
        errorOf(yield* settle(runInExecutor(pool, loose.task("notAFunction")))),
        errorOf(yield* settle(runInExecutor(pool, loose.task("nope")))),
      ];
    });
    for (const error of result) t.true(error instanceof TypeError);
    t.regex((result[0] as Error).message, /no exported function "nope": its functions are .*\badd\b/);
    t.regex((result[1] as Error).message, /"notAFunction" \(that export is number\)/);
  });

  test(title("a result that cannot be cloned fails its job with a TypeError that says so"), async (t) => {
    const { result } = await withPool(t, make, { maxWorkers: 1 }, function* (pool) {
      const failure = errorOf(yield* settle(runInExecutor(pool, work.task("returnsFunction"))));
      return { failure, after: yield* runInExecutor(pool, work.task("add"), 2, 2) };
    });
    t.true(result.failure instanceof TypeError);
    t.regex((result.failure as Error).message, /result of .*returnsFunction cannot be sent back/);
    t.is(result.after, 4);
  });

  test(title("arguments that cannot be cloned fail their job at submit's hand-off, and the worker stays usable"), async (t) => {
    const { result } = await withPool(t, make, { maxWorkers: 1 }, function* (pool) {
      const bad = { run: () => 1 } as unknown as number;
      const failure = errorOf(yield* settle(runInExecutor(pool, work.task("echo"), bad)));
      return { failure, after: yield* runInExecutor(pool, work.task("add"), 3, 3) };
    });
    t.true(result.failure instanceof TypeError);
    t.regex((result.failure as Error).message, /arguments of .*echo cannot be sent to a worker/);
    t.is(result.after, 6);
  });

  test(title("cancelled while queued: the job is removed and never runs"), async (t) => {
    const { result } = await withPool(t, make, { maxWorkers: 1 }, function* (pool) {
      const first = createTask(runInExecutor(pool, work.task("waitForAbort"), 300));
      const queued = createTask(runInExecutor(pool, work.task("waitForAbort"), 10_000));
      yield* until(() => pool.stats().busy === 1, "the first job is dispatched");
      const queuedBefore = pool.stats().queued;
      queued.cancel();
      const outcome = yield* settle(queued);
      yield* first;
      // One worker: had the queued job run, it would have waited 10 s; lastReport() is the first job's.
      return { queuedBefore, outcome, report: yield* runInExecutor(pool, work.task("lastReport")), stats: pool.stats() };
    });
    t.is(result.queuedBefore, 1);
    t.true(errorOf(result.outcome) instanceof CancelledError);
    t.is(result.report, "timed out");
    t.is(result.stats.queued, 0);
  });

  test(title("cancelled while running: the job's AbortSignal is aborted in the worker; the caller resumes at once"), async (t) => {
    const { result } = await withPool(t, make, { maxWorkers: 1 }, function* (pool) {
      const running = createTask(runInExecutor(pool, work.task("waitForAbort"), 20_000));
      yield* until(() => pool.stats().busy === 1, "the job is dispatched");
      running.cancel();
      const outcome = yield* settle(running);
      // The same (only) worker runs the next job once the cancelled one has ended.
      return { outcome, report: yield* runInExecutor(pool, work.task("lastReport")) };
    });
    t.true(errorOf(result.outcome) instanceof CancelledError);
    t.is(result.report, "aborted: AbortError, signal.aborted true");
  });

  test(title('cancelled while running with { cancel: "terminate" }: the worker is killed and replaced'), async (t) => {
    const { result } = await withPool(t, make, { maxWorkers: 1 }, function* (pool) {
      const before = yield* runInExecutor(pool, work.task("whoAmI"));
      const future = pool.submit(work.task("spin"), [60_000], { cancel: "terminate" });
      yield* until(() => pool.stats().busy === 1, "the job is dispatched");
      future.cancel();
      const outcome = yield* settle(future);
      const after = yield* runInExecutor(pool, work.task("whoAmI"));
      return { before, after, outcome };
    });
    t.true(errorOf(result.outcome) instanceof CancelledError);
    t.not(result.after, result.before, "a new worker runs the next job");
  });

  test(title("a result that arrives after its caller was cancelled is dropped, never delivered to the next job"), async (t) => {
    const { result } = await withPool(t, make, { maxWorkers: 1 }, function* (pool) {
      const ignoring = createTask(runInExecutor(pool, work.task("spin"), 150)); // never looks at its signal
      yield* until(() => pool.stats().busy === 1, "the job is dispatched");
      ignoring.cancel();
      const outcome = yield* settle(ignoring);
      const next = yield* runInExecutor(pool, work.task("add"), 40, 2); // queued behind the spinning job
      return { outcome, next };
    });
    t.true(errorOf(result.outcome) instanceof CancelledError);
    t.is(result.next, 42);
  });

  test(title("a cancellation right after the result was handed over keeps the result"), async (t) => {
    const { result } = await withPool(t, make, { maxWorkers: 1 }, function* (pool) {
      const future = pool.submit(work.task("add"), [1, 2]);
      yield* until(() => future.done(), "the result arrives");
      t.false(future.cancel(), "a done Future cannot be cancelled");
      return yield* future;
    });
    t.is(result, 3);
  });

  test(
    title("maxQueue: submit() past it throws QueueFull; runInExecutor() waits for room; cancelled while waiting, it submits nothing"),
    async (t) => {
      const { result } = await withPool(t, make, { maxWorkers: 1, maxQueue: 1 }, function* (pool) {
        const running = pool.submit(work.task("addLater"), [1, 1, 50], {});
        yield* until(() => pool.stats().busy === 1, "the first job is dispatched");
        const queued = pool.submit(work.task("add"), [2, 2]);
        let full: unknown;
        try {
          pool.submit(work.task("add"), [3, 3]);
        } catch (error) {
          full = error;
        }
        const waiting = createTask(runInExecutor(pool, work.task("add"), 4, 4));
        const withdrawn = createTask(runInExecutor(pool, work.task("add"), 5, 5));
        yield* yieldNow();
        withdrawn.cancel();
        const withdrawnOutcome = yield* settle(withdrawn);
        return { full, values: [yield* running, yield* queued, yield* waiting], withdrawnOutcome, stats: pool.stats() };
      });
      t.true(result.full instanceof QueueFull);
      t.regex((result.full as Error).message, /maxQueue 1/);
      t.deepEqual(result.values, [2, 4, 8]);
      t.true(errorOf(result.withdrawnOutcome) instanceof CancelledError);
      t.is(result.stats.queued, 0);
    },
  );

  test(title("a worker that exits mid-job fails only that job with WorkerExitedError (its exit code) and is replaced"), async (t) => {
    const { result } = await withPool(t, make, { maxWorkers: 2 }, function* (pool) {
      const [exited, fine] = yield* gather(
        settle(runInExecutor(pool, work.task("exitNow"), 7)),
        settle(runInExecutor(pool, work.task("addLater"), 1, 2, 30)),
      );
      return { exited: errorOf(exited), fine, after: yield* runInExecutor(pool, work.task("add"), 5, 6) };
    });
    t.true(result.exited instanceof WorkerExitedError);
    t.is((result.exited as WorkerExitedError).exitCode, 7);
    t.regex((result.exited as Error).message, /exited \(exit code 7\) while running .*exitNow/);
    t.deepEqual(result.fine, { ok: true, value: 3 });
    t.is(result.after, 11);
  });

  test(
    title("an uncaught error in a job's timer ends the worker: the job running then fails with WorkerExitedError, its cause the error"),
    async (t) => {
      const { result } = await withPool(t, make, { maxWorkers: 1 }, function* (pool) {
        const returned = yield* runInExecutor(pool, work.task("crashLater"), 200);
        const caught = errorOf(yield* settle(runInExecutor(pool, work.task("waitForAbort"), 10_000)));
        return { returned, caught, after: yield* runInExecutor(pool, work.task("add"), 1, 1) };
      });
      t.is(result.returned, "returned");
      t.true(result.caught instanceof WorkerExitedError);
      t.regex(String((result.caught as Error).cause), /uncaught in a timer/);
      t.is(result.after, 2);
    },
  );

  test(
    title("an error a finished job leaves behind (an unhandled rejection in its timer) is reported, naming that job, and fails no job"),
    async (t) => {
      const { result, reports } = await withPool(
        t,
        make,
        { maxWorkers: 1 },
        function* (pool) {
          const returned = yield* runInExecutor(pool, work.task("rejectLater"), 20);
          // Running when the rejection shows; its result comes after the report (one worker's messages keep their order).
          const next = yield* runInExecutor(pool, work.task("addLater"), 2, 2, 100);
          return { returned, next };
        },
        { allowReports: true },
      );
      t.deepEqual(result, { returned: "returned", next: 4 });
      t.is(reports.length, 1);
      t.regex(reports[0]?.message ?? "", /work\.ts#rejectLater left an error behind/);
      t.regex(String(reports[0]?.exception), /left behind/);
    },
  );

  test(title("a crash loop: 100 crashing jobs interleaved with good ones; every good job succeeds, nothing hangs"), async (t) => {
    const { result } = await withPool(t, make, { maxWorkers: 2 }, function* (pool) {
      const ops: Operation<{ ok: boolean; value?: unknown; error?: unknown }>[] = [];
      for (let i = 0; i < 100; i++) {
        ops.push(settle(runInExecutor(pool, work.task("exitNow"), 3)));
        ops.push(settle(runInExecutor(pool, work.task("add"), i, 1)));
      }
      return yield* gather(...ops);
    });
    const good = result.filter((_, i) => i % 2 === 1);
    const bad = result.filter((_, i) => i % 2 === 0);
    t.deepEqual(
      good.map((outcome) => outcome.value),
      Array.from({ length: 100 }, (_, i) => i + 1),
    );
    t.true(bad.every((outcome) => outcome.error instanceof WorkerExitedError));
  });

  test(title("idle workers beyond minWorkers exit after idleTimeoutMs; minWorkers stay"), async (t) => {
    const { result } = await withPool(t, make, { maxWorkers: 3, minWorkers: 1, idleTimeoutMs: 30 }, function* (pool) {
      const jobs = [1, 2, 3].map(() => pool.submit(work.task("addLater"), [1, 1, 20]));
      const grown = pool.stats().workers; // one started for each waiting job
      yield* gather(...jobs);
      // Under load a worker may still be starting when the others have exited: wait for the one that stays to be idle.
      yield* until(() => pool.stats().workers === 1 && pool.stats().idle === 1, "the pool shrinks to minWorkers");
      return { grown, shrunk: pool.stats() };
    });
    t.is(result.grown, 3);
    t.deepEqual(result.shrunk, { workers: 1, idle: 1, busy: 0, queued: 0 });
  });

  test(title("maxTasksPerWorker recycles a worker after that many jobs"), async (t) => {
    const { result } = await withPool(t, make, { maxWorkers: 1, maxTasksPerWorker: 2 }, function* (pool) {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push(yield* runInExecutor(pool, work.task("whoAmI")));
      return ids;
    });
    t.is(result[0], result[1]);
    t.not(result[1], result[2]);
    t.is(result[2], result[3]);
    t.not(result[3], result[4]);
  });

  test(title("initializer runs in each worker before its first job"), async (t) => {
    const { result } = await withPool(t, make, { maxWorkers: 1, initializer: work.task("init") }, function* (pool) {
      return yield* runInExecutor(pool, work.task("wasInitialized"));
    });
    t.is(result, "yes");
  });

  test(
    title("an initializer that throws breaks the pool: waiting jobs and later submits fail with BrokenExecutorError, its cause the error"),
    async (t) => {
      const { result } = await withPool(t, make, { maxWorkers: 1, initializer: work.task("failInit") }, function* (pool) {
        const outcomes = yield* gather(
          settle(runInExecutor(pool, work.task("add"), 1, 1)),
          settle(runInExecutor(pool, work.task("add"), 2, 2)),
        );
        let later: unknown;
        try {
          pool.submit(work.task("add"), [3, 3]);
        } catch (error) {
          later = error;
        }
        return { errors: outcomes.map(errorOf), later };
      });
      for (const error of [...result.errors, result.later]) {
        t.true(error instanceof BrokenExecutorError);
        t.regex(String((error as Error).cause), /initializer failed/);
      }
    },
  );

  test(
    title("shutdown() waits for running and queued jobs; submit() afterwards is BrokenExecutorError; a second shutdown() is harmless"),
    async (t) => {
      const { result } = await runVirtual(t, function* () {
        const pool = make({ maxWorkers: 1 });
        const a = pool.submit(work.task("addLater"), [1, 1, 30]);
        const b = pool.submit(work.task("add"), [2, 2]);
        yield* pool.shutdown();
        let after: unknown;
        try {
          pool.submit(work.task("add"), [3, 3]);
        } catch (error) {
          after = error;
        }
        yield* pool.shutdown();
        return { a: a.result(), b: b.result(), after, stats: pool.stats() };
      });
      t.is(result.a, 2);
      t.is(result.b, 4);
      t.true(result.after instanceof BrokenExecutorError);
      t.regex((result.after as Error).message, /after shutdown\(\)/);
      t.deepEqual(result.stats, { workers: 0, idle: 0, busy: 0, queued: 0 });
    },
  );

  test(
    title("shutdown({ cancelFutures: true }) cancels queued jobs; shutdown({ wait: false }) stops running ones with BrokenExecutorError"),
    async (t) => {
      const { result } = await runVirtual(t, function* () {
        const pool = make({ maxWorkers: 1 });
        const running = pool.submit(work.task("spin"), [60_000]);
        const queued = pool.submit(work.task("add"), [1, 1]);
        yield* until(() => pool.stats().busy === 1, "the first job is dispatched");
        yield* pool.shutdown({ wait: false, cancelFutures: true });
        return { running: yield* settle(running), queued: queued.cancelled(), stats: pool.stats() };
      });
      t.true(errorOf(result.running) instanceof BrokenExecutorError);
      t.true(result.queued);
      t.deepEqual(result.stats, { workers: 0, idle: 0, busy: 0, queued: 0 });
    },
  );

  test(title("a task waiting on shutdown() that is cancelled stops waiting; the shutdown goes on to its end"), async (t) => {
    const { result } = await runVirtual(t, function* () {
      const pool = make({ maxWorkers: 1 });
      const job = pool.submit(work.task("addLater"), [1, 1, 50]);
      const waiter = createTask(
        (function* () {
          yield* pool.shutdown();
        })(),
      );
      yield* until(() => pool.stats().busy === 1, "the job is dispatched");
      waiter.cancel();
      const outcome = yield* settle(waiter);
      const value = yield* job; // the job still runs to its end
      yield* pool.shutdown();
      return { outcome, value, stats: pool.stats() };
    });
    t.true(errorOf(result.outcome) instanceof CancelledError);
    t.is(result.value, 2);
    t.deepEqual(result.stats, { workers: 0, idle: 0, busy: 0, queued: 0 });
  });

  test(
    title("a worker that dies while idle (an uncaught error in a timer its last job left) is reported, and replaced when needed"),
    async (t) => {
      const { result, reports } = await withPool(
        t,
        make,
        { maxWorkers: 1 },
        function* (pool) {
          const returned = yield* runInExecutor(pool, work.task("crashLater"), 20);
          yield* until(() => pool.stats().workers === 0, "the idle worker dies");
          return { returned, after: yield* runInExecutor(pool, work.task("add"), 1, 2) };
        },
        { allowReports: true },
      );
      t.deepEqual(result, { returned: "returned", after: 3 });
      t.is(reports.length, 1);
      t.regex(reports[0]?.message ?? "", /exited while idle/);
      t.regex(String(reports[0]?.exception), /uncaught in a timer/);
    },
  );

  test(
    title("a job cancelled while its worker starts, then shutdown(): the shutdown ends (the loop never takes the wait for a deadlock)"),
    async (t) => {
      const { result } = await runVirtual(t, function* () {
        const pool = make({ maxWorkers: 1 });
        const future = pool.submit(work.task("add"), [1, 1]);
        future.cancel();
        yield* pool.shutdown();
        return { cancelled: future.cancelled(), stats: pool.stats() };
      });
      t.true(result.cancelled);
      t.deepEqual(result.stats, { workers: 0, idle: 0, busy: 0, queued: 0 });
    },
  );

  test(
    title("bad input: a plain function, a bad reference, args that are not an array, an unknown option: TypeErrors; the pool goes on"),
    async (t) => {
      const { result } = await withPool(t, make, { maxWorkers: 1 }, function* (pool) {
        const errors: unknown[] = [];
        const attempts: (() => unknown)[] = [
          () => pool.submit((() => 1) as never, []),
          () => pool.submit({ moduleUrl: 1 } as never, []),
          () => pool.submit(work.task("add"), 5 as never),
          () => pool.submit(work.task("add"), [1, 2], { cancel: "kill" as never }),
        ];
        for (const attempt of attempts) {
          try {
            attempt();
          } catch (error) {
            errors.push(error);
          }
        }
        return { errors, after: yield* runInExecutor(pool, work.task("add"), 1, 2) };
      });
      t.is(result.errors.length, 4);
      t.true(result.errors.every((error) => error instanceof TypeError));
      t.regex((result.errors[0] as Error).message, /a function \(anonymous\) cannot be sent to another thread/);
      t.is(result.after, 3);
      for (const bad of [
        { maxWorkers: 0 },
        { maxQueue: 0 },
        { minWorkers: 3, maxWorkers: 2 },
        { idleTimeoutMs: -1 },
        { maxWorkerz: 1 },
        { execArgv: "x" },
      ]) {
        t.throws(() => make(bad as PoolOptions), { instanceOf: Error }, JSON.stringify(bad));
      }
    },
  );
}
