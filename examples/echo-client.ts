/**
 * echo-client: connects to an echo server, sends lines, prints the echoes, and ends the
 * conversation the way a TCP client should.
 *
 *   npm run example -- echo-client                  # brings its own echo server: runs alone
 *   npm run example -- echo-client 8888             # talks to `npm run example -- echo-server`
 *   npm run example -- echo-client 10.0.0.5:8888    # any line echo server, host:port
 *
 * - `openConnection()` returns a reader and a writer. Write, then `drain()`; `writeLines()`
 *   sends several lines at once, and their echoes come back in order.
 * - Each reply is awaited under `timeout()`: a server that does not answer makes the client
 *   fail with a TimeoutError (exit code 1) instead of hanging.
 * - The end: `writeEof()` half-closes (the server reads end-of-stream, finishes and closes its
 *   side), the client reads what is left up to the end, then `close()` and `waitClosed()`.
 *   Closing at once, without the half-close, could cut off echoes still on their way.
 * - With no port, it starts an echo server in this process on a free port (port 0), talks to
 *   it and closes it, so it finishes by itself in a few milliseconds after Node's start-up.
 *   The server's lines start with `server:`; the client's `->` (sent) and `<-` (received).
 */
import type { AddressInfo } from "node:net";
import { main, openConnection, startServer, timeout } from "../lib/index.js";
import type { Coroutine, StreamPair, StreamReader, StreamWriter } from "../lib/index.js";

const LOCALHOST = "127.0.0.1";
const REPLY_TIMEOUT_MS = 2000;
const SINGLE_LINES = ["hello", "grüße, 世界 (UTF-8 goes through as bytes)", ""];
const BATCH = ["one", "two", "three"];

interface Address {
  readonly host: string;
  readonly port: number;
}

const decoder = new TextDecoder();
/** A received line as text, without its newline, quoted so that an empty one shows. */
const show = (line: Uint8Array): string => JSON.stringify(decoder.decode(line).replace(/\r?\n$/, ""));

/** `8888` or `host:8888`; undefined if it is not that. */
function parseAddress(text: string): Address | undefined {
  const colon = text.lastIndexOf(":");
  const host = colon < 0 ? LOCALHOST : text.slice(0, colon);
  const port = Number(text.slice(colon + 1));
  return host !== "" && Number.isInteger(port) && port > 0 && port <= 65535 ? { host, port } : undefined;
}

/** Reads one line, giving up after REPLY_TIMEOUT_MS. */
function* readReply(reader: StreamReader): Coroutine<Uint8Array> {
  return yield* timeout(REPLY_TIMEOUT_MS, reader.readLine());
}

/** Sends each line and waits for its echo before sending the next. */
function* sendOneByOne(reader: StreamReader, writer: StreamWriter): Coroutine<void> {
  for (const line of SINGLE_LINES) {
    writer.write(`${line}\n`);
    yield* writer.drain();
    console.log(`-> ${JSON.stringify(line)}   <- ${show(yield* readReply(reader))}`);
  }
}

/** Sends a batch of lines in one go, then reads their echoes: they come back in order. */
function* sendBatch(reader: StreamReader, writer: StreamWriter): Coroutine<void> {
  writer.writeLines(BATCH.map((line) => `${line}\n`));
  yield* writer.drain();
  const echoes: string[] = [];
  for (let i = 0; i < BATCH.length; i++) echoes.push(show(yield* readReply(reader)));
  console.log(`-> ${BATCH.length} lines in one writeLines()   <- ${echoes.join(", ")}`);
}

/** Connects, with a hint when nothing listens there (the newcomer's first error). */
function* connect({ host, port }: Address): Coroutine<StreamPair> {
  try {
    const streams = yield* openConnection(host, port);
    console.log(`connected to ${host}:${port}`);
    return streams;
  } catch (error) {
    if ((error as { code?: unknown }).code === "ECONNREFUSED") {
      console.error(
        `nothing listens on ${host}:${port}: start a server with \`npm run example -- echo-server ${port}\`, or leave out the port`,
      );
    }
    throw error;
  }
}

/** The whole conversation with the echo server at `host`:`port`. */
function* talkTo({ host, port }: Address): Coroutine<void> {
  const [reader, writer] = yield* connect({ host, port });
  try {
    yield* sendOneByOne(reader, writer);
    yield* sendBatch(reader, writer);
    writer.writeEof(); // "I am done sending": the server sees end-of-stream
    const rest = yield* timeout(REPLY_TIMEOUT_MS, reader.read()); // up to the server's end-of-stream
    console.log(`half-closed; the server then closed its side (${rest.length} bytes after the last echo)`);
  } finally {
    // Also on an error or Ctrl-C; waitClosed() cancelled closes the connection at once.
    writer.close();
    yield* writer.waitClosed();
    console.log("connection closed");
  }
}

/** The echo server's handler, copied from echo-server.ts (without its logging of each line). */
function* echoLines(reader: StreamReader, writer: StreamWriter): Coroutine<void> {
  let echoed = 0;
  for (let line = yield* reader.readLine(); line.length > 0; line = yield* reader.readLine()) {
    writer.write(line);
    yield* writer.drain();
    echoed++;
  }
  console.log(`server: end-of-stream after ${echoed} lines; startServer() closes the connection`);
}

/** Runs `talk` against an echo server of our own, on a free port of this machine. */
function* withOwnEchoServer(talk: (address: Address) => Coroutine<void>): Coroutine<void> {
  const server = yield* startServer(echoLines, LOCALHOST, 0);
  const { port } = server.address() as AddressInfo; // port 0 asked for "any free port"
  console.log(`server: no port given, so an echo server runs in this process, on ${LOCALHOST}:${port}`);
  try {
    yield* talk({ host: LOCALHOST, port });
  } finally {
    // The client has closed its connection, so its handler is done or about to be: stop
    // listening and wait for it. (On Ctrl-C this wait raises at once, and run() then cancels
    // and awaits any handler left, so nothing stays open either way.)
    server.close();
    yield* server.waitClosed();
    console.log("server: closed");
  }
}

const arg = process.argv[3]; // process.argv[2] is the example's name
const address = arg === undefined ? undefined : parseAddress(arg);
if (arg === undefined) {
  await main(withOwnEchoServer(talkTo));
} else if (address === undefined) {
  console.error(`usage: npm run example -- echo-client [[host:]port]   (received ${JSON.stringify(arg)})`);
  process.exitCode = 2;
} else {
  await main(talkTo(address));
}
