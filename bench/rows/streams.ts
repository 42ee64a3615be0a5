/**
 * Stream rows: a TCP echo (the brief's W5) in one process, on 127.0.0.1 (an ephemeral port), 50
 * clients each making 1,000 round trips of 64 bytes (write 64 bytes, wait for the same 64 bytes
 * back), all clients at once. yieldio's streams (`startServer`, `openConnection`,
 * `StreamReader` / `StreamWriter`), on `NativeSelector` (native sockets) and on `NodeSelector`
 * (Node's sockets), against Node's `net` with async/await, and uvloop for scale, each written
 * the way its users would:
 * - yieldio: inside one `run()`, a `startServer` echo handler (`read(65536)`, `write`, `drain`
 *   until end of stream) and 50 client coroutines under `gather()`, each
 *   `write(payload)` + `readExactly(64)`, then `close()` + `waitClosed()`; the same program on
 *   either selector;
 * - Node `net`: a `net.createServer` handler that echoes with `for await (const chunk of
 *   socket)` and `write` (awaiting `drain` when `write` returns false), and 50 async client
 *   functions under `Promise.all`, each `write(payload)` + `await reader.readExactly(64)` (a
 *   small promise-based reader that gathers `data` chunks, since TCP may split or merge them),
 *   then `end()` and the socket's `close`;
 * - uvloop: the same program in Python's asyncio streams on uvloop (`bench/uvloop-echo.ts`).
 * Every socket has Nagle's algorithm off (`setNoDelay(true)`): yieldio's streams set it on the
 * TCP sockets they create and accept, the Node contender sets it on both of its sides.
 *
 * The timed run is the whole program: start listening, connect the 50 clients, the 50k round
 * trips, close every connection, close the server and wait for it. A yieldio server lives in
 * the event loop of its `run()`, so it cannot be started in the row's (untimed) `setup`; the
 * Node contender does the same work inside its timed run, so both pay for it alike (a few ms
 * of a run; see bench/README.md).
 *
 * Every contender checks every echoed payload (its bytes name the client and the round) and
 * the number of round trips, and throws if the workload did not do what it claims.
 *
 * @module
 */

import net from "node:net";
import type { AddressInfo } from "node:net";
import { BUDGET_MS, gather, openConnection, run, startServer } from "../../lib/index.js";
import type { Operation, StreamReader, StreamWriter } from "../../lib/index.js";
import { NativeSelector, NodeSelector } from "../../selectors/index.js";
import type { Selector } from "../../selectors/index.js";
import type { BenchRow, HostGapRow } from "../row.js";
import { uvloopEcho } from "../uvloop-echo.js";
import type { UvloopEcho } from "../uvloop-echo.js";

function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`bench self-check failed: ${what}`);
}

const HOST = "127.0.0.1";
const CLIENTS = 50;
const ROUNDS = 1_000;
const PAYLOAD_BYTES = 64;
const ROUND_TRIPS = CLIENTS * ROUNDS;
/** What the echo servers read at most at once. */
const READ_SIZE = 65_536;

const NODE_NET = "Node net";

/** The bytes client `client` sends in round `round`: a fresh buffer that names both. */
function payload(client: number, round: number): Buffer {
  const bytes = Buffer.allocUnsafe(PAYLOAD_BYTES);
  bytes.writeUInt32LE(client, 0);
  bytes.writeUInt32LE(round, 4);
  for (let i = 8; i < PAYLOAD_BYTES; i++) bytes[i] = (client + round + i) & 0xff;
  return bytes;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sum(values: readonly number[]): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}

// ---- yieldio -------------------------------------------------------------------------------------

function* yieldioEcho(reader: StreamReader, writer: StreamWriter): Operation<void> {
  for (;;) {
    const chunk = yield* reader.read(READ_SIZE);
    if (chunk.length === 0) return; // end of stream: startServer closes the connection
    writer.write(chunk);
    yield* writer.drain();
  }
}

function* yieldioClient(port: number, client: number): Operation<number> {
  const [reader, writer] = yield* openConnection(HOST, port);
  return yield* talk(reader, writer, client, "yieldio");
}

