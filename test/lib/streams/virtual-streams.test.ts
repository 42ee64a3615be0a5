/**
 * Streams over in-memory sockets on virtual time: the transport, the writer's flow control,
 * half-close, resets and cancellation, with exact timing and no network.
 */
import test from "ava";
import {
  BrokenResourceError,
  CancelledError,
  InvalidStateError,
  LimitOverrunError,
  createTask,
  getRunningLoop,
  moveOnAfter,
  openStreams,
  sleep,
  yieldNow,
} from "../../../lib/index.js";
import type { StreamPair } from "../../../lib/index.js";
import { VirtualSocket } from "../../../selectors/index.js";
import { runVirtual } from "../../helpers/loop.js";
import { errorOf, settle } from "../../helpers/operations.js";
import type { Coroutine } from "../../../lib/index.js";

const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString("utf8");

/** Both ends of an in-memory connection, as streams. */
function* connectedPair(bufferSize?: number, limit?: number): Coroutine<[StreamPair, StreamPair]> {
  const [left, right] = VirtualSocket.pair(bufferSize === undefined ? {} : { bufferSize });
  const options = limit === undefined ? {} : { limit };
  return [yield* openStreams(left, options), yield* openStreams(right, options)];
}

/** Drains `writer`, then returns `value` (so that a time limit's undefined means "expired"). */
function* drainThen<T>(writer: StreamPair[1], value: T): Coroutine<T> {
  yield* writer.drain();
  return value;
}

/** Closes both writers and waits until both connections are closed. */
function* closeBoth(...pairs: StreamPair[]): Coroutine<void> {
  for (const [, writer] of pairs) writer.close();
  for (const [, writer] of pairs) yield* writer.waitClosed();
}

test("`openStreams()` behaviour: a line protocol over a VirtualSocket pair runs on virtual time", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const loop = getRunningLoop();
    const [client, server] = yield* connectedPair();
    const log: string[] = [];
    const serving = createTask(serve());
    function* serve(): Coroutine<void> {
      const [reader, writer] = server;
      for (let line = yield* reader.readLine(); line.length > 0; line = yield* reader.readLine()) {
        yield* sleep(100); // thinking
        writer.write(text(line).toUpperCase());
      }
      log.push(`server saw the end @${loop.time()}`);
      writer.close();
    }
    const [reader, writer] = client;
    writer.write("ping\n");
    log.push(`${text(yield* reader.readLine()).trim()} @${loop.time()}`);
    writer.writeLines(["a\n", "b\n"]);
    log.push(`${text(yield* reader.readExactly(4))} @${loop.time()}`);
    writer.writeEof();
    log.push(`end: ${(yield* reader.read()).length} @${loop.time()}`);
    yield* serving;
    yield* closeBoth(client);
    return log;
  });
  t.deepEqual(result, ["PING @100", "A\nB\n @300", "server saw the end @300", "end: 0 @300"]);
});

test("`StreamWriter.drain()` behaviour: waits above the high water mark until the peer reads it down to the low mark", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const loop = getRunningLoop();
    // The reader pauses above 2 KiB and takes 1 KiB per ms: the writer's queue shrinks 1 KiB per ms.
    const [[, writer], [reader, peerWriter]] = yield* connectedPair(1024, 1024);
    const log: string[] = [];
    const payload = new Uint8Array(200 * 1024).fill(7);
    // In 1 KiB writes: the mark is checked as each write completes (as Node reports them).
    for (let at = 0; at < payload.length; at += 1024) writer.write(payload.subarray(at, at + 1024));
    log.push(`queued ${writer.transport.getWriteBufferSize()}`);
    const draining = createTask(drainAndLog());
    function* drainAndLog(): Coroutine<void> {
      yield* writer.drain();
      log.push(`drained @${loop.time()} with ${writer.transport.getWriteBufferSize()} queued`);
    }
    let received = 0;
    while (received < payload.length) {
      yield* sleep(1);
      received += (yield* reader.read(1024)).length;
    }
    yield* draining;
    log.push(`received ${received}`);
    yield* closeBoth([reader, writer], [reader, peerWriter]);
    return log;
  });
  // 199 KiB queued at first; the peer then holds 4 KiB (3 in its reader, 1 in its socket) and
  // reads 1 KiB per ms, so the queue reaches the low mark (16 KiB) at 196 - 16 = 180 ms.
  t.deepEqual(result, [`queued ${199 * 1024}`, `drained @180 with ${16 * 1024} queued`, `received ${200 * 1024}`]);
});

