/**
 * The streams over the native selector's sockets (`RawSocketTransport` under `openStreams`),
 * on a loop whose selector is a `NativeSelector`: real TCP on 127.0.0.1.
 */
import test from "ava";
import { BrokenResourceError, CancelledError, InvalidStateError, createTask, openStreams, sleep, yieldNow } from "../../../lib/index.js";
import type { Coroutine, StreamPair } from "../../../lib/index.js";
import { NativeSelector, NativeSocket } from "../../../selectors/index.js";
import type { NativeSocketAddress } from "../../../selectors/index.js";
import { runReal } from "../../helpers/loop.js";
import { errorOf, settle } from "../../helpers/operations.js";

// The addon is Linux's (epoll): elsewhere these tests are not registered, and one test checks
// that the selector says it is unavailable there.
const onLinux = process.platform === "linux" ? test : (): void => undefined;
const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString("utf8");

/** Both ends of a native TCP connection on 127.0.0.1, as streams. */
function* nativePair(limit?: number): Coroutine<[StreamPair, StreamPair]> {
  const server = NativeSocket.listenTcp("127.0.0.1", 0);
  const { port } = server.localAddress() as NativeSocketAddress;
  const client = NativeSocket.connectTcp("127.0.0.1", port);
  let peer = server.accept();
  while (peer === null) {
    yield* sleep(1); // loopback: the connection is there at once, or on the next turn
    peer = server.accept();
  }
  server.close();
  const options = limit === undefined ? {} : { limit };
  return [yield* openStreams(client, options), yield* openStreams(peer, options)];
}

function* closeAll(...pairs: StreamPair[]): Coroutine<void> {
  for (const [, writer] of pairs) writer.close();
  for (const [, writer] of pairs) yield* writer.waitClosed();
}

onLinux("`openStreams()` behaviour: over a NativeSocket, a line protocol, half-close and the answer after it", async (t) => {
  const { result } = await runReal(
    t,
    function* () {
      const [[reader, writer], [peerReader, peerWriter]] = yield* nativePair();
      writer.write("ping\n");
      const line = text(yield* peerReader.readLine());
      peerWriter.write(line.toUpperCase());
      const answer = text(yield* reader.readLine());
      writer.write("x".repeat(200_000));
      writer.writeEof();
      const rest = (yield* peerReader.read()).length;
      peerWriter.write(`got ${rest}`);
      peerWriter.close();
      const last = text(yield* reader.read());
      yield* closeAll([reader, writer], [peerReader, peerWriter]);
      return { line, answer, rest, last };
    },
    { selector: new NativeSelector() },
  );
  t.deepEqual(result, { line: "ping\n", answer: "PING\n", rest: 200_000, last: "got 200000" });
});

onLinux("`StreamWriter.drain()` behaviour: over a NativeSocket, waits while the peer does not read, returns once it has", async (t) => {
  const { result } = await runReal(
    t,
    function* () {
      const [[, writer], [peerReader, peerWriter]] = yield* nativePair(1024);
      const chunk = new Uint8Array(64 * 1024);
      let written = 0;
      while (writer.transport.getWriteBufferSize() <= 64 * 1024) {
        writer.write(chunk); // the kernel's buffers fill first, then the transport's queue
        written += chunk.length;
      }
      const draining = createTask(writer.drain());
      yield* sleep(20); // however long it waits: a peer that does not read keeps the queue full
      const doneBeforeReading = draining.done();
      let total = 0;
      const reading = createTask(readAll());
      function* readAll(): Coroutine<void> {
        for (let bytes = yield* peerReader.read(65536); bytes.length > 0; bytes = yield* peerReader.read(65536)) total += bytes.length;
      }
      yield* draining;
      writer.close();
      yield* reading;
      yield* closeAll([peerReader, peerWriter]);
      yield* writer.waitClosed();
      return { doneBeforeReading, allArrived: total === written };
    },
    { selector: new NativeSelector() },
  );
  t.deepEqual(result, { doneBeforeReading: false, allArrived: true });
});

onLinux(
  "`StreamReader.read()` behaviour: over a NativeSocket, a reset mid-read is a BrokenResourceError with ECONNRESET as cause",
  async (t) => {
    const { result } = await runReal(
      t,
      function* () {
        // The peer's reader pauses above 2 KiB: the rest stays unread in its kernel buffer, and a
        // close with unread bytes is a reset.
        const [[reader, writer], [, peerWriter]] = yield* nativePair(1024);
        writer.write(new Uint8Array(100_000));
        yield* sleep(5);
        peerWriter.transport.abort();
        const error = errorOf(yield* settle(reader.read(100))) as Error;
        const later = errorOf(yield* settle(writeNow(writer, "anyone?"))) as Error;
        yield* writer.waitClosed();
        yield* peerWriter.waitClosed();
        return { name: error.name, code: (error.cause as { code?: string }).code, later: later.name };
      },
      { selector: new NativeSelector() },
    );
    t.deepEqual(result, { name: "BrokenResourceError", code: "ECONNRESET", later: "BrokenResourceError" });
  },
);

function* writeNow(writer: StreamPair[1], data: string): Coroutine<void> {
  writer.write(data);
}

onLinux(
  "`StreamReader.read()` behaviour: over a NativeSocket, a cancelled read loses no bytes; write after close is an InvalidStateError",
  async (t) => {
    const { result } = await runReal(
      t,
      function* () {
        const [[reader, writer], [peerReader, peerWriter]] = yield* nativePair();
        const waiting = createTask(reader.read(10));
        yield* yieldNow();
        waiting.cancel();
        const cancelled = errorOf(yield* settle(waiting)) instanceof CancelledError;
        peerWriter.write("kept");
        const next = text(yield* reader.read(10));
        writer.close();
        const afterClose = errorOf(yield* settle(writeNow(writer, "late")));
        yield* closeAll([peerReader, peerWriter]);
        yield* writer.waitClosed();
        return { cancelled, next, afterClose: afterClose instanceof InvalidStateError, broken: afterClose instanceof BrokenResourceError };
      },
      { selector: new NativeSelector() },
    );
    t.deepEqual(result, { cancelled: true, next: "kept", afterClose: true, broken: false });
  },
);
