/**
 * The work of the BullMQ bench (`bench/bullmq/`), in plain JavaScript so that both contenders'
 * workers load the same file as it is: yieldio's `yieldio worker` (by its job name, under
 * `--root bench/work`) and the plain BullMQ worker (`bench/bullmq/plain-worker.ts`, by import).
 * Types: `bullmq-work.d.mts`.
 */
import { writeFileSync } from "node:fs";
import { currentSignal } from "../../executors/index.js";

/** A tiny job: the sum of two numbers. */
export function add(a, b) {
  return a + b;
}

/**
 * The cancel row's job: writes "started" to `file`, then waits for its job's AbortSignal (or
 * `timeoutMs`). When the signal aborts, writes `aborted <ms>` to `file` at once, the clock
 * read first (`performance.timeOrigin + performance.now()`: the epoch in milliseconds, which
 * the producer's process reads alike on this machine). Resolves with "aborted" or "timed out".
 */
export function waitForAbort(file, timeoutMs) {
  const signal = currentSignal();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve("timed out");
    }, timeoutMs);
    const onAbort = () => {
      const at = performance.timeOrigin + performance.now();
      clearTimeout(timer);
      writeFileSync(file, `aborted ${at}`);
      resolve("aborted");
    };
    writeFileSync(file, "started");
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
  });
}
