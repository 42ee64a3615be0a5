/**
 * The eviction-policy check, against a real Redis (noeviction, then another policy set with
 * CONFIG SET) and against a Redis that hides CONFIG or both commands.
 */
import test from "ava";
import { Redis } from "ioredis";
import { BrokenExecutorError } from "../../../lib/index.js";
import { _checkEvictionPolicy } from "../../../executors/bullmq/eviction-policy.js";
import type { _PolicyReader } from "../../../executors/bullmq/eviction-policy.js";
import { redisTest } from "../../helpers/redis.js";

redisTest(
  "`_checkEvictionPolicy()` behaviour: noeviction passes; another policy is a BrokenExecutorError unless allowEviction",
  async (t, redis) => {
    const client = new Redis({ path: redis.path, maxRetriesPerRequest: 0 });
    try {
      await t.notThrowsAsync(_checkEvictionPolicy(client, false));
      await client.config("SET", "maxmemory-policy", "volatile-lru");
      const error = await t.throwsAsync(_checkEvictionPolicy(client, false), { instanceOf: BrokenExecutorError });
      t.regex(error.message, /^Redis's maxmemory-policy is volatile-lru: it may evict BullMQ's locks and jobs.*allowEviction: true/);
      await t.notThrowsAsync(_checkEvictionPolicy(client, true));
    } finally {
      client.disconnect();
    }
  },
);

test("`_checkEvictionPolicy()` behaviour: where CONFIG is disabled, INFO memory tells; where neither answers, it refuses and says why", async (t) => {
  const refuse = (): Promise<never> => Promise.reject(new Error("ERR unknown command"));
  const infoOnly = (policy: string): _PolicyReader => ({
    config: refuse,
    info: () => Promise.resolve(`# Memory\r\nused_memory:1\r\nmaxmemory_policy:${policy}\r\n`),
  });
  await t.notThrowsAsync(_checkEvictionPolicy(infoOnly("noeviction"), false));
  await t.throwsAsync(_checkEvictionPolicy(infoOnly("allkeys-lru"), false), {
    instanceOf: BrokenExecutorError,
    message: /maxmemory-policy is allkeys-lru/,
  });
  await t.throwsAsync(_checkEvictionPolicy({ config: refuse, info: refuse }, false), {
    instanceOf: BrokenExecutorError,
    message: /^could not read Redis's maxmemory-policy/,
  });
});
