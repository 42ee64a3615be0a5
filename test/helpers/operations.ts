/**
 * Operations the tests share: catch what an operation throws, and a child that logs its life.
 */
import { CancelledError, getRunningLoop, sleep } from "../../lib/index.js";
import type { Coroutine, Operation } from "../../lib/index.js";

/** Runs `op` and returns what it threw, or `undefined` if it returned. */
export function* catching(op: Operation<unknown>): Coroutine<unknown> {
  try {
    yield* op;
    return undefined;
  } catch (error) {
    return error;
  }
}

/** Runs `op` and returns what it threw (throws itself if `op` returned). */
export function* thrownBy(op: Operation<unknown>): Coroutine<unknown> {
  try {
    yield* op;
  } catch (error) {
    return error;
  }
  throw new Error("expected the operation to throw");
}

/** A child that sleeps, logs how it ended (`returned @t`, `cancelled @t`, `finally`), and returns its name or throws `fail`. */
export function* child(log: string[], name: string, delayMs: number, fail?: Error): Coroutine<string> {
  const loop = getRunningLoop();
  try {
    yield* sleep(delayMs);
    if (fail !== undefined) throw fail;
    log.push(`${name} returned @${loop.time()}`);
    return name;
  } catch (error) {
    if (error instanceof CancelledError) log.push(`${name} cancelled @${loop.time()}`);
    throw error;
  } finally {
    log.push(`${name} finally`);
  }
}

/** How an operation ended. */
export type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

/** Runs `op` and returns how it ended, so that a test can look at an error after the fact. */
export function* settle<T>(op: Operation<T>): Coroutine<Outcome<T>> {
  try {
    return { ok: true, value: yield* op };
  } catch (error) {
    return { ok: false, error };
  }
}

/** The error of a failed outcome (throws if it succeeded). */
export function errorOf<T>(outcome: Outcome<T>): unknown {
  if (outcome.ok) throw new Error(`expected a failure, got the value ${String(outcome.value)}`);
  return outcome.error;
}
