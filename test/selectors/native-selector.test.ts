/**
 * The native selector (epoll through the addon of native/) and its sockets, on real sockets on
 * 127.0.0.1 and a Unix socket in a temp dir. On Linux the addon must be built (`npm run
 * build`): these tests fail, they do not skip, when it is missing there.
 */
import test from "ava";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { Worker } from "node:worker_threads";
import { EventLoop, InvalidStateError } from "../../lib/index.js";
import { EVENT_READ, EVENT_WRITE, NOTHING_READY, NativeSelector, NativeSocket } from "../../selectors/index.js";
import type { NativeSocketAddress, SelectResult, SystemError } from "../../selectors/index.js";

// The addon is Linux's (epoll): elsewhere these tests are not registered, and one test checks
// that the selector says it is unavailable there.
const onLinux = process.platform === "linux" ? test : (): void => undefined;

function masks(events: SelectResult | Promise<SelectResult>): Array<[string, number]> {
  if (!Array.isArray(events)) throw new TypeError("expected a synchronous answer");
  return (events as SelectResult).map(([key, mask]) => [String(key.data), mask]);
}

/** A listening socket on a free port, a client connected to it, and the accepted end. */
function connectedPair(selector: NativeSelector): { server: NativeSocket; client: NativeSocket; peer: NativeSocket; close: () => void } {
  const server = NativeSocket.listenTcp("127.0.0.1", 0);
  const { port } = server.localAddress() as NativeSocketAddress;
  const client = NativeSocket.connectTcp("127.0.0.1", port);
  let peer: NativeSocket | null = null;
  for (let tries = 0; peer === null && tries < 1000; tries++) peer = server.accept(); // loopback: at once
  if (peer === null) throw new Error("no connection to accept");
  const accepted = peer;
  return {
    server,
    client,
    peer: accepted,
    close: () => {
      for (const socket of [client, accepted, server]) {
        if (selector.getKey(socket) !== undefined) selector.unregister(socket);
        socket.close();
      }
    },
  };
}

function openFds(): number {
  return readdirSync("/proc/self/fd").length;
}

test("`NativeSelector.isAvailable()` behaviour: the addon is built and loads on Linux; elsewhere it is unavailable and the constructor says why", (t) => {
  if (process.platform === "linux") t.true(NativeSelector.isAvailable(), "run npm run build: the native addon is missing");
  else {
    t.false(NativeSelector.isAvailable());
    t.throws(() => new NativeSelector(), { message: /needs Linux/ });
  }
});

onLinux(
  "`NativeSelector.select()` behaviour: select(0) answers synchronously; a socket is reported while ready (level-triggered), with only its registered events",
  (t) => {
    const selector = new NativeSelector();
    const { client, peer, close } = connectedPair(selector);
    t.is(selector.select(0), NOTHING_READY, "nothing registered, nothing ready");
    selector.register(peer, EVENT_READ, "peer");
    selector.register(client, EVENT_READ | EVENT_WRITE, "client");
    t.deepEqual(masks(selector.select(0)), [["client", EVENT_WRITE]], "connected: writable; nothing to read yet");
    client.send(new TextEncoder().encode("ping"));
    t.deepEqual(masks(selector.select(0)).sort(), [
      ["client", EVENT_WRITE],
      ["peer", EVENT_READ],
    ]);
    t.deepEqual(
      masks(selector.select(0)).sort(),
      [
        ["client", EVENT_WRITE],
        ["peer", EVENT_READ],
      ],
      "still there: reported again",
    );
    const bytes = new Uint8Array(16);
    t.is(peer.recv(bytes), 4);
    t.is(new TextDecoder().decode(bytes.subarray(0, 4)), "ping");
    t.is(peer.recv(bytes), -1, "nothing more: EAGAIN is -1");
    selector.modify(client, EVENT_READ, "client");
    t.is(selector.select(0), NOTHING_READY);
    close();
    selector.close();
  },
);

