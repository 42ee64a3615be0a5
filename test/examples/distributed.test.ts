/**
 * examples/distributed.ts runs as a reader runs it (`npm run example -- distributed`), in a
 * child process with its worker processes: on the test's Redis it counts the primes right; on
 * a Redis of its own, Ctrl-C (SIGINT) withdraws the jobs left, closes the workers and stops
 * that Redis.
 */
import { spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { redisTest } from "../helpers/redis.js";

const root = fileURLToPath(new URL("../../", import.meta.url));

interface Run {
  readonly exited: Promise<number | null>;
  readonly output: () => string;
  interrupt(): void;
}

function runExample(args: readonly string[], env: Record<string, string> = {}): Run {
  const child = spawn(process.execPath, ["--import=tsx", "examples/run-example.ts", "distributed", ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  return {
    exited: new Promise((resolve) => child.once("exit", (code) => resolve(code))),
    output: () => output,
    interrupt: () => child.kill("SIGINT"),
  };
}

redisTest("`examples/distributed.ts` behaviour: fans jobs out to two worker processes and sums their results", async (t, redis) => {
  const run = runExample(["--jobs", "30"], { REDIS_URL: `unix://${redis.path}` });
  t.is(await run.exited, 0, run.output());
  t.regex(run.output(), /30\/30 jobs done in [\d.]+ s on 2 workers\n/);
  t.regex(run.output(), /\n92938 primes below 1,200,000\n/);
  t.is(run.output().match(/yieldio worker: closed/g)?.length, 2);
});

redisTest("`examples/distributed.ts` behaviour: Ctrl-C withdraws the jobs left, closes the workers and stops its own Redis", async (t) => {
  const run = runExample(["--jobs", "1000"]);
  const start = Date.now();
  while (!/[1-9]\d*\/1000 jobs done/.test(run.output())) {
    if (Date.now() - start > 30_000) t.fail(`no job finished within 30 s: ${run.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  run.interrupt();
  t.is(await run.exited, 130, run.output());
  t.regex(run.output(), /cancelled: the \d+ jobs left are withdrawn/);
  t.is(run.output().match(/yieldio worker: closed/g)?.length, 2);
  t.is(spawnSync("pgrep", ["-f", "redis-server.*yieldio-example-redis-"]).status, 1, "its redis-server is gone");
});