test("`StreamWriter.drain()` behaviour: returns at once below the high water mark", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const [[reader, writer], peer] = yield* connectedPair();
    writer.write(new Uint8Array(100 * 1024));
    yield* writer.drain(); // the peer's 64 KiB buffer took most of it: 36 KiB queued
    const queued = writer.transport.getWriteBufferSize();
    yield* closeBoth([reader, writer], peer);
    return queued;
  });
  t.is(result, 36 * 1024);
});

test("`StreamWriter.drain()` behaviour: cancelled, the queued bytes stay queued and are all delivered", async (t) => {
  const { result } = await runVirtual(t, function* () {
    // The peer's reader pauses above 2 KiB: the queue stays put until it reads.
    const [[, writer], [reader, peerWriter]] = yield* connectedPair(1024, 1024);
    const payload = Uint8Array.from({ length: 100_000 }, (_, i) => i % 251);
    writer.write(payload);
    yield* sleep(1);
    const before = writer.transport.getWriteBufferSize();
    const drained = yield* moveOnAfter(10, drainThen(writer, "drained"));
    const after = writer.transport.getWriteBufferSize();
    const got = yield* reader.readExactly(payload.length);
    yield* closeBoth([reader, writer], [reader, peerWriter]);
    return { drained, before, after, intact: Buffer.from(got).equals(Buffer.from(payload)) };
  });
  t.deepEqual(result, { drained: undefined, before: 100_000 - 4 * 1024, after: 100_000 - 4 * 1024, intact: true });
});

test("`StreamReader` behaviour: over a transport, a full reader pauses reading and the peer's bytes wait in its queue", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const [[, writer], [reader, peerWriter]] = yield* connectedPair(1024, 4096);
    writer.write(new Uint8Array(64 * 1024));
    yield* sleep(10); // the reader's transport takes 2 x limit and a bit, then pauses
    const queuedWhilePaused = writer.transport.getWriteBufferSize();
    const total = (yield* reader.readExactly(64 * 1024)).length;
    const queuedAfter = writer.transport.getWriteBufferSize();
    yield* closeBoth([reader, writer], [reader, peerWriter]);
    return { queuedWhilePaused, total, queuedAfter };
  });
  // Paused above 8 KiB: at most 8 KiB + one 1 KiB buffer in the reader, 1 KiB in the socket.
  t.is(result.queuedWhilePaused, 64 * 1024 - 10 * 1024);
  t.is(result.total, 64 * 1024);
  t.is(result.queuedAfter, 0);
});

test("`StreamReader.readLine()` behaviour: an endless line from the peer is refused at the limit and is not buffered beyond it", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const [[, writer], [reader, peerWriter]] = yield* connectedPair(1024, 4096);
    writer.write(new Uint8Array(1024 * 1024).fill(0x61)); // 1 MiB without a newline
    const error = errorOf(yield* settle(reader.readLine()));
    const heldBack = writer.transport.getWriteBufferSize();
    writer.transport.abort();
    yield* peerWriter.waitClosed();
    return { error, heldBack };
  });
  t.true(result.error instanceof LimitOverrunError);
  t.true(result.heldBack > 1024 * 1024 - 16 * 1024, `only ${1024 * 1024 - result.heldBack} bytes left the writer`);
});

test("`StreamWriter.writeEof()` behaviour: half-close: the peer reads to the end, then answers on the same connection", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const [[reader, writer], [peerReader, peerWriter]] = yield* connectedPair();
    writer.write("question");
    writer.writeEof();
    const asked = text(yield* peerReader.read());
    peerWriter.write(`answer to ${asked}`);
    peerWriter.close();
    const answer = text(yield* reader.read());
    yield* peerWriter.waitClosed();
    yield* writer.waitClosed(); // both ways ended: the connection closed by itself
    return { asked, answer, closing: writer.isClosing(), canWriteEof: writer.canWriteEof() };
  });
  t.deepEqual(result, { asked: "question", answer: "answer to question", closing: true, canWriteEof: true });
});

