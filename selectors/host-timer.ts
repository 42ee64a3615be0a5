/**
 * `_HostTimer`: the one host timer a selector waiting through Node's loop arms for its
 * deadline (`NodeSelector`, `NativeSelector`).
 *
 * It is re-armed only when the deadline moves (the loop recomputes the same deadline on every
 * pass, and re-arming costs a libuv call), and it is unref'd whenever no `select` is pending,
 * so an idle loop never keeps the process alive by itself.
 *
 * @module
 */

/** The longest delay Node's setTimeout accepts. */
const MAX_HOST_DELAY_MS = 2 ** 31 - 1;

/** @internal A re-armable, unref-able host timer for a selector's deadline. */
export class _HostTimer {
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
