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
 * Where a {@link SelectorSocket} is bound or connected: the shape of Node's `AddressInfo`.
 *
 * @example
 * ```ts
 * const { port } = listening.localAddress() as SelectorSocketAddress;
 * ```
 */
export interface SelectorSocketAddress {
  /** The IP address. */
  readonly address: string;
  /** `"IPv4"` or `"IPv6"`. */
  readonly family: string;
  /** The port. */
  readonly port: number;
}

/**
 * A non-blocking socket made by a selector that watches descriptors of its own (the native
 * selector's `NativeSocket`): the streams move bytes through it with `recv` and `send` when
 * the selector reports it ready.
 *
 * @example
 * ```ts
 * const socket = selector.sockets.connectTcp("127.0.0.1", 8888);
 * ```
 */
export interface SelectorSocket {
  /** The file descriptor the selector watches. */
  readonly fd: number;
  /** A waiting connection of a listening socket, or null when none waits. */
  accept(): SelectorSocket | null;
  /** Once a connecting socket is writable: the error that ended the connect, or undefined. */
  connectError(): Error | undefined;
  /** Bytes read into `bytes[offset ..]`: 0 at the end of the stream, -1 when none is there yet. */
  recv(bytes: Uint8Array, offset: number, length: number): number;
  /** Bytes the kernel took (0 when its buffer is full). */
  send(bytes: Uint8Array, offset: number, length: number): number;
  /** Sends end-of-stream. */
  shutdownWrite(): void;
  /** Closes the socket (unregister it first). */
  close(): void;
  /** Where the socket is bound (the path of a Unix socket). */
  localAddress(): SelectorSocketAddress | string;
  /** Where the socket is connected to (the path of a Unix socket). */
  peerAddress(): SelectorSocketAddress | string;
}

/**
 * How a selector makes its {@link SelectorSocket}s. Addresses are numeric: resolving names is
 * the caller's business.
 *
 * @example
 * ```ts
 * const listening = selector.sockets.listenTcp("127.0.0.1", 0);
 * ```
 */
export interface SelectorSockets {
  /** A TCP socket listening on `host`:`port`. */
  listenTcp(host: string, port: number, backlog?: number): SelectorSocket;
  /** A TCP socket connecting to `host`:`port`; it is connected once writable (see `connectError`). */
  connectTcp(host: string, port: number): SelectorSocket;
  /** A Unix socket listening at `path`. */
  listenUnix(path: string, backlog?: number): SelectorSocket;
  /** A Unix socket connecting to `path`. */
  connectUnix(path: string): SelectorSocket;
}

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
 * - `sockets`, when a selector has it, makes sockets it watches natively; the streams
 *   (`openConnection`, `startServer`) use them instead of Node's sockets (except for TLS).
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
  /** Sockets of this selector's own, when it watches descriptors natively; see {@link SelectorSockets}. */
  readonly sockets?: SelectorSockets;
}
