/**
 * producer-consumer: a bounded queue between one producer and three consumers.
 *
 *   npm run example -- producer-consumer
 *
 * - Backpressure: the queue holds at most 4 jobs; when it is full, `put()` waits, so the
 *   producer slows down to the pace of the consumers instead of piling up work.
 * - Graceful shutdown: when the producer is done, or when you press Ctrl-C, the queue is shut
 *   down with `queue.shutdown()`: the consumers finish the jobs already queued, then their
 *   `get()` raises `QueueShutDown` and they stop. `main()` turns Ctrl-C into a cancellation of
 *   the main task, so the producer's `finally` runs. A second Ctrl-C exits at once.
 *
 * It finishes by itself in about two seconds.
 */
import { CancelledError, Queue, QueueShutDown, createTask, getRunningLoop, main, shield, sleep } from "../lib/index.js";
import type { Coroutine, Task } from "../lib/index.js";

interface Job {
  readonly id: number;
  readonly workMs: number;
}

const JOBS = 20;
const CONSUMERS = 3;

let started = 0;
function stamp(): string {
  return `${String(Math.round(getRunningLoop().time() - started)).padStart(5)} ms`;
}

function* producer(queue: Queue<Job>): Coroutine<void> {
  for (let id = 1; id <= JOBS; id++) {
    const job: Job = { id, workMs: 100 + ((id * 37) % 5) * 50 };
    if (queue.full()) console.log(`${stamp()}  producer: queue full (${queue.qsize()}), waiting for room`);
    yield* queue.put(job); // waits while the queue is full: backpressure
    console.log(`${stamp()}  producer: queued job ${id}`);
    yield* sleep(20);
  }
  console.log(`${stamp()}  producer: all ${JOBS} jobs queued`);
}

function* consumer(name: string, queue: Queue<Job>): Coroutine<number> {
  let done = 0;
  for (;;) {
    let job: Job;
    try {
      job = yield* queue.get();
    } catch (error) {
      if (!(error instanceof QueueShutDown)) throw error;
      console.log(`${stamp()}  ${name}: queue shut down and drained, stopping after ${done} jobs`);
      return done;
    }
    yield* sleep(job.workMs); // the work
    queue.taskDone();
    done++;
    console.log(`${stamp()}  ${name}: finished job ${job.id} (${job.workMs} ms)`);
  }
}

await main(function* (): Coroutine<void> {
  started = getRunningLoop().time();
  const queue = new Queue<Job>({ maxsize: 4 });
  const consumers: Task<number>[] = [];
  for (let i = 1; i <= CONSUMERS; i++) consumers.push(createTask(consumer(`consumer ${i}`, queue), { name: `consumer ${i}` }));
  try {
    yield* producer(queue);
  } catch (error) {
    if (error instanceof CancelledError) console.log(`${stamp()}  main: interrupted (${error.reason.source}), stopping the producer`);
    throw error;
  } finally {
    // Normal end or Ctrl-C: no more jobs. The consumers drain what is queued, then stop.
    console.log(`${stamp()}  main: shutting the queue down (${queue.qsize()} job(s) still queued)`);
    queue.shutdown();
    // Shielded: after Ctrl-C the main task is cancelled, and waiting for the consumers is
    // cleanup that must not be cut short.
    const total = yield* shield(
      (function* (): Coroutine<number> {
        let sum = 0;
        for (const task of consumers) sum += yield* task;
        return sum;
      })(),
    );
    console.log(`${stamp()}  main: ${total} jobs done, bye`);
  }
});
