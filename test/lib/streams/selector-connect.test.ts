/**
 * Connecting with the selector's own sockets (the native selector's): names, several
 * addresses, cancellation. Real sockets on 127.0.0.x; Linux only (the addon is epoll's).
 */
import test from "ava";
import { readdirSync, readlinkSync } from "node:fs";
import { getRunningLoop, moveOnAfter, openConnection, startServer } from "../../../lib/index.js";
import type { ConnectionHandler, Server } from "../../../lib/index.js";
import { _connectToAny } from "../../../lib/streams/selector-connect.js";
import { NativeSelector } from "../../../selectors/index.js";
import type { SelectorSocketAddress } from "../../../selectors/index.js";
import { runReal } from "../../helpers/loop.js";
import { errorOf, settle } from "../../helpers/operations.js";

// Serial, all of them: one test counts the process's sockets, which the others open and close.
const onLinux = process.platform === "linux" ? test.serial : (): void => undefined;

const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString("utf8");

const greet: ConnectionHandler = function* (_reader, writer) {
  writer.write("hello\n");
};

function portOf(server: Server): number {
  return (server.address() as SelectorSocketAddress).port;
}

onLinux(
  "`openConnection()` behaviour: on a NativeSelector, a host name is resolved (localhost) and the connection is a native socket",
  async (t) => {
    const { result } = await runReal(
      t,
      function* () {
        const server = yield* startServer(greet, "localhost", 0);
        const [reader, writer] = yield* openConnection("localhost", portOf(server));
        const line = text(yield* reader.readLine());
        const socket = writer.getExtraInfo("socket") as object;
        const peername = writer.getExtraInfo("peername") as SelectorSocketAddress;
        writer.close();
        yield* writer.waitClosed();
        server.close();
        yield* server.waitClosed();
        return { line, native: socket.constructor.name, samePort: peername.port === portOf(server) };
      },
      { selector: new NativeSelector() },
    );
    t.deepEqual(result, { line: "hello\n", native: "NativeSocket", samePort: true });
  },
);

onLinux(
  "`openConnection()` behaviour: on a NativeSelector, every address refused is an AggregateError of each, with the first code",
  async (t) => {
    const { result } = await runReal(
      t,
      function* () {
        // A port nobody listens on: a server's, once it is closed.
        const server = yield* startServer(greet, "127.0.0.1", 0);
        const port = portOf(server);
        server.close();
        yield* server.waitClosed();
        const loop = getRunningLoop();
        const sockets = loop.selector.sockets!;
        const one = errorOf(yield* settle(_connectToAny(loop, sockets, ["127.0.0.1"], port, "one"))) as NodeJS.ErrnoException;
        const both = errorOf(yield* settle(_connectToAny(loop, sockets, ["127.0.0.1", "127.0.0.2"], port, "both"))) as AggregateError & {
          code: string;
        };
        return {
          one: `${one.name} ${one.code ?? ""}`,
          both: both.name,
          code: both.code,
          each: both.errors.map((error: NodeJS.ErrnoException) => error.code),
          message: both.message.startsWith(`connect to both:${port} failed on every address (127.0.0.1: connect ECONNREFUSED; 127.0.0.2:`),
        };
      },
      { selector: new NativeSelector() },
    );
    t.deepEqual(result, {
      one: "Error ECONNREFUSED",
      both: "AggregateError",
      code: "ECONNREFUSED",
      each: ["ECONNREFUSED", "ECONNREFUSED"],
      message: true,
    });
  },
);

onLinux(
  "`openConnection()` behaviour: on a NativeSelector, cancelled while it resolves the name or connects, it leaves nothing behind",
  async (t) => {
    const { result } = await runReal(
      t,
      function* () {
        const served: string[] = [];
        const server = yield* startServer(
          function* (reader) {
            served.push(`read ${(yield* reader.read()).length}`);
          },
          "127.0.0.1",
          0,
        );
        const port = portOf(server);
        const duringLookup = yield* moveOnAfter(0, openConnection("localhost", port));
        const duringConnect = yield* moveOnAfter(0, openConnection("127.0.0.1", port));
        const registered = getRunningLoop().selector.getMap().size; // only the listening socket
        server.close();
        yield* server.waitClosed();
        return { duringLookup, duringConnect, registered, served: served.every((entry) => entry === "read 0") };
      },
      { selector: new NativeSelector() },
    );
    t.deepEqual(result, { duringLookup: undefined, duringConnect: undefined, registered: 1, served: true });
  },
);

onLinux(
  "`openConnection()` behaviour: on a NativeSelector, 10k connections to a startServer() server, each closed, leak no file descriptor",
  async (t) => {
    // Sockets and epoll descriptors only: the test runner's own pipes come and go meanwhile.
    const openFds = (): number =>
      readdirSync("/proc/self/fd").filter((fd) => {
        try {
          return /^(socket:|anon_inode:\[eventpoll\])/.test(readlinkSync(`/proc/self/fd/${fd}`));
        } catch {
          return false; // the descriptor readdir itself used, closed since
        }
      }).length;
    const before = openFds();
    const { result } = await runReal(
      t,
      function* () {
        const server = yield* startServer(greet, "127.0.0.1", 0);
        const port = portOf(server);
        let greetings = 0;
        for (let cycle = 0; cycle < 10_000; cycle++) {
          const [reader, writer] = yield* openConnection("127.0.0.1", port);
          if (text(yield* reader.readLine()) === "hello\n") greetings++;
          writer.close();
          yield* writer.waitClosed();
        }
        server.close();
        yield* server.waitClosed();
        return greetings;
      },
      { selector: new NativeSelector() },
    );
    t.is(result, 10_000);
    t.is(
      openFds(),
      before,
      "sockets and epoll descriptors open before and after (the selector's epoll descriptor is closed with its loop)",
    );
  },
);
