/**
 * What a job carries in BullMQ's `data`: its arguments sealed in an envelope, and whether a
 * cancellation while it runs kills its process (`cancel: "terminate"`, sandboxed workers only).
 *
 * @module
 */

import type { _Envelope } from "./envelope.js";

/** @internal A yieldio job's data. */
export interface _JobData {
  /** The arguments, sealed. */
  readonly a: _Envelope;
  /** 1: a cancellation while it runs kills its sandbox process instead of aborting its signal. */
  readonly t?: 1;
}

/** @internal The name of the Redis pub/sub channel on which producers tell workers to cancel running jobs. */
export function _cancelChannel(prefix: string, queueName: string): string {
  return `${prefix}:${queueName}:yieldio:cancel`;
}

/**
 * @internal The key that says job `jobId` was cancelled while it ran, kept an hour: a worker
 * whose subscriber was reconnecting when the message went out reads it once reconnected.
 */
export function _cancelledKey(prefix: string, queueName: string, jobId: string): string {
  return `${prefix}:${queueName}:yieldio:cancelled:${jobId}`;
}

/** @internal How long a cancelled-key lives, in seconds. */
export const _CANCELLED_KEY_SECONDS = 3600;
