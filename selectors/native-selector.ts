/**
 * `NativeSelector`: the selector over epoll (Linux), through the native addon of `native/`.
 *
 * The problem: JavaScript cannot block in `epoll_wait` without freezing Node, and a thread
 * that blocks there for us costs two hops per event.
 *
 * The solution (research: shared/notes/native-selector-research.md): one epoll descriptor per
 * selector, itself watched by one libuv poll handle on Node's own loop (an epoll descriptor is
 * readable while anything in its set is ready). `select(0)` is a synchronous
 * `epoll_wait(…, 0)`; a longer `select` starts the poll handle and returns a Promise settled by
 * the first of the handle's callback, the host timer, or `wake()`, and stops the handle again
 * (level-triggered, a handle left running would fire on every turn of Node's loop).
 *
 * File objects are `NativeSocket`s (or any object with a numeric `fd` the caller owns), and
 * Node streams too: a TLS socket, a child's pipes, any `Readable`/`Writable` are watched as
 * `NodeSelector` watches them (`_StreamWatches`), so everything that runs on `NodeSelector`
 * runs here. Readiness of descriptors is epoll's, level-triggered; `EPOLLERR` and `EPOLLHUP`
 * count as both readable and writable (limited to what is registered), as Python's
 * `EpollSelector` does, so a reader or writer finds out. Readiness can be stale: a `recv` may
 * still say `EAGAIN`.
 *
 * Invariants: `#keys[fd]` is the registration of every fd in the epoll set, and only those
 * (`#descriptors` counts them); the poll handle runs exactly while a `select` Promise is
 * pending and the epoll set is not empty (a running handle keeps Node's loop alive, and an
 * empty set can never wake it: the loop's deadlock watch must see Node's loop empty).
 *
 * @module
 */

import { performance } from "node:perf_hooks";
import { BaseSelector, describeValue, NOTHING_READY } from "./base-selector.js";
import { _HostWait } from "./host-wait.js";
import { _loadNativeBinding } from "./native-binding.js";
import type { _NativeBinding } from "./native-binding.js";
import { NativeSocket, _systemError } from "./native-socket.js";
import { EVENT_READ, EVENT_WRITE } from "./selector.js";
import type { SelectorKey, SelectorSockets, SelectResult } from "./selector.js";
import { _StreamWatches } from "./stream-watches.js";

const EPOLL_CTL_ADD = 1;
const EPOLL_CTL_DEL = 2;
const EPOLL_CTL_MOD = 3;
const EPOLLIN = 0x001;
const EPOLLOUT = 0x004;
const EPOLLERR = 0x008;
const EPOLLHUP = 0x010;
const EPOLLRDHUP = 0x2000;

/** How many ready descriptors one `select` reports at most (the rest on the next). */
const MAX_EVENTS = 256;

/**
 * A selector on real time over Linux's epoll, through yieldio's native addon.
 *
 * @example
 * ```ts
 * if (NativeSelector.isAvailable()) await run(main(), { selector: new NativeSelector() });
 * ```
 */
