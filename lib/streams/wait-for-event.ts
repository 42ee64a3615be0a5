/**
 * `_waitForEvent`: a coroutine waits for one event of a Node emitter (a socket's `connect`, a
 * server's `listening`), or fails with the `error` event's error.
 *
 * @module
 */

import { suspend } from "../core/instruction.js";
import type { Instruction } from "../core/instruction.js";
import type { EventEmitter } from "node:events";

/**
 * @internal Waits for `event` on `emitter`; an `error` event first throws its error. Both
 * listeners are removed once either fires, or when the wait is cancelled; then `onCancel`
 * runs (a half-opened socket is destroyed).
 */
export function* _waitForEvent(
  emitter: EventEmitter,
  event: string,
  description: string,
  onCancel: () => void,
): Generator<Instruction, void, unknown> {
  let detach = (): void => undefined;
  yield* suspend<void>({
    description,
    park: (waiter) => {
      const onEvent = (): void => {
        detach();
        waiter.wake(undefined);
      };
      const onError = (error: Error): void => {
        detach();
        waiter.fail(error);
      };
      detach = () => {
        emitter.off(event, onEvent);
        emitter.off("error", onError);
      };
      emitter.once(event, onEvent);
      emitter.once("error", onError);
    },
    abort: () => {
      detach();
      onCancel();
      return true;
    },
  });
}
