/**
 * `shield`: run an operation that outer cancellation cannot interrupt.
 *
 * @module
 */

import { CancelScope } from "../core/cancel-scope.js";
import type { Instruction } from "../core/instruction.js";
import type { Operation } from "../core/operation.js";

/**
 * Runs `op` in a shielded cancel scope: cancellation of the enclosing scopes (and of the task)
 * does not interrupt it, and the caller waits for its result. Use it for cleanup that must
 * suspend: `finally { yield* shield(connection.close()) }`.
 *
 * Different from asyncio's `shield`, which returns at once on cancellation and lets the inner
 * work go on detached: ours waits, which is what cleanup needs.
 *
 * **Cancellation:** a cancellation that arrives while `op` runs stays pending and is raised at
 * the caller's next suspension after `shield` returns. Bound a shielded operation with its own
 * timeout if it may hang (`shield(timeout(1000, close()))`).
 *
 * @example
 * ```ts
 * try {
 *   yield* serve(connection);
 * } finally {
 *   yield* shield(connection.flushAndClose());
 * }
 * ```
 */
export function shield<T>(op: Operation<T>): Generator<Instruction, T, unknown> {
  const scope = new CancelScope({ shield: true }); // run() checks `op` when it starts, as shield()
  scope._label = "shield()";
  // Nobody else holds the scope, so it cannot be cancelled itself and never absorbs: the
  // result is the body's. The scope's own generator is returned, not wrapped in one of ours:
  // a generator level fewer per shield lets more of them nest (see withDeadline).
  return scope.run(op) as Generator<Instruction, T, unknown>;
}
