/**
 * Queue and lock rows: ping-pong of messages between two tasks over two queues, and an
 * uncontended lock. yieldio against a native promise-based queue with async/await, Effection 4
 * and Effect 4 (and a native promise mutex for the lock), each written the way its users would
 * write it.
 *
 * The native queues: "native async/await queue" has our Queue's contract (`await put()` waits
 * while a bounded queue is full, `await get()` while it is empty; FIFO waiters), so it is the
 * like-for-like baseline of the target. "native queue, sync put" drops backpressure (put is a
 * plain call, get returns a Promise): the lightest a promise queue can be, shown for scale.
 *
 * Every contender checks its outcome (the sum of the replies) and throws if the workload did
 * not do what it claims.
 *
 * @module
 */

import { Effect, Fiber, Queue as EffectQueue } from "effect";
import { createQueue as effectionCreateQueue, run as effectionRun, spawn as effectionSpawn } from "effection";
import { Lock, Queue, createTask, run } from "../../lib/index.js";
import type { BenchRow } from "../row.js";

function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`bench self-check failed: ${what}`);
}

// ---- 1. ping-pong of 1M messages over two queues ---------------------------------------------------

const MESSAGES = 1_000_000;
/** The ping side sends 0 .. MESSAGES-1, the pong side answers each with n + 1. */
const EXPECTED_SUM = (MESSAGES * (MESSAGES + 1)) / 2;

const RESOLVED: Promise<void> = Promise.resolve();

/**
 * A promise-based FIFO queue with our Queue's contract (bounded if asked, awaitable put and
 * get, FIFO waiters), written for speed: no async function on the paths that need not wait,
 * one shared resolved Promise for a put with room.
 */
class NativeQueue<T> {
  readonly #items: T[] = [];
  #head = 0;
  readonly #getters: ((item: T) => void)[] = [];
  readonly #putters: (() => void)[] = [];
  readonly #maxsize: number;

  constructor(maxsize = 0) {
    this.#maxsize = maxsize;
  }

  get #full(): boolean {
    return this.#maxsize > 0 && this.#items.length - this.#head >= this.#maxsize;
  }

  put(item: T): Promise<void> {
    if (this.#full) return this.#putWhenRoom(item);
    this.#add(item);
    return RESOLVED;
  }

  get(): Promise<T> {
    if (this.#items.length === this.#head) return new Promise<T>((resolve) => this.#getters.push(resolve));
    const item = this.#items[this.#head++]!;
    if (this.#head === this.#items.length) {
      this.#items.length = 0;
      this.#head = 0;
    }
    this.#putters.shift()?.();
    return Promise.resolve(item);
  }

  async #putWhenRoom(item: T): Promise<void> {
    while (this.#full) await new Promise<void>((resolve) => this.#putters.push(resolve));
    this.#add(item);
  }

  #add(item: T): void {
    const getter = this.#getters.shift();
    if (getter !== undefined) getter(item);
    else this.#items.push(item);
  }
}

/** The lightest promise queue: put is a plain call (no backpressure), get returns a Promise. */
class SyncPutQueue<T> {
  readonly #items: T[] = [];
  readonly #getters: ((item: T) => void)[] = [];

  put(item: T): void {
    const getter = this.#getters.shift();
    if (getter !== undefined) getter(item);
    else this.#items.push(item);
  }

