/**
 * The Redis the BullMQ tests start: a real server on a Unix socket, configured as BullMQ needs
 * it (noeviction, nothing written to disk), gone after the test.
 */
import { existsSync } from "node:fs";
import { Redis } from "ioredis";
import { redisTest } from "./redis.js";

redisTest(
  "`startRedis()` behaviour: a real Redis on a Unix socket, with maxmemory-policy noeviction and no persistence; stopped, its socket is gone",
  async (t, redis) => {
    const client = new Redis({ path: redis.path, lazyConnect: true, maxRetriesPerRequest: 0 });
    try {
      await client.connect();
      t.is(await client.ping(), "PONG");
      t.is(await client.set("key", "value"), "OK");
      t.is(await client.get("key"), "value");
      t.deepEqual(await client.config("GET", "maxmemory-policy"), ["maxmemory-policy", "noeviction"]);
      t.deepEqual(await client.config("GET", "appendonly"), ["appendonly", "no"]);
    } finally {
      client.disconnect();
    }
    await redis.stop();
    t.false(existsSync(redis.path));
    await redis.stop(); // twice is harmless (the test's own teardown calls it again)
  },
);

redisTest("`startRedis()` behaviour: restart() starts a new server on the same socket, with every key gone", async (t, redis) => {
  const client = new Redis({ path: redis.path, lazyConnect: true, maxRetriesPerRequest: 0 });
  try {
    await client.connect();
    await client.set("key", "value");
    await redis.restart();
    const fresh = new Redis({ path: redis.path, lazyConnect: true, maxRetriesPerRequest: 0 });
    try {
      await fresh.connect();
      t.is(await fresh.get("key"), null);
      t.is(await fresh.ping(), "PONG");
    } finally {
      fresh.disconnect();
    }
  } finally {
    client.disconnect();
  }
});
