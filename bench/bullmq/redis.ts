/**
 * The bench's own Redis: Debian's `redis-server` on a Unix socket in a new temp folder, TCP off,
 * no persistence, `noeviction` (the BullMQ executor refuses a Redis that may evict its keys).
 * Started before the contenders, stopped at the end, also when the bench fails.
 *
 * @module
 */

import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

const REDIS_SERVER = "/usr/bin/redis-server";

/** A running Redis: connect with ioredis `{ path }`. */
export interface RedisServer {
  /** Its Unix socket. */
  readonly path: string;
  /** Its process id, for its CPU time. */
  readonly pid: number;
  /** Its folder, also the bench's scratch folder (the cancel row's files). */
  readonly dir: string;
  /** Stops it (SIGTERM, SIGKILL after 5 s) and removes its folder. */
  stop(): Promise<void>;
}

/** Starts a Redis on a Unix socket in a new temp folder; resolves once it answers PING. */
export async function startRedis(): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), "yieldio-bench-bullmq-"));
  const path = join(dir, "redis.sock");
  // --port 0 turns TCP off: the socket is the only way in.
  const args = ["--port", "0", "--unixsocket", path, "--unixsocketperm", "700", "--save", "", "--appendonly", "no", "--dir", dir];
  const server = spawn(REDIS_SERVER, [...args, "--maxmemory-policy", "noeviction"], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  server.stdout.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  server.stderr.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  let spawnError: Error | undefined;
  server.once("error", (error) => (spawnError = error));
  const exited = new Promise<void>((resolve) => server.once("close", () => resolve()));
  const running = (): boolean => spawnError === undefined && server.exitCode === null && server.signalCode === null;
  const stop = async (): Promise<void> => {
    if (running()) {
      server.kill("SIGTERM");
      const killer = setTimeout(() => server.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(killer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const deadline = Date.now() + 10_000;
    while (!(await pong(path))) {
      if (!running()) throw new Error(`bench: ${REDIS_SERVER} did not start: ${spawnError?.message ?? output}`);
      if (Date.now() > deadline) throw new Error(`bench: redis-server did not answer on ${path} within 10 s: ${output}`);
      await sleep(20);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { path, pid: server.pid!, dir, stop };
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
