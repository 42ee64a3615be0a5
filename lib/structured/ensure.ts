/**
 * `ensure`: cleanup that runs when the current task ends (Effection's `ensure`).
 *
 * @module
 */

import { getCurrentTask } from "../core/instruction.js";
import type { Instruction } from "../core/instruction.js";
import { isOperation } from "../core/operation.js";
import type { Operation } from "../core/operation.js";
import { describeReceived } from "../core/received.js";
import { isThenable } from "../core/thenable-result.js";
import { fromPromise } from "../interop/from-promise.js";

/**
 * Registers `fn` to run when the current task ends: after its body has returned, failed or been
 * cancelled, and before the task settles, so whoever waits for the task (`yield* task`, a task
 * group, `run()`) sees the cleanup done. A task is what Effection calls a scope: `ensure` in a
 * task group's body or in a plain `yield*` call runs when the task that runs them ends; for
 * cleanup at the end of a block, use `finally`.
 *
 * Cleanups run newest first. `fn` may return an Operation or a Promise, which is waited for,
 * or nothing. If the body ended with a value or a cancellation, a cleanup's error becomes the
 * task's error; if it had failed already, that first error stays and later cleanup errors go
 * to the loop's exception handler.
 *
 * **Cancellation:** registering does not suspend. The cleanup runs shielded: a cancelled task
 * still cleans up completely, and a cancellation meanwhile does not interrupt it. Bound a
 * cleanup that may hang with `timeout`.
 *
 * @param fn - the cleanup: returns an Operation, a Promise, or nothing.
 * @throws TypeError if `fn` is not a function; when the cleanup runs, a TypeError if it
 *   returned something else than an Operation, a Promise or nothing.
 * @example
 * ```ts
 * function* withTempDir(): Coroutine<string> {
 *   const dir = yield* fromPromise(fs.promises.mkdtemp(path.join(os.tmpdir(), "job-")));
 *   yield* ensure(() => fs.promises.rm(dir, { recursive: true })); // when this task ends
 *   return dir;
 * }
 * ```
 */
export function* ensure(fn: () => Operation<unknown> | PromiseLike<unknown> | void): Generator<Instruction, void, unknown> {
  if (typeof fn !== "function") throw new TypeError(`ensure() needs a cleanup function: received ${describeReceived(fn)}`);
  const task = yield* getCurrentTask();
  task._addCleanup(() => {
    const result = fn();
    if (result === undefined) return undefined;
    if (isOperation(result)) return result;
    if (isThenable(result)) return fromPromise(result);
    throw new TypeError(`the cleanup given to ensure() returned ${describeReceived(result)}: return an Operation, a Promise or nothing`);
  });
}
