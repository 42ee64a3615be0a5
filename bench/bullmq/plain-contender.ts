/**
 * The plain BullMQ contender: `PlainProducer` (`Queue.add()` per job, one shared
 * `QueueEvents`) on its own queue, its workers `plain-worker.ts` processes, each run plain
 * `async` code: `Promise.all` over a batch, `await` one job after another.
 *
 * @module
 */

import { check, checkAdds, JOB_RETENTION } from "./contender.js";
import type { Contender } from "./contender.js";
import { PlainProducer } from "./plain-producer.js";

/** Jobs run by `start()`, at once, so that every worker has loaded the work module before the first run. */
const WARM_UP_JOBS = 200;

export class PlainContender implements Contender {
  readonly name = "plain BullMQ 6";
  readonly queueName = "bench-plain";
  readonly #socketPath: string;
  readonly #eventsMaxLen: number;
  #producer: PlainProducer | undefined;

  /** `eventsMaxLen`: see events-stream.ts. */
  constructor(socketPath: string, eventsMaxLen: number) {
    this.#socketPath = socketPath;
    this.#eventsMaxLen = eventsMaxLen;
  }

  get #started(): PlainProducer {
    if (this.#producer === undefined) throw new Error("bench: the plain BullMQ contender was used before start() or after stop()");
    return this.#producer;
  }

  async start(): Promise<void> {
    // Timing starts only once the listener reads the event stream: no completion can be missed.
    this.#producer = await PlainProducer.open(this.#socketPath, this.queueName, JOB_RETENTION, this.#eventsMaxLen);
    await this.throughput(WARM_UP_JOBS);
  }

  async throughput(jobs: number): Promise<void> {
    const producer = this.#started;
    const adds: Promise<unknown>[] = [];
    for (let i = 0; i < jobs; i++) adds.push(producer.add("add", [i, 1]));
    checkAdds(await Promise.all(adds), jobs, "plain BullMQ throughput");
  }

  async roundTrips(jobs: number): Promise<number[]> {
    const producer = this.#started;
    const durations: number[] = [];
    for (let i = 0; i < jobs; i++) {
      const started = performance.now();
      const value = await producer.add("add", [i, 1]);
      durations.push(performance.now() - started);
      check(value === i + 1, `plain BullMQ round trip: job ${i} returned ${String(value)}, not ${i + 1}`);
    }
    return durations;
  }

  async stop(): Promise<void> {
    const producer = this.#producer;
    this.#producer = undefined;
    await producer?.close();
  }
}
