/**
 * The plain BullMQ contender's producer, as BullMQ's maintainers recommend it for waiting on
 * many jobs: `Queue.add()` per job, and ONE `QueueEvents` listener that settles each job's
 * Promise through a Map from job id to its resolvers (not `job.waitUntilFinished()` per job,
 * which adds a listener per job). A job's name is the export of `bench/work/bullmq-work.mjs`
 * to run, its data `{ args }`.
 *
 * @module
 */

import { Queue, QueueEvents } from "bullmq";
import type { JobsOptions } from "bullmq";
import { Redis } from "ioredis";

interface Pending {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
}

/** A Queue and its one QueueEvents listener, for `add()` calls that resolve with each job's result. */
export class PlainProducer {
  readonly #queue: Queue;
  readonly #events: QueueEvents;
  readonly #pending = new Map<string, Pending>();
  /** Completions heard before `add()` learnt the job's id (the worker can be that fast). */
  readonly #early = new Map<string, { readonly value: unknown } | { readonly error: Error }>();

  /**
   * Connects both, and resolves once no completion can be missed. BullMQ 6.7's `QueueEvents`
   * sends its first `XREAD … $` only after a round trip of its own, later than
   * `waitUntilReady()` resolves: a job added at once could finish unheard (measured: the first
   * warm-up batch hung). So the listener starts from the event stream's current end, read
   * here, as the yieldio executor starts from an id of its own.
   *
   * `jobOptions`: the same retention as the yieldio executor's defaults, so Redis does the same work;
   * `eventsMaxLen`: the event stream's length (see events-stream.ts).
   */
  static async open(socketPath: string, queueName: string, jobOptions: JobsOptions, eventsMaxLen: number): Promise<PlainProducer> {
    const connection = { path: socketPath };
    const queue = new Queue(queueName, { connection, defaultJobOptions: jobOptions, streams: { events: { maxLen: eventsMaxLen } } });
    let events: QueueEvents | undefined;
    try {
      await queue.waitUntilReady();
      const client = new Redis(connection);
      const [last] = await client.xrevrange(queue.keys["events"]!, "+", "-", "COUNT", 1).finally(() => client.quit());
      events = new QueueEvents(queueName, { connection, lastEventId: last?.[0] ?? "0-0" });
      const producer = new PlainProducer(queue, events);
      await events.waitUntilReady();
      return producer;
    } catch (error) {
      await Promise.allSettled([queue.close(), events?.close()]);
      throw error;
    }
  }

  private constructor(queue: Queue, events: QueueEvents) {
    this.#queue = queue;
    this.#events = events;
    events.on("completed", ({ jobId, returnvalue }) => this.#settle(jobId, { value: returnvalue }));
    events.on("failed", ({ jobId, failedReason }) => this.#settle(jobId, { error: new Error(failedReason) }));
  }

  /** Adds a job `name(...args)`; resolves with its result, rejects with its failure. */
  async add(name: string, args: readonly unknown[]): Promise<unknown> {
    const job = await this.#queue.add(name, { args });
    const id = job.id!;
    const early = this.#early.get(id);
    if (early !== undefined) {
      this.#early.delete(id);
      if ("error" in early) throw early.error;
      return early.value;
    }
    return new Promise((resolve, reject) => this.#pending.set(id, { resolve, reject }));
  }

  async close(): Promise<void> {
    await Promise.all([this.#events.close(), this.#queue.close()]);
  }

  #settle(jobId: string, outcome: { readonly value: unknown } | { readonly error: Error }): void {
    const pending = this.#pending.get(jobId);
    if (pending === undefined) {
      this.#early.set(jobId, outcome);
      return;
    }
    this.#pending.delete(jobId);
    if ("error" in outcome) pending.reject(outcome.error);
    else pending.resolve(outcome.value);
  }
}
