/**
 * pipeline: a subprocess fed and read concurrently.
 *
 *   npm run example -- pipeline            # 100,000 lines, about 7 MB each way
 *   npm run example -- pipeline 3000000    # more lines: a run long enough to press Ctrl-C in
 *
 * The child is a line filter in plain Node (`node -e`, no shell tools needed): it numbers and
 * upper-cases each line of its stdin, and writes a summary to stderr at the end.
 *
 * - The simple way first: `communicate(input)` writes a small input, closes stdin, reads
 *   stdout and stderr to their end and waits for the exit, all in one call.
 * - Then a large input, with the three pipes driven by hand: in one `taskGroup`, a writer task
 *   writes the lines (`write()` then `drain()`) and `close()`s stdin, a reader task
 *   `readLine()`s stdout, a third task reads stderr; then `wait()` gives the exit code.
 *   Why at the same time: the pipes, with the buffers on both sides, hold well under a
 *   megabyte. Written first and read afterwards, this input deadlocks after some 12,000 lines:
 *   the child's stdout is full, so it stops reading its stdin, that fills up too, and `drain()`
 *   waits forever for a child that waits for us. The progress lines show the reader getting
 *   lines back while the writer is still sending.
 * - Ctrl-C: `main()` cancels the main task; the task group cancels its tasks, and the `finally`
 *   around the child stops it: `terminate()` (SIGTERM), `wait()` under a `timeout()`, and
 *   `kill()` (SIGKILL) if it does not end in time. In a terminal, Ctrl-C reaches the child as
 *   well (it is in the same process group), so it may already have ended by SIGINT;
 *   `kill -INT <pid of this process>` interrupts this process alone.
 *
 * You will see the small run's output, progress lines, then the numbers: lines, bytes, time
 * and throughput, the child's summary and its exit code 0. It finishes by itself in about a
 * second.
 */
import os from "node:os";
import { CancelledError, TimeoutError, createSubprocessExec, getRunningLoop, main, shield, taskGroup, timeout } from "../lib/index.js";
import type { Coroutine, Process, StreamReader, StreamWriter } from "../lib/index.js";

const DEFAULT_LINES = 100_000;
const LINES_PER_WRITE = 1000; // one write() per 1,000 lines: fewer, larger writes to the pipe
const REPORT_EVERY = 25_000; // a progress line every this many lines read back
const STOP_TIMEOUT_MS = 2000; // how long a terminated child has to end before kill()

/**
 * The child, run with `node -e`: numbers and upper-cases each line of stdin, then writes a
 * summary to stderr. It respects backpressure as real filters (`sort`, `gzip`) do: `pipe()`
 * stops reading stdin while stdout is full. (A plain string, not a function's source: tsx
 * would add helpers to a function that the child does not have.)
 */
const FILTER_SOURCE = String.raw`
const { Transform } = require("node:stream");
const { StringDecoder } = require("node:string_decoder");
const decoder = new StringDecoder("utf8");
let lines = 0, bytesIn = 0, rest = "";
const number = (line) => ++lines + ": " + line.toUpperCase() + "\n";
const filter = new Transform({
  transform(chunk, _encoding, done) {
    bytesIn += chunk.length;
    const parts = (rest + decoder.write(chunk)).split("\n");
    rest = parts.pop();
    done(null, parts.map(number).join(""));
  },
  flush(done) {
    const tail = rest + decoder.end();
    const out = tail === "" ? "" : number(tail);
    process.stderr.write("filter: " + lines + " lines, " + bytesIn + " bytes read\n");
    done(null, out);
  },
});
process.stdin.pipe(filter).pipe(process.stdout);
`;

/** What the writer has sent and the reader has got back, shared by the two tasks. */
interface Counts {
  linesSent: number;
  bytesSent: number;
  linesBack: number;
  bytesBack: number;
  lastBack: Uint8Array;
}

