/**
 * The tutorial's examples (examples/tutorial/, explained in docs/tutorial.md) run as the
 * reader runs them, `npm run example -- tutorial/0N`, each in a child process: they exit 0,
 * write nothing to stderr, and print the lines the tutorial shows. Only lines that are the same
 * on every run are checked: times on virtual time are exact, but real I/O and worker threads
 * (steps 6 and 8) are checked for order and content, never for durations.
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import test from "ava";
import type { ExecutionContext } from "ava";

const root = fileURLToPath(new URL("../../", import.meta.url));

interface Outcome {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `examples/run-example.ts tutorial/<step>` as `npm run example` does, and collects what it printed. */
function runStep(step: string): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import=tsx", "examples/run-example.ts", `tutorial/${step}`],
      { cwd: root, timeout: 30_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : null;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Runs the step and checks that it ended cleanly; returns its stdout as lines. */
async function cleanRun(t: ExecutionContext, step: string): Promise<string[]> {
  const { code, stdout, stderr } = await runStep(step);
  t.is(code, 0, `tutorial/${step} exited with ${String(code)}; stderr:\n${stderr}`);
  t.is(stderr, "");
  return stdout.split("\n");
}

/**
 * Checks that `expected` occur among `lines` in this order (other lines may come between). A
 * string must equal a whole line, a RegExp must match one.
 */
function inOrder(t: ExecutionContext, lines: readonly string[], expected: ReadonlyArray<string | RegExp>): void {
  let from = 0;
  for (const wanted of expected) {
    const at = lines.findIndex((line, index) => index >= from && (typeof wanted === "string" ? line === wanted : wanted.test(line)));
    if (at < 0) {
      t.fail(`expected, after line ${from + 1}: ${String(wanted)}\nstdout:\n${lines.join("\n")}`);
      return;
    }
    from = at + 1;
  }
  t.pass();
}

test("`tutorial/01` behaviour: drives generators by hand (next, throw, return, yield*), then runs the same idea as a Coroutine", async (t) => {
  const lines = await cleanRun(t, "01");
  inOrder(t, lines, [
    "  (calling quiz() ran nothing yet)",
    "  [quiz] started",
    "  next()   -> { value: 'how many apples?', done: false }",
    "  [quiz] got 3 apples",
    "  next(3)  -> { value: 'how many pears?', done: false }",
    "  next(4)  -> { value: 7, done: true }",
    '  [counter] caught "reset!" at its yield, goes on',
    "  throw(new Error)  -> { value: 2, done: false }",
    "  [counter] finally: cleaning up",
    "  return(\"closed\")  -> { value: 'closed', done: true }",
    '  yielded "hello, ada"',
    '  yielded "goodbye, grace"',
    "  returned 4 (lines yielded by the two inner generators)",
    "  [driver] log: doubled: 42",
    "  [driver] the program returned 42",
    '  by hand: it yielded a sleep instruction, "sleep(100)"',
    "  by hand, resumed without waiting -> { value: 42, done: true }",
    "  run(slowDouble(21)) -> 42, at loop time 100 ms",
  ]);
});

test("`tutorial/02` behaviour: the toy scheduler and yieldio's loop interleave the three coroutines in the same round-robin order", async (t) => {
  const lines = await cleanRun(t, "02");
  const roundRobin = [
    "ada: step 1 of 3",
    "grace: step 1 of 1",
    "linus: step 1 of 2",
    "ada: step 2 of 3",
    "linus: step 2 of 2",
    "ada: step 3 of 3",
  ];
  const steps = lines.filter((line) => / step \d of \d$/.test(line)).map((line) => line.trim());
  t.deepEqual(steps, [...roundRobin, ...roundRobin]);
  inOrder(t, lines, [
    "1. the toy scheduler runs three coroutines, round robin:",
    "  results, in the order they finished: [ 'grace: 1 step', 'linus: 2 steps', 'ada: 3 steps' ]",
    "2. the same coroutines as yieldio tasks:",
    "  results, in gather()'s argument order: [ 'ada: 3 steps', 'grace: 1 step', 'linus: 2 steps' ]",
  ]);
});

test("`tutorial/03` behaviour: callbacks run in order, a future set by a timer wakes its done callback and its coroutine, a callback API becomes an Operation", async (t) => {
  const lines = await cleanRun(t, "03");
  inOrder(t, lines, [
    "  [t=0] scheduled five callbacks; nothing has run yet",
    "  [t=0] callSoon: hello ada",
    "  [t=0] callSoon: second",
    "  [t=10] callLater(10)",
    "  [t=20] callLater(20) #1",
    "  [t=20] callLater(20) #2 (same deadline: after #1)",
    "  [t=30] the coroutine waits with yield* future (done: false)",
    "  [t=80] timer callback: setResult() returned",
    '  [t=80] done callback: the future holds "the answer"',
    '  [t=80] the coroutine resumed with "the answer"',
    '  [t=80] yield* on the done future again: "the answer" at once',
    "  [t=90] user 1 is ada",
    '  [t=100] user 3: caught "no user 3"',
    '  [t=125] done callback of task sleeper: "slept 25 ms"',
    '  [t=125] and the coroutine\'s yield* task returned "slept 25 ms"',
  ]);
});

test("`tutorial/04` behaviour: the trace shows each pass: the poll, then I/O callbacks, due timers and the snapshot of ready tasks", async (t) => {
  const lines = await cleanRun(t, "04");
  t.is(lines.filter((line) => line.startsWith("pass ")).length, 10, "ten passes");
  inOrder(t, lines, [
    "  spawned task Task-1",
    "the loop starts running",
    "pass 1, t=0: poll with timeout 0 ms",
    "  step task Task-1",
    "  spawned task polite",
    "  spawned task sleeper",
    "  end of step: Task-1 is waiting on Task polite",
    "pass 2, t=0: poll with timeout 0 ms",
    "  run callback: hello",
    "    (hello from callSoon)",
    "  step task polite",
    "  scheduled task polite (it was running: it gave way)",
    "  end of step: polite is back on the ready queue (it gave way)",
    "  step task sleeper",
    "  end of step: sleeper is waiting on sleep until 10",
    "pass 3, t=0: poll with timeout 0 ms",
    "    (polite counts 2)",
    "pass 4, t=0: poll with timeout 0 ms",
    "    (polite is done)",
    "  scheduled task Task-1 (it was waiting on Task polite)",
    "  task polite finished",
    "pass 5, t=0: poll with timeout 0 ms",
    "  end of step: Task-1 is waiting on Task sleeper",
    "pass 6, t=0: poll with timeout 5 ms",
    "  poll answered: 0 file object(s) ready, the clock moved to t=5",
    "  run timer (due at t=5): makePipeReadable",
    "pass 7, t=5: poll with timeout 5 ms",
    "  poll answered: 1 file object(s) ready",
    "  run callback: readPipe",
    "    (the reader read the pipe)",
    "pass 8, t=5: poll with timeout 5 ms",
    "  poll answered: 0 file object(s) ready, the clock moved to t=10",
    "  scheduled task sleeper (it was waiting on sleep until 10)",
    "    (sleeper woke up)",
    "  task sleeper finished",
    "pass 9, t=10: poll with timeout 0 ms",
    "    (main is done)",
    "  task Task-1 finished",
    "pass 10, t=10: poll with timeout 0 ms",
    "  run callback: stopWhenDone",
    "the loop stopped",
  ]);
});

test("`tutorial/05` behaviour: the toy heap pops by (deadline, sequence), and yieldio's timers fire in that order with the poll waiting for the earliest live deadline", async (t) => {
  const lines = await cleanRun(t, "05");
  inOrder(t, lines, [
    "  earliest deadline (the root): 0",
    "  popped:      e@0 b@10 d@10 f@10 c@20 a@30   (b, d, f: same deadline, in push order)",
    "  five timers due at 10, keyed by deadline only:    1@10 5@10 4@10 3@10 2@10",
    "  the same, keyed by (deadline, sequence number):   1@10 2@10 3@10 4@10 5@10",
    "  t=0: poll, timeout 10 ms",
    "  t=10: b (callLater 10) fired",
    "  t=10: d (callLater 10, scheduled after b) fired",
    "  t=10: poll, timeout 10 ms",
    "  t=20: c (callLater 20) fired",
    "  t=20: the main task woke up from sleep(20)",
    "  t=20: poll, timeout 5 ms",
    "  t=25: e (callAt 25) fired",
    "  t=25: poll, timeout 5 ms",
    "  t=30: a (callLater 30) fired",
  ]);
  t.false(
    lines.some((line) => line.includes("never")),
    "the cancelled timer never fires",
  );
});

test("`tutorial/06` behaviour: a TCP echo on 127.0.0.1: the loop blocks in the selector until bytes arrive, then closes everything and exits", async (t) => {
  const lines = await cleanRun(t, "06");
  inOrder(t, lines, [
    /^selector: (NativeSelector|NodeSelector)$/,
    "[server] listening on 127.0.0.1, on a free port",
    "[client] connected",
    '[client] sends "hello\\n"',
    '[server] got "hello\\n", echoes it',
    '[client] got back "hello\\n"',
    "[client] pauses 100 ms",
    /^ {6}\(loop idle: blocked in the selector, timeout \d+ ms; woke after [\d.]+ ms, \d+ ready\)$/,
    '[client] sends "world\\n"',
    '[server] got "world\\n", echoes it',
    '[client] got back "world\\n"',
    "[server] the client closed its side: the handler returns",
    "[main] the connection and the server are closed",
    /^the loop blocked in its selector \d+ times \(\d+ ms in all\), and only looked \d+ times$/,
  ]);
  t.true(
    lines.some((line) => /blocked in the selector, no timeout: until I\/O; woke after [\d.]+ ms, [1-9]\d* ready/.test(line)),
    "some poll waited with no timeout and woke with file objects ready",
  );
});

test("`tutorial/07` behaviour: cancel, level-triggered cancellation, time limits, shield, task groups, ensure and resource, at exact virtual times", async (t) => {
  const lines = await cleanRun(t, "07");
  inOrder(t, lines, [
    "  [t=10] worker: finally block runs",
    '  [t=10] yield* task raised CancelledError: "cancelled explicitly in task worker: no longer needed"',
    "  [t=20] stubborn caught CancelledError and tries to sleep on",
    "  [t=20] stubborn: the next sleep raised CancelledError again, at once",
    "  [t=20] the task ended cancelled",
    "  [t=70] timeout(50, slowQuery()) raised TimeoutError",
    "  [t=120] moveOnAfter(50, slowQuery()) returned undefined",
    '  [t=220] timeout(500, slowQuery()) returned "result": it finished in time',
    "  [t=230] without shield: says goodbye...",
    "  [t=230] without shield: the task is done (CancelledError)",
    "  [t=240] with shield: says goodbye...",
    "  [t=260] with shield: goodbye sent, closed",
    "  [t=260] with shield: the task is done (CancelledError)",
    "  [t=290] failer raises",
    "  [t=290] sibling A: finally block runs",
    "  [t=290] sibling B: finally block runs",
    '  [t=290] the group raised an ExceptionGroup of ["disk full"], after both finally blocks',
    "  [t=300] job's body returns",
    "  [t=305] flush the cache (ensure, waits 5 ms)",
    "  [t=325] db: goodbye sent, closed",
    "  [t=325] close log.txt (ensure)",
    '  [t=325] yield* job returned "job done": every cleanup had run',
    "  [t=330] cancel the second job while it works",
    "  [t=335] flush the cache (ensure, waits 5 ms)",
    "  [t=355] db: goodbye sent, closed",
    "  [t=355] close log.txt (ensure)",
    "  [t=355] the cancelled job settled after its cleanups too",
  ]);
  t.false(
    lines.some((line) => line.includes("without shield: goodbye sent")),
    "the unshielded cleanup was interrupted",
  );
});

test("`tutorial/08` behaviour: the same jobs on the loop's thread and in a ThreadPoolExecutor give the same digests; the pool is shut down and the program exits", async (t) => {
  const lines = await cleanRun(t, "08");
  inOrder(t, lines, [
    "1. 4 jobs on the loop's own thread:",
    /job 1 done on the loop's thread$/,
    /job 4 done on the loop's thread$/,
    /^ {2}\+ *\d+ ms {2}4 jobs in \d+ ms$/,
    "2. the same 4 jobs in a ThreadPoolExecutor with 2 worker threads, twice:",
    /first round: the workers start, and each loads the work module$/,
    /^ {2}\+ *\d+ ms {2}4 jobs in \d+ ms$/,
    /second round: the workers are ready$/,
    /^ {2}\+ *\d+ ms {2}4 jobs in \d+ ms$/,
    /^the ticker was late by up to \d+ ms with the jobs on the loop's thread,$/,
    /^and by up to \d+ ms with the jobs in the pool$/,
    /^same digests both ways: true \(job 1: [0-9a-f]{16}…\)$/,
  ]);
  t.is(lines.filter((line) => line.endsWith("done in a worker")).length, 8, "two rounds of four jobs in the pool");
  t.true(
    lines.some((line) => / tick \d+, late by \d+ ms$/.test(line)),
    "the ticker ran",
  );
});
