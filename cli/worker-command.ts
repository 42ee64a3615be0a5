/**
 * `yieldio worker --redis <url> --queue <name> --root <dir>`: a BullMQ worker of yieldio jobs,
 * as a process of its own. SIGTERM or Ctrl-C closes it gracefully (the running jobs finish);
 * a second one closes it at once (their signals are aborted).
 *
 * @module
 */

import { resolve } from "node:path";
import { UsageError } from "./usage.js";

/** What `worker` was asked to do. */
export interface WorkerCommand {
  readonly redis: string;
  readonly queue: string;
  readonly root: string;
  readonly concurrency: number | undefined;
  readonly sandbox: boolean;
  readonly prefix: string | undefined;
  readonly lockDurationMs: number | undefined;
  readonly stalledIntervalMs: number | undefined;
  readonly maxStalledCount: number | undefined;
  readonly allowEviction: boolean;
}

/** The ioredis options a `--redis` value stands for: `redis://[user:password@]host[:port][/db]`, `rediss://…`, `unix:///path` or a socket path. */
export function redisOptions(value: string): Record<string, unknown> {
  if (value.startsWith("/")) return { path: value };
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--redis needs redis://host:port, rediss://host:port, unix:///path or a socket path: received ${value}`);
  }
  if (url.protocol === "unix:") return { path: url.pathname };
  if (url.protocol !== "redis:" && url.protocol !== "rediss:")
    throw new UsageError(`--redis needs a redis:, rediss: or unix: URL: received ${url.protocol}`);
  const options: Record<string, unknown> = { host: url.hostname || "127.0.0.1", port: url.port === "" ? 6379 : Number(url.port) };
  if (url.username !== "") options["username"] = decodeURIComponent(url.username);
  if (url.password !== "") options["password"] = decodeURIComponent(url.password);
  const db = url.pathname.slice(1);
  if (db !== "") {
    if (!/^\d+$/.test(db)) throw new UsageError(`--redis's database must be a number: received ${db}`);
    options["db"] = Number(db);
  }
  if (url.protocol === "rediss:") options["tls"] = {};
  return options;
}

/** Starts the worker and returns once it has closed after SIGTERM or SIGINT. */
export async function runWorker(command: WorkerCommand): Promise<void> {
  let bullmq: typeof import("../executors/bullmq/index.js");
  try {
    bullmq = await import("../executors/bullmq/index.js");
  } catch (error) {
    throw new UsageError(`yieldio worker needs bullmq and ioredis: npm install bullmq ioredis (${(error as Error).message})`);
  }
  const execArgv = await typeScriptSupport();
  const root = resolve(command.root);
  const worker = await bullmq.startBullMQWorker({
    connection: redisOptions(command.redis),
    queueName: command.queue,
    moduleRoot: root,
    sandbox: command.sandbox,
    allowEviction: command.allowEviction,
    ...(command.concurrency === undefined ? {} : { concurrency: command.concurrency }),
    ...(command.prefix === undefined ? {} : { prefix: command.prefix }),
    ...(command.lockDurationMs === undefined ? {} : { lockDuration: command.lockDurationMs }),
    ...(command.stalledIntervalMs === undefined ? {} : { stalledInterval: command.stalledIntervalMs }),
    ...(command.maxStalledCount === undefined ? {} : { maxStalledCount: command.maxStalledCount }),
    ...(execArgv === undefined ? {} : { execArgv }),
  });
  worker.worker.on("error", (error: Error) => process.stderr.write(`yieldio worker: ${error.message}\n`));
  const { concurrency } = worker.worker.opts;
  process.stderr.write(
    `yieldio worker: taking jobs from queue ${command.queue} (modules under ${root}, ${concurrency ?? 1} at a time${command.sandbox ? ", sandboxed" : ""})\n`,
  );
  await new Promise<void>((done) => {
    let signals = 0;
    const stop = (signal: NodeJS.Signals): void => {
      signals++;
      const force = signals > 1;
      process.stderr.write(
        force
          ? `yieldio worker: ${signal} again: closing now, aborting the running jobs\n`
          : `yieldio worker: ${signal}: closing once the running jobs finish (send it again to stop them)\n`,
      );
      worker.close({ force }).then(done, (error: unknown) => {
        process.stderr.write(`yieldio worker: closing failed: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exitCode = 1;
        done();
      });
    };
    process.on("SIGTERM", stop);
    process.on("SIGINT", stop);
  });
  process.stderr.write("yieldio worker: closed\n");
}

/**
 * With tsx installed, TypeScript modules under the root run as they are: tsx is registered
 * here, and the sandbox's children get it in their Node options.
 */
async function typeScriptSupport(): Promise<string[] | undefined> {
  try {
    const api = (await import("tsx/esm/api")) as { register: () => unknown };
    api.register();
    return [...process.execArgv, `--import=${import.meta.resolve("tsx")}`];
  } catch {
    return undefined; // compiled modules only
  }
}