onLinux(
  "`NativeSelector.select()` behaviour: a pending select(null) is ended by bytes from outside the loop; the poll handle stops after",
  async (t) => {
    const selector = new NativeSelector();
    const { client, peer, close } = connectedPair(selector);
    selector.register(peer, EVENT_READ, "peer");
    const pending = selector.select(null);
    t.true(pending instanceof Promise);
    setImmediate(() => client.send(new Uint8Array([1, 2, 3])));
    t.deepEqual(masks(await pending), [["peer", EVENT_READ]]);
    close();
    selector.close();
  },
);

onLinux(
  "`NativeSelector.select()` behaviour: watches Node streams beside its sockets: both in one answer, and a stream's data ends a pending select",
  async (t) => {
    const selector = new NativeSelector();
    const { client, peer, close } = connectedPair(selector);
    const stream = new PassThrough();
    selector.register(peer, EVENT_READ, "peer");
    selector.register(stream, EVENT_READ, "stream");
    t.is(selector.select(0), NOTHING_READY);
    const pending = selector.select(null);
    t.true(pending instanceof Promise, "nothing ready: it waits");
    stream.write("from a Node stream");
    t.deepEqual(masks(await pending), [["stream", EVENT_READ]]);
    client.send(new Uint8Array([1]));
    t.deepEqual(masks(selector.select(0)).sort(), [
      ["peer", EVENT_READ],
      ["stream", EVENT_READ],
    ]);
    stream.read();
    selector.unregister(stream);
    t.deepEqual(masks(selector.select(0)), [["peer", EVENT_READ]]);
    t.is(stream.listenerCount("readable"), 0, "unregistered: its listeners are gone");
    t.throws(() => selector.register({ fd: "3" }, EVENT_READ), { instanceOf: TypeError, message: /a NativeSocket\) and Node streams/ });
    close();
    selector.close();
  },
);

onLinux("`NativeSelector.select()` behaviour: select(t) with nothing ready is ended by its host timer", async (t) => {
  const selector = new NativeSelector();
  const started = selector.time();
  const answer = await selector.select(5);
  t.is(answer, NOTHING_READY);
  t.true(selector.time() - started >= 4, "Node may fire up to 1 ms early");
  selector.close();
});

onLinux("`NativeSelector.wake()` behaviour: ends a pending select; before a select, makes the next one answer at once, once", async (t) => {
  const selector = new NativeSelector();
  const pending = selector.select(null);
  selector.wake();
  t.is(await pending, NOTHING_READY);
  selector.wake();
  t.is(selector.select(null), NOTHING_READY, "answered synchronously");
  const next = selector.select(1);
  t.true(next instanceof Promise, "only once");
  await next;
  selector.close();
});

onLinux("`NativeSelector.close()` behaviour: ends a pending select with nothing; a closed selector reports nothing", async (t) => {
  const selector = new NativeSelector();
  const pending = selector.select(null);
  selector.close();
  t.is(await pending, NOTHING_READY);
  t.is(selector.select(0), NOTHING_READY);
  t.throws(() => selector.register(NativeSocket.listenTcp("127.0.0.1", 0), EVENT_READ), { instanceOf: InvalidStateError });
});

onLinux(
  "`NativeSelector.register()` behaviour: no fd is a TypeError, a closed socket a TypeError, a second object for one fd a RangeError; nothing refused is kept",
  (t) => {
    const selector = new NativeSelector();
    const socket = NativeSocket.listenTcp("127.0.0.1", 0);
    const closed = NativeSocket.listenTcp("127.0.0.1", 0);
    closed.close();
    t.throws(() => selector.register({}, EVENT_READ), { instanceOf: TypeError, message: /file descriptor/ });
    t.throws(() => selector.register({ fd: -1 }, EVENT_READ), { instanceOf: TypeError });
    t.throws(() => selector.register(closed, EVENT_READ), { instanceOf: TypeError, message: /closed socket/ });
    selector.register(socket, EVENT_READ);
    t.throws(() => selector.register({ fd: socket.fd }, EVENT_READ), { instanceOf: RangeError, message: new RegExp(`fd ${socket.fd}`) });
    t.throws(() => selector.register({ fd: 1_000_000 }, EVENT_READ), { message: /epoll_ctl EBADF/ });
    t.is(selector.getMap().size, 1);
    selector.unregister(socket);
    socket.close();
    selector.close();
  },
);

