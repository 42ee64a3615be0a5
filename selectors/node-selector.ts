/**
 * `NodeSelector`: Node's own libuv loop does the waiting (the default where `NativeSelector` is
 * not available; see default-selector.ts).
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
 * File objects are Node streams (sockets, pipes, `Readable`/`Writable`), watched by
 * `_StreamWatches` (stream-watches.ts says how readiness is read from a stream's state).
 *
 * @module
 */

import { performance } from "node:perf_hooks";
import { BaseSelector, describeValue } from "./base-selector.js";
import { _HostWait } from "./host-wait.js";
import type { SelectorKey, SelectResult } from "./selector.js";
import { _StreamWatches } from "./stream-watches.js";

/**
 * A selector on real time (`performance.now()`), waiting through Node's event loop.
 *
 * @example
 * ```ts
 * await run(main(), { selector: new NodeSelector() }); // Node's streams, on every platform
 * ```
 */
export class NodeSelector extends BaseSelector {
  readonly #wait: _HostWait = new _HostWait(() => this.#streams.collect());
  readonly #streams = new _StreamWatches(this.#wait);

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
    return this.#wait.select(timeoutMs, this.#streams.collect(), this.time(), this.isClosed());
  }

  /** Ends a pending `select()`, or makes the next one return at once. */
  wake(): void {
    this.#wait.wake();
  }

  /** Clears the host timer and every stream listener. */
  override close(): void {
    super.close();
    this.#streams.clear();
    this.#wait.close();
  }

  protected checkFileObject(fileobj: object): void {
    if (!_StreamWatches.isStream(fileobj)) {
      throw new TypeError(
        `NodeSelector can only watch Node streams (sockets, pipes, Readable/Writable): received ${describeValue(fileobj)}`,
      );
    }
  }

  protected watch(key: SelectorKey): void {
    this.#streams.watch(key);
  }

  protected unwatch(key: SelectorKey): void {
    this.#streams.unwatch(key);
  }
}
