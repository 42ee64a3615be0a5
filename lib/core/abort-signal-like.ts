/**
 * The AbortSignal type of yieldio's public API (`useAbortSignal()`, `fromAbortable()`, a
 * worker's `currentSignal()`), written so that the public types do not need `@types/node`:
 * where the program's types declare the global `AbortSignal` (Node's types, the DOM's) it is
 * that type; elsewhere the part of it that yieldio's users need.
 *
 * @module
 */

/**
 * The members of an AbortSignal that code given one uses.
 *
 * @example
 * ```ts
 * const signal: AbortSignalLike = useAbortSignal();
 * if (signal.aborted) return;
 * ```
 */
export interface AbortSignalLike {
  /** True once aborted. */
  readonly aborted: boolean;
  /** Why it was aborted. */
  readonly reason: unknown;
  /** Throws `reason` if aborted. */
  throwIfAborted(): void;
  /** Listens for `"abort"`. */
  addEventListener(type: "abort", listener: () => void, options?: { once?: boolean }): void;
  /** Stops listening. */
  removeEventListener(type: "abort", listener: () => void): void;
}

/**
 * The global `AbortSignal` type where the program's types declare one, else
 * {@link AbortSignalLike}.
 *
 * @example
 * ```ts
 * const response = yield* fromAbortable((signal: HostAbortSignal) => fetch(url, { signal }));
 * ```
 */
export type HostAbortSignal = typeof globalThis extends {
  /** The global AbortSignal class, where the program's types declare one. */
  AbortSignal: {
    /** Its instances' type. */
    prototype: infer S;
  };
}
  ? S
  : AbortSignalLike;
