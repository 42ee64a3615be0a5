/**
 * The bench's own Redis (scripts/redis-server.ts): on a Unix socket in a new temp folder, TCP
 * off, no persistence, `noeviction` (the BullMQ executor refuses a Redis that may evict its
 * keys). Started before the contenders, stopped at the end, also when the bench fails; its
 * folder also holds the cancel row's files.
 *
 * @module
 */

import { startRedis as startServer } from "../../scripts/redis-server.js";
import type { RedisServer } from "../../scripts/redis-server.js";

export type { RedisServer };

/** Starts the bench's Redis. */
export function startRedis(): Promise<RedisServer> {
  return startServer("yieldio-bench-bullmq-");
}
