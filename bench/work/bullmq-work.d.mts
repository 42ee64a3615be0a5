/** Types of `bullmq-work.mjs`: the work of the BullMQ bench. */

/** A tiny job: the sum of two numbers. */
export declare function add(a: number, b: number): number;
/**
 * The cancel row's job: writes "started" to `file`, then `aborted <epoch ms>` once its job's
 * AbortSignal aborts; resolves with "aborted", or "timed out" after `timeoutMs`.
 */
export declare function waitForAbort(file: string, timeoutMs: number): Promise<"aborted" | "timed out">;
