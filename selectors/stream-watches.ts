/**
 * `_StreamWatches`: readiness of Node streams (sockets, pipes, `Readable`/`Writable`) for a
 * selector on real time. `NodeSelector` watches nothing else; `NativeSelector` watches these
 * next to its epoll set, so that a TLS socket, a child's pipes or any stream keep working on it.
 *
 * Readiness is level-triggered from the stream's state: readable while it has buffered data or
 * has ended (after a `readable` event, at least once), writable while it does not need a drain.
 * Node tells us when that state may have changed (its events); the registration is then a
 * candidate, checked at the next `collect()`.
 *
 * Invariant: every registration that may be ready is in `#candidates` (added on each of its
 * stream's events and when it is registered; dropped when a `collect()` finds it not ready).
 *
 * @module
 */

import { NOTHING_READY } from "./base-selector.js";
import type { _HostWait } from "./host-wait.js";
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

/** @internal The Node streams a selector watches; see the module comment. */
export class _StreamWatches {
  readonly #wait: _HostWait;
  #answerQueued = false; // a setImmediate will end the pending select with what is ready
  readonly #candidates = new Set<Watch>();
  readonly #watches = new Map<object, Watch>();

  /** @param wait - the selector's pending select, ended once per turn of Node's loop in which a stream reported. */
  constructor(wait: _HostWait) {
    this.#wait = wait;
  }

  /** Whether `fileobj` is a Node stream (something with `on` and `off`). */
  static isStream(fileobj: object): boolean {
    const stream = fileobj as Partial<NodeStreamLike>;
    return typeof stream.on === "function" && typeof stream.off === "function";
  }

  /** How many streams are registered. */
  get size(): number {
    return this.#watches.size;
  }

  /** Starts (or changes) watching the stream of `key`. */
  watch(key: SelectorKey): void {
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

  /** Stops watching the stream of `key` (nothing when it is not watched). */
  unwatch(key: SelectorKey): void {
    const watch = this.#watches.get(key.fileobj);
    if (watch !== undefined) this.#detach(key.fileobj, watch);
  }

  /** The ready streams, with what they are ready for. */
  collect(): SelectResult {
    if (this.#candidates.size === 0) return NOTHING_READY;
    let events: Array<readonly [SelectorKey, number]> | undefined;
    for (const watch of this.#candidates) {
      const mask = readyMask(watch);
      if (mask === 0) this.#candidates.delete(watch);
      else (events ??= []).push(watch.answers[mask] as readonly [SelectorKey, number]);
    }
    return events ?? NOTHING_READY;
  }

  /** Forgets every candidate (the selector is closing; its registrations are removed one by one). */
  clear(): void {
    this.#candidates.clear();
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
}

function readyMask(watch: Watch): number {
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
