/**
 * A task's cleanups (`ensure()`, `resource()`): Operations that run after its coroutine has
 * ended and before it settles, so that whoever waits for the task sees them done.
 *
 * Discussion: a task's end is synchronous in the kernel (its coroutine returns or throws inside
 * one step), so the cleanups cannot run in a `finally` of ours around the body. Instead the
 * task swaps its finished coroutine for the generator below and goes on stepping it: the
 * cleanups suspend like any code of the task, in its context and under its name.
 *
 * @module
 */

import { CancelScope } from "./cancel-scope.js";
import { CancelledError } from "./errors.js";
import type { Instruction } from "./instruction.js";
import type { Operation } from "./operation.js";
import type { Task } from "./task.js";

/** @internal A cleanup registered on a task: its Operation, or nothing to wait for. */
export type _TaskCleanup = () => Operation<unknown> | undefined;

/**
 * @internal Runs `cleanups` newest first, each in a shielded scope (a cancelled task still
 * cleans up; bound a cleanup that may hang with a timeout), then ends as the body did:
 * `outcome` is its value, or its error when `isError`.
 *
 * What the task ends with: a cleanup's error replaces a value or a `CancelledError` (a failure
 * beats a cancellation, as in asyncio's task groups); once the outcome is an error, later cleanup
 * errors are reported to the loop's exception handler, so the first failure, usually the cause
 * of the others, is the one raised and none is lost.
 */
export function* _runCleanups(
  task: Task<unknown>,
  cleanups: readonly _TaskCleanup[],
  isError: boolean,
  outcome: unknown,
): Generator<Instruction, unknown, unknown> {
  for (let i = cleanups.length - 1; i >= 0; i--) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- i is within bounds
      const op = cleanups[i]!();
      if (op !== undefined) {
        const scope = new CancelScope({ shield: true });
        scope._label = "ensure()";
        yield* scope.run(op);
      }
    } catch (error) {
      if (!isError || outcome instanceof CancelledError) {
        isError = true;
        outcome = error;
      } else {
        task._loop.callExceptionHandler({
          message: `a cleanup of ${task._describe()} failed after the task had already failed with another error, which it raises`,
          exception: error,
          task,
        });
      }
    }
  }
  if (isError) throw outcome;
  return outcome;
}
