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
