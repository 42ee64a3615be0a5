/**
 * The default selector: Node's own libuv loop does the waiting.
 *
 * The problem: a JavaScript program cannot block in `epoll_wait` without freezing Node, and
 * sockets, timers and Promises outside yieldio must keep flowing while it waits.
 *
 * The solution: `select(0)` answers synchronously from what Node already told us; a longer
 * `select` returns a Promise settled by the first of (a) one host timer for the deadline, (b)
 * watched streams becoming ready (answered together, at the end of the turn of Node's loop in
 * which they reported), (c) `wake()`. The host timer is re-armed only when the
 * deadline moves, and it is unref'd whenever no `select` is pending, so an idle loop never
 * keeps the process alive by itself.
 *
 * File objects are Node streams (sockets, pipes, `Readable`/`Writable`). Readiness is
 * level-triggered from the stream's state: readable while it has buffered data or has ended
 * (after a `readable` event, at least once), writable while it does not need a drain.
 *
 * @module
 */

import { performance } from "node:perf_hooks";
import { BaseSelector, describeValue, NOTHING_READY } from "./base-selector.js";
import { _HostWait } from "./host-wait.js";
import { EVENT_READ, EVENT_WRITE } from "./selector.js";
import type { SelectorKey, SelectResult } from "./selector.js";

interface NodeStreamLike {
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  off(event: string, listener: (...args: unknown[]) => void): unknown;
  readonly readableLength?: number;
  readonly readableEnded?: boolean;
  readonly writable?: boolean;
  readonly writableNeedDrain?: boolean;
  readonly destroyed?: boolean;
}

/** Per-registration state: the stream's listeners and a one-shot `readable` pulse. */
interface Watch {
  readonly key: SelectorKey;
  /** The answers `select()` gives for this key, by mask (made once: no tuple per report). */
  readonly answers: ReadonlyArray<readonly [SelectorKey, number]>;
  readonly listener: () => void;
  readonly pulse: () => void;
  // A `readable` event was seen and not yet reported: Node emits it at end of stream with an
  // empty buffer, and the reader must be told once so that its read() can observe the end.
  pulsed: boolean;
}

const STREAM_EVENTS = ["end", "close", "error", "drain", "finish"] as const;

/**
 * A selector on real time (`performance.now()`), waiting through Node's event loop.
 *
 * @example
 * ```ts
 * await run(main(), { selector: new NodeSelector() }); // the default
 * ```
 */
export class NodeSelector extends BaseSelector {
  #answerQueued = false; // a setImmediate will end the pending select with what is ready
  readonly #wait = new _HostWait(() => this.#collect());
  // Registrations that may be ready: touched by a stream event, or ready at the last select.
  #candidates = new Set<Watch>();
  #watches = new Map<object, Watch>();

  /** Milliseconds from `performance.now()`. */
  time(): number {
    return performance.now();
  }

  /**
   * Reports ready streams; otherwise waits through Node for up to `timeoutMs` (`null`: no limit).
   *
   * @param timeoutMs - the longest wait, in milliseconds; `0`: do not wait; `null`: no limit.
   */
  select(timeoutMs: number | null): SelectResult | Promise<SelectResult> {
    return this.#wait.select(timeoutMs, this.#collect(), this.time(), this.isClosed());
  }

  /** Ends a pending `select()`, or makes the next one return at once. */
  wake(): void {
    this.#wait.wake();
  }

  /** Clears the host timer and every stream listener. */
  override close(): void {
    super.close();
    this.#candidates.clear();
    this.#wait.close();
  }

  protected checkFileObject(fileobj: object): void {
    const stream = fileobj as Partial<NodeStreamLike>;
    if (typeof stream.on !== "function" || typeof stream.off !== "function") {
      throw new TypeError(
        `NodeSelector can only watch Node streams (sockets, pipes, Readable/Writable): received ${describeValue(fileobj)}`,
      );
    }
  }

  protected watch(key: SelectorKey): void {
    const old = this.#watches.get(key.fileobj);
    if (old !== undefined) this.#detach(key.fileobj, old);
    const watch: Watch = {
      key,
      answers: [
        [key, 0],
        [key, EVENT_READ],
        [key, EVENT_WRITE],
        [key, EVENT_READ | EVENT_WRITE],
      ],
      listener: () => this.#touch(watch),
      pulse: () => {
        watch.pulsed = true;
        this.#touch(watch);
      },
      pulsed: false,
    };
    const stream = key.fileobj as NodeStreamLike;
    if ((key.events & EVENT_READ) !== 0) stream.on("readable", watch.pulse);
    for (const event of STREAM_EVENTS) stream.on(event, watch.listener);
    this.#watches.set(key.fileobj, watch);
    this.#candidates.add(watch); // it may be ready already
  }

  protected unwatch(key: SelectorKey): void {
    const watch = this.#watches.get(key.fileobj);
    if (watch !== undefined) this.#detach(key.fileobj, watch);
  }

  #detach(fileobj: object, watch: Watch): void {
    const stream = fileobj as NodeStreamLike;
    stream.off("readable", watch.pulse);
    for (const event of STREAM_EVENTS) stream.off(event, watch.listener);
    this.#watches.delete(fileobj);
    this.#candidates.delete(watch);
  }

  #touch(watch: Watch): void {
    this.#candidates.add(watch);
    // Answer once per turn of Node's loop, after every socket it found ready has reported
    // (its check phase), as epoll_wait answers with all the ready descriptors at once: with 50
    // busy sockets, one pass of our loop serves them all instead of one pass each.
    if (this.#wait.pending && !this.#answerQueued) {
      this.#answerQueued = true;
      setImmediate(this.#answerBatch);
    }
  }

  readonly #answerBatch = (): void => {
    this.#answerQueued = false;
    this.#wait.finish();
  };

  #collect(): SelectResult {
    if (this.#candidates.size === 0) return NOTHING_READY;
    let events: Array<readonly [SelectorKey, number]> | undefined;
    for (const watch of this.#candidates) {
      const mask = this.#readyMask(watch);
      if (mask === 0) this.#candidates.delete(watch);
      else (events ??= []).push(watch.answers[mask] as readonly [SelectorKey, number]);
    }
    return events ?? NOTHING_READY;
  }

  #readyMask(watch: Watch): number {
    const key = watch.key;
    const stream = key.fileobj as NodeStreamLike;
    let mask = 0;
    if ((key.events & EVENT_READ) !== 0) {
      const readable = (stream.readableLength ?? 0) > 0 || stream.readableEnded === true || stream.destroyed === true || watch.pulsed;
      watch.pulsed = false;
      if (readable) mask |= EVENT_READ;
    }
    if ((key.events & EVENT_WRITE) !== 0) {
      const writable = stream.destroyed === true || (stream.writable === true && stream.writableNeedDrain !== true);
      if (writable) mask |= EVENT_WRITE;
    }
    return mask;
  }
}

/**
 * The best selector for this platform: {@link NodeSelector} on Node (a native poller over
 * raw file descriptors may take its place later).
 *
 * @example
 * ```ts
 * const loop = new EventLoop({ selector: new DefaultSelector() });
 * ```
 */
export const DefaultSelector: typeof NodeSelector = NodeSelector;

/** The instance type of {@link DefaultSelector}. */
export type DefaultSelector = NodeSelector;
