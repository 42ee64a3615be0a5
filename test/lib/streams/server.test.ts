/**
 * Servers and connections over real sockets: TCP on 127.0.0.1 with ephemeral ports, a Unix
 * socket in a temp dir, TLS with the self-signed certificate of test/fixtures/tls. Every test
 * closes what it opened; conditions on real time are awaited, never slept on.
 */
import test from "ava";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import net from "node:net";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  BrokenResourceError,
  CancelledError,
  createTask,
  moveOnAfter,
  openConnection,
  openStreams,
  openUnixConnection,
  startServer,
  startUnixServer,
  sleep,
  yieldNow,
} from "../../../lib/index.js";
import type { ConnectionHandler, Coroutine, Server, StreamReader, StreamWriter } from "../../../lib/index.js";
import { REAL_SELECTORS } from "../../helpers/real-selectors.js";
import type { RealSelector } from "../../helpers/real-selectors.js";
import { errorOf, settle } from "../../helpers/operations.js";
import { until } from "../../helpers/pool-contract.js";

const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString("utf8");
const fixtures = new URL("../../fixtures/tls/", import.meta.url);
const key = readFileSync(new URL("key.pem", fixtures));
const cert = readFileSync(new URL("cert.pem", fixtures));

/** Echoes every line back until the end of the stream. */
const echoLines: ConnectionHandler = function* (reader, writer) {
  for (let line = yield* reader.readLine(); line.length > 0; line = yield* reader.readLine()) {
    writer.write(line);
    yield* writer.drain();
  }
};

function portOf(server: Server): number {
  return (server.address() as AddressInfo).port;
}

function* closeWriter(writer: StreamWriter): Coroutine<void> {
  writer.close();
  yield* writer.waitClosed();
}

function* closeServer(server: Server): Coroutine<void> {
  server.close();
  yield* server.waitClosed();
}

function* ask(reader: StreamReader, writer: StreamWriter, line: string): Coroutine<string> {
  writer.write(`${line}\n`);
  return text(yield* reader.readLine());
}

function* writeNow(writer: StreamWriter, data: string): Coroutine<void> {
  writer.write(data);
}

function* writeEofNow(writer: StreamWriter): Coroutine<void> {
  writer.writeEof();
}

function* closeOnCancel(writer: StreamWriter): Coroutine<void> {
  try {
    yield* until(() => false, "forever", 60_000);
  } finally {
    writer.close();
    yield* writer.waitClosed();
  }
}

/** A TCP server of Node's own on 127.0.0.1 that does `onConnection` to each client: a hostile peer. */
async function hostilePeer(onConnection: (socket: net.Socket) => void): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => undefined);
    socket.on("close", () => sockets.delete(socket));
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Keeps the loop busy: 2 ms of work per step until `done()`. */
function* spinUntil(done: () => boolean): Coroutine<void> {
  while (!done()) {
    const until = performance.now() + 2;
    while (performance.now() < until);
    yield* sleep(0);
  }
}

test("`BrokenResourceError` behaviour: is exported and carries its cause", (t) => {
  const error = new BrokenResourceError("gone", { cause: "why" });
  t.is(error.name, "BrokenResourceError");
  t.is(error.cause, "why");
});