onLinux(
  "`NativeSocket.close()` behaviour: refused while a selector watches it (InvalidStateError); closes once unregistered; twice does nothing",
  (t) => {
    const selector = new NativeSelector();
    const socket = NativeSocket.listenTcp("127.0.0.1", 0);
    selector.register(socket, EVENT_READ);
    t.throws(() => socket.close(), { instanceOf: InvalidStateError, message: /removeReader/ });
    selector.unregister(socket);
    socket.close();
    socket.close();
    t.true(socket.closed);
    t.throws(() => socket.accept(), { instanceOf: InvalidStateError });
    selector.close();
  },
);

onLinux("`NativeSocket` behaviour: a peer's end of stream is readable and recv() gives 0; half-close keeps the other way open", (t) => {
  const selector = new NativeSelector();
  const { client, peer, close } = connectedPair(selector);
  selector.register(peer, EVENT_READ, "peer");
  client.send(new TextEncoder().encode("last words"));
  client.shutdownWrite();
  const bytes = new Uint8Array(64);
  t.deepEqual(masks(selector.select(0)), [["peer", EVENT_READ]]);
  t.is(peer.recv(bytes), 10);
  t.is(peer.recv(bytes), 0, "end of stream");
  t.is(peer.send(new TextEncoder().encode("reply")), 5, "the other way still works");
  t.is(client.recv(bytes), 5);
  close();
  selector.close();
});

onLinux("`NativeSocket.connectTcp()` behaviour: a refused connection is writable, then connectError() is ECONNREFUSED", async (t) => {
  const selector = new NativeSelector();
  const listener = NativeSocket.listenTcp("127.0.0.1", 0);
  const { port } = listener.localAddress() as NativeSocketAddress;
  listener.close(); // nobody listens there now
  const client = NativeSocket.connectTcp("127.0.0.1", port);
  selector.register(client, EVENT_WRITE, "client");
  const answer = await selector.select(1000);
  t.deepEqual(masks(answer), [["client", EVENT_WRITE]]);
  t.is(client.connectError()?.code, "ECONNREFUSED");
  selector.unregister(client);
  client.close();
  selector.close();
});

onLinux("`NativeSocket` behaviour: bad addresses and ports in use are Node-style system errors", (t) => {
  const socket = NativeSocket.listenTcp("127.0.0.1", 0);
  const { port } = socket.localAddress() as NativeSocketAddress;
  const inUse = t.throws<SystemError>(() => NativeSocket.listenTcp("127.0.0.1", port));
  t.is(inUse.code, "EADDRINUSE");
  t.is(inUse.syscall, "listen");
  t.is(t.throws<SystemError>(() => NativeSocket.listenTcp("localhost", 0)).code, "EINVAL", "names are resolved in JavaScript, not here");
  socket.close();
});

onLinux(
  "`NativeSocket.listenTcp()` behaviour: a host that is not a string, a port outside 0–65535 or a bad backlog is a TypeError or RangeError; nothing is opened",
  (t) => {
    const before = openFds();
    t.throws(() => NativeSocket.listenTcp(127 as never, 0), { instanceOf: TypeError, message: /numeric IP address/ });
    t.throws(() => NativeSocket.listenTcp("127.0.0.1", 70_000), { instanceOf: RangeError, message: /received 70000/ });
    t.throws(() => NativeSocket.connectTcp("127.0.0.1", -1), { instanceOf: RangeError });
    t.throws(() => NativeSocket.connectTcp("127.0.0.1", "80" as never), { instanceOf: TypeError });
    t.throws(() => NativeSocket.listenTcp("127.0.0.1", 0, 0), { instanceOf: RangeError, message: /backlog/ });
    t.throws(() => NativeSocket.listenUnix(null as never), { instanceOf: TypeError, message: /socket path/ });
    t.throws(() => NativeSocket.connectUnix(42 as never), { instanceOf: TypeError });
    t.is(openFds(), before);
  },
);

