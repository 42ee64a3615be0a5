/**
 * echo-server: a TCP server that sends every line back, one task per connection.
 *
 *   npm run example -- echo-server           # listens on 127.0.0.1:8888
 *   npm run example -- echo-server 9000      # another port (0: any free port)
 *
 * Then, in another terminal: `npm run example -- echo-client 8888` (or `nc 127.0.0.1 8888`).
 * The server logs each connection when it opens and when it ends, with the peer's address and
 * how it ended (the client closed it, the connection was lost, or the server stopped).
 *
 * - `startServer()` runs `serveClient()` in a task of its own for each connection, and closes
 *   the connection when it returns: the handler never closes anything itself.
 * - Write, then `drain()`: a client that sends but does not read makes its own handler wait,
 *   instead of making the server buffer its echoes without bound. The other clients go on.
 * - It serves until Ctrl-C: `main()` turns Ctrl-C into a cancellation of the main task;
 *   `serveForever()` then stops listening, cancels the handlers still running, waits until
 *   every connection is closed, and raises the cancellation. The exit code is 130.
 */
import type { AddressInfo } from "node:net";
import { BrokenResourceError, CancelledError, main, startServer } from "../lib/index.js";
import type { Coroutine, StreamReader, StreamWriter } from "../lib/index.js";

const HOST = "127.0.0.1";
const DEFAULT_PORT = 8888;

/**
 * The port given on the command line (`process.argv[2]` is the example's name), the default
 * if none is given, undefined if what is given is not a port.
 */
function portFromArgs(): number | undefined {
  const text = process.argv[3];
  if (text === undefined) return DEFAULT_PORT;
  const port = Number(text);
  return Number.isInteger(port) && port >= 0 && port <= 65535 ? port : undefined;
}

/** `127.0.0.1:53422`: who is on the other end of `writer`'s connection. */
function describePeer(writer: StreamWriter): string {
  const peer = writer.getExtraInfo("peername") as AddressInfo | undefined;
  return peer === undefined ? "a client" : `${peer.address}:${peer.port}`;
}

/** Sends each line back until the client sends end-of-stream, counting them in `echoed`. */
function* echoLines(reader: StreamReader, writer: StreamWriter, echoed: { lines: number }): Coroutine<void> {
  // readLine() returns an empty Uint8Array at end-of-stream, and never an empty line before it
  // (a blank line is "\n", one byte).
  for (let line = yield* reader.readLine(); line.length > 0; line = yield* reader.readLine()) {
    writer.write(line);
    yield* writer.drain();
    echoed.lines++;
  }
}

/** The handler of one connection: echo, and log how the connection began and ended. */
function* serveClient(reader: StreamReader, writer: StreamWriter): Coroutine<void> {
  const peer = describePeer(writer);
  const echoed = { lines: 0 }; // counted as we go, so that every ending can report it
  console.log(`${peer} connected`);
  try {
    yield* echoLines(reader, writer, echoed);
    console.log(`${peer} closed the connection after ${echoed.lines} line(s)`);
  } catch (error) {
    if (error instanceof CancelledError) {
      console.log(`${peer} disconnected by the server, which is stopping, after ${echoed.lines} line(s)`);
      throw error; // a cancellation is never swallowed: the server waits for it
    }
    // Anything else (a line over the reader's 64 KiB limit is a LimitOverrunError) goes to
    // the server, which reports it and closes this connection; the others go on.
    if (!(error instanceof BrokenResourceError)) throw error;
    // Reset by the peer (the client was killed, the network went away): routine for a server.
    console.log(`${peer} lost after ${echoed.lines} line(s): ${error.message}`);
  }
}

/** Listens on `port` until cancelled (Ctrl-C), then closes every connection. */
function* serve(port: number): Coroutine<void> {
  const server = yield* startServer(serveClient, HOST, port);
  console.log(`echo server listening on ${HOST}:${(server.address() as AddressInfo).port}; Ctrl-C to stop`);
  try {
    yield* server.serveForever();
  } catch (error) {
    if (error instanceof CancelledError) console.log(`stopping (${error.reason.source}): every connection is closed`);
    throw error;
  }
}

const port = portFromArgs();
if (port === undefined) {
  console.error(`usage: npm run example -- echo-server [port]   (a port is 0 to 65535: received ${JSON.stringify(process.argv[3])})`);
  process.exitCode = 2;
} else {
  await main(serve(port));
}