/** A client's 1,000 round trips, each checked, then the close. */
function* talk(reader: StreamReader, writer: StreamWriter, client: number, who: string): Operation<number> {
  let rounds = 0;
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const sent = payload(client, round);
      writer.write(sent);
      const echoed = yield* reader.readExactly(PAYLOAD_BYTES);
      check(sameBytes(echoed, sent), `${who}: client ${client}, round ${round}: the echo differs from what was sent`);
      rounds++;
    }
  } finally {
    writer.close();
    yield* writer.waitClosed();
  }
  return rounds;
}

/** The whole yieldio program, on `selector` (the streams make native sockets on a NativeSelector). */
function yieldioEchoRun(selector: Selector): Promise<void> {
  return run(
    function* () {
      const server = yield* startServer(yieldioEcho, HOST, 0);
      try {
        const { port } = server.address() as AddressInfo;
        const clients: Operation<number>[] = [];
        for (let client = 0; client < CLIENTS; client++) clients.push(yieldioClient(port, client));
        check(sum(yield* gather(clients)) === ROUND_TRIPS, "yieldio: every round trip made");
      } finally {
        server.close();
        yield* server.waitClosed();
      }
    },
    { selector },
  );
}

// ---- Node net with async/await ----------------------------------------------------------------------

/**
 * `readExactly(n)` over a socket's `data` events: gathers chunks (TCP may split or merge what
 * was written) and resolves with exactly `n` bytes once they have arrived. One read at a time.
 */
class SocketReader {
  readonly #chunks: Buffer[] = [];
  #length = 0;
  #ended = false;
  #error: Error | undefined;
  #wanted = 0;
  #resolve: ((bytes: Buffer) => void) | undefined;
  #reject: ((error: Error) => void) | undefined;

