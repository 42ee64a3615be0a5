/**
 * `once`: wait for one event of a Node `EventEmitter` or a DOM `EventTarget`, as Node's
 * `events.once` does for Promises.
 *
 * @module
 */

import { suspend } from "../core/instruction.js";
import type { Instruction } from "../core/instruction.js";
import { describeReceived } from "../core/received.js";
import type { Waiter } from "../core/waiter.js";

/**
 * A Node `EventEmitter`: what {@link once} needs of one.
 *
 * @example
 * ```ts
 * const emitter: EventEmitterLike = new EventEmitter();
 * ```
 */
export interface EventEmitterLike {
  /** Adds a listener. */
  on(name: string | symbol, listener: (...args: unknown[]) => void): unknown;
  /** Removes a listener. */
  off(name: string | symbol, listener: (...args: unknown[]) => void): unknown;
}

/**
 * A DOM `EventTarget` (an `AbortSignal`, a `WebSocket`, a `MessagePort` ...): what
 * {@link once} needs of one.
 *
 * @example
 * ```ts
 * const target: EventTargetLike = new EventTarget();
 * ```
 */
export interface EventTargetLike {
  /** Adds a listener. */
  addEventListener(name: string, listener: (event: unknown) => void): void;
  /** Removes a listener. */
  removeEventListener(name: string, listener: (event: unknown) => void): void;
}

/**
 * Waits for the next `name` event of `emitter` and returns its arguments, as an array (Node's
 * `events.once`): the emitter's arguments, or `[event]` for an `EventTarget`. On an
 * `EventEmitter`, an `error` event first (when `name` is not `"error"`) is thrown.
 *
 * **Cancellation:** the listeners are removed, and the task raises `CancelledError`; an event
 * that comes later is not taken. Listeners are removed whichever way the wait ends.
 *
 * @param emitter - a Node `EventEmitter` or a DOM `EventTarget`.
 * @param name - the event's name.
 * @throws TypeError for anything else; the `error` event's error.
 * @example
 * ```ts
 * const [code] = yield* once(child, "exit");
 * const [event] = yield* once(signal, "abort");
 * ```
 */
export function* once(emitter: EventEmitterLike | EventTargetLike, name: string | symbol): Generator<Instruction, unknown[], unknown> {
  const listen = listenerPair(emitter, name);
  let waiter: Waiter<unknown[]> | undefined;
  let outcome: { readonly ok: true; readonly args: unknown[] } | { readonly ok: false; readonly error: unknown } | undefined;
  const detach = listen(
    (args) => {
      detach();
      outcome = { ok: true, args };
      waiter?.wake(args);
    },
    (error) => {
      detach();
      outcome = { ok: false, error };
      waiter?.fail(error);
    },
  );
  try {
    return yield* suspend<unknown[]>({
      description: `once(${String(name)})`,
      park: (parked) => {
        if (outcome === undefined) waiter = parked;
        else if (outcome.ok) parked.wake(outcome.args);
        else parked.fail(outcome.error);
      },
    });
  } finally {
    detach(); // cancelled, or the event came: either way nothing stays attached
  }
}

type Listen = (onEvent: (args: unknown[]) => void, onError: (error: unknown) => void) => () => void;

/** Adds the event's listener (and, for an emitter, the `error` one); returns how to remove them. */
function listenerPair(emitter: EventEmitterLike | EventTargetLike, name: string | symbol): Listen {
  const candidate = emitter as Partial<EventEmitterLike & EventTargetLike> | null;
  if (typeof candidate?.on === "function" && typeof candidate.off === "function") {
    const target = emitter as EventEmitterLike;
    return (onEvent, onError) => {
      const event = (...args: unknown[]): void => onEvent(args);
      const error = (failure: unknown): void => onError(failure);
      target.on(name, event);
      if (name !== "error") target.on("error", error);
      return () => {
        target.off(name, event);
        target.off("error", error);
      };
    };
  }
  if (typeof candidate?.addEventListener === "function" && typeof candidate.removeEventListener === "function") {
    if (typeof name !== "string")
      throw new TypeError(`once() on an EventTarget needs the event's name as a string: received ${String(name)}`);
    const target = emitter as EventTargetLike;
    return (onEvent) => {
      const event = (value: unknown): void => onEvent([value]);
      target.addEventListener(name, event);
      return () => target.removeEventListener(name, event);
    };
  }
  throw new TypeError(`once() needs a Node EventEmitter or a DOM EventTarget: received ${describeReceived(emitter)}`);
}
