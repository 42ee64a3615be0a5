/**
 * `yieldio worker`'s `--redis` value: the URL forms users copy from their Redis provider, and a
 * socket path, as ioredis options; anything else is a usage error.
 */
import test from "ava";
import { redisOptions } from "../../cli/worker-command.js";
import { UsageError } from "../../cli/usage.js";

test("`redisOptions()` behaviour: redis:, rediss: and unix: URLs and socket paths become ioredis options", (t) => {
  t.deepEqual(redisOptions("redis://cache.internal:6380/2"), { host: "cache.internal", port: 6380, db: 2 });
  t.deepEqual(redisOptions("redis://127.0.0.1"), { host: "127.0.0.1", port: 6379 });
  t.deepEqual(redisOptions("redis://worker:s%40cret@10.0.0.5:6379"), {
    host: "10.0.0.5",
    port: 6379,
    username: "worker",
    password: "s@cret",
  });
  t.deepEqual(redisOptions("rediss://:token@managed.example:6380"), { host: "managed.example", port: 6380, password: "token", tls: {} });
  t.deepEqual(redisOptions("unix:///run/redis/redis.sock"), { path: "/run/redis/redis.sock" });
  t.deepEqual(redisOptions("/tmp/redis.sock"), { path: "/tmp/redis.sock" });
});

test("`redisOptions()` behaviour: another scheme, a non-URL or a database that is not a number is a UsageError", (t) => {
  for (const value of ["http://example.com", "localhost:6379", "redis://host/zero", "relative/path.sock"]) {
    t.throws(() => redisOptions(value), { instanceOf: UsageError }, value);
  }
});
