/**
 * The plain BullMQ contender's worker process: `new Worker(queue, processor, { concurrency })`
 * in-process (not sandboxed), whose processor calls the export of `bench/work/bullmq-work.mjs`
 * named by the job with the job's `data.args` spread: the same functions the yieldio workers
 * run, with BullMQ's own JSON for arguments and results.
 *
 * `node --import=tsx bench/bullmq/plain-worker.ts --redis <socket> --queue <name> --concurrency 8`;
 * prints "taking jobs" on stderr once ready; SIGTERM closes it after its running jobs.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { Worker } from "bullmq";
import type { Job } from "bullmq";
import * as work from "../work/bullmq-work.mjs";

const { values } = parseArgs({
  options: {
    redis: { type: "string" },
    queue: { type: "string" },
    concurrency: { type: "string", default: "8" },
  },
});
if (values.redis === undefined || values.queue === undefined) throw new Error("plain-worker needs --redis <socket> and --queue <name>");

/** The exports a job may name, looked up once (a job naming anything else fails). */
const functions = new Map<string, (...args: never[]) => unknown>(Object.entries(work));

interface PlainJobData {
  readonly args: readonly unknown[];
}

const worker = new Worker(
  values.queue,
  // BullMQ's docs write a processor as an async function (a throw then fails the job); the work itself is synchronous.
  // eslint-disable-next-line @typescript-eslint/require-await
  async (job: Job<PlainJobData>) => {
    const fn = functions.get(job.name);
    if (fn === undefined) throw new Error(`plain-worker: no work function named ${job.name}`);
    return (fn as (...args: readonly unknown[]) => unknown)(...job.data.args);
  },
  { connection: { path: values.redis }, concurrency: Number(values.concurrency) },
);
worker.on("error", (error) => process.stderr.write(`plain-worker: ${error.message}\n`));
await worker.waitUntilReady();
process.stderr.write(`plain-worker: taking jobs from queue ${values.queue} (${values.concurrency} at a time)\n`);
process.once("SIGTERM", () => void worker.close());
