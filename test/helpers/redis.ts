/**
 * A real Redis for the tests that need one (the BullMQ executor): Debian's `redis-server`,
 * started per test on a Unix socket in a temp folder (no port to race for, no persistence) and
 * stopped after it. `.ci/run` installs it; in CI a missing server fails the tests, elsewhere
 * they are skipped with one line that says why.
 */
import test from "ava";
import type { ExecutionContext } from "ava";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const CANDIDATES = ["/usr/bin/redis-server", "/usr/local/bin/redis-server"];

/** The server to start: `REDIS_SERVER`, or the first of the usual paths that exists. */
export const redisServerPath: string | undefined = process.env["REDIS_SERVER"] ?? CANDIDATES.find((candidate) => existsSync(candidate));

const MISSING = "redis-server is not installed: apt-get install -y redis-server (.ci/run installs it)";

/** A running Redis: connect with ioredis `{ path }`. */
export interface RedisServer {
  /** Its Unix socket. */
  readonly path: string;
  /** Stops it and starts a new server on the same socket: every key is lost (no persistence), as in a crash. */
  restart(): Promise<void>;
  /** Stops it (SIGTERM, then waits for it to exit) and removes its folder. */
  stop(): Promise<void>;
}

/** One redis-server process on `path`. */
interface ServerProcess {
  output(): string;
  exited(): boolean;
  kill(): Promise<void>;
}

/** Starts a Redis on a Unix socket in a new temp folder; resolves once it answers PING. */
export async function startRedis(): Promise<RedisServer> {
  if (redisServerPath === undefined) throw new Error(MISSING);
  const dir = mkdtempSync(join(tmpdir(), "yieldio-redis-"));
  const path = join(dir, "redis.sock");
  let server: ServerProcess | undefined;
  const stop = async (): Promise<void> => {
    await server?.kill();
    server = undefined;
    rmSync(dir, { recursive: true, force: true });
  };
  const start = async (): Promise<void> => {
    server = spawnServer(redisServerPath, dir, path);
    await untilPong(path, server);
  };
  try {
    await start();
  } catch (error) {
    await stop();
    throw error;
  }
  const restart = async (): Promise<void> => {
    await server?.kill();
    await start();
  };
  return { path, restart, stop };
}

function spawnServer(binary: string, dir: string, path: string): ServerProcess {
  // --port 0 turns TCP off (it does not pick a free port); the socket is the only way in.
  const args = ["--port", "0", "--unixsocket", path, "--unixsocketperm", "700", "--save", "", "--appendonly", "no", "--dir", dir];
  const server = spawn(binary, [...args, "--maxmemory-policy", "noeviction"], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  server.stdout.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  server.stderr.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  const exited = new Promise<void>((resolve) => server.once("exit", () => resolve()));
  return {
    output: () => output,
    exited: () => server.exitCode !== null || server.signalCode !== null,
    kill: async () => {
      if (server.exitCode === null && server.signalCode === null) server.kill("SIGTERM");
      await exited;
    },
  };
}

/** Polls the socket with PING until Redis answers PONG (at most 10 s). */
async function untilPong(path: string, server: ServerProcess): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (server.exited()) throw new Error(`redis-server exited: ${server.output()}`);
    if (await pong(path)) return;
    if (Date.now() > deadline) throw new Error(`redis-server did not answer on ${path} within 10 s: ${server.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function pong(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection(path);
    socket.setEncoding("utf8");
    socket.once("error", () => resolve(false));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.once("data", (reply: string) => {
      socket.destroy();
      resolve(reply.startsWith("+PONG"));
    });
  });
}

/** Declares an ava test that gets a Redis of its own, stopped after it. */
export function redisTest(title: string, body: (t: ExecutionContext, redis: RedisServer) => Promise<void>): void {
  if (redisServerPath === undefined) {
    if (process.env["CI"] !== undefined) test(title, (t) => t.fail(MISSING));
    else test.skip(`${title} [${MISSING}]`, () => undefined);
    return;
  }
  test(title, async (t) => {
    const redis = await startRedis();
    try {
      await body(t, redis);
    } finally {
      await redis.stop();
    }
  });
}
