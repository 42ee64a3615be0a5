/**
 * `action`: wrap a callback API as an Operation, with a teardown that always runs (Effection's
 * `action`).
 *
 * @module
 */

import { suspend } from "../core/instruction.js";
import type { Instruction } from "../core/instruction.js";
import { describeReceived } from "../core/received.js";
import type { Waiter } from "../core/waiter.js";

/**
 * What {@link action} gives its executor: `resolve(value)` ends the action with `value`,
 * `reject(error)` with `error`. Only the first call counts.
 *
 * @typeParam T - the action's value.
 * @example
 * ```ts
 * const executor: ActionExecutor<number> = (resolve) => {
 *   const timer = setTimeout(() => resolve(42), 10);
 *   return () => clearTimeout(timer);
 * };
 * ```
 */
export type ActionExecutor<T> = (resolve: (value: T) => void, reject: (error: unknown) => void) => (() => void) | void;

/**
 * Runs `executor` (as a Promise's executor: it starts the work and calls `resolve` or `reject`,
 * now or later) and waits for it; the function it returns, the teardown, runs whichever way the
 * action ends: resolved, rejected, or cancelled. This is how a callback API (an event
 * listener, a timer, a child process) becomes an Operation that leaves nothing behind.
 *
 * **Cancellation:** the teardown runs, and the task raises `CancelledError`; a later `resolve`
 * or `reject` is ignored.
 *
 * @param executor - starts the work; may return a teardown function.
 * @throws what `executor` or `reject` throws; TypeError if `executor` is not a function or
 *   returns something other than a function or nothing.
 * @example
 * ```ts
 * function onceMessage(port: MessagePort): Operation<unknown> {
 *   return action((resolve) => {
 *     const listener = (event: MessageEvent) => resolve(event.data);
 *     port.addEventListener("message", listener);
 *     return () => port.removeEventListener("message", listener); // always removed
 *   });
 * }
 * ```
 */
export function* action<T>(executor: ActionExecutor<T>): Generator<Instruction, T, unknown> {
  if (typeof executor !== "function") throw new TypeError(`action() needs an executor function: received ${describeReceived(executor)}`);
  let outcome: { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown } | undefined;
  let waiter: Waiter<T> | undefined;
  const resolve = (value: T): void => {
    if (outcome !== undefined) return;
    outcome = { ok: true, value };
    waiter?.wake(value);
  };
  const reject = (error: unknown): void => {
    if (outcome !== undefined) return;
    outcome = { ok: false, error };
    waiter?.fail(error);
  };
  let teardown: (() => void) | void = undefined;
  try {
    teardown = executor(resolve, reject);
    if (teardown !== undefined && typeof teardown !== "function") {
      throw new TypeError(`action()'s executor must return a teardown function or nothing: it returned ${describeReceived(teardown)}`);
    }
    return yield* suspend<T>({
      description: "action()",
      park: (parked) => {
        if (outcome === undefined) waiter = parked;
        else if (outcome.ok) parked.wake(outcome.value);
        else parked.fail(outcome.error);
      },
    });
  } finally {
    outcome ??= { ok: false, error: undefined }; // ended (cancelled): later calls are ignored
    if (typeof teardown === "function") teardown();
  }
}
