/**
 * Virtual time for tests and teaching: Trio's autojump clock as a selector.
 *
 * When the loop asks to wait `t` ms and nothing is ready, the clock jumps forward by `t`
 * (to the next deadline) and `select` returns at once: a test of a one-hour timeout takes
 * microseconds, and its timing is exact and repeatable. File objects are {@link VirtualFile}s
 * whose readiness the test sets.
 *
 * What can still go wrong: a Promise from outside the loop (`fromPromise` of real I/O) is not
 * on the virtual clock, so time may jump past it (a timeout around it expires at once). Only
 * when no timer is pending does the selector wait for real, until `wake()`.
 *
 * @module
 */

import { BaseSelector, describeValue, NOTHING_READY } from "./base-selector.js";
import { EVENT_READ, EVENT_WRITE } from "./selector.js";
import type { SelectorKey, SelectResult } from "./selector.js";
import { VirtualFile } from "./virtual-file.js";

/**
 * A selector on virtual time, with in-memory file objects ({@link VirtualFile}).
 *
 * @example
 * ```ts
 * const selector = new VirtualSelector();
 * await run(function* () {
 *   yield* sleep(3_600_000); // returns at once: the clock jumps an hour
 *   return selector.time(); // 3600000
 * }, { selector });
 * ```
 */
export class VirtualSelector extends BaseSelector {
  #now: number;
  #woken = false;
  #resolveWait: ((events: SelectResult) => void) | undefined;
  readonly #onReadinessChange = (): void => this.wake();

  /** @param startMs - the clock's initial reading, in milliseconds (default 0). */
  constructor(startMs = 0) {
    super();
    if (typeof startMs !== "number")
      throw new TypeError(`VirtualSelector() needs a start time in ms (a number): received ${typeof startMs}`);
    if (!Number.isFinite(startMs)) throw new RangeError(`VirtualSelector() needs a finite start time in ms: received ${startMs}`);
    this.#now = startMs;
  }

  /** The virtual clock, in milliseconds. */
  time(): number {
    return this.#now;
  }

  /**
   * Moves the clock forward by `ms` without waiting (for tests that drive time by hand).
   *
   * @param ms - how far, in milliseconds.
   * @throws RangeError for a negative or non-finite amount.
   */
  advance(ms: number): void {
    if (typeof ms !== "number") throw new TypeError(`advance() needs a number of ms: received ${typeof ms}`);
    if (!(ms >= 0) || !Number.isFinite(ms)) throw new RangeError(`advance() needs a finite, non-negative number of ms: received ${ms}`);
    this.#now += ms;
  }

  /**
   * Reports ready files; otherwise jumps the clock by `timeoutMs`, or waits for `wake()` when it is `null`.
   *
   * @param timeoutMs - how far to jump when nothing is ready, in milliseconds; `null`: wait for `wake()`.
   */
  select(timeoutMs: number | null): SelectResult | Promise<SelectResult> {
    const events = this.#readyEvents();
    if (events !== NOTHING_READY || this.#woken) {
      this.#woken = false;
      return events;
    }
    if (timeoutMs === 0) return NOTHING_READY;
    if (timeoutMs !== null) {
      this.#now += timeoutMs;
      return NOTHING_READY;
    }
    return new Promise((resolve) => {
      this.#resolveWait = resolve;
    });
  }

  /** Ends a pending `select(null)`, or makes the next `select()` return at once. */
  wake(): void {
    const resolve = this.#resolveWait;
    if (resolve === undefined) {
      this.#woken = true;
      return;
    }
    this.#resolveWait = undefined;
    resolve(this.#readyEvents());
  }

  /** @inheritDoc */
  override close(): void {
    super.close();
    const resolve = this.#resolveWait;
    this.#resolveWait = undefined;
    resolve?.(NOTHING_READY);
  }

  protected checkFileObject(fileobj: object): void {
    if (!(fileobj instanceof VirtualFile)) {
      throw new TypeError(
        `VirtualSelector can only watch VirtualFile objects: received ${describeValue(fileobj)}; use NodeSelector for real streams`,
      );
    }
  }

  protected watch(key: SelectorKey): void {
    (key.fileobj as VirtualFile)._watchers.add(this.#onReadinessChange);
    if (this.#readyMask(key) !== 0) this.wake();
  }

  protected unwatch(key: SelectorKey): void {
    (key.fileobj as VirtualFile)._watchers.delete(this.#onReadinessChange);
  }

  #readyMask(key: SelectorKey): number {
    const file = key.fileobj as VirtualFile;
    const ready = (file.readable ? EVENT_READ : 0) | (file.writable ? EVENT_WRITE : 0);
    return ready & key.events;
  }

  #readyEvents(): SelectResult {
    const map = this.getMap();
    if (map.size === 0) return NOTHING_READY;
    let events: Array<readonly [SelectorKey, number]> | undefined;
    for (const key of map.values()) {
      const mask = this.#readyMask(key);
      if (mask !== 0) (events ??= []).push([key, mask]);
    }
    return events ?? NOTHING_READY;
  }
}
