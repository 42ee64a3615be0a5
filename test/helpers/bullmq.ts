/**
 * Helpers of the BullMQ executor tests: the work module, an executor on a virtual-time loop
 * with an in-process worker beside it, a raw BullMQ queue for looking into Redis, and polling
 * for what happens in real time (a worker's job, a file another process writes).
 */
import type { ExecutionContext } from "ava";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { createConnection, createServer } from "node:net";
import type { Socket } from "node:net";
import { fromPromise } from "../../lib/index.js";
import type { Coroutine, Operation } from "../../lib/index.js";
import { workerModule } from "../../executors/index.js";
import { BullMQExecutor, startBullMQWorker } from "../../executors/bullmq/index.js";
import type { BullMQExecutorOptions, BullMQWorker, BullMQWorkerOptions } from "../../executors/bullmq/index.js";
import { runVirtual } from "./loop.js";
import type { VirtualRun } from "./loop.js";
import type { RedisServer } from "./redis.js";

/** The test jobs, typed. */
export const jobs = workerModule<typeof import("../fixtures/executors/bullmq-jobs.js")>(
  new URL("../fixtures/executors/bullmq-jobs.ts", import.meta.url),
);

/** The folder producers and workers agree on. */
export const MODULE_ROOT = fileURLToPath(new URL("../fixtures/executors/", import.meta.url));

export const QUEUE = "tests";

/** Starts an in-process worker on the test's Redis. */
export function startWorker(redis: RedisServer, options: Partial<BullMQWorkerOptions> = {}): Promise<BullMQWorker> {
  return startBullMQWorker({ connection: { path: redis.path }, queueName: QUEUE, moduleRoot: MODULE_ROOT, concurrency: 4, ...options });
}

/**
 * Runs `body` with a new executor on a virtual-time loop (which asserts that nothing is left
 * pending), and shuts the executor down at the end (without waiting, whatever happened).
 */
export function withExecutor<T>(
  t: ExecutionContext,
  redis: RedisServer,
  options: Partial<BullMQExecutorOptions>,
  body: (executor: BullMQExecutor) => Operation<T>,
  runOptions: { allowReports?: boolean } = {},
): Promise<VirtualRun<T>> {
  return runVirtual(
    t,
    function* () {
      const executor = new BullMQExecutor({ connection: { path: redis.path }, queueName: QUEUE, moduleRoot: MODULE_ROOT, ...options });
      try {
        return yield* body(executor);
      } finally {
        yield* executor.shutdown({ wait: false });
      }
    },
    runOptions,
  );
}

/** A raw BullMQ queue on the test's Redis, to look at what the executor left there; closed by `use`'s end. */
export async function withQueue<T>(redis: RedisServer, use: (queue: Queue, client: Redis) => Promise<T>): Promise<T> {
  const queue = new Queue(QUEUE, { connection: { path: redis.path } });
  const client = new Redis({ path: redis.path });
  client.on("error", () => undefined); // a command on a lost connection rejects: that is what the test sees
  try {
    return await use(queue, client);
  } finally {
    await queue.close();
    client.disconnect();
  }
}

/** A file path in a new temp folder, for a job in another process to report through. */
export function reportFile(): string {
  return join(mkdtempSync(join(tmpdir(), "yieldio-bullmq-")), "report");
}

/** What a job wrote to `file` so far ("" before it started). */
export function report(file: string): string {
  return existsSync(file) ? readFileSync(file, "utf8") : "";
}

/** Real time passes (Redis, other processes): polls `condition` every few ms of real time. */
export function* until(condition: () => boolean | Promise<boolean>, what: string, limitMs = 20_000): Coroutine<void> {
  const start = Date.now();
  while (!(yield* fromPromise(Promise.resolve(condition())))) {
    if (Date.now() - start > limitMs) throw new Error(`still waiting after ${limitMs} ms: ${what}`);
    yield* fromPromise(new Promise<void>((resolve) => setTimeout(resolve, 5)));
  }
}

/** The same, outside a loop. */
export async function untilAsync(condition: () => boolean | Promise<boolean>, what: string, limitMs = 20_000): Promise<void> {
  const start = Date.now();
  while (!(await condition())) {
    if (Date.now() - start > limitMs) throw new Error(`still waiting after ${limitMs} ms: ${what}`);
    await new Promise<void>((resolve) => setTimeout(resolve, 5));
  }
}

/** An async function's Promise, waited for in a coroutine. */
export function* fromAsync<T>(start: () => Promise<T>): Coroutine<T> {
  return yield* fromPromise(start());
}

/** A Unix-socket proxy in front of Redis whose connections can be frozen (nothing passes) and cut. */
export interface RedisProxy {
  readonly path: string;
  /** Stops forwarding on the connections open now: the client hears nothing (new connections pass). */
  freeze(): void;
  /** Closes every connection open now: the client sees its connection lost and reconnects. */
  cut(): void;
  close(): Promise<void>;
}

/** Starts a {@link RedisProxy} to the Redis on `target`. */
export async function startProxy(target: string): Promise<RedisProxy> {
  const path = join(mkdtempSync(join(tmpdir(), "yieldio-proxy-")), "proxy.sock");
  const pairs = new Set<{ client: Socket; server: Socket; frozen: boolean }>();
  const proxy = createServer((client) => {
    const server = createConnection(target);
    const pair = { client, server, frozen: false };
    pairs.add(pair);
    client.on("data", (chunk) => pair.frozen || server.write(chunk));
    server.on("data", (chunk) => pair.frozen || client.write(chunk));
    const end = (): void => {
      pairs.delete(pair);
      client.destroy();
      server.destroy();
    };
    client.on("close", end).on("error", end);
    server.on("close", end).on("error", end);
  });
  await new Promise<void>((resolve) => proxy.listen(path, resolve));
  return {
    path,
    freeze: () => {
      for (const pair of pairs) pair.frozen = true;
    },
    cut: () => {
      for (const pair of [...pairs]) pair.client.destroy();
    },
    close: async () => {
      for (const pair of [...pairs]) pair.client.destroy();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    },
  };
}
