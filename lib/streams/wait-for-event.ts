/**
 * `_waitForEvent`: a coroutine waits for one event of a Node emitter (a socket's `connect`, a
 * server's `listening`), or fails with the `error` event's error.
 *
 * @module
 */

import type { EventEmitter } from "node:events";
import { suspend } from "../core/instruction.js";
import type { Instruction } from "../core/instruction.js";
import type { Waiter } from "../core/waiter.js";

/**
 * @internal Waits for `event` on `emitter`; an `error` event first throws its error. The
 * listeners are added before the task suspends (a suspension in a cancelled scope raises
 * without parking, and the emitter must still have an `error` listener then) and removed when
 * either fires or the wait ends otherwise; a wait that ends by cancellation runs `onCancel`
 * (a half-opened socket is destroyed).
 */
export function* _waitForEvent(
  emitter: EventEmitter,
  event: string,
  description: string,
  onCancel: () => void,
): Generator<Instruction, void, unknown> {
  let waiter: Waiter<void> | undefined;
  let failure: { readonly error: Error } | undefined;
  let happened = false;
  const onEvent = (): void => {
    detach();
    // Whatever takes the emitter over next (a transport, a Server) does so when the task
    // resumes, a pass later: an error in between must not be uncaught. Node keeps it
    // (`errored`) for the transport; a Server adds its own listener.
    emitter.on("error", ignoreErrorUntilTakenOver);
    happened = true;
    waiter?.wake(undefined);
  };
  const onError = (error: Error): void => {
    detach();
    failure = { error };
    waiter?.fail(error);
  };
  const detach = (): void => {
    emitter.off(event, onEvent);
    emitter.off("error", onError);
  };
  emitter.once(event, onEvent);
  emitter.once("error", onError);
  try {
    yield* suspend<void>({
      description,
      park: (parked) => {
        if (failure !== undefined) parked.fail(failure.error);
        else if (happened) parked.wake(undefined);
        else waiter = parked;
      },
    });
  } catch (error) {
    if (failure === undefined) {
      detach();
      onCancel();
    }
    throw error;
  }
}

function ignoreErrorUntilTakenOver(): void {
  // See onEvent: the error is kept by Node, and reported by whoever takes the emitter over.
}
