/**
 * BullMQ is correct only on a Redis that never evicts keys: its locks carry TTLs, and a
 * `volatile-*` or `allkeys-*` policy may drop a lock or a job under memory pressure
 * ("`noeviction` is the only setting that guarantees correct behaviour", BullMQ's production
 * guide). BullMQ itself only warns. The executor refuses to start on another policy unless the
 * user says `allowEviction: true`.
 *
 * @module
 */

import { BrokenExecutorError } from "../../lib/core/errors.js";

/** The two commands the check needs (ioredis's `Redis` has them). */
export interface _PolicyReader {
  config(subcommand: "GET", parameter: string): Promise<unknown>;
  info(section: string): Promise<string>;
}

/**
 * @internal Reads the server's `maxmemory-policy` (`CONFIG GET`, or `INFO memory` where a
 * managed Redis disables CONFIG) and refuses anything but `noeviction` unless `allowEviction`.
 * @throws {@link BrokenExecutorError} for another policy, or one that cannot be read.
 */
export async function _checkEvictionPolicy(redis: _PolicyReader, allowEviction: boolean): Promise<void> {
  if (allowEviction) return;
  const policy = await readPolicy(redis);
  if (policy === "noeviction") return;
  if (policy === undefined) {
    throw new BrokenExecutorError(
      "could not read Redis's maxmemory-policy (neither CONFIG GET nor INFO memory answered): BullMQ needs noeviction; pass allowEviction: true to start anyway",
    );
  }
  throw new BrokenExecutorError(
    `Redis's maxmemory-policy is ${policy}: it may evict BullMQ's locks and jobs, and Futures would wait for jobs that are gone. Set maxmemory-policy noeviction, or pass allowEviction: true to start anyway`,
  );
}

async function readPolicy(redis: _PolicyReader): Promise<string | undefined> {
  try {
    const reply = await redis.config("GET", "maxmemory-policy");
    if (Array.isArray(reply) && typeof reply[1] === "string") return reply[1];
  } catch {
    // CONFIG may be renamed or disabled (managed Redis): INFO still tells.
  }
  try {
    return /^maxmemory_policy:(\S+)/m.exec(await redis.info("memory"))?.[1];
  } catch {
    return undefined;
  }
}
