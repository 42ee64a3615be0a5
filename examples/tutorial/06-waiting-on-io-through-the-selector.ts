/**
 * Tutorial, step 6: waiting on I/O through the selector.
 *
 *   npm run example -- tutorial/06
 *
 * When no task can run and no callback is ready, the loop has only one thing left to do: wait.
 * It waits in its selector (phase 3 of a pass: the poll), which watches file objects (sockets,
 * pipes) and answers with the ones that are ready, or when the timeout runs out: the time until
 * the earliest timer, or "none" when there is no timer, which means "until some I/O happens".
 * For each ready file object the loop queues the callback registered for it (`addReader`), and
 * a stream's callback feeds the bytes to the task that waits to read them.
 *
 * This program runs a real TCP echo on 127.0.0.1 (port 0: any free port): a server from
 * `startServer`, a client from `openConnection`, both coroutines on the same loop. The client
 * sends a line, waits for its echo, pauses 100 ms, and sends another. An Instrument prints each
 * poll that may block (timeout not 0) with how long it waited and how many file objects were
 * ready. Polls with a timeout of 0 (work was ready: only a look) are counted, not printed.
 *
 * It runs on the default selector: NativeSelector (epoll) on Linux, NodeSelector elsewhere
 * (`YIELDIO_SELECTOR=node npm run example -- tutorial/06` picks the other one). Time is real,
 * so the waits differ from run to run; on one machine, a round trip takes a fraction of a
 * millisecond. The program closes the connection and the server, and ends by itself.
 */
import type { AddressInfo } from "node:net";
import { getRunningLoop, openConnection, run, sleep, startServer } from "../../lib/index.js";
import type { Coroutine, Instrument, StreamReader, StreamWriter } from "../../lib/index.js";

const text = (bytes: Uint8Array): string => JSON.stringify(new TextDecoder().decode(bytes));

/** Prints each poll that may block; counts the ones that only look. */
class PollTracer implements Instrument {
  #startedAt = 0;
  looks = 0;
  blocks = 0;
  blockedMs = 0;

  beforeIoWait(): void {
    this.#startedAt = getRunningLoop().time();
  }

  afterIoWait(timeoutMs: number | null, events: number): void {
    if (timeoutMs === 0) {
      this.looks++;
      return;
    }
    const waitedMs = getRunningLoop().time() - this.#startedAt;
    this.blocks++;
    this.blockedMs += waitedMs;
    const limit = timeoutMs === null ? "no timeout: until I/O" : `timeout ${Math.round(timeoutMs)} ms`;
    console.log(`      (loop idle: blocked in the selector, ${limit}; woke after ${waitedMs.toFixed(2)} ms, ${events} ready)`);
  }
}

/** The server's handler, one task per connection: sends every line back. */
function* echo(reader: StreamReader, writer: StreamWriter): Coroutine<void> {
  // readLine() parks the task until the selector reports the socket readable and the bytes of
  // a whole line have been fed to the reader. An empty result means the end of the stream.
  for (let line = yield* reader.readLine(); line.length > 0; line = yield* reader.readLine()) {
    console.log(`[server] got ${text(line)}, echoes it`);
    writer.write(line);
    yield* writer.drain();
  }
  console.log("[server] the client closed its side: the handler returns");
}

const tracer = new PollTracer();
await run(
  function* () {
    console.log(`selector: ${getRunningLoop().selector.constructor.name}`);
    const server = yield* startServer(echo, "127.0.0.1", 0);
    const { port } = server.address() as AddressInfo;
    console.log("[server] listening on 127.0.0.1, on a free port");
    const [reader, writer] = yield* openConnection("127.0.0.1", port);
    console.log("[client] connected");
    for (const [index, message] of ["hello", "world"].entries()) {
      if (index > 0) {
        console.log("[client] pauses 100 ms");
        yield* sleep(100); // a timer: now the poll has a timeout
      }
      console.log(`[client] sends "${message}\\n"`);
      writer.write(`${message}\n`);
      yield* writer.drain();
      const echoed = yield* reader.readLine();
      console.log(`[client] got back ${text(echoed)}`);
    }
    writer.close();
    yield* writer.waitClosed();
    server.close();
    yield* server.waitClosed(); // until the handler has returned
    console.log("[main] the connection and the server are closed");
  },
  { instruments: [tracer] },
);
console.log(
  `the loop blocked in its selector ${tracer.blocks} times (${Math.round(tracer.blockedMs)} ms in all), and only looked ${tracer.looks} times`,
);