  get(): Promise<T> {
    if (this.#items.length > 0) return Promise.resolve(this.#items.shift()!);
    return new Promise<T>((resolve) => this.#getters.push(resolve));
  }
}

const pingPong: BenchRow = {
  title: "queue ping-pong 1M messages",
  baseline: "yieldio",
  itemsPerRun: MESSAGES,
  unit: "messages",
  target: { versus: "native async/await queue", atLeast: 1.0 },
  contenders: [
    {
      name: "yieldio",
      run: () =>
        run(function* () {
          const ping = new Queue<number>();
          const pong = new Queue<number>();
          const responder = createTask(
            (function* () {
              for (let i = 0; i < MESSAGES; i++) yield* pong.put((yield* ping.get()) + 1);
            })(),
          );
          let sum = 0;
          for (let i = 0; i < MESSAGES; i++) {
            yield* ping.put(i);
            sum += yield* pong.get();
          }
          yield* responder;
          check(sum === EXPECTED_SUM, "yieldio ping-pong sum");
        }),
    },
    {
      name: "native async/await queue",
      run: async () => {
        const ping = new NativeQueue<number>();
        const pong = new NativeQueue<number>();
        const responder = (async () => {
          for (let i = 0; i < MESSAGES; i++) await pong.put((await ping.get()) + 1);
        })();
        let sum = 0;
        for (let i = 0; i < MESSAGES; i++) {
          await ping.put(i);
          sum += await pong.get();
        }
        await responder;
        check(sum === EXPECTED_SUM, "native ping-pong sum");
      },
    },
    {
      name: "native queue, sync put",
      run: async () => {
        const ping = new SyncPutQueue<number>();
        const pong = new SyncPutQueue<number>();
        const responder = (async () => {
          for (let i = 0; i < MESSAGES; i++) pong.put((await ping.get()) + 1);
        })();
        let sum = 0;
        for (let i = 0; i < MESSAGES; i++) {
          ping.put(i);
          sum += await pong.get();
        }
        await responder;
        check(sum === EXPECTED_SUM, "native sync-put ping-pong sum");
      },
    },
    {
      name: "Effection 4",
      run: () =>
        effectionRun(function* () {
          const ping = effectionCreateQueue<number, never>();
          const pong = effectionCreateQueue<number, never>();
          const responder = yield* effectionSpawn(function* () {
            for (let i = 0; i < MESSAGES; i++) {
              const next = yield* ping.next();
              if (next.done === true) return;
              pong.add(next.value + 1);
            }
          });
          let sum = 0;
          for (let i = 0; i < MESSAGES; i++) {
            ping.add(i);
            const next = yield* pong.next();
            if (next.done !== true) sum += next.value;
          }
          yield* responder;
          check(sum === EXPECTED_SUM, "Effection ping-pong sum");
        }),
    },
    {
      name: "Effect 4",
      run: () =>
        Effect.runPromise(
          Effect.gen(function* () {
            const ping = yield* EffectQueue.unbounded<number>();
            const pong = yield* EffectQueue.unbounded<number>();
            const responder = yield* Effect.forkChild(
              Effect.gen(function* () {
                for (let i = 0; i < MESSAGES; i++) yield* EffectQueue.offer(pong, (yield* EffectQueue.take(ping)) + 1);
              }),
            );
            let sum = 0;
            for (let i = 0; i < MESSAGES; i++) {
              yield* EffectQueue.offer(ping, i);
              sum += yield* EffectQueue.take(pong);
            }
            yield* Fiber.join(responder);
            check(sum === EXPECTED_SUM, "Effect ping-pong sum");
          }),
        ),
    },
  ],
};

// ---- 2. uncontended lock ---------------------------------------------------------------------------

const LOCK_PAIRS = 10_000_000;

/** A promise-based mutex (async-mutex style): acquire() resolves at once when free. */
class NativeMutex {
  #locked = false;
  readonly #waiters: (() => void)[] = [];

  acquire(): Promise<void> {
    if (!this.#locked) {
      this.#locked = true;
      return RESOLVED;
    }
    return new Promise<void>((resolve) => this.#waiters.push(resolve));
  }

  release(): void {
    const next = this.#waiters.shift();
    if (next !== undefined) next();
    else this.#locked = false;
  }

  get locked(): boolean {
    return this.#locked;
  }
}

const uncontendedLock: BenchRow = {
  title: "uncontended Lock 10M acquire/release",
  baseline: "yieldio",
  itemsPerRun: LOCK_PAIRS,
  unit: "pairs",
  minRate: 10_000_000,
  contenders: [
    {
      name: "yieldio",
      run: () =>
        run(function* () {
          const lock = new Lock();
          for (let i = 0; i < LOCK_PAIRS; i++) {
            yield* lock.acquire();
            lock.release();
          }
          check(!lock.locked(), "yieldio lock released");
        }),
    },
    {
      name: "yieldio, using",
      run: () =>
        run(function* () {
          const lock = new Lock();
          for (let i = 0; i < LOCK_PAIRS; i++) {
            using _ = yield* lock.acquire();
          }
          check(!lock.locked(), "yieldio lock released by using");
        }),
    },
    {
      name: "native promise mutex",
      run: async () => {
        const mutex = new NativeMutex();
        for (let i = 0; i < LOCK_PAIRS; i++) {
          await mutex.acquire();
          mutex.release();
        }
        check(!mutex.locked, "native mutex released");
      },
    },
  ],
};

/** The rows of this module (see `RowModule` in `../row.ts`). */
export const rows: readonly BenchRow[] = [pingPong, uncontendedLock];
