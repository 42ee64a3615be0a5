import test from "ava";
import {
  CancelledError,
  IncompleteReadError,
  InvalidStateError,
  LimitOverrunError,
  StreamReader,
  createTask,
  getRunningLoop,
  sleep,
  yieldNow,
} from "../../../lib/index.js";
import { runVirtual } from "../../helpers/loop.js";
import { errorOf, settle } from "../../helpers/operations.js";

const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString("utf8");

/** Feeds `chunks` one per `stepMs` of loop time, then the end of the stream. */
function feedLater(reader: StreamReader, chunks: readonly string[], stepMs = 10): void {
  const loop = getRunningLoop();
  chunks.forEach((chunk, index) => loop.callLater(stepMs * (index + 1), () => reader.feedData(chunk)));
  loop.callLater(stepMs * (chunks.length + 1), () => reader.feedEof());
}

test("`StreamReader.readLine()` behaviour: lines across chunks, the rest at the end, then an empty result", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const reader = new StreamReader();
    feedLater(reader, ["hel", "lo\nwor", "ld\nlast"]);
    const lines: string[] = [];
    for (let line = yield* reader.readLine(); line.length > 0; line = yield* reader.readLine()) lines.push(text(line));
    return { lines, atEof: reader.atEof() };
  });
  t.deepEqual(result, { lines: ["hello\n", "world\n", "last"], atEof: true });
});

test("`StreamReader.read()` behaviour: up to n bytes of what is held; n < 0 reads to the end; empty at the end", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const reader = new StreamReader({ limit: 4 });
    feedLater(reader, ["abcdef", "gh", "ijklmnop"]);
    const first = text(yield* reader.read(3));
    const rest = text(yield* reader.read());
    const after = yield* reader.read(10);
    return { first, rest, after: after.length, zero: (yield* reader.read(0)).length };
  });
  t.deepEqual(result, { first: "abc", rest: "defghijklmnop", after: 0, zero: 0 });
});

test("`StreamReader.readExactly()` behaviour: n bytes across chunks; the end first is IncompleteReadError with the partial bytes", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const reader = new StreamReader();
    feedLater(reader, ["12", "345", "67"]);
    const four = text(yield* reader.readExactly(4));
    const short = errorOf(yield* settle(reader.readExactly(5)));
    return { four, short };
  });
  t.is(result.four, "1234");
  t.true(result.short instanceof IncompleteReadError);
  t.is(text((result.short as IncompleteReadError).partial), "567");
  t.is((result.short as IncompleteReadError).expected, 5);
});

test("`StreamReader.readUntil()` behaviour: a multi-byte separator split across chunks; past the limit, LimitOverrunError and the bytes stay", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const reader = new StreamReader({ limit: 8 });
    feedLater(reader, ["head\r", "\n\r\nbody-without-end-and-long"]);
    const headers = text(yield* reader.readUntil("\r\n\r\n"));
    const overrun = errorOf(yield* settle(reader.readUntil("\r\n\r\n")));
    const kept = text(yield* reader.read(5));
    yield* reader.read(); // the rest, to the end
    return { headers, overrun, kept };
  });
  t.is(result.headers, "head\r\n\r\n");
  t.true(result.overrun instanceof LimitOverrunError);
  t.true((result.overrun as LimitOverrunError).consumed > 8);
  t.is(result.kept, "body-");
});

test("`StreamReader.readLine()` behaviour: an endless line cannot grow the buffer past the limit: LimitOverrunError, the line dropped, the next line read", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const reader = new StreamReader({ limit: 16 });
    const loop = getRunningLoop();
    for (let i = 1; i <= 10; i++) loop.callLater(i, () => reader.feedData("x".repeat(10)));
    loop.callLater(20, () => {
      reader.feedData("\nnext\n");
      reader.feedEof();
    });
    // Each readLine() that finds more than the limit without a newline drops what it found.
    const overruns: unknown[] = [];
    let tail = "";
    for (;;) {
      const outcome = yield* settle(reader.readLine());
      if (outcome.ok) {
        tail = text(outcome.value);
        break;
      }
      overruns.push(outcome.error);
    }
    return { overruns, tail, next: text(yield* reader.readLine()) };
  });
  t.true(result.overruns.length >= 1);
  t.true(result.overruns.every((error) => error instanceof LimitOverrunError));
  t.regex(result.tail, /^x{0,16}\n$/, "the line's last part, shorter than the limit");
  t.is(result.next, "next\n");
});

