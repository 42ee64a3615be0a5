/**
 * A Redis of our own, for the tests and the BullMQ bench: Debian's `redis-server` on a Unix
 * socket in a new temp folder (TCP off, so no port to race for; no persistence; `noeviction`,
 * which the BullMQ executor requires), ready once it answers PING, stopped with its folder.
 *
 * @module
 */

import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const CANDIDATES = ["/usr/bin/redis-server", "/usr/local/bin/redis-server"];

/** The server to start: `REDIS_SERVER`, or the first of the usual paths that exists. */
export const redisServerPath: string | undefined = process.env["REDIS_SERVER"] ?? CANDIDATES.find((candidate) => existsSync(candidate));

/** What to say when there is none. */
export const REDIS_MISSING = "redis-server is not installed: apt-get install -y redis-server (.ci/run installs it)";

/** A running Redis: connect with ioredis `{ path }`. */
export interface RedisServer {
  /** Its Unix socket. */
  readonly path: string;
  /** Its folder (the socket's), which is removed with it: a place for scratch files too. */
  readonly dir: string;
  /** The process id of the server running now. */
  pid(): number;
  /** Stops it and starts a new server on the same socket: every key is lost (no persistence), as in a crash. */
  restart(): Promise<void>;
  /** Stops it (SIGTERM, SIGKILL after 5 s) and removes its folder; twice is harmless. */
  stop(): Promise<void>;
}

/** One redis-server process. */
interface ServerProcess {
  readonly pid: number;
  output(): string;
  exited(): boolean;
  kill(): Promise<void>;
}

/** Starts a Redis on a Unix socket in a new temp folder named `<prefix>…`; resolves once it answers PING. */
export async function startRedis(prefix = "yieldio-redis-"): Promise<RedisServer> {
  const binary = redisServerPath;
  if (binary === undefined) throw new Error(REDIS_MISSING);
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const path = join(dir, "redis.sock");
  let server: ServerProcess | undefined;
  const start = async (): Promise<void> => {
    server = spawnServer(binary, dir, path);
    await untilPong(path, server);
  };
  const stop = async (): Promise<void> => {
    await server?.kill();
    server = undefined;
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await start();
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    path,
    dir,
    pid: () => server?.pid ?? 0,
    restart: async () => {
      await server?.kill();
      await start();
    },
    stop,
  };
}

function spawnServer(binary: string, dir: string, path: string): ServerProcess {
  // --port 0 turns TCP off (it does not pick a free port); the socket is the only way in.
  const args = ["--port", "0", "--unixsocket", path, "--unixsocketperm", "700", "--save", "", "--appendonly", "no", "--dir", dir];
  const server = spawn(binary, [...args, "--maxmemory-policy", "noeviction"], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  server.stdout.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  server.stderr.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  let spawnError: Error | undefined;
  server.once("error", (error) => (spawnError = error));
  const closed = new Promise<void>((resolve) => server.once("close", () => resolve()));
  const exited = (): boolean => spawnError !== undefined || server.exitCode !== null || server.signalCode !== null;
  return {
    pid: server.pid ?? 0,
    output: () => spawnError?.message ?? output,
    exited,
    kill: async () => {
      if (exited()) return;
      server.kill("SIGTERM");
      const killer = setTimeout(() => server.kill("SIGKILL"), 5000);
      await closed;
      clearTimeout(killer);
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

/** Whether a Redis answers PING on `path`. */
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
