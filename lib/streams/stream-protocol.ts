/**
 * `_StreamProtocol`: the {@link Protocol} between a transport and a `StreamReader` /
 * `StreamWriter` pair (asyncio's `StreamReaderProtocol` with its flow-control mixin). It feeds
 * the reader, parks `drain()` while the transport's write buffer is above its high water mark,
 * and parks `waitClosed()` until the connection is lost.
 *
 * Invariants: `#drainWaiters` is empty unless writing is paused and the connection is not
 * lost; `#closedWaiters` is empty once it is lost.
 *
 * @module
 */

import { BrokenResourceError } from "../core/errors.js";
import { suspend } from "../core/instruction.js";
import type { Instruction, Wait } from "../core/instruction.js";
import { _parkOn, WaitQueue, WOKEN } from "../sync/wait-queue.js";
import type { StreamReader } from "./stream-reader.js";
import type { Protocol, Transport } from "./transport.js";

/** @internal The protocol under a stream pair. */
export class _StreamProtocol implements Protocol {
  readonly reader: StreamReader | undefined;
  #transport: Transport | undefined;
  #writePaused = false;
  #lost = false;
  #lostError: Error | undefined;
  readonly #drainWaiters = new WaitQueue<typeof WOKEN>();
  readonly #closedWaiters = new WaitQueue<typeof WOKEN>();
  #drainWait: Wait<typeof WOKEN> | undefined;
  #closedWait: Wait<typeof WOKEN> | undefined;

  /** @param reader - the reader fed by this protocol, or undefined for a write-only pipe. */
  constructor(reader: StreamReader | undefined) {
    this.reader = reader;
  }

  /** True once the connection is lost. */
  get lost(): boolean {
    return this.#lost;
  }

  /** Why the connection was lost (undefined for an orderly close, or while it is open). */
  get lostError(): Error | undefined {
    return this.#lostError;
  }

  connectionMade(transport: Transport): void {
    this.#transport = transport;
    this.reader?.setTransport(transport);
  }

  dataReceived(data: Uint8Array): void {
    this.reader?.feedData(data);
  }

  eofReceived(): void {
    this.reader?.feedEof();
  }

  connectionLost(error: Error | undefined): void {
    this.#lost = true;
    this.#lostError = error;
    const reader = this.reader;
    if (reader !== undefined) {
      if (error === undefined) reader.feedEof();
      else reader.setException(brokenBy(error, "the connection"));
    }
    if (error !== undefined) this.#drainWaiters.failAll(() => brokenBy(error, "drain(): the connection"));
    else if (this.#writePaused) {
      // Lost with bytes still queued (aborted here): they will never be sent.
      this.#drainWaiters.failAll(() => new BrokenResourceError("drain(): the connection was closed before the queued bytes were sent"));
    } else this.#drainWaiters.wakeAll(WOKEN);
    this.#closedWaiters.wakeAll(WOKEN);
  }

  pauseWriting(): void {
    this.#writePaused = true;
  }

  resumeWriting(): void {
    this.#writePaused = false;
    this.#drainWaiters.wakeAll(WOKEN);
  }

  /** True when `drain()` would return at once, without an error. */
  get drained(): boolean {
    return (!this.#writePaused || this.#lost) && this.#lostError === undefined;
  }

  /** Waits while writing is paused; throws if the connection was lost with an error. */
  *drain(): Generator<Instruction, void, unknown> {
    if (this.#lostError !== undefined) throw brokenBy(this.#lostError, "drain(): the connection");
    if (!this.#writePaused || this.#lost) return;
    yield* suspend((this.#drainWait ??= _parkOn(this.#drainWaiters, "StreamWriter.drain()")));
  }

  /** Waits until the connection is lost; cancelled, it aborts the transport (closes at once). */
  *waitClosed(): Generator<Instruction, void, unknown> {
    if (this.#lost) return;
    try {
      yield* suspend((this.#closedWait ??= _parkOn(this.#closedWaiters, "StreamWriter.waitClosed()")));
    } catch (error) {
      // Cancelled (parked, or at the suspension in a cancelled scope): a close interrupted by
      // cancellation still ends closed, forcefully (Trio's aclose).
      this.#transport?.abort();
      throw error;
    }
  }
}

/** A BrokenResourceError saying `what` was lost, with the host's error as cause. */
function brokenBy(error: Error, what: string): BrokenResourceError {
  const code = (error as { code?: unknown }).code;
  const reason = typeof code === "string" ? `${code}: ${error.message}` : error.message;
  return new BrokenResourceError(`${what} was lost (${reason})`, { cause: error });
}