test("`StreamReader` behaviour: cancelled while waiting, a read consumes nothing: the next read gets the bytes", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const reader = new StreamReader();
    const waiting = createTask(reader.readLine());
    yield* sleep(5);
    waiting.cancel();
    const outcome = yield* settle(waiting);
    reader.feedData("kept\n");
    return { outcome, line: text(yield* reader.readLine()) };
  });
  t.true(errorOf(result.outcome) instanceof CancelledError);
  t.is(result.line, "kept\n");
});

test("`StreamReader` behaviour: woken and cancelled in the same step, the read still takes nothing it does not return", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const reader = new StreamReader();
    const waiting = createTask(reader.readExactly(4));
    yield* yieldNow();
    reader.feedData("ab");
    waiting.cancel();
    const outcome = yield* settle(waiting);
    reader.feedData("cd");
    return { outcome: outcome.ok ? text(outcome.value) : "cancelled", next: text(yield* reader.readExactly(4)) };
  });
  t.is(result.outcome, "cancelled");
  t.is(result.next, "abcd");
});

test("`StreamReader` behaviour: a second task reading at once is an InvalidStateError; the first read goes on", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const reader = new StreamReader();
    const first = createTask(reader.read(10));
    yield* yieldNow();
    const second = errorOf(yield* settle(reader.read(10)));
    reader.feedData("data");
    return { second, first: text(yield* first) };
  });
  t.true(result.second instanceof InvalidStateError);
  t.regex((result.second as Error).message, /one reader at a time/);
  t.is(result.first, "data");
});

test("`StreamReader.setException()` behaviour: a waiting read and every later read throw the error", async (t) => {
  const reset = Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" });
  const { result } = await runVirtual(t, function* () {
    const reader = new StreamReader();
    getRunningLoop().callLater(5, () => reader.setException(reset));
    const waiting = errorOf(yield* settle(reader.readLine()));
    const later = errorOf(yield* settle(reader.read(1)));
    return { waiting, later, exception: reader.exception() };
  });
  t.is(result.waiting, reset);
  t.is(result.later, reset);
  t.is(result.exception, reset);
});

test("`StreamReader` behaviour: flow control pauses the transport above twice the limit and resumes it at the limit, or when a read needs more", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const log: string[] = [];
    const reader = new StreamReader({ limit: 4 });
    reader.setTransport({ pauseReading: () => log.push("pause"), resumeReading: () => log.push("resume") });
    reader.feedData("12345678"); // 8: not above 2 × 4
    log.push("fed 8");
    reader.feedData("9"); // 9 > 8: paused
    log.push("fed 9");
    yield* reader.read(2); // 7 left: still above the limit
    log.push("read 2");
    yield* reader.read(3); // 4 left: resumed
    log.push("read 3");
    reader.feedData("abcdefghi"); // 13: paused again
    const big = createTask(reader.readExactly(20)); // needs more than is held: resumed while it waits
    yield* yieldNow();
    log.push("waiting for 20");
    reader.feedData("jklmnopq");
    return { log, big: text(yield* big) };
  });
  t.deepEqual(result.log, [
    "fed 8",
    "pause",
    "fed 9",
    "read 2",
    "resume",
    "read 3",
    "pause",
    "resume",
    "waiting for 20",
    "pause",
    "resume",
  ]);
  t.is(result.big, "6789abcdefghijklmnop");
});

test("`StreamReader` behaviour: bad input is a clear error of the right class, and the reader goes on", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const reader = new StreamReader();
    t.throws(() => reader.feedData(42 as never), { instanceOf: TypeError, message: /feedData\(\) needs bytes/ });
    t.throws(() => new StreamReader({ limit: 0 }), { instanceOf: RangeError });
    reader.setTransport({ pauseReading() {}, resumeReading() {} });
    t.throws(
      () => {
        reader.setTransport({ pauseReading() {}, resumeReading() {} });
      },
      { instanceOf: InvalidStateError, message: /has a transport already/ },
    );
    const errors = [
      errorOf(yield* settle(reader.read(1.5))),
      errorOf(yield* settle(reader.readExactly(-1))),
      errorOf(yield* settle(reader.readUntil(""))),
    ];
    reader.feedData("ok\n");
    reader.feedEof();
    t.throws(() => reader.feedData("late"), { instanceOf: InvalidStateError, message: /after feedEof/ });
    return { errors, line: text(yield* reader.readLine()) };
  });
  t.true(result.errors[0] instanceof TypeError);
  t.true(result.errors[1] instanceof TypeError);
  t.true(result.errors[2] instanceof RangeError);
  t.is(result.line, "ok\n");
});
