/**
 * The Redis connection a BullMQ executor or worker is given, and the extra connections yieldio
 * opens beside BullMQ's own: a publisher (cancellations, the eviction check) and a subscriber.
 *
 * @module
 */

import type { ConnectionOptions } from "bullmq";
import { Redis } from "ioredis";
import type { RedisOptions } from "ioredis";
import { describeReceived } from "../../lib/core/received.js";

/**
 * Where Redis is: ioredis options (`{ host, port }`, `{ path }` for a Unix socket ...) or an
 * ioredis client, whose options are used: yieldio and BullMQ open connections of their own
 * with them (BullMQ needs settings of its own on some), and the client itself is neither used
 * nor closed.
 *
 * @example
 * ```ts
 * const connection: BullMQConnection = { host: "127.0.0.1", port: 6379 };
 * ```
 */
export type BullMQConnection = RedisOptions | Redis;

/**
 * @internal Checks what producers and workers both take: an options object, its `connection`,
 * its `queueName` (BullMQ's keys are `<prefix>:<queue>:…`, so no ":"), `prefix` and
 * `allowEviction`; `where` names the caller.
 */
export function _checkQueueOptions(where: string, options: unknown): void {
  if (typeof options !== "object" || options === null)
    throw new TypeError(`${where} needs an options object: received ${describeReceived(options)}`);
  const { connection, queueName, prefix, allowEviction } = options as Record<string, unknown>;
  if (typeof connection !== "object" || connection === null)
    throw new TypeError(`${where} needs connection as ioredis options or an ioredis client: received ${describeReceived(connection)}`);
  if (typeof queueName !== "string" || queueName === "" || queueName.includes(":"))
    throw new TypeError(`${where} needs queueName as a non-empty string without ":": received ${describeReceived(queueName)}`);
  if (prefix !== undefined && (typeof prefix !== "string" || prefix === ""))
    throw new TypeError(`${where} needs prefix as a non-empty string: received ${describeReceived(prefix)}`);
  _checkFlag(where, "allowEviction", allowEviction);
}

/** @internal Checks an optional boolean option. */
export function _checkFlag(where: string, name: string, value: unknown): void {
  if (value !== undefined && typeof value !== "boolean")
    throw new TypeError(`${where} needs ${name} as a boolean: received ${describeReceived(value)}`);
}

/**
 * The options of a connection: the options given, or a client's own, without the ioredis
 * default `maxRetriesPerRequest` (BullMQ would warn about it and override it on its blocking
 * connections; ioredis's default applies to the others anyway).
 */
function optionsOf(connection: BullMQConnection): RedisOptions {
  if (!(connection instanceof Redis)) return connection;
  const { maxRetriesPerRequest, ...options } = connection.options;
  return maxRetriesPerRequest === 20 ? options : { ...options, maxRetriesPerRequest };
}

/** @internal A new connection to the same Redis, for yieldio's own use; closed by whoever opens it. */
export function _openConnection(connection: BullMQConnection, extra: RedisOptions = {}): Redis {
  // ioredis's own RedisOptions does not fit its constructor under exactOptionalPropertyTypes (replyMapping).
  return new Redis({ ...optionsOf(connection), ...extra } as never);
}

/**
 * @internal The connection for BullMQ: always options, never a client, so that BullMQ makes each
 * connection as it needs it (a blocking one with `maxRetriesPerRequest: null`: it refuses a
 * client of another setting). Its option type is looser than ioredis's.
 */
export function _bullmqConnection(connection: BullMQConnection): ConnectionOptions {
  return optionsOf(connection) as ConnectionOptions;
}

/** @internal Closes a connection of yieldio's own, whatever state it is in. */
export async function _closeConnection(redis: Redis): Promise<void> {
  if (redis.status === "end") return;
  try {
    await redis.quit();
  } catch {
    redis.disconnect(); // not connected (Redis is down): stop reconnecting
  }
}
