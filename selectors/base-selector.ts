/**
 * The registration bookkeeping every selector shares (`register`, `unregister`, `modify`,
 * `getKey`, `getMap`); subclasses decide which objects they can watch and how they wait.
 *
 * @module
 */

import { InvalidStateError } from "../lib/core/errors.js";
import { EVENT_READ, EVENT_WRITE } from "./selector.js";
import type { Selector, SelectorKey, SelectResult } from "./selector.js";

/**
 * The answer of a `select()` that found nothing: shared, so the hot path allocates nothing.
 *
 * @example
 * ```ts
 * if (events === NOTHING_READY) console.log("nothing ready");
 * ```
 */
export const NOTHING_READY: SelectResult = Object.freeze([]);

/** @internal How a selector's TypeErrors name what they were given: a class name, `null`, or a primitive. */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "object" || typeof value === "function") return (value as MaybeConstructed).constructor?.name ?? "object";
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- objects and functions were named above: only primitives reach here
  return `${typeof value} ${String(value)}`;
}

/**
 * Registration bookkeeping for {@link Selector} implementations.
 *
 * @example
 * ```ts
 * class MySelector extends BaseSelector { ... }
 * ```
 */
export abstract class BaseSelector implements Selector {
  #keys = new Map<object, SelectorKey>();
  #closed = false;

  /** Throws `TypeError` when this selector cannot watch `fileobj`. */
  protected abstract checkFileObject(fileobj: object): void;
  /** Called after a registration is added or changed; a throw undoes the change. */
  protected abstract watch(key: SelectorKey): void;
  /** Called after a registration is removed. */
  protected abstract unwatch(key: SelectorKey): void;

  /** @inheritDoc */
  abstract select(timeoutMs: number | null): SelectResult | Promise<SelectResult>;
  /** @inheritDoc */
  abstract time(): number;
  /** @inheritDoc */
  abstract wake(): void;

  /** @inheritDoc */
  register<D>(fileobj: object, events: number, data?: D): SelectorKey<D> {
    this.#checkOpen("register");
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- a JavaScript caller can pass anything
    if (typeof fileobj !== "object" || fileobj === null) {
      throw new TypeError(`register() needs a file object: received ${describeValue(fileobj)}`);
    }
    this.checkFileObject(fileobj);
    checkEvents("register", events);
    if (this.#keys.has(fileobj)) {
      throw new RangeError(
        `register() was given a file object that is already registered (${describeValue(fileobj)}): use modify() to change its events`,
      );
    }
    const key: SelectorKey<D> = { fileobj, fd: fileDescriptor(fileobj), events, data: data as D };
    this.#keys.set(fileobj, key);
    try {
      this.watch(key);
    } catch (error) {
      this.#keys.delete(fileobj); // a registration the host refuses is not kept
      throw error;
    }
    return key;
  }

  /** @inheritDoc */
  unregister(fileobj: object): SelectorKey {
    const key = this.#require("unregister", fileobj);
    this.#keys.delete(fileobj);
    this.unwatch(key);
    return key;
  }

  /** @inheritDoc */
  modify<D>(fileobj: object, events: number, data?: D): SelectorKey<D> {
    const old = this.#require("modify", fileobj);
    checkEvents("modify", events);
    const key: SelectorKey<D> = { fileobj, fd: old.fd, events, data: data as D };
    this.#keys.set(fileobj, key);
    try {
      this.watch(key);
    } catch (error) {
      this.#keys.set(fileobj, old); // a change the host refuses leaves the registration as it was
      throw error;
    }
    return key;
  }

  /** @inheritDoc */
  getKey(fileobj: object): SelectorKey | undefined {
    return this.#keys.get(fileobj);
  }

  /** @inheritDoc */
  getMap(): ReadonlyMap<object, SelectorKey> {
    return this.#keys;
  }

  /** @inheritDoc */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const key of this.#keys.values()) this.unwatch(key);
    this.#keys.clear();
  }

  /** True once {@link BaseSelector.close} was called. */
  protected isClosed(): boolean {
    return this.#closed;
  }

  #require(verb: string, fileobj: object): SelectorKey {
    const key = this.#keys.get(fileobj);
    if (key === undefined) {
      throw new RangeError(`${verb}() was given a file object that is not registered (${describeValue(fileobj)}): register() it first`);
    }
    return key;
  }

  #checkOpen(verb: string): void {
    if (this.#closed) throw new InvalidStateError(`${verb}() was called on a closed selector: create a new one`);
  }
}

function checkEvents(verb: string, events: number): void {
  if (typeof events !== "number" || !Number.isInteger(events)) {
    throw new TypeError(`${verb}() needs an event mask (EVENT_READ | EVENT_WRITE): received ${describeValue(events)}`);
  }
  if (events === 0 || (events & ~(EVENT_READ | EVENT_WRITE)) !== 0) {
    throw new RangeError(`${verb}() needs a non-empty mask of EVENT_READ (1) and EVENT_WRITE (2): received ${events}`);
  }
}

function fileDescriptor(fileobj: object): number {
  const fd = (fileobj as { fd?: unknown }).fd;
  return typeof fd === "number" ? fd : -1;
}

/** An object seen at run time: `Object.create(null)` has no constructor, whatever its type says. */
interface MaybeConstructed {
  readonly constructor?: { readonly name?: string };
}
