/**
 * `_HostWait`: how a selector on real time waits through Node's loop (`NodeSelector`,
 * `NativeSelector`): `select(t)` answers at once when something is ready (or `wake()` came
 * first), else returns a Promise settled by the first of the host timer for the deadline, the
 * selector's own readiness report (`finish()`), or `wake()`.
 *
 * The host timer is re-armed only when the deadline moves (the loop recomputes the same
 * deadline on every pass, and re-arming costs a libuv call), and it is unref'd whenever no
 * `select` is pending, so an idle loop never keeps the process alive by itself.
 *
 * Invariant: `#resolve` is set exactly while a `select` Promise is pending; `#woken` is only
 * set while none is.
 *
 * @module
 */

import { NOTHING_READY } from "./base-selector.js";
import type { SelectResult } from "./selector.js";

/** The longest delay Node's setTimeout accepts. */
const MAX_HOST_DELAY_MS = 2 ** 31 - 1;

/** A re-armable, unref-able host timer for a selector's deadline. */
class HostTimer {
  readonly #onFire: () => void;
  #timer: NodeJS.Timeout | undefined;
  #deadline = Number.NaN;

  /** @param onFire - called when the deadline is reached (Node may fire up to 1 ms early). */
  constructor(onFire: () => void) {
    this.#onFire = onFire;
  }

  /** Fires at `deadline` (a `performance.now()` time); `now` is the current time. */
  arm(deadline: number, now: number): void {
    // Keep the armed timer when the deadline did not move (within the host's 1 ms grain).
    if (this.#timer !== undefined && Math.abs(this.#deadline - deadline) < 1) {
      this.#timer.ref();
      return;
    }
    this.clear();
    this.#deadline = deadline;
    // Node rounds to whole ms and may fire up to 1 ms early; the loop then waits again.
    // Node caps delays at 2^31 - 1 ms (about 24.8 days) and turns larger ones into 1 ms: cap
    // them ourselves; waking early just makes the loop wait again.
    this.#timer = setTimeout(this.#fire, Math.min(MAX_HOST_DELAY_MS, Math.max(1, Math.ceil(deadline - now))));
  }

  /** Lets the process exit while the timer is armed (no select is pending). */
  unref(): void {
    this.#timer?.unref();
  }

  /** Disarms the timer. */
  clear(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#deadline = Number.NaN;
  }

  readonly #fire = (): void => {
    this.#timer = undefined;
    this.#deadline = Number.NaN;
    this.#onFire();
  };
}

/** @internal The pending-select state of a selector on real time; see the module comment. */
export class _HostWait {
  readonly #answer: () => SelectResult;
  readonly #onStart: () => void;
  readonly #onEnd: () => void;
  readonly #timer = new HostTimer(() => this.finish());
  #resolve: ((events: SelectResult) => void) | undefined;
  #woken = false;

  /**
   * @param answer - what is ready now (called when a wait ends).
   * @param onStart - called when a wait starts (the native selector starts its poll handle).
   * @param onEnd - called when a wait ends, before `answer`.
   */
  constructor(answer: () => SelectResult, onStart: () => void = noop, onEnd: () => void = noop) {
    this.#answer = answer;
    this.#onStart = onStart;
    this.#onEnd = onEnd;
  }

  /** True while a `select` Promise is pending. */
  get pending(): boolean {
    return this.#resolve !== undefined;
  }

  /** `ready` at once when it has events, after a `wake()`, for `select(0)` or when `closed`; else a wait. */
  select(timeoutMs: number | null, ready: SelectResult, now: number, closed: boolean): SelectResult | Promise<SelectResult> {
    if (ready !== NOTHING_READY || this.#woken || timeoutMs === 0 || closed) {
      this.#woken = false;
      return ready;
    }
    return new Promise((resolve) => {
      this.#resolve = resolve;
      this.#onStart();
      if (timeoutMs !== null) this.#timer.arm(now + timeoutMs, now);
    });
  }

  /** Ends a pending wait, or makes the next `select` answer at once. */
  wake(): void {
    if (this.#resolve === undefined) this.#woken = true;
    else this.finish();
  }

  /** Ends a pending wait with what is ready now; nothing when none is pending. */
  finish(): void {
    const resolve = this.#resolve;
    if (resolve === undefined) return;
    this.#resolve = undefined;
    this.#onEnd();
    this.#timer.unref(); // armed for a deadline that may come back; must not hold the process
    resolve(this.#answer());
  }

  /** Clears the host timer and ends a pending wait with nothing (the selector is closing). */
  close(): void {
    this.#timer.clear();
    const resolve = this.#resolve;
    this.#resolve = undefined;
    resolve?.(NOTHING_READY);
  }
}

function noop(): void {}