interface Pipes {
  readonly stdin: StreamWriter;
  readonly stdout: StreamReader;
  readonly stderr: StreamReader;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const text = (line: Uint8Array): string => decoder.decode(line).replace(/\n$/, "");
/** The lines of a whole output; none for an output that is not piped (null). */
const linesOf = (bytes: Uint8Array | null): string[] => (bytes === null ? [] : decoder.decode(bytes).trimEnd().split("\n"));
const thousands = (n: number): string => n.toLocaleString("en-US");
const megabytes = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;

let started = 0;
function stamp(): string {
  return `${String(Math.round(getRunningLoop().time() - started)).padStart(5)} ms`;
}
const say = (message: string): void => {
  console.log(`${stamp()}  ${message}`);
};

/** Line `i` of the large input. */
function makeLine(i: number): string {
  return `line ${i} of the input, the quick brown fox jumps over the lazy dog\n`;
}

/** `exit code 0`, or the signal that ended the child. */
function describeExit(returncode: number | null): string {
  if (returncode === null) return "still running";
  if (returncode >= 0) return `exit code ${returncode}`;
  const signal = Object.entries(os.constants.signals).find(([, value]) => value === -returncode)?.[0] ?? "a signal";
  return `ended by ${signal} (returncode ${returncode})`;
}

/** The three pipes of a child started with all three piped. */
function pipesOf(proc: Process): Pipes {
  const { stdin, stdout, stderr } = proc;
  if (stdin === null || stdout === null || stderr === null) {
    throw new TypeError(`process ${proc.pid} lacks a pipe: start it with { stdin: "pipe", stdout: "pipe", stderr: "pipe" }`);
  }
  return { stdin, stdout, stderr };
}

/**
 * Stops the child if it still runs: SIGTERM, then SIGKILL if it has not ended after
 * STOP_TIMEOUT_MS. Run it shielded: after Ctrl-C the calling task is cancelled, and this wait
 * must not be cut short.
 */
function* stopChild(proc: Process): Coroutine<void> {
  if (proc.returncode !== null) return;
  say(`stopping child ${proc.pid}: terminate()`);
  proc.terminate();
  try {
    yield* timeout(STOP_TIMEOUT_MS, proc.wait());
  } catch (error) {
    if (!(error instanceof TimeoutError)) throw error;
    say(`child ${proc.pid} still runs after ${STOP_TIMEOUT_MS} ms: kill()`);
    proc.kill();
    yield* proc.wait();
  }
  say(`child ${proc.pid} stopped: ${describeExit(proc.returncode)}`);
}

/** Starts the filter child, runs `use` with it, and makes sure the child has ended afterwards. */
function* withFilter<T>(use: (proc: Process) => Coroutine<T>): Coroutine<T> {
  const proc = yield* createSubprocessExec(process.execPath, ["-e", FILTER_SOURCE], { stdin: "pipe", stdout: "pipe", stderr: "pipe" });
  try {
    return yield* use(proc);
  } finally {
    // Normal end: the child has exited, nothing to do. Error or Ctrl-C: stop it.
    yield* shield(stopChild(proc));
  }
}

/** The simple way, for an input that is small or already at hand: communicate(). */
function* filterSmall(proc: Process): Coroutine<void> {
  const [stdout, stderr] = yield* proc.communicate("pear\napple\nfig\n");
  console.log(`communicate("pear\\napple\\nfig\\n") with child ${proc.pid}:`);
  for (const line of linesOf(stdout)) console.log(`  stdout: ${line}`);
  for (const line of linesOf(stderr)) console.log(`  stderr: ${line}`);
  console.log(`  ${describeExit(proc.returncode)}\n`);
}

/** The writer: `count` lines to stdin, write() then drain() (which waits while the child is behind), then close(). */
function* feed(stdin: StreamWriter, count: number, counts: Counts): Coroutine<void> {
  try {
    for (let first = 1; first <= count; first += LINES_PER_WRITE) {
      const last = Math.min(count, first + LINES_PER_WRITE - 1);
      let chunk = "";
      for (let i = first; i <= last; i++) chunk += makeLine(i);
      const bytes = encoder.encode(chunk);
      stdin.write(bytes);
      counts.linesSent = last;
      counts.bytesSent += bytes.length;
      yield* stdin.drain();
    }
  } finally {
    stdin.close(); // end-of-file for the child; also when cancelled (close() does not wait)
  }
  yield* stdin.waitClosed();
  say(`writer: all ${thousands(count)} lines sent, stdin closed`);
}

/** The reader: stdout line by line, to its end (the child has finished writing). */
function* collect(stdout: StreamReader, counts: Counts): Coroutine<void> {
  for (let line = yield* stdout.readLine(); line.length > 0; line = yield* stdout.readLine()) {
    counts.linesBack++;
    counts.bytesBack += line.length;
    if (counts.linesBack === 1) say(`reader: first line back: ${text(line)}`);
    if (counts.linesBack % REPORT_EVERY === 0) {
      say(`reader: ${thousands(counts.linesBack)} lines back; the writer has sent ${thousands(counts.linesSent)} so far`);
    }
    counts.lastBack = line;
  }
  say(`reader: end of stdout, last line: ${text(counts.lastBack)}`);
}

/** The large input, with the three pipes driven concurrently by hand. */
function* filterMany(proc: Process, count: number): Coroutine<void> {
  const { stdin, stdout, stderr } = pipesOf(proc);
  const counts: Counts = { linesSent: 0, bytesSent: 0, linesBack: 0, bytesBack: 0, lastBack: new Uint8Array() };
  let summary = "";
  const startedMs = getRunningLoop().time();
  say(`child ${proc.pid}: feeding ${thousands(count)} lines while reading its output`);
  try {
    yield* taskGroup(function* (tg) {
      tg.createTask(feed(stdin, count, counts), { name: "write stdin" });
      tg.createTask(collect(stdout, counts), { name: "read stdout" });
      tg.createTask(
        (function* (): Coroutine<void> {
          summary = text(yield* stderr.read());
        })(),
        { name: "read stderr" },
      );
    });
  } catch (error) {
    if (error instanceof CancelledError) {
      say(`interrupted (${error.reason.source}) after ${thousands(counts.linesSent)} lines sent, ${thousands(counts.linesBack)} back`);
    }
    throw error;
  }
  const code = yield* proc.wait();
  const seconds = (getRunningLoop().time() - startedMs) / 1000;
  const mbPerSecond = (counts.bytesSent + counts.bytesBack) / 1e6 / seconds;
  console.log();
  console.log(`sent      ${thousands(counts.linesSent)} lines, ${megabytes(counts.bytesSent)}`);
  console.log(`got back  ${thousands(counts.linesBack)} lines, ${megabytes(counts.bytesBack)}`);
  console.log(`time      ${seconds.toFixed(2)} s (${mbPerSecond.toFixed(0)} MB/s through the pipes, both ways)`);
  console.log(`stderr    ${summary}`);
  console.log(`child     ${describeExit(code)}: wait() returned ${code}, proc.returncode is ${proc.returncode}`);
}

const arg = process.argv[3]; // process.argv[2] is the example's name
const count = arg === undefined ? DEFAULT_LINES : Number(arg);
if (!Number.isInteger(count) || count <= 0) {
  console.error(`usage: npm run example -- pipeline [lines]   (received ${JSON.stringify(arg)})`);
  process.exitCode = 2;
} else {
  await main(function* (): Coroutine<void> {
    started = getRunningLoop().time();
    yield* withFilter(filterSmall);
    yield* withFilter((proc) => filterMany(proc, count));
  });
}
