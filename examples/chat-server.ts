/**
 * chat-server: a line-based chat room where a slow client cannot hold up the others: each
 * client has a bounded queue of its own and a writer task that empties it.
 *
 *   npm run example -- chat-server               # a demo: the server and three clients, ~1 s
 *   npm run example -- chat-server --port 7000   # serves on 127.0.0.1:7000 until Ctrl-C
 *
 * Join with `nc 127.0.0.1 7000` from a few terminals. The first line you send is your name
 * (letters, digits, `-` and `_`); an empty line, a name in use or none within 30 s makes you
 * `guest-N`. Every line after that goes to everyone else as `name: line`. End-of-stream
 * (Ctrl-D in nc) leaves the room.
 *
 * Why a queue and a writer task per client. The obvious relay, `for (const other of others) {
 * other.write(line); yield* other.drain(); }`, lets one client that does not read (a phone in
 * a tunnel) stop the room: once the OS's socket buffers for it are full, its `drain()` waits,
 * so the sender's relay waits, so nobody else hears from that sender either. Here the relay
 * only `putNowait()`s into each client's queue, which never waits, and each client's writer
 * task takes from its own queue, writes and drains: a slow client slows its own task only.
 *
 * When a client's queue is full (QUEUE_LINES lines behind, on top of what the socket buffers
 * hold), its messages are dropped, and it is told once how many, when it has caught up. The
 * gap lasts until its writer task has sent everything queued before it: so the notice sits
 * exactly where the gap is, and a client on the edge is not told on every other line. Why drop
 * rather than disconnect: a lost chat line is a small harm, and a client on a bad link gets to
 * stay. (IRC servers disconnect instead, "SendQ exceeded": the right choice where a gap would
 * leave a client with wrong state, such as who is in a channel.) Memory stays bounded either
 * way: at most QUEUE_LINES lines of at most MAX_LINE_BYTES per client, about 1 MiB.
 *
 * The demo: alice, bob and snail join; snail then reads nothing for a second. alice pastes a
 * long log: 8 KiB lines at about 20 MiB/s for half a second, more than the socket buffers
 * hold for snail. You will see bob get every line of it a few milliseconds after alice sent
 * it (some tens at worst, while snail reads nothing for a second), the server start dropping
 * snail's messages once its queue is full, and snail, when it reads again, get the lines
 * queued before the gap, one notice of how many it missed, then the room again. Then everyone
 * leaves, the server closes, and the script exits 0 after about 1.1 s of run time. The counts
 * depend on the machine's socket buffers: on Linux, about 5 MB pile up for snail before its
 * queue fills.
 */
import type { AddressInfo } from "node:net";
import {
  BrokenResourceError,
  CancelledError,
  Event,
  LimitOverrunError,
  Queue,
  QueueFull,
  QueueShutDown,
  getRunningLoop,
  main,
  moveOnAfter,
  openConnection,
  shield,
  sleep,
  startServer,
  taskGroup,
} from "../lib/index.js";
import type { ConnectionHandler, Coroutine, Server, StreamReader, StreamWriter, Task } from "../lib/index.js";

const LOCALHOST = "127.0.0.1";
/** How many lines a client may be behind before its messages are dropped. */
const QUEUE_LINES = 64;
/** The longest line the server reads, in bytes (the reader's limit): bounds each queue's memory too. */
const MAX_LINE_BYTES = 16 * 1024;
const NAME_TIMEOUT_MS = 30_000;
const VALID_NAME = /^[A-Za-z0-9_-]{1,20}$/;

const encoder = new TextEncoder();
const decoder = new TextDecoder();
/** A line as text, without its line ending. */
const text = (line: Uint8Array): string => decoder.decode(line).replace(/\r?\n$/, "");

let started = 0;
/** Prints `what` from `who`, stamped with the time since the start. */
function log(who: string, what: string): void {
  console.log(`${String(Math.round(getRunningLoop().time() - started)).padStart(5)} ms  ${who.padEnd(6)} | ${what}`);
}

