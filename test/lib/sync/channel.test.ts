/**
 * Channels, adapted from Trio's test_channel.py (test_channel, test_553, the close tests,
 * test_inf_capacity, test_statistics, test_channel_fairness, test_unbuffered), plus
 * cancellation at every wait and a property test of conservation across clones and closes.
 */
import test from "ava";
import fc from "fast-check";
import {
  BrokenResourceError,
  ClosedResourceError,
  EndOfChannel,
  WouldBlock,
  createTask,
  openChannel,
  sleep,
  taskGroup,
  yieldNow,
} from "../../../lib/index.js";
import type { Coroutine, ReceiveChannel, SendChannel } from "../../../lib/index.js";
import { runVirtual } from "../../helpers/loop.js";
import { errorOf, settle } from "../../helpers/operations.js";
import { checkProperty } from "../../helpers/property.js";

/** Receives until EndOfChannel; returns what came. */
function* drain<T>(receiver: ReceiveChannel<T>): Coroutine<T[]> {
  const got: T[] = [];
  for (;;) {
    try {
      got.push(yield* receiver.receive());
    } catch (error) {
      if (error instanceof EndOfChannel) return got;
      throw error;
    }
  }
}

test("`openChannel()` behaviour: a buffer of maxsize values, then send() waits; receive() in order (Trio's test_channel)", async (t) => {
  t.throws(() => openChannel(-1), { instanceOf: RangeError });
  t.throws(() => openChannel(1.5), { instanceOf: RangeError });
  t.throws(() => openChannel("1" as never), { instanceOf: TypeError });
  const { result } = await runVirtual(t, function* () {
    const [s, r] = openChannel<number>(2);
    s.sendNowait(1);
    yield* s.send(2);
    t.throws(() => s.sendNowait(3), { instanceOf: WouldBlock });
    const blocked = createTask(s.send(3));
    yield* yieldNow();
    t.false(blocked.done());
    const got = [r.receiveNowait(), yield* r.receive()];
    yield* blocked; // its value moved into the freed room
    got.push(r.receiveNowait());
    t.throws(() => r.receiveNowait(), { instanceOf: WouldBlock });
    s.close();
    t.is(errorOf(yield* settle(r.receive()))?.constructor, EndOfChannel);
    r.close();
    return got;
  });
  t.deepEqual(result, [1, 2, 3]);
});

test("`ReceiveChannel.close()` behaviour: a receive waiting through the closed handle raises ClosedResourceError (Trio's test_553)", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const [s, r] = openChannel<number>(1);
    const waiting = createTask(r.receive());
    yield* yieldNow();
    r.close();
    const error = errorOf(yield* settle(waiting));
    const afterwards = errorOf(yield* settle(s.send(1)));
    s.close();
    return [error, afterwards].map((e) => (e as Error).name);
  });
  t.deepEqual(result, ["ClosedResourceError", "BrokenResourceError"]);
});

test("`SendChannel.close()` and `ReceiveChannel.close()` behaviour: the other side sees EndOfChannel or BrokenResourceError, waiting or not; closed handles refuse (Trio's close tests)", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const out: string[] = [];
    // The senders closed: buffered values are still received, then EndOfChannel.
    {
      const [s, r] = openChannel<string>(3);
      yield* s.send("a");
      s.close();
      s.close(); // again: nothing
      out.push(yield* r.receive(), (errorOf(yield* settle(r.receive())) as Error).name);
      out.push((errorOf(yield* settle(s.send("b"))) as Error).name, (errorOf(yield* settle(r.receive())) as Error).name);
      t.throws(() => s.clone(), { instanceOf: ClosedResourceError });
      r.close();
    }
    // A receiver waiting when the last sender closes.
    {
      const [s, r] = openChannel<string>(0);
      const waiting = createTask(r.receive());
      yield* yieldNow();
      s.close();
      out.push((errorOf(yield* settle(waiting)) as Error).name);
      r.close();
    }
    // A sender waiting when the last receiver closes; buffered values are dropped.
    {
      const [s, r] = openChannel<string>(1);
      yield* s.send("buffered");
      const waiting = createTask(s.send("waiting"));
      yield* yieldNow();
      r.close();
      out.push((errorOf(yield* settle(waiting)) as Error).name, String(s.statistics().currentBufferUsed));
      s.close();
    }
    return out;
  });
  t.deepEqual(result, ["a", "EndOfChannel", "ClosedResourceError", "EndOfChannel", "EndOfChannel", "BrokenResourceError", "0"]);
});

test("`clone()` behaviour: the end comes when every sending handle is closed; every receiving handle must close to break the senders (Trio's clone tests)", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const [s1, r1] = openChannel<number>(Number.POSITIVE_INFINITY);
    const s2 = s1.clone();
    const r2 = r1.clone();
    s1.sendNowait(1);
    s1.close();
    s2.sendNowait(2);
    const stats = s2.statistics();
    s2.close();
    const got = [r1.receiveNowait(), r2.receiveNowait()];
    r1.close();
    const end = (errorOf(yield* settle(r2.receive())) as Error).name;
    r2.close();
    return { got, end, stats };
  });
  t.deepEqual(result, {
    got: [1, 2],
    end: "EndOfChannel",
    stats: {
      currentBufferUsed: 2,
      maxBufferSize: Number.POSITIVE_INFINITY,
      openSendChannels: 1,
      openReceiveChannels: 2,
      tasksWaitingSend: 0,
      tasksWaitingReceive: 0,
    },
  });
});