  constructor(socket: net.Socket) {
    socket.on("data", (chunk: Buffer) => {
      this.#chunks.push(chunk);
      this.#length += chunk.length;
      if (this.#resolve !== undefined && this.#length >= this.#wanted) this.#settle();
    });
    socket.on("end", () => {
      this.#ended = true;
      this.#settle();
    });
    socket.on("error", (error: Error) => {
      this.#error = error;
      this.#settle();
    });
  }

  readExactly(n: number): Promise<Buffer> {
    if (this.#resolve !== undefined) return Promise.reject(new Error("SocketReader: one read at a time"));
    if (this.#length >= n) return Promise.resolve(this.#take(n));
    if (this.#error !== undefined) return Promise.reject(this.#error);
    if (this.#ended) return Promise.reject(new Error(`SocketReader: the stream ended ${n - this.#length} bytes short`));
    return new Promise<Buffer>((resolve, reject) => {
      this.#wanted = n;
      this.#resolve = resolve;
      this.#reject = reject;
    });
  }

  /** Settles the waiting read, if any: with its bytes once they are all here, else with the end or the error. */
  #settle(): void {
    const resolve = this.#resolve;
    const reject = this.#reject;
    if (resolve === undefined || reject === undefined) return;
    const n = this.#wanted;
    if (this.#length < n && this.#error === undefined && !this.#ended) return;
    this.#resolve = this.#reject = undefined;
    if (this.#length >= n) resolve(this.#take(n));
    else reject(this.#error ?? new Error(`SocketReader: the stream ended ${n - this.#length} bytes short`));
  }

  #take(n: number): Buffer {
    const first = this.#chunks[0]!;
    let bytes: Buffer;
    if (first.length === n) {
      this.#chunks.shift(); // the usual case: one chunk, one message
      bytes = first;
    } else if (first.length > n) {
      this.#chunks[0] = first.subarray(n);
      bytes = first.subarray(0, n);
    } else {
      bytes = Buffer.allocUnsafe(n);
      let at = 0;
      while (at < n) {
        const chunk = this.#chunks[0]!;
        const part = Math.min(chunk.length, n - at);
        chunk.copy(bytes, at, 0, part);
        at += part;
        if (part === chunk.length) this.#chunks.shift();
        else this.#chunks[0] = chunk.subarray(part);
      }
    }
    this.#length -= n;
    return bytes;
  }
}

async function nodeEcho(socket: net.Socket): Promise<void> {
  socket.setNoDelay(true);
  for await (const chunk of socket as AsyncIterable<Buffer>) {
    if (!socket.write(chunk)) await new Promise((resolve) => socket.once("drain", resolve));
  }
  socket.end();
}

async function nodeClient(port: number, client: number): Promise<number> {
  const socket = net.connect({ host: HOST, port });
  socket.setNoDelay(true);
  const closed = new Promise((resolve) => socket.once("close", resolve));
  const reader = new SocketReader(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  let rounds = 0;
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const sent = payload(client, round);
      socket.write(sent);
      const echoed = await reader.readExactly(PAYLOAD_BYTES);
      check(sameBytes(echoed, sent), `Node net: client ${client}, round ${round}: the echo differs from what was sent`);
      rounds++;
    }
  } finally {
    socket.end();
    await closed;
  }
  return rounds;
}

async function nodeEchoRun(): Promise<void> {
  const serverErrors: unknown[] = [];
  const server = net.createServer((socket) => {
    socket.on("error", (error) => serverErrors.push(error));
    nodeEcho(socket).catch((error: unknown) => {
      serverErrors.push(error);
      socket.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host: HOST, port: 0 }, resolve);
  });
  const serverClosed = new Promise<void>((resolve, reject) => {
    server.once("close", resolve);
    server.once("error", reject);
  });
  try {
    const { port } = server.address() as AddressInfo;
    const clients: Promise<number>[] = [];
    for (let client = 0; client < CLIENTS; client++) clients.push(nodeClient(port, client));
    check(sum(await Promise.all(clients)) === ROUND_TRIPS, "Node net: every round trip made");
  } finally {
    server.close(); // 'close' once every connection has closed
    await serverClosed;
  }
  check(serverErrors.length === 0, `Node net: the echo server failed (${String(serverErrors[0])})`);
}

// ---- the rows ----------------------------------------------------------------------------------------

const NATIVE = "yieldio streams, NativeSelector";
const NODE = "yieldio streams, NodeSelector";

/** The echo row for one yieldio contender against Node net (and uvloop, for scale), with the speed it must reach. */
function echoRow(contender: string, runContender: () => Promise<void>, atLeast: number, uvloop?: UvloopEcho): BenchRow {
  return {
    title: `TCP echo (W5), ${contender.replace("yieldio streams, ", "")}: ${CLIENTS} clients × ${ROUNDS.toLocaleString("en-US")} round trips of ${PAYLOAD_BYTES} B`,
    baseline: contender,
    target: { versus: NODE_NET, atLeast },
    itemsPerRun: ROUND_TRIPS,
    unit: "round trips",
    contenders: [
      { name: contender, run: runContender },
      { name: NODE_NET, run: nodeEchoRun },
      ...(uvloop === undefined ? [] : [{ name: uvloop.name, run: () => uvloop.run() }]),
    ],
    ...(uvloop === undefined ? {} : { setup: () => uvloop.start(), teardown: () => uvloop.stop() }),
  };
}

const onLinux = process.platform === "linux";
const uvloop = onLinux ? uvloopEcho() : undefined;
if (onLinux && uvloop === undefined)
  console.warn("bench: uvloop is not installed (apt-get install -y python3-uvloop): the echo row runs without it");

/**
 * The stream rows: the native selector's issue asks for at least 1.5× Node net on
 * NativeSelector (uvloop reaches about 1.46× on this machine) and at least 1.0× on NodeSelector.
 */
export const rows: readonly BenchRow[] = [
  ...(onLinux ? [echoRow(NATIVE, () => yieldioEchoRun(new NativeSelector()), 1.5, uvloop)] : []),
  echoRow(NODE, () => yieldioEchoRun(new NodeSelector()), 1.0),
];

/**
 * Node's own timers while the echo keeps 50 sockets busy: a `setInterval(1)` probe beside the
 * whole yieldio program must see no gap longer than the loop's budget plus one step (a pass over
 * the ready sockets, well under 1 ms) plus its own period.
 */
export const hostGaps: readonly HostGapRow[] = [
  ...(onLinux
    ? [{ title: `TCP echo (W5) on NativeSelector`, stepMs: 1, budgetMs: BUDGET_MS, run: () => yieldioEchoRun(new NativeSelector()) }]
    : []),
  { title: `TCP echo (W5) on NodeSelector`, stepMs: 1, budgetMs: BUDGET_MS, run: () => yieldioEchoRun(new NodeSelector()) },
];