test("`StreamWriter.write()` behaviour: after close() or writeEof() it is an InvalidStateError; bad data is a TypeError; nothing is sent", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const [[reader, writer], [peerReader, peerWriter]] = yield* connectedPair();
    const notBytes = errorOf(
      yield* settle(
        (function* () {
          writer.write(42 as never);
        })(),
      ),
    );
    const badLine = errorOf(
      yield* settle(
        (function* () {
          writer.writeLines(["ok", null as never]);
        })(),
      ),
    );
    writer.writeEof();
    const afterEof = errorOf(
      yield* settle(
        (function* () {
          writer.write("late");
        })(),
      ),
    );
    peerWriter.close();
    const afterClose = errorOf(
      yield* settle(
        (function* () {
          peerWriter.write("late");
        })(),
      ),
    );
    const seen = (yield* peerReader.read()).length;
    yield* closeBoth([reader, writer]);
    return { notBytes, badLine, afterEof, afterClose, seen };
  });
  t.true(result.notBytes instanceof TypeError);
  t.regex((result.notBytes as Error).message, /write\(\) needs bytes \(a Uint8Array or Buffer\) or a string: received number/);
  t.true(result.badLine instanceof TypeError);
  t.true(result.afterEof instanceof InvalidStateError);
  t.regex((result.afterEof as Error).message, /after writeEof\(\)/);
  t.true(result.afterClose instanceof InvalidStateError);
  t.regex((result.afterClose as Error).message, /after close\(\)/);
  t.is(result.seen, 0, "writeLines() with a bad item queued nothing");
});

test("`StreamReader.read()` behaviour: a connection reset mid-read is a BrokenResourceError with the reset as cause", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const [[reader, writer], [, peerWriter]] = yield* connectedPair();
    getRunningLoop().callLater(50, () => peerWriter.transport.abort()); // RST, not FIN
    const error = errorOf(yield* settle(reader.read(100)));
    const writeError = errorOf(
      yield* settle(
        (function* () {
          writer.write("anyone?");
        })(),
      ),
    );
    const drainError = errorOf(yield* settle(writer.drain()));
    yield* writer.waitClosed();
    return { error, writeError, drainError };
  });
  t.true(result.error instanceof BrokenResourceError);
  t.regex((result.error as Error).message, /ECONNRESET/);
  t.is(((result.error as Error).cause as { code?: string }).code, "ECONNRESET");
  t.true(result.writeError instanceof BrokenResourceError);
  t.true(result.drainError instanceof BrokenResourceError);
});

test("`StreamWriter.write()` behaviour: writing to a peer that closed is a BrokenResourceError (EPIPE) at the next write", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const [[reader, writer], [, peerWriter]] = yield* connectedPair();
    peerWriter.close();
    yield* peerWriter.waitClosed();
    const eof = (yield* reader.read()).length;
    writer.write("into the void"); // the peer is gone: this write breaks the connection
    const second = errorOf(
      yield* settle(
        (function* () {
          writer.write("again");
        })(),
      ),
    );
    yield* writer.waitClosed();
    return { eof, second };
  });
  t.is(result.eof, 0);
  t.true(result.second instanceof BrokenResourceError);
  t.regex((result.second as Error).message, /EPIPE/);
});

test("`StreamWriter.waitClosed()` behaviour: cancelled while the peer will not take the queue, it closes the connection at once", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const loop = getRunningLoop();
    const [[, writer], [peerReader, peerWriter]] = yield* connectedPair(1024, 1024);
    writer.write(new Uint8Array(10_000));
    writer.close(); // cannot finish: the peer does not read
    const waited = yield* moveOnAfter(20, writer.waitClosed());
    const closedAt = loop.time();
    const peerRead = yield* settle(peerReader.read(100_000));
    const peerError = peerRead.ok ? `read ${peerRead.value.length} bytes` : (peerRead.error as Error).name;
    yield* peerWriter.waitClosed();
    return { waited, closedAt, peerError, closing: writer.isClosing() };
  });
  t.deepEqual(result, { waited: undefined, closedAt: 20, peerError: "BrokenResourceError", closing: true });
});