test("`openChannel(0)` behaviour: a rendezvous: send() waits for a receiver, and receivers and senders are served in arrival order (Trio's test_unbuffered, test_channel_fairness)", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const [s, r] = openChannel<string>(0);
    t.throws(() => s.sendNowait("x"), { instanceOf: WouldBlock });
    const receivers = ["r1", "r2"].map((name) =>
      createTask(
        (function* () {
          log.push(`${name} got ${yield* r.receive()}`);
        })(),
      ),
    );
    yield* yieldNow();
    t.is(s.statistics().tasksWaitingReceive, 2);
    yield* s.send("first"); // to r1, in the same step
    s.sendNowait("second"); // to r2: a receiver waits
    for (const task of receivers) yield* task;
    const senders = ["a", "b"].map((value) => createTask(s.send(value)));
    yield* yieldNow();
    t.is(s.statistics().tasksWaitingSend, 2);
    log.push(`received ${r.receiveNowait()}`, `received ${yield* r.receive()}`);
    for (const task of senders) yield* task;
    s.close();
    r.close();
  });
  t.deepEqual(log, ["r1 got first", "r2 got second", "received a", "received b"]);
});

test("`send()` and `receive()` behaviour: cancellation while waiting loses nothing; after the hand-off the outcome is kept", async (t) => {
  const { result } = await runVirtual(t, function* () {
    const [s, r] = openChannel<string>(0);
    // A sender cancelled while waiting: its value is not sent.
    const cancelledSend = createTask(s.send("never"));
    yield* yieldNow();
    cancelledSend.cancel();
    const sendOutcome = (errorOf(yield* settle(cancelledSend)) as Error).name;
    // A receiver handed a value, then cancelled before it runs: it still returns the value.
    const receiver = createTask(r.receive());
    yield* yieldNow();
    s.sendNowait("handed");
    receiver.cancel();
    const received = yield* settle(receiver);
    // A sender whose value was taken, then cancelled before it runs: its send counted.
    const sender = createTask(s.send("taken"));
    yield* yieldNow();
    const taken = r.receiveNowait();
    sender.cancel();
    const sent = yield* settle(sender);
    s.close();
    const rest = yield* drain(r);
    r.close();
    return { sendOutcome, received, taken, sent: sent.ok, rest };
  });
  t.deepEqual(result, { sendOutcome: "CancelledError", received: { ok: true, value: "handed" }, taken: "taken", sent: true, rest: [] });
});

test("channels behaviour: values sent by cloned senders reach cloned receivers exactly once, whatever the interleaving, cancellations and closes (property)", async (t) => {
  await checkProperty(
    t,
    fc.asyncProperty(
      fc.integer({ min: 0, max: 3 }),
      fc.array(fc.array(fc.nat({ max: 3 }), { minLength: 0, maxLength: 8 }), { minLength: 1, maxLength: 4 }),
      fc.integer({ min: 1, max: 3 }),
      fc.array(fc.nat({ max: 20 }), { minLength: 0, maxLength: 3 }),
      async (maxsize, producers, consumerCount, cancelAt) => {
        const sent: string[] = [];
        const received: string[] = [];
        await runVirtual(t, function* () {
          const [send, receive] = openChannel<string>(maxsize);
          yield* taskGroup(function* (tg) {
            const consumers = Array.from({ length: consumerCount }, () => receive.clone());
            receive.close();
            for (const channel of consumers) {
              tg.createTask(
                (function* () {
                  using handle = channel;
                  received.push(...(yield* drain(handle)));
                })(),
              );
            }
            const senders = producers.map((delays, p) => {
              const channel = send.clone();
              return tg.createTask(
                (function* () {
                  using handle: SendChannel<string> = channel;
                  for (const [i, delay] of delays.entries()) {
                    yield* sleep(delay);
                    yield* handle.send(`${p}:${i}`);
                    sent.push(`${p}:${i}`); // counted once send() returned: it was delivered
                  }
                })(),
              );
            });
            send.close();
            for (const at of cancelAt) {
              yield* sleep(at);
              senders[at % senders.length]?.cancel();
            }
          });
        });
        t.deepEqual([...received].sort(), [...sent].sort(), "every value whose send returned was received, once; nothing else");
      },
    ),
    { numRuns: 60 },
  );
});

test("channel errors behaviour: EndOfChannel, ClosedResourceError and BrokenResourceError are distinct Error classes", (t) => {
  for (const [ErrorClass, name] of [
    [EndOfChannel, "EndOfChannel"],
    [ClosedResourceError, "ClosedResourceError"],
    [BrokenResourceError, "BrokenResourceError"],
  ] as const) {
    const error = new ErrorClass("x");
    t.true(error instanceof Error);
    t.is(error.name, name);
  }
});