onLinux("`NativeSocket.listenUnix()` behaviour: a Unix socket in a temp dir; addresses are its path", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "yieldio-native-"));
  try {
    const path = join(dir, "s.sock");
    const server = NativeSocket.listenUnix(path);
    const client = NativeSocket.connectUnix(path);
    const peer = server.accept();
    t.not(peer, null);
    t.is(client.peerAddress(), path);
    t.is(server.localAddress(), path);
    client.send(new Uint8Array([42]));
    const bytes = new Uint8Array(1);
    t.is(peer?.recv(bytes), 1);
    t.is(bytes[0], 42);
    for (const socket of [client, peer, server]) socket?.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

onLinux("`NativeSocket` behaviour: 10k connect/accept/close cycles leak no file descriptor", (t) => {
  const selector = new NativeSelector();
  const server = NativeSocket.listenTcp("127.0.0.1", 0, 1024);
  const { port } = server.localAddress() as NativeSocketAddress;
  const before = openFds();
  for (let cycle = 0; cycle < 10_000; cycle++) {
    const client = NativeSocket.connectTcp("127.0.0.1", port);
    selector.register(client, EVENT_WRITE);
    const peer = server.accept();
    selector.unregister(client);
    client.close();
    peer?.close();
  }
  t.is(openFds(), before);
  server.close();
  selector.close();
});

onLinux(
  "`EventLoop.addReader()` behaviour: on a NativeSelector, an echo runs through the loop's callbacks and ends with nothing registered",
  async (t) => {
    const selector = new NativeSelector();
    const loop = new EventLoop({ selector });
    const server = NativeSocket.listenTcp("127.0.0.1", 0);
    const { port } = server.localAddress() as NativeSocketAddress;
    const buffer = new Uint8Array(1024);
    const log: string[] = [];
    let rounds = 0;
    loop.addReader(server, () => {
      const connection = server.accept();
      if (connection === null) return;
      loop.removeReader(server);
      loop.addReader(connection, () => {
        const n = connection.recv(buffer);
        if (n > 0) connection.send(buffer, 0, n);
        if (n === 0) {
          log.push("server: end of stream");
          loop.removeReader(connection);
          connection.close();
          loop.stop();
        }
      });
    });
    const client = NativeSocket.connectTcp("127.0.0.1", port);
    const message = new TextEncoder().encode("hello");
    loop.addWriter(client, () => {
      loop.removeWriter(client);
      log.push(`client: connected (${String(client.connectError())})`);
      client.send(message);
      loop.addReader(client, () => {
        if (client.recv(buffer) <= 0) return;
        if (++rounds < 100) client.send(message);
        else {
          log.push(`client: ${rounds} echoes`);
          loop.removeReader(client);
          client.shutdownWrite();
          loop.addReader(client, () => {
            if (client.recv(buffer) !== 0) return;
            loop.removeReader(client);
            client.close();
          });
        }
      });
    });
    await loop.runForever();
    t.deepEqual(log.slice(0, 2), ["client: connected (undefined)", "client: 100 echoes"]);
    t.true(log.includes("server: end of stream"));
    if (selector.getKey(client) !== undefined) {
      loop.removeReader(client);
      client.close();
    }
    t.is(selector.getMap().size, 0);
    server.close();
    loop.close();
  },
);

onLinux(
  "`NativeSelector` behaviour: a worker thread polling on it can be terminated, again and again, without harm to the process",
  async (t) => {
    // The worker loads the built package (npm test builds first): a thread cannot load .ts here.
    const selectorsUrl = new URL("../../dist/selectors/index.js", import.meta.url).href;
    const code = `
    const { parentPort } = require("node:worker_threads");
    import(${JSON.stringify(selectorsUrl)}).then(({ NativeSelector, NativeSocket, EVENT_READ }) => {
      const selector = new NativeSelector();
      const listener = NativeSocket.listenTcp("127.0.0.1", 0);
      selector.register(listener, EVENT_READ);
      void selector.select(null); // the poll handle is running: nothing will ever connect
      parentPort.postMessage("polling");
    });
  `;
    for (let round = 0; round < 5; round++) {
      const worker = new Worker(code, { eval: true });
      const message = await new Promise((resolve, reject) => {
        worker.once("message", resolve);
        worker.once("error", reject);
      });
      t.is(message, "polling");
      t.is(await worker.terminate(), 1, "terminated while polling");
    }
  },
);
