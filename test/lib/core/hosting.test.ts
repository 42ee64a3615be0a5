/**
 * Hosting on Node: the loop shares the thread with Node's own event loop. While yieldio runs
 * back-to-back passes of busy coroutines, it must hand control back to Node often enough that
 * timers and sockets outside the loop keep working (see "Hosting on Node" in DESIGN.md).
 *
 * These tests use real time and a real socket, because that is what is being tested; they
 * assert only the order of recorded events, never durations.
 */
import test from "ava";
import { once } from "node:events";
import net from "node:net";
import type { AddressInfo } from "node:net";
import { createTask, getRunningLoop, run, yieldNow } from "../../../lib/index.js";
import type { Coroutine, ExceptionContext, Task } from "../../../lib/index.js";
import { DefaultSelector } from "../../../selectors/index.js";

const COROUTINES = 100_000;
const ROUNDS = 100; // each coroutine gives way this many times: ROUNDS passes of 100k steps
const PINGS = 3;

/** A connected pair over loopback TCP: a server that answers "ping N" with "pong N". */
async function pingPongPair(): Promise<{ client: net.Socket; close: () => Promise<void> }> {
  const server = net.createServer();
  const accepted: net.Socket[] = [];
  server.on("connection", (socket) => {
    accepted.push(socket);
    socket.setNoDelay(true);
    let buffered = "";
    socket.on("data", (chunk) => {
      buffered += String(chunk);
      let newline: number;
      while ((newline = buffered.indexOf("\n")) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        socket.write(`${line.replace("ping", "pong")}\n`);
      }
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  const client = net.connect(port, "127.0.0.1");
  client.setNoDelay(true);
  await once(client, "connect");
  const close = async (): Promise<void> => {
    client.destroy();
    for (const socket of accepted) socket.destroy();
    await new Promise<void>((resolve, reject) => server.close((error) => (error === undefined ? resolve() : reject(error))));
  };
  return { client, close };
}

test.serial("`run()` behaviour: host timers and sockets keep flowing while 100k coroutines yield in a loop", async (t) => {
  const { client, close } = await pingPongPair();
  t.teardown(close);
  const log: string[] = [];
  let steps = 0; // yields completed by all coroutines so far
  const total = COROUTINES * ROUNDS;
  // What the host saw, with how far the coroutines had got: strictly between 0 and total
  // means it happened while they were running.
  const during = (): string => (steps > 0 && steps < total ? "during" : `at ${steps}/${total}`);

  let buffered = "";
  client.on("data", (chunk) => {
    buffered += String(chunk);
    let newline: number;
    while ((newline = buffered.indexOf("\n")) >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      log.push(`socket: ${line} (${during()})`);
      const n = Number(line.split(" ")[1]);
      if (n < PINGS) client.write(`ping ${n + 1}\n`);
    }
  });

  // The host's traffic starts from inside a step, once the coroutines are yielding (the first
  // step after a yield), so all of it can only happen on a hand-back. Started earlier, it could
  // be over before any coroutine had yielded once: the loop also hands back, within its
  // budget, while it starts the 100k of them.
  const startHostTraffic = (): void => {
    setTimeout(() => log.push(`host timer (${during()})`), 1);
    client.write("ping 1\n");
  };

  function* busy(): Coroutine<void> {
    for (let round = 0; round < ROUNDS; round++) {
      yield* yieldNow();
      if (steps++ === 0) startHostTraffic();
    }
  }

  const reports: ExceptionContext[] = [];
  const running = run(
    function* () {
      t.true(getRunningLoop().selector instanceof DefaultSelector, "the default selector");
      log.push("coroutines started");
      const tasks: Task<void>[] = [];
      for (let i = 0; i < COROUTINES; i++) tasks.push(createTask(busy()));
      for (const task of tasks) yield* task;
      log.push("coroutines finished");
      return steps;
    },
    { exceptionHandler: (context) => reports.push(context) },
  );

  t.is(await running, total);
  t.is(log[0], "coroutines started");
  t.is(log.at(-1), "coroutines finished");
  // Every host event happened between the two, while the coroutines were part-way through;
  // the timer may come anywhere among the socket messages.
  const hostEvents = log.slice(1, -1);
  t.deepEqual(
    [...hostEvents].sort(),
    ["host timer (during)", ...Array.from({ length: PINGS }, (_, i) => `socket: pong ${i + 1} (during)`)].sort(),
  );
  t.deepEqual(reports, []);
});

test.serial("`run()` behaviour: a host timer set from inside a busy coroutine fires before the coroutine finishes", async (t) => {
  const log: string[] = [];
  const result = await run(function* () {
    let fired = false;
    setTimeout(() => {
      fired = true;
      log.push("host timer");
    }, 1);
    // A declared function, not an inline one: TypeScript would read a called-in-place body as
    // running right here, where `fired` is still false.
    function* busy(): Coroutine<void> {
      for (let round = 0; round < ROUNDS && !fired; round++) yield* yieldNow();
    }
    const tasks: Task<void>[] = [];
    for (let i = 0; i < COROUTINES; i++) tasks.push(createTask(busy()));
    for (const task of tasks) yield* task;
    log.push("coroutines finished");
    return fired;
  });
  t.true(result);
  t.deepEqual(log, ["host timer", "coroutines finished"]);
});
