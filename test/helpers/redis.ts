/**
 * A real Redis for the tests that need one (the BullMQ executor): a server of the test's own
 * (scripts/redis-server.ts), started per test and stopped after it. `.ci/run` installs
 * `redis-server`; in CI a missing server fails the tests, elsewhere they are skipped with one
 * line that says why.
 */
import test from "ava";
import type { ExecutionContext } from "ava";
import { REDIS_MISSING, redisServerPath, startRedis } from "../../scripts/redis-server.js";
import type { RedisServer } from "../../scripts/redis-server.js";

export { redisServerPath, startRedis };
export type { RedisServer };

/** Declares an ava test that gets a Redis of its own, stopped after it. */
export function redisTest(title: string, body: (t: ExecutionContext, redis: RedisServer) => Promise<void>): void {
  if (redisServerPath === undefined) {
    if (process.env["CI"] !== undefined) test(title, (t) => t.fail(REDIS_MISSING));
    else test.skip(`${title} [${REDIS_MISSING}]`, () => undefined);
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