// ---------------------------------------------------------------------------------------------
// The server
// ---------------------------------------------------------------------------------------------

/** One member of the room, as the server sees it. */
interface Member {
  readonly name: string;
  /** What is still to be sent to this member: only its writer task takes from it. */
  readonly outbox: Queue<Uint8Array>;
  /**
   * Either 0: every message for this member was queued; or how many were dropped since its
   * queue was found full: then nothing more is queued until its writer task has sent what was
   * queued before the gap, followed by the notice (see `sendOutbox()`).
   */
  dropped: number;
}

/** Who is in the room, and how a line reaches them. */
class ChatRoom {
  readonly #members = new Map<string, Member>();
  #guests = 0;

  /** `wanted` if it is a valid name nobody uses, else the next `guest-N`. */
  nameFor(wanted: string): string {
    // `guest-N` names are the server's to give: nobody can pass for a guest.
    if (VALID_NAME.test(wanted) && !wanted.startsWith("guest-") && !this.#members.has(wanted)) return wanted;
    return `guest-${++this.#guests}`;
  }

  /** Adds a member, tells the others, and queues its welcome. */
  join(name: string): Member {
    const member: Member = { name, outbox: new Queue({ maxsize: QUEUE_LINES }), dropped: 0 };
    const others = [...this.#members.keys()];
    this.broadcast(member, `*** ${name} joined`);
    this.#members.set(name, member);
    this.deliver(member, `*** welcome, ${name}; ${others.length === 0 ? "nobody else is here yet" : `here: ${others.join(", ")}`}`);
    return member;
  }

  /** Removes a member (nothing more is queued for it) and tells the others. */
  leave(member: Member): void {
    if (!this.#members.delete(member.name)) return;
    this.broadcast(member, `*** ${member.name} left`);
  }

  /** Queues `line` for everyone but `from`. Never waits: that is the point of the queues. */
  broadcast(from: Member, line: string): void {
    const bytes = encoder.encode(`${line}\n`); // encoded once, shared by every queue
    for (const member of this.#members.values()) if (member !== from) this.#queue(member, bytes);
  }

  /** Queues `line` for `member` alone. */
  deliver(member: Member, line: string): void {
    this.#queue(member, encoder.encode(`${line}\n`));
  }

  #queue(member: Member, bytes: Uint8Array): void {
    if (member.dropped > 0) {
      member.dropped++; // in a gap: it ends when the writer task has caught up
      return;
    }
    try {
      member.outbox.putNowait(bytes);
    } catch (error) {
      if (!(error instanceof QueueFull)) throw error;
      member.dropped = 1;
      log("server", `${member.name} is too slow (${QUEUE_LINES} lines queued): dropping its messages until it catches up`);
    }
  }
}

/**
 * A member's writer task: the only place that writes to its connection after the greeting.
 * Ends when the outbox is shut down and empty (the member left) or the connection is lost.
 */
function* sendOutbox(member: Member, writer: StreamWriter): Coroutine<void> {
  try {
    for (;;) {
      writer.write(yield* member.outbox.get());
      yield* writer.drain(); // waits while this member does not read: only this task waits
      if (member.dropped > 0 && member.outbox.empty()) {
        // Everything queued before the gap is out: the notice goes here, and the gap ends.
        writer.write(`*** ${member.dropped} message(s) were dropped for you: your connection was too slow\n`);
        log("server", `${member.name} caught up; ${member.dropped} message(s) were dropped for it`);
        member.dropped = 0;
      }
    }
  } catch (error) {
    // Shut down: the member left and what was queued is sent. Lost: its relay sees it too.
    if (error instanceof QueueShutDown || error instanceof BrokenResourceError) return;
    throw error;
  }
}

/**
 * Reads the member's lines and broadcasts them, until it leaves (end-of-stream) or its
 * connection is lost.
 */
function* relayLines(room: ChatRoom, member: Member, reader: StreamReader): Coroutine<void> {
  for (;;) {
    let line: Uint8Array;
    try {
      line = yield* reader.readLine();
    } catch (error) {
      if (error instanceof LimitOverrunError) {
        room.deliver(member, `*** your line was dropped: it was over ${MAX_LINE_BYTES} bytes`); // readLine() skipped it
        continue;
      }
      if (!(error instanceof BrokenResourceError)) throw error;
      log("server", `${member.name}'s connection was lost: ${error.message}`);
      return;
    }
    if (line.length === 0) return; // end-of-stream: the member left
    room.broadcast(member, `${member.name}: ${text(line)}`);
  }
}

/**
 * Asks for a name and returns the first line the client sends: "" if it sends none in time or
 * one too long to be a name; undefined if it leaves first.
 */
function* readWantedName(reader: StreamReader, writer: StreamWriter): Coroutine<string | undefined> {
  // Written directly: no writer task exists yet, so nothing else writes to this connection.
  writer.write("*** hello! send your name (letters, digits, - and _), or an empty line to be a guest\n");
  let line: Uint8Array | undefined;
  try {
    line = yield* moveOnAfter(NAME_TIMEOUT_MS, reader.readLine()); // given up, the read consumes nothing
  } catch (error) {
    if (error instanceof LimitOverrunError) return ""; // readLine() skipped the line
    if (error instanceof BrokenResourceError) return undefined;
    throw error;
  }
  if (line === undefined) return "";
  return line.length === 0 ? undefined : text(line).trim(); // empty: end-of-stream, not an empty line
}

/** The connection handler: name, join, relay with a writer task beside, leave. */
function chatHandler(room: ChatRoom): ConnectionHandler {
  return function* serveMember(reader: StreamReader, writer: StreamWriter): Coroutine<void> {
    const wanted = yield* readWantedName(reader, writer);
    if (wanted === undefined) return;
    const member = room.join(room.nameFor(wanted));
    const peer = writer.getExtraInfo("peername") as AddressInfo;
    log("server", `${member.name} joined from ${peer.address}:${peer.port}`);
    // The group ends when both the relay (the body) and the writer task have: a member's
    // connection is closed only once everything queued for it is sent. On server shutdown the
    // handler is cancelled, and the group cancels the writer task with it.
    yield* taskGroup(function* (tg) {
      tg.createTask(sendOutbox(member, writer), { name: `${member.name}'s writer` });
      try {
        yield* relayLines(room, member, reader);
      } finally {
        room.leave(member);
        member.outbox.shutdown(); // the writer task sends what is queued, then stops
        log("server", `${member.name} left`);
      }
    });
  };
}

/** Starts the chat server on `port` (0: any free port). */
function* startChatServer(port: number): Coroutine<Server> {
  const server = yield* startServer(chatHandler(new ChatRoom()), LOCALHOST, port, { limit: MAX_LINE_BYTES });
  log("server", `listening on ${LOCALHOST}:${(server.address() as AddressInfo).port}`);
  return server;
}

// ---------------------------------------------------------------------------------------------
// The demo: three clients in this process
// ---------------------------------------------------------------------------------------------

const SNAIL_NAP_MS = 1000;
const PASTE_MS = 500;
const LOG_LINE_BYTES = 8 * 1024;
/** alice pastes this many lines every TICK_MS: about 20 MiB/s, which bob reads easily. */
const LINES_PER_TICK = 16;
const TICK_MS = 5;
/** A pause between the steps of the story, so that the output reads in order. */
const BEAT_MS = 20;

/** A simulated client: its connection, and an event set once it is up to date after the paste. */
interface DemoClient {
  readonly name: string;
  readonly reader: StreamReader;
  readonly writer: StreamWriter;
  /** Set when this client has read the end of alice's log, or the notice of what it missed. */
  readonly caughtUp: Event;
}

/** What a client saw of alice's log: how many lines, and how long after alice sent them. */
interface LogSeen {
  lines: number;
  totalDelayMs: number;
  worstDelayMs: number;
}

const LOG_LINE = /^alice: log line \d+ sent at (\d+\.\d+) /;

/** Connects, sends `name` as the first line, and adds the client to `clients`. */
function* joinAs(port: number, name: string, clients: DemoClient[]): Coroutine<DemoClient> {
  const [reader, writer] = yield* openConnection(LOCALHOST, port);
  const client: DemoClient = { name, reader, writer, caughtUp: new Event() };
  clients.push(client); // from here on, the demo closes it whatever happens
  writer.write(`${name}\n`);
  return client;
}

/** Says `line` to the room. */
function* say(client: DemoClient, line: string): Coroutine<void> {
  log(client.name, `says ${JSON.stringify(line)}`);
  client.writer.write(`${line}\n`);
  yield* client.writer.drain();
}

/**
 * Reads what the room sends `client` until the server closes the connection, and prints it,
 * except alice's log lines: those it counts, with the worst delay from alice to here (each
 * line carries the time it was sent).
 */
function* watchRoom(client: DemoClient): Coroutine<LogSeen> {
  const seen: LogSeen = { lines: 0, totalDelayMs: 0, worstDelayMs: 0 };
  for (let line = yield* client.reader.readLine(); line.length > 0; line = yield* client.reader.readLine()) {
    const sentAt = LOG_LINE.exec(decoder.decode(line.subarray(0, 64)))?.[1]; // the head is enough
    if (sentAt !== undefined) {
      const delayMs = getRunningLoop().time() - Number(sentAt);
      seen.lines++;
      seen.totalDelayMs += delayMs;
      seen.worstDelayMs = Math.max(seen.worstDelayMs, delayMs);
      continue;
    }
    const message = text(line);
    if (message.startsWith("*** hello!")) continue; // the name prompt, answered already
    if (message.startsWith("alice: end of log")) {
      const meanDelayMs = seen.totalDelayMs / Math.max(1, seen.lines);
      log(
        client.name,
        `got ${seen.lines} log lines, ${meanDelayMs.toFixed(1)} ms after alice sent them on average, ${seen.worstDelayMs.toFixed(1)} ms at worst`,
      );
      client.caughtUp.set();
    } else if (message.includes("dropped for you")) {
      log(client.name, `got ${seen.lines} log lines (sent before its queue was full), then:`);
      client.caughtUp.set();
    }
    log(client.name, `<- ${message}`);
  }
  return seen;
}

/** snail: reads nothing for `napMs`, then as `watchRoom()`. */
function* napThenWatchRoom(client: DemoClient, napMs: number): Coroutine<LogSeen> {
  log(client.name, `stops reading for ${napMs} ms`);
  yield* sleep(napMs);
  log(client.name, "reads again");
  return yield* watchRoom(client);
}

/** alice pastes a log: LINES_PER_TICK lines every TICK_MS for `durationMs`, then an end line. */
function* pasteLog(alice: DemoClient, durationMs: number): Coroutine<void> {
  const loop = getRunningLoop();
  const until = loop.time() + durationMs;
  let lines = 0;
  log(alice.name, `pastes a log: ${LOG_LINE_BYTES / 1024} KiB lines, ${LINES_PER_TICK} every ${TICK_MS} ms, for ${durationMs} ms`);
  while (loop.time() < until) {
    for (let i = 0; i < LINES_PER_TICK; i++) {
      const head = `log line ${++lines} sent at ${loop.time().toFixed(3)} `;
      alice.writer.write(`${head.padEnd(LOG_LINE_BYTES - 1, "~")}\n`);
    }
    yield* alice.writer.drain();
    yield* sleep(TICK_MS);
  }
  alice.writer.write(`end of log (${lines} lines)\n`);
  log(alice.name, `pasted ${lines} lines (${((lines * LOG_LINE_BYTES) / 2 ** 20).toFixed(1)} MiB)`);
}

/** Leaves the room: end-of-stream, read what the room still sends until the server closes, close. */
function* leave(client: DemoClient, watching: Task<LogSeen>): Coroutine<void> {
  client.writer.writeEof(); // the server relays what is queued for us, then closes its side
  yield* watching;
  client.writer.close();
  yield* client.writer.waitClosed();
  log(client.name, "left and closed its connection");
}

/** The story: a greeting, alice's paste while snail naps, snail catching up, goodbyes. */
function* story(alice: DemoClient, bob: DemoClient, snail: DemoClient): Coroutine<void> {
  yield* taskGroup(function* (tg) {
    const watchingAlice = tg.createTask(watchRoom(alice), { name: "alice's reader" });
    const watchingBob = tg.createTask(watchRoom(bob), { name: "bob's reader" });
    const watchingSnail = tg.createTask(napThenWatchRoom(snail, SNAIL_NAP_MS), { name: "snail's reader" });
    yield* sleep(BEAT_MS);
    yield* say(alice, "hi all, here is my build log");
    yield* sleep(BEAT_MS);
    yield* pasteLog(alice, PASTE_MS);
    yield* bob.caughtUp.wait();
    yield* say(bob, "snail, did you see that?"); // snail is still in its gap: dropped for it
    yield* snail.caughtUp.wait();
    yield* sleep(BEAT_MS);
    yield* say(bob, "welcome back, snail");
    yield* sleep(BEAT_MS);
    yield* leave(bob, watchingBob);
    yield* leave(alice, watchingAlice);
    yield* leave(snail, watchingSnail);
  });
}

/** The demo: the server and three clients, all closed at the end. */
function* demo(): Coroutine<void> {
  yield* taskGroup(function* (tg) {
    const server = yield* startChatServer(0);
    tg.createTask(server.serveForever(), { name: "chat server" });
    const { port } = server.address() as AddressInfo;
    const clients: DemoClient[] = [];
    try {
      const alice = yield* joinAs(port, "alice", clients);
      const bob = yield* joinAs(port, "bob", clients);
      const snail = yield* joinAs(port, "snail", clients);
      yield* story(alice, bob, snail);
    } finally {
      // Each client has closed its connection already, unless the story failed or was
      // interrupted (Ctrl-C): then close the rest here, shielded so that the wait is not cut short.
      for (const client of clients) client.writer.close();
      yield* shield(waitAllClosed(clients));
    }
    // Cancelled, serveForever() stops listening, cancels the handlers still running (every
    // member has left: at most one is closing its connection), and waits until all are done.
    tg.cancel();
  });
  log("server", "closed");
}

/** Waits until each client's connection is closed. */
function* waitAllClosed(clients: readonly DemoClient[]): Coroutine<void> {
  for (const client of clients) yield* client.writer.waitClosed();
}

// ---------------------------------------------------------------------------------------------
// Serving for real
// ---------------------------------------------------------------------------------------------

/** Serves on `port` until Ctrl-C. */
function* serve(port: number): Coroutine<void> {
  const server = yield* startChatServer(port);
  log("server", "Ctrl-C to stop");
  try {
    yield* server.serveForever();
  } catch (error) {
    if (error instanceof CancelledError) log("server", `stopping (${error.reason.source}): every connection is closed`);
    throw error;
  }
}

/** `--port N` from the command line; null when there are no arguments (the demo); undefined if bad. */
function portFromArgs(): number | null | undefined {
  const args = process.argv.slice(3); // process.argv[2] is the example's name
  if (args.length === 0) return null;
  const port = Number(args[1]);
  return args.length === 2 && args[0] === "--port" && Number.isInteger(port) && port >= 0 && port <= 65535 ? port : undefined;
}

const port = portFromArgs();
if (port === undefined) {
  console.error(`usage: npm run example -- chat-server [--port N]   (without --port: a demo; received ${process.argv.slice(3).join(" ")})`);
  process.exitCode = 2;
} else {
  await main(function* (): Coroutine<void> {
    started = getRunningLoop().time();
    yield* port === null ? demo() : serve(port);
  });
}
