/**
 * crawler: a fixed number of workers in a task group pull URLs from a shared list. Each fetch
 * has its own timeout; the whole crawl has a global deadline, after which the group is
 * cancelled and every worker unwinds (its `finally` runs) before the report is printed.
 * The fetches are fake (a sleep, sometimes a failure), so it runs anywhere.
 *
 *   npm run example -- crawler             # real time: about a second
 *   npm run example -- crawler --virtual   # the same crawl on virtual time: instant
 */
import { TimeoutError, getRunningLoop, moveOnAfter, run, sleep, taskGroup, timeout } from "../lib/index.js";
import type { Coroutine, TaskGroup } from "../lib/index.js";
import { VirtualSelector } from "../selectors/index.js";

const WORKERS = 4;
const PER_REQUEST_MS = 250;
const DEADLINE_MS = 900;

const URLS = Array.from({ length: 24 }, (_, i) => `https://example.test/page/${i + 1}`);

class FetchError extends Error {}

/** A deterministic fake latency (40–340 ms) and status for each URL (FNV-1a, then mixed). */
function profile(url: string): { latencyMs: number; status: number } {
  let hash = 0x811c9dc5;
  for (const char of url) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0;
  hash = Math.imul(hash ^ (hash >>> 15), 0x2c1b3c6d) >>> 0;
  hash = (hash ^ (hash >>> 13)) >>> 0;
  return { latencyMs: 40 + (hash % 301), status: (hash >>> 9) % 6 === 0 ? 404 : 200 };
}

/** Stands in for an HTTP GET: waits for the latency, then returns a body or fails. */
function* fakeFetch(url: string): Coroutine<string> {
  const { latencyMs, status } = profile(url);
  yield* sleep(latencyMs);
  if (status !== 200) throw new FetchError(`GET ${url}: ${status}`);
  return `<html>${url}</html>`;
}

type Outcome = "ok" | "failed" | "timed out" | "cut off";

interface Report {
  readonly outcomes: Map<string, { outcome: Outcome; worker: string; atMs: number }>;
  next: number; // the index of the next URL to hand out
}

/** One worker: takes the next URL until the list is exhausted (or the deadline cancels it). */
function* worker(name: string, report: Report): Coroutine<void> {
  const loop = getRunningLoop();
  try {
    for (let url = URLS[report.next++]; url !== undefined; url = URLS[report.next++]) {
      const record = (outcome: Outcome): void => {
        report.outcomes.set(url, { outcome, worker: name, atMs: Math.round(loop.time() - started) });
      };
      try {
        yield* timeout(PER_REQUEST_MS, fakeFetch(url));
        record("ok");
      } catch (error) {
        if (error instanceof TimeoutError) record("timed out");
        else if (error instanceof FetchError) record("failed");
        else {
          record("cut off"); // the global deadline cancelled us: let the cancellation through
          throw error;
        }
      }
    }
  } finally {
    console.log(`  ${name} stops at ${Math.round(loop.time() - started)} ms`);
  }
}

let started = 0;

const virtual = process.argv.includes("--virtual");
const report: Report = { outcomes: new Map(), next: 0 };

const finishedInTime = await run(
  function* (): Coroutine<boolean> {
    started = getRunningLoop().time();
    console.log(
      `crawling ${URLS.length} URLs with ${WORKERS} workers: ${PER_REQUEST_MS} ms per request, ${DEADLINE_MS} ms in all (${virtual ? "virtual" : "real"} time)`,
    );
    const done = yield* moveOnAfter(DEADLINE_MS, function* () {
      yield* taskGroup(function* (tg: TaskGroup) {
        for (let i = 1; i <= WORKERS; i++) tg.createTask(worker(`worker-${i}`, report), { name: `worker-${i}` });
      });
      return true;
    });
    return done === true;
  },
  virtual ? { selector: new VirtualSelector() } : {},
);

const counts = { ok: 0, failed: 0, "timed out": 0, "cut off": 0 };
for (const [url, { outcome, worker: by, atMs }] of report.outcomes) {
  counts[outcome]++;
  console.log(`  ${outcome.padEnd(9)} ${url.padEnd(32)} ${by} @${atMs} ms`);
}
const unvisited = URLS.length - report.next;
console.log(
  `${finishedInTime ? "finished before the deadline" : "deadline reached: the workers were cancelled"}; ` +
    `${counts.ok} ok, ${counts.failed} failed, ${counts["timed out"]} timed out, ` +
    `${counts["cut off"]} cut off by the deadline, ${unvisited} never fetched`,
);