/** Every test of servers and connections, on one selector. */
function serverTests(on: RealSelector): void {
  test(
    on.title(
      "`startServer()` behaviour: listens on a free port when asked for 0; each connection gets its own handler; peername and sockname",
    ),
    async (t) => {
      const { result } = await on.run(t, function* () {
        const server = yield* startServer(echoLines, "127.0.0.1", 0);
        const port = portOf(server);
        const [r1, w1] = yield* openConnection("127.0.0.1", port);
        const [r2, w2] = yield* openConnection("127.0.0.1", port);
        const answers = [yield* ask(r1, w1, "one"), yield* ask(r2, w2, "two"), yield* ask(r1, w1, "three")];
        const peer = w1.getExtraInfo("peername") as AddressInfo;
        const local = w1.getExtraInfo("sockname") as AddressInfo;
        yield* closeWriter(w1);
        yield* closeWriter(w2);
        yield* closeServer(server);
        return { port, answers, peer, local, serving: server.isServing(), address: server.address() };
      });
      t.true(result.port > 0);
      t.deepEqual(result.answers, ["one\n", "two\n", "three\n"]);
      t.deepEqual(result.peer, { address: "127.0.0.1", family: "IPv4", port: result.port });
      t.is(result.local.address, "127.0.0.1");
      t.false(result.serving);
      t.deepEqual(result.address, { address: "127.0.0.1", family: "IPv4", port: result.port });
    },
  );

  test(
    on.title("`startServer()` behaviour: a handler that throws is reported, its connection is closed, and the server keeps serving"),
    async (t) => {
      const { result, reports } = await on.run(
        t,
        function* () {
          const server = yield* startServer(
            function* (reader, writer) {
              const line = text(yield* reader.readLine());
              if (line === "boom\n") throw new Error("handler failed");
              writer.write(line);
            },
            "127.0.0.1",
            0,
          );
          const [r1, w1] = yield* openConnection("127.0.0.1", portOf(server));
          w1.write("boom\n");
          const afterBoom = (yield* r1.read()).length; // the end: the connection was closed
          const [r2, w2] = yield* openConnection("127.0.0.1", portOf(server));
          const answer = yield* ask(r2, w2, "still here");
          yield* closeWriter(w1);
          yield* closeWriter(w2);
          yield* closeServer(server);
          return { afterBoom, answer };
        },
        { allowReports: true },
      );
      t.deepEqual(result, { afterBoom: 0, answer: "still here\n" });
      t.deepEqual(
        reports.map((report) => [report.message, (report.exception as Error).message]),
        [["a connection handler of startServer() failed; the server goes on", "handler failed"]],
      );
    },
  );

  test(
    on.title("`Server.close()` behaviour: stops accepting at once; open connections go on; waitClosed() waits for their handlers"),
    async (t) => {
      const { result } = await on.run(t, function* () {
        const log: string[] = [];
        const server = yield* startServer(
          function* (reader, writer) {
            yield* echoLines(reader, writer);
            log.push("handler done");
          },
          "127.0.0.1",
          0,
        );
        const port = portOf(server);
        const [reader, writer] = yield* openConnection("127.0.0.1", port);
        log.push(yield* ask(reader, writer, "before"));
        server.close();
        const refused = errorOf(yield* settle(openConnection("127.0.0.1", port))) as NodeJS.ErrnoException;
        log.push(`new connection: ${String(refused.code)}`);
        log.push(yield* ask(reader, writer, "after"));
        const waiting = createTask(server.waitClosed());
        yield* yieldNow();
        log.push(`waitClosed done before the client closed: ${String(waiting.done())}`);
        yield* closeWriter(writer);
        yield* waiting;
        log.push("server closed");
        return log;
      });
      t.deepEqual(result, [
        "before\n",
        "new connection: ECONNREFUSED",
        "after\n",
        "waitClosed done before the client closed: false",
        "handler done",
        "server closed",
      ]);
    },
  );

  test(
    on.title(
      "`Server.serveForever()` behaviour: cancelled, it stops listening, cancels the handlers, waits for them, and raises CancelledError",
    ),
    async (t) => {
      const { result } = await on.run(t, function* () {
        const log: string[] = [];
        const server = yield* startServer(
          function* (reader) {
            log.push("handler started");
            try {
              yield* reader.read(); // until cancelled
            } catch (error) {
              log.push(`handler: ${(error as Error).name}`);
              throw error;
            }
          },
          "127.0.0.1",
          0,
        );
        const serving = createTask(server.serveForever());
        const [reader, writer] = yield* openConnection("127.0.0.1", portOf(server));
        writer.write("hi");
        yield* until(() => log.length > 0, "the handler to start");
        serving.cancel();
        const outcome = yield* settle(serving);
        log.push(`serveForever: ${(errorOf(outcome) as Error).name}`);
        // The handlers' connections were closed at once (cancelled): the client sees an end or a reset.
        const end = yield* settle(reader.read());
        log.push(end.ok ? `client reads ${end.value.length} bytes` : `client reads: ${(end.error as Error).name}`);
        yield* closeWriter(writer);
        return { log, serving: server.isServing() };
      });
      t.deepEqual(result.log.slice(0, 3), ["handler started", "handler: CancelledError", "serveForever: CancelledError"]);
      t.true(["client reads 0 bytes", "client reads: BrokenResourceError"].includes(result.log[3] ?? ""), result.log[3]);
      t.false(result.serving);
    },
  );

  test(
    on.title("`Server.closeClients()` behaviour: the handlers read the end of their streams and finish; waitClosed() returns"),
    async (t) => {
      const { result } = await on.run(t, function* () {
        const log: string[] = [];
        const server = yield* startServer(
          function* (reader, writer) {
            writer.write("ready\n");
            const rest = yield* reader.read();
            log.push(`handler read ${rest.length} bytes, then the end`);
          },
          "127.0.0.1",
          0,
        );
        const [reader, writer] = yield* openConnection("127.0.0.1", portOf(server));
        log.push(text(yield* reader.readLine()).trim());
        server.close();
        server.closeClients();
        yield* server.waitClosed();
        log.push(`client: ${(yield* reader.read()).length}`);
        yield* closeWriter(writer);
        return log;
      });
      t.deepEqual(result, ["ready", "handler read 0 bytes, then the end", "client: 0"]);
    },
  );

  test(
    on.title("`Server.abortClients()` behaviour: the connections close at once, dropping what is queued; the handlers read the end"),
    async (t) => {
      const { result } = await on.run(t, function* () {
        const log: string[] = [];
        const server = yield* startServer(
          function* (reader, writer) {
            writer.write("ready\n");
            yield* writer.drain();
            log.push(`handler read ${(yield* reader.read()).length} bytes, then the end`);
          },
          "127.0.0.1",
          0,
        );
        const [reader, writer] = yield* openConnection("127.0.0.1", portOf(server));
        log.push(text(yield* reader.readLine()).trim());
        server.close();
        server.abortClients();
        yield* server.waitClosed();
        const end = yield* settle(reader.read());
        log.push(end.ok ? `client reads ${end.value.length} bytes` : `client reads: ${(end.error as Error).name}`);
        yield* closeWriter(writer);
        return log;
      });
      t.deepEqual(result.slice(0, 2), ["ready", "handler read 0 bytes, then the end"]);
      t.true(["client reads 0 bytes", "client reads: BrokenResourceError"].includes(result[2] ?? ""), result[2]);
    },
  );

  test(on.title("`startServer()` behaviour: bound to 127.0.0.1 it is not reachable on another address (127.0.0.2)"), async (t) => {
    const { result } = await on.run(t, function* () {
      const server = yield* startServer(echoLines, "127.0.0.1", 0);
      const elsewhere = errorOf(yield* settle(openConnection("127.0.0.2", portOf(server)))) as NodeJS.ErrnoException;
      yield* closeServer(server);
      return elsewhere.code;
    });
    t.is(result, "ECONNREFUSED");
  });

  test(
    on.title(
      "`startServer()` behaviour: bad arguments are TypeErrors and RangeErrors; a port in use is Node's EADDRINUSE; the loop goes on",
    ),
    async (t) => {
      const { result } = await on.run(t, function* () {
        const server = yield* startServer(echoLines, "127.0.0.1", 0);
        const errors = [
          errorOf(yield* settle(startServer("nope" as never, "127.0.0.1", 0))),
          errorOf(yield* settle(startServer(echoLines, 127 as never, 0))),
          errorOf(yield* settle(startServer(echoLines, "127.0.0.1", 70_000))),
          errorOf(yield* settle(startServer(echoLines, "127.0.0.1", 0, { backlog: -1 }))),
          errorOf(yield* settle(startServer(echoLines, "127.0.0.1", 0, { tls: "yes" } as never))),
          errorOf(yield* settle(startServer(echoLines, "127.0.0.1", portOf(server)))),
        ].map((error) => `${(error as Error).name}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
        yield* closeServer(server);
        return errors;
      });
      t.deepEqual(result, [
        "TypeError: startServer() needs a handler: a generator function (reader, writer) => Operation<void>; received string",
        "TypeError: startServer() needs a host name or address (a string): received number",
        "RangeError: startServer() needs a port from 0 to 65535: received 70000",
        "RangeError: startServer() needs options.backlog as a whole number > 0: received -1",
        "TypeError: startServer() needs options.tls as true, false or Node's TLS options: received string",
        "Error: EADDRINUSE",
      ]);
    },
  );

  test(on.title("`startServer()` behaviour: a handler that returns no Operation is reported as a TypeError naming the fix"), async (t) => {
    const { result, reports } = await on.run(
      t,
      function* () {
        const server = yield* startServer((() => 42) as never, "127.0.0.1", 0);
        const [reader, writer] = yield* openConnection("127.0.0.1", portOf(server));
        const end = (yield* reader.read()).length;
        yield* closeWriter(writer);
        yield* closeServer(server);
        return end;
      },
      { allowReports: true },
    );
    t.is(result, 0);
    t.is(reports.length, 1);
    t.true(reports[0]?.exception instanceof TypeError);
    t.regex((reports[0]?.exception as Error).message, /the handler of startServer\(\)/);
  });

  test(
    on.title("`openConnection()` behaviour: a refused connection is Node's ECONNREFUSED; bad arguments are TypeErrors and RangeErrors"),
    async (t) => {
      const { result } = await on.run(t, function* () {
        const server = yield* startServer(echoLines, "127.0.0.1", 0);
        const port = portOf(server);
        yield* closeServer(server);
        return [
          errorOf(yield* settle(openConnection("127.0.0.1", port))),
          errorOf(yield* settle(openConnection("", 80))),
          errorOf(yield* settle(openConnection("127.0.0.1", -1))),
          errorOf(yield* settle(openConnection("127.0.0.1", 80, { limit: 1.5 }))),
          errorOf(yield* settle(openConnection("127.0.0.1", 80, { ssl: true } as never))),
        ].map((error) => `${(error as Error).name}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      });
      t.deepEqual(result, [
        "Error: ECONNREFUSED",
        'RangeError: openConnection() needs a non-empty host: use "127.0.0.1" or "localhost" for this machine',
        "RangeError: openConnection() needs a port from 0 to 65535: received -1",
        "RangeError: openConnection() needs options.limit as a whole number > 0: received 1.5",
        'TypeError: openConnection() got an unknown option "ssl": the options are limit, tls',
      ]);
    },
  );

  test(on.title("`openConnection()` behaviour: cancelled while connecting, it leaves no socket behind"), async (t) => {
    const { result } = await on.run(t, function* () {
      const accepted: string[] = [];
      const server = yield* startServer(
        function* (reader) {
          accepted.push(`handler read ${(yield* reader.read()).length}`);
        },
        "127.0.0.1",
        0,
      );
      const connected = yield* moveOnAfter(0, openConnection("127.0.0.1", portOf(server)));
      server.close();
      yield* server.waitClosed(); // a connection the server accepted was reset: its handler read the end
      return { connected, accepted: accepted.length <= 1 };
    });
    t.deepEqual(result, { connected: undefined, accepted: true });
  });

  test(
    on.title("`StreamReader.read()` behaviour: a peer that resets the connection mid-read: a BrokenResourceError with ECONNRESET as cause"),
    async (t) => {
      const peer = await hostilePeer((socket) => socket.once("data", () => socket.resetAndDestroy()));
      try {
        const { result } = await on.run(t, function* () {
          const [reader, writer] = yield* openConnection("127.0.0.1", peer.port);
          writer.write("reset me\n");
          const error = errorOf(yield* settle(reader.read(100))) as Error;
          const writeError = errorOf(yield* settle(writeNow(writer, "hello?")));
          yield* closeWriter(writer);
          return { name: error.name, code: (error.cause as NodeJS.ErrnoException).code, writeError: (writeError as Error).name };
        });
        t.deepEqual(result, { name: "BrokenResourceError", code: "ECONNRESET", writeError: "BrokenResourceError" });
      } finally {
        await peer.close();
      }
    },
  );

  test(
    on.title(
      "`StreamReader.readLine()` behaviour: a peer that sends an endless line: LimitOverrunError, the line is dropped, the connection serves on",
    ),
    async (t) => {
      const { result } = await on.run(t, function* () {
        const log: string[] = [];
        const server = yield* startServer(
          function* (reader, writer) {
            for (;;) {
              try {
                const line = yield* reader.readLine();
                if (line.length === 0) return;
                log.push(`line of ${line.length} bytes`);
                writer.write(`ok ${line.length}\n`);
              } catch (error) {
                log.push((error as Error).name);
                writer.write("line too long\n");
              }
            }
          },
          "127.0.0.1",
          0,
          { limit: 1024 },
        );
        const [reader, writer] = yield* openConnection("127.0.0.1", portOf(server));
        writer.write("x".repeat(1024 * 1024)); // 1 MiB with no newline: a thousand times the limit
        const first = text(yield* reader.readLine());
        writer.write("\nshort\n");
        const answers = [first];
        while (answers.length < 2 || !answers.at(-1)!.startsWith("ok 6")) answers.push(text(yield* reader.readLine()));
        yield* closeWriter(writer);
        yield* closeServer(server);
        return { first: answers[0], last: answers.at(-1), overran: log[0], short: log.at(-1) };
      });
      t.deepEqual(result, { first: "line too long\n", last: "ok 6\n", overran: "LimitOverrunError", short: "line of 6 bytes" });
    },
  );

  test(
    on.title("`startServer()` behaviour: a peer that half-closes: the handler reads to the end and its answer still arrives"),
    async (t) => {
      const received: Buffer[] = [];
      const { result } = await on.run(t, function* () {
        const server = yield* startServer(
          function* (reader, writer) {
            let total = 0;
            for (let chunk = yield* reader.read(65536); chunk.length > 0; chunk = yield* reader.read(65536)) total += chunk.length;
            writer.write(`read ${total} bytes to the end`);
          },
          "127.0.0.1",
          0,
        );
        const client = net.connect({ port: portOf(server), host: "127.0.0.1", allowHalfOpen: true });
        let ended = false;
        client.on("data", (chunk: Buffer) => received.push(chunk));
        client.on("end", () => {
          ended = true;
          client.end();
        });
        client.end("y".repeat(200_000)); // all of it, then end-of-stream; the socket stays open for reading
        yield* until(() => ended, "the server's answer and end-of-stream");
        yield* closeServer(server);
        return Buffer.concat(received).toString("utf8");
      });
      t.is(result, "read 200000 bytes to the end");
    },
  );

  test(on.title("`StreamWriter.drain()` behaviour: over TCP, waits while the peer does not read, and returns once it has"), async (t) => {
    const { result } = await on.run(t, function* () {
      let reading = false;
      let total = 0;
      const server = yield* startServer(
        function* (reader) {
          yield* until(() => reading, "the test to let the server read");
          for (let chunk = yield* reader.read(65536); chunk.length > 0; chunk = yield* reader.read(65536)) total += chunk.length;
        },
        "127.0.0.1",
        0,
      );
      const [, writer] = yield* openConnection("127.0.0.1", portOf(server));
      const chunk = new Uint8Array(64 * 1024);
      // Fill the kernel's buffers both ways until the writer's own queue is above the high mark.
      // (Node writes to the kernel at once; what the kernel cannot take stays in the queue.)
      while (writer.transport.getWriteBufferSize() <= 64 * 1024) writer.write(chunk);
      const draining = createTask(writer.drain());
      yield* sleep(20); // however long it waits, a peer that does not read keeps the queue full
      const doneBeforeReading = draining.done();
      reading = true;
      yield* draining;
      yield* closeWriter(writer);
      yield* closeServer(server);
      return { doneBeforeReading, allArrived: total > 0 && total % chunk.length === 0 };
    });
    t.deepEqual(result, { doneBeforeReading: false, allArrived: true });
  });

  test(
    on.title(
      "`startUnixServer()` behaviour: serves on a Unix socket in a temp dir; a stale socket file is replaced; a regular file is an error",
    ),
    async (t) => {
      const dir = mkdtempSync(join(tmpdir(), "yieldio-unix-"));
      try {
        const path = join(dir, "echo.sock");
        const { result } = await on.run(t, function* () {
          // A stale socket: a server that was never closed leaves its file behind.
          const stale = net.createServer().listen(path);
          yield* until(() => existsSync(path), "the stale socket file");
          stale.close();
          writeFileSync(join(dir, "not-a-socket"), "x");
          const server = yield* startUnixServer(echoLines, path);
          const [reader, writer] = yield* openUnixConnection(path);
          const answer = yield* ask(reader, writer, "over unix");
          const info = [writer.getExtraInfo("peername"), server.address()];
          const regular = errorOf(yield* settle(startUnixServer(echoLines, join(dir, "not-a-socket")))) as NodeJS.ErrnoException;
          yield* closeWriter(writer);
          yield* closeServer(server);
          return { answer, info, regular: regular.code, gone: !existsSync(path) };
        });
        t.deepEqual(result, { answer: "over unix\n", info: [path, path], regular: "EADDRINUSE", gone: true });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  test(
    on.title("`startServer()` behaviour: TLS with a certificate; the client checks it (ca), sees peercert and cannot half-close"),
    async (t) => {
      const { result } = await on.run(t, function* () {
        const server = yield* startServer(echoLines, "127.0.0.1", 0, { tls: { key, cert } });
        const port = portOf(server);
        const [reader, writer] = yield* openConnection("localhost", port, { tls: { ca: cert } });
        const answer = yield* ask(reader, writer, "secret");
        const peercert = writer.getExtraInfo("peercert") as { subject: { CN: string } };
        const canWriteEof = writer.canWriteEof();
        const halfClose = errorOf(yield* settle(writeEofNow(writer)));
        // Without the CA the self-signed certificate is refused: rejectUnauthorized is on by default.
        const untrusted = errorOf(yield* settle(openConnection("127.0.0.1", port, { tls: true }))) as NodeJS.ErrnoException;
        yield* closeWriter(writer);
        yield* closeServer(server);
        return { answer, cn: peercert.subject.CN, canWriteEof, halfClose: (halfClose as Error).name, untrusted: untrusted.code };
      });
      t.deepEqual(result, {
        answer: "secret\n",
        cn: "localhost",
        canWriteEof: false,
        halfClose: "InvalidStateError",
        untrusted: "DEPTH_ZERO_SELF_SIGNED_CERT",
      });
    },
  );

  test(on.title("`StreamWriter.writeEof()` behaviour: over TCP, half-close: the server reads to the end, then answers"), async (t) => {
    const { result } = await on.run(t, function* () {
      const server = yield* startServer(
        function* (reader, writer) {
          const request = text(yield* reader.read());
          writer.write(`got ${request.length} bytes`);
        },
        "127.0.0.1",
        0,
      );
      const [reader, writer] = yield* openConnection("127.0.0.1", portOf(server));
      writer.write("x".repeat(100_000));
      writer.writeEof();
      const answer = text(yield* reader.read());
      yield* writer.waitClosed(); // both ways ended: the connection closes by itself
      yield* closeServer(server);
      return answer;
    });
    t.is(result, "got 100000 bytes");
  });

  test(on.title("`StreamWriter.waitClosed()` behaviour: safe in a cancelled scope: the connection ends closed"), async (t) => {
    const { result } = await on.run(t, function* () {
      const server = yield* startServer(echoLines, "127.0.0.1", 0);
      const [, writer] = yield* openConnection("127.0.0.1", portOf(server));
      const task = createTask(closeOnCancel(writer));
      yield* yieldNow();
      task.cancel();
      const outcome = yield* settle(task);
      yield* writer.waitClosed();
      yield* closeServer(server);
      return { cancelled: errorOf(outcome) instanceof CancelledError, closing: writer.isClosing() };
    });
    t.deepEqual(result, { cancelled: true, closing: true });
  });

  test(
    on.title(
      "`openStreams()` behaviour: a socket that failed before the streams took it over gives its error as a BrokenResourceError, not a clean end",
    ),
    async (t) => {
      const { result } = await on.run(t, function* () {
        const socket = new net.Socket();
        socket.on("error", () => undefined); // what the server and the connection functions do until the transport takes over
        socket.destroy(Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }));
        const [reader, writer] = yield* openStreams(socket);
        const read = errorOf(yield* settle(reader.read(10))) as Error;
        yield* writer.waitClosed();
        return { name: read.name, code: (read.cause as NodeJS.ErrnoException).code };
      });
      t.deepEqual(result, { name: "BrokenResourceError", code: "ECONNRESET" });
    },
  );

  test(
    on.title(
      "`startServer()` behaviour: clients that reset right after connecting, while the loop is busy, crash nothing; the server goes on",
    ),
    async (t) => {
      const { result, reports } = await on.run(
        t,
        function* () {
          let stop = false;
          const busy = [1, 2, 3].map(() => createTask(spinUntil(() => stop))); // long passes: Node's turn comes between accept and takeover
          const server = yield* startServer(echoLines, "127.0.0.1", 0);
          const port = portOf(server);
          let closed = 0;
          for (let client = 0; client < 50; client++) {
            const socket = net.connect(port, "127.0.0.1", () => socket.resetAndDestroy());
            socket.on("error", () => undefined);
            socket.on("close", () => closed++);
          }
          yield* until(() => closed === 50, "the 50 resetting clients to close");
          const [reader, writer] = yield* openConnection("127.0.0.1", port);
          const answer = yield* ask(reader, writer, "still serving");
          stop = true;
          for (const task of busy) yield* task;
          yield* closeWriter(writer);
          yield* closeServer(server);
          return answer;
        },
        { allowReports: true },
      );
      t.is(result, "still serving\n");
      // A handler whose client reset the connection fails with BrokenResourceError, reported as any handler error.
      for (const report of reports) t.true(report.exception instanceof BrokenResourceError, String(report.exception));
    },
  );
}

for (const selector of REAL_SELECTORS) serverTests(selector);
