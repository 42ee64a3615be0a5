/**
 * ParkingOperation: the base of the primitives' shared, stateless Operations (`acquire()`,
 * `queue.get()`, `queue.put()`, `barrier.wait()` ...). Each is its own iterator and its own
 * {@link Wait}: `next(resumed)` either finishes at once or answers "park me" (a frozen result
 * built once per operation object); a resume carries what was handed over. See
 * `grant-operation.ts` for why one object can serve any number of tasks at once.
 *
 * @module
 */

import { SuspendInstruction } from "./instruction.js";
import type { Instruction, Wait } from "./instruction.js";
import type { Operation } from "./operation.js";

/** @internal */
export abstract class ParkingOperation<T> implements Operation<T>, Iterator<Instruction, T, unknown> {
  // Built on the first call that must wait: most operations never do.
  #park: IteratorResult<Instruction, T> | undefined;

  /** What a parked task waits for (`queue.get()`), for task dumps and traces. */
  abstract get description(): string;

  /** A first step (sent `undefined`) or a resume (sent what was handed over). */
  abstract next(resumed?: unknown): IteratorResult<Instruction, T>;

  /** The result that parks the task on this operation's Wait. */
  protected parkResult(): IteratorResult<Instruction, T> {
    return (this.#park ??= Object.freeze({ done: false, value: new SuspendInstruction(this as unknown as Wait<unknown>) }));
  }

  /** An error thrown in (a cancellation, a shutdown) propagates. */
  throw(error: unknown): IteratorResult<Instruction, T> {
    throw error;
  }

  /** Closing does nothing: a parked waiter is only ever withdrawn through `abort`. */
  return(value?: unknown): IteratorResult<Instruction, T> {
    return { done: true, value: value as T };
  }

  /** The operation is its own iterator. */
  [Symbol.iterator](): this {
    return this;
  }
}