export class NativeSelector extends BaseSelector {
  readonly #native: _NativeBinding;
  readonly #epfd: number;
  readonly #watcher: object;
  readonly #events = new Int32Array(2 * MAX_EVENTS);
  readonly #keys: Array<SelectorKey | undefined> = [];
  #descriptors = 0;
  #watcherRunning = false;
  // Level-triggered: a poll handle left running would fire on every turn of Node's loop, so
  // it runs only while a select waits.
  readonly #wait: _HostWait = new _HostWait(
    () => this.#ready(),
    () => this.#startWatcher(),
    () => this.#stopWatcher(),
  );
  readonly #streams = new _StreamWatches(this.#wait);

  /** The sockets it watches natively: {@link NativeSocket}'s constructors. */
  readonly sockets: SelectorSockets = NativeSocket;

  /**
   * @throws `Error` when the addon cannot be had (not Linux, or not built): see
   *   {@link NativeSelector.isAvailable}.
   */
  constructor() {
    super();
    const loaded = _loadNativeBinding();
    if ("error" in loaded) throw loaded.error;
    this.#native = loaded.binding;
    const epfd = this.#native.epollCreate();
    if (epfd < 0) throw _systemError(epfd, "epoll_create1");
    this.#epfd = epfd;
    this.#watcher = this.#native.watcherCreate(epfd, () => this.#wait.finish());
  }

  /**
   * Whether the addon loads here (Linux, and a binary built for this Node).
   *
   * @example
   * ```ts
   * const selector = NativeSelector.isAvailable() ? new NativeSelector() : new NodeSelector();
   * ```
   */
  static isAvailable(): boolean {
    return !("error" in _loadNativeBinding());
  }

  /** Milliseconds from `performance.now()`. */
  time(): number {
    return performance.now();
  }

  /**
   * Reports ready sockets; otherwise waits through Node for up to `timeoutMs` (`null`: no limit).
   *
   * @param timeoutMs - the longest wait, in milliseconds; `0`: do not wait; `null`: no limit.
   */
  select(timeoutMs: number | null): SelectResult | Promise<SelectResult> {
    return this.#wait.select(timeoutMs, this.#ready(), this.time(), this.isClosed());
  }

  /** Ends a pending `select()`, or makes the next one return at once. */
  wake(): void {
    this.#wait.wake();
  }

  /** Closes the epoll descriptor and the poll handle; the sockets stay open (they are the caller's). */
  override close(): void {
    if (this.isClosed()) return;
    super.close();
    this.#streams.clear();
    this.#wait.close();
    this.#native.watcherClose(this.#watcher);
    this.#native.close(this.#epfd);
  }

  protected checkFileObject(fileobj: object): void {
    if (_StreamWatches.isStream(fileobj)) return;
    const fd = (fileobj as { fd?: unknown }).fd;
    if (typeof fd !== "number" || !Number.isInteger(fd) || fd < 0) {
      throw new TypeError(
        `NativeSelector can only watch sockets with a file descriptor (a NativeSocket) and Node streams: received ${describeValue(fileobj)}`,
      );
    }
    if (fileobj instanceof NativeSocket && fileobj.closed) throw new TypeError(`NativeSelector was given a closed socket (fd ${fd})`);
    const other = this.#keys[fd];
    if (other !== undefined && other.fileobj !== fileobj) {
      throw new RangeError(`NativeSelector was given a second object for fd ${fd}, which is registered already`);
    }
  }

  protected watch(key: SelectorKey): void {
    if (_StreamWatches.isStream(key.fileobj)) {
      this.#streams.watch(key);
      return;
    }
    const registered = this.#keys[key.fd] !== undefined;
    const result = this.#native.epollCtl(this.#epfd, registered ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, key.fd, epollEvents(key.events));
    if (result < 0) throw _systemError(result, "epoll_ctl");
    this.#keys[key.fd] = key;
    if (registered) return;
    this.#descriptors++;
    if (key.fileobj instanceof NativeSocket) key.fileobj._registrations++;
    if (this.#wait.pending) this.#startWatcher(); // a callback registered it while the loop waits
  }

  protected unwatch(key: SelectorKey): void {
    if (_StreamWatches.isStream(key.fileobj)) {
      this.#streams.unwatch(key);
      return;
    }
    if (this.#keys[key.fd] === undefined) return;
    this.#keys[key.fd] = undefined;
    this.#descriptors--;
    if (this.#descriptors === 0) this.#stopWatcher();
    if (key.fileobj instanceof NativeSocket) key.fileobj._registrations--;
    // Always remove before the socket is closed: the kernel keeps an fd in the set while any
    // duplicate of it is open. A socket closed behind our back is already gone (EBADF).
    this.#native.epollCtl(this.#epfd, EPOLL_CTL_DEL, key.fd, 0);
  }

  #startWatcher(): void {
    if (this.#watcherRunning || this.#descriptors === 0) return;
    this.#watcherRunning = true;
    this.#native.watcherStart(this.#watcher);
  }

  #stopWatcher(): void {
    if (!this.#watcherRunning) return;
    this.#watcherRunning = false;
    this.#native.watcherStop(this.#watcher);
  }

  /** Ready descriptors and ready streams. */
  #ready(): SelectResult {
    const descriptors = this.#descriptors === 0 ? NOTHING_READY : this.#poll();
    if (this.#streams.size === 0) return descriptors;
    const streams = this.#streams.collect();
    if (streams === NOTHING_READY) return descriptors;
    return descriptors === NOTHING_READY ? streams : [...descriptors, ...streams];
  }

  /** `epoll_wait(…, 0)`: the ready registrations, with what they are ready for. */
  #poll(): SelectResult {
    if (this.isClosed()) return NOTHING_READY;
    const count = this.#native.epollWait(this.#epfd, this.#events, 0);
    if (count <= 0) {
      if (count < 0) throw _systemError(count, "epoll_wait");
      return NOTHING_READY;
    }
    const ready: Array<readonly [SelectorKey, number]> = [];
    const events = this.#events;
    for (let index = 0; index < count; index++) {
      const key = this.#keys[events[2 * index] as number];
      if (key === undefined) continue;
      const mask = selectorEvents(events[2 * index + 1] as number) & key.events;
      if (mask !== 0) ready.push([key, mask]);
    }
    return ready.length === 0 ? NOTHING_READY : ready;
  }
}

function epollEvents(events: number): number {
  return ((events & EVENT_READ) !== 0 ? EPOLLIN | EPOLLRDHUP : 0) | ((events & EVENT_WRITE) !== 0 ? EPOLLOUT : 0);
}

function selectorEvents(epoll: number): number {
  let mask = 0;
  if ((epoll & (EPOLLIN | EPOLLRDHUP | EPOLLERR | EPOLLHUP)) !== 0) mask |= EVENT_READ;
  if ((epoll & (EPOLLOUT | EPOLLERR | EPOLLHUP)) !== 0) mask |= EVENT_WRITE;
  return mask;
}