test("`StreamWriter.waitClosed()` behaviour: in an already cancelled scope it closes at once and raises CancelledError; close() works there too", async (t) => {
  const { result } = await runVirtual(t, function* () {
    // Small buffers and a peer that does not read: the close cannot finish by itself.
    const [[, writer], [peerReader, peerWriter]] = yield* connectedPair(1024, 1024);
    const task = createTask(closeWhenCancelled());
    function* closeWhenCancelled(): Coroutine<void> {
      try {
        yield* sleep(1000);
      } finally {
        writer.write(new Uint8Array(10_000));
        writer.close(); // does not wait: fine in a cancelled scope
        yield* writer.waitClosed(); // raises at once, after closing forcefully
      }
    }
    yield* sleep(1);
    task.cancel();
    const outcome = yield* settle(task);
    const peerRead = yield* settle(peerReader.read(100));
    yield* peerWriter.waitClosed();
    return {
      cancelled: errorOf(outcome) instanceof CancelledError,
      peerRead: peerRead.ok ? `read ${peerRead.value.length} bytes` : (peerRead.error as Error).name,
    };
  });
  t.deepEqual(result, { cancelled: true, peerRead: "BrokenResourceError" });
});

test("`StreamReader.read()` behaviour: over a transport, a cancelled read loses no bytes", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const [[reader, writer], [, peerWriter]] = yield* connectedPair();
    const loop = getRunningLoop();
    const waiting = createTask(reader.read(10));
    yield* yieldNow();
    waiting.cancel();
    loop.callSoon(() => peerWriter.write("kept"));
    const cancelled = errorOf(yield* settle(waiting)) instanceof CancelledError;
    const next = text(yield* reader.read(10));
    yield* closeBoth([reader, writer], [reader, peerWriter]);
    return { cancelled, next };
  });
  t.deepEqual(result, { cancelled: true, next: "kept" });
});

test("`StreamWriter.getExtraInfo()` behaviour: what openStreams() was given, else the fallback", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const [left, right] = VirtualSocket.pair();
    const [, writer] = yield* openStreams(left, { extraInfo: { peername: "right" } });
    const [, other] = yield* openStreams(right);
    const info = [writer.getExtraInfo("peername"), writer.getExtraInfo("nope", "fallback"), other.getExtraInfo("socket") === right];
    writer.close();
    other.close();
    yield* writer.waitClosed();
    yield* other.waitClosed();
    return info;
  });
  t.deepEqual(result, ["right", "fallback", true]);
});

test("`openStreams()` behaviour: bad arguments are TypeErrors and RangeErrors; the loop goes on", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const [left, right] = VirtualSocket.pair();
    const errors = [
      errorOf(yield* settle(openStreams({} as never))),
      errorOf(yield* settle(openStreams(left, { limit: 0 }))),
      errorOf(yield* settle(openStreams(left, { limt: 10 } as never))),
      errorOf(yield* settle(openStreams(left, "x" as never))),
    ].map((error) => `${(error as Error).name}: ${(error as Error).message}`);
    left.destroy();
    right.destroy();
    yield* sleep(1);
    return errors;
  });
  t.deepEqual(result, [
    "TypeError: openStreams() needs a connected socket (a net.Socket, a VirtualSocket, a NativeSocket ...)",
    "RangeError: openStreams() needs options.limit as a whole number > 0: received 0",
    'TypeError: openStreams() got an unknown option "limt": the options are limit, extraInfo, canWriteEof',
    "TypeError: openStreams() needs an options object (or none): received string",
  ]);
});

test("`VirtualSocket.pair()` behaviour: a bufferSize that is not a whole number > 0 is a RangeError", (t) => {
  for (const bufferSize of [0, -1, 1.5, Number.NaN]) {
    t.throws(() => VirtualSocket.pair({ bufferSize }), { instanceOf: RangeError, message: /bufferSize/ });
  }
});
