/**
 * The Selector interface: how an event loop waits, what time it is, and which file objects are
 * ready. The shape is Python's `selectors` module, plus `time()` and `wake()`, because the
 * selector, not the loop, owns the clock: virtual time (`VirtualSelector`) and real time
 * (`NodeSelector`) are two implementations of one interface.
 *
 * The kernel knows selectors only through this file.
 *
 * @module
 */

/**
 * Interest in, or readiness for, reading.
 *
 * @example
 * ```ts
 * selector.register(file, EVENT_READ | EVENT_WRITE);
 * ```
 */
export const EVENT_READ = 1;
/**
 * Interest in, or readiness for, writing.
 *
 * @example
 * ```ts
 * if (mask & EVENT_WRITE) flush();
 * ```
 */
export const EVENT_WRITE = 2;

/**
 * A registration: the file object, its descriptor (`-1` when it has none, such as a Node
 * stream or an in-memory file), the events of interest and the caller's data.
 *
 * @typeParam D - the type of `data`.
 * @example
 * ```ts
 * const key = selector.register(file, EVENT_READ, "my data");
 * key.events & EVENT_READ; // 1
 * ```
 */
export interface SelectorKey<D = unknown> {
  /** The registered object. */
  readonly fileobj: object;
  /** Its numeric file descriptor, or -1. */
  readonly fd: number;
  /** A mask of {@link EVENT_READ} and {@link EVENT_WRITE}. */
  readonly events: number;
  /** Whatever the registrant attached (the event loop keeps its reader and writer here). */
  readonly data: D;
}

/**
 * What `select()` reports: for each ready file object, its key and the mask of ready events
 * (a subset of the events registered).
 *
 * @example
 * ```ts
 * for (const [key, mask] of events) if (mask & EVENT_READ) console.log(key.fileobj, "is readable");
 * ```
 */
export type SelectResult = ReadonlyArray<readonly [SelectorKey, number]>;

/**
 * How an event loop waits and tells time.
 *
 * Contract:
 * - `select(0)` never waits and answers synchronously (the loop calls it on every pass while
 *   work is ready, so it must be cheap: an empty, shared array when nothing is ready).
 * - `select(t)` for `t > 0` or `null` (forever) may answer synchronously (virtual time, a
 *   blocking poller) or with a Promise (waiting through the host's own loop). It returns no
 *   later than `t` ms from now, earlier when a file object becomes ready or `wake()` is called.
 * - `time()` is the loop's clock in milliseconds; it never goes backwards.
 * - `wake()` makes a pending or the next `select()` return at once; the loop calls it when
 *   work arrives from outside (a Promise settling, a signal, `stop()`).
 * - Readiness is level-triggered: a file object that stays ready is reported on every call.
 *
 * @example
 * ```ts
 * const selector: Selector = new VirtualSelector();
 * await run(main(), { selector });
 * ```
 */
export interface Selector {
  /**
   * Registers `fileobj` for `events`.
   *
   * @throws TypeError for an object this selector cannot watch or a mask that is not an integer;
   *   RangeError for an empty mask or unknown bits.
   * @throws RangeError if `fileobj` is already registered.
   */
  register<D>(fileobj: object, events: number, data?: D): SelectorKey<D>;
  /**
   * Removes a registration and returns its key.
   *
   * @throws RangeError if `fileobj` is not registered.
   */
  unregister(fileobj: object): SelectorKey;
  /**
   * Changes the events or the data of a registration.
   *
   * @throws RangeError if `fileobj` is not registered.
   */
  modify<D>(fileobj: object, events: number, data?: D): SelectorKey<D>;
  /**
   * Waits up to `timeoutMs` (`null`: no limit) for readiness; see the contract above.
   *
   * @param timeoutMs - the longest wait, in milliseconds; `0`: do not wait; `null`: no limit.
   */
  select(timeoutMs: number | null): SelectResult | Promise<SelectResult>;
  /** The key of a registered object, or `undefined`. */
  getKey(fileobj: object): SelectorKey | undefined;
  /** Every registration, by file object. */
  getMap(): ReadonlyMap<object, SelectorKey>;
  /** Releases every host resource (timers, listeners); the selector cannot be used after. */
  close(): void;
  /** The clock, in milliseconds. */
  time(): number;
  /** Makes a pending or the next `select()` return at once. */
  wake(): void;
}
