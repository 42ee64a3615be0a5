/**
 * The length of each queue's event stream. BullMQ trims a queue's event stream to about
 * `opts.maxLenEvents` entries (10,000 by default, set by `Queue`'s `streams.events.maxLen`), and
 * a job makes four events (added, waiting, active, completed). A burst of 5,000 jobs makes
 * 20,000: when a producer's one listener falls more than 10,000 entries behind (measured on
 * this machine: up to ~15,000 in a burst of 5,000), the events it had not read are trimmed away
 * unread. Plain BullMQ then never hears of those jobs (measured: 616 of 5,000 lost, the run
 * hung); the yieldio executor settles them by reconciliation, `reconcileIntervalMs` (5 s)
 * later. Neither is what this bench measures, so both queues get a stream long enough for a
 * whole burst, through each one's own option (the executor's `eventsMaxLen`, the plain
 * `Queue`'s `streams.events.maxLen`).
 *
 * @module
 */

/** The stream length that keeps every event of a burst of `jobs`: 4 events a job, twice over. */
export function eventsMaxLen(jobs: number): number {
  return Math.max(10_000, 8 * jobs);
}
