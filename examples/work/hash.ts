/**
 * The work module of `examples/offload.ts`: what runs in the pool's workers. It is an
 * ordinary module; each worker imports it once, on its first job.
 */
import { createHash } from "node:crypto";
import { isMainThread, threadId } from "node:worker_threads";
import { currentSignal } from "../../executors/index.js";

/** What one job reports back: plain data, so it can cross back to the loop's side. */
export interface Hashed {
  readonly id: number;
  readonly digest: string;
  readonly ms: number;
  readonly worker: string;
}

/**
 * Builds buffer `id` (`sizeMb` MB of bytes that depend on `id`), then hashes it `rounds`
 * times with SHA-256, each round over the buffer and the previous digest. Runs in a worker:
 * `currentSignal()` is this job's AbortSignal, checked between rounds so that a cancelled job
 * stops within one round.
 */
export function hashBuffer(id: number, sizeMb: number, rounds: number): Hashed {
  const started = performance.now();
  const digest = hashRounds(makeBuffer(id, sizeMb), rounds, currentSignal());
  return { id, digest, ms: performance.now() - started, worker: isMainThread ? `process ${process.pid}` : `thread ${threadId}` };
}

/** The buffer of job `id`: a 32-byte pattern derived from `id`, repeated. */
export function makeBuffer(id: number, sizeMb: number): Buffer {
  const pattern = createHash("sha256").update(`buffer ${id}`).digest();
  return Buffer.alloc(sizeMb * 1024 * 1024, pattern);
}

/**
 * The computation itself. Synchronous: `node:crypto`'s `update()` runs on the calling thread
 * (libuv's thread pool is not involved). Not offered by `workerModule(...).task()`: its
 * `signal` parameter is an object with methods, which cannot cross to a worker.
 */
export function hashRounds(data: Uint8Array, rounds: number, signal?: { throwIfAborted(): void }): string {
  let digest = Buffer.alloc(0);
  for (let round = 0; round < rounds; round++) {
    signal?.throwIfAborted();
    digest = createHash("sha256").update(data).update(digest).digest();
  }
  return digest.toString("hex");
}
