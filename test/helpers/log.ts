/**
 * Partial-order checks on recorded event logs (Trio's habit). Where the order of some events is
 * not specified (siblings cancelled in the same instant), a test asserts which events happened
 * and the orders that are specified, instead of one interleaving or none at all (a sorted log).
 */
import type { ExecutionContext } from "ava";

/**
 * Asserts that `log` holds exactly the events named in `chains`, each once, and that the events
 * of each chain happened in the chain's order. An event may appear in several chains (a common
 * last step, for instance).
 *
 * @example
 * ```ts
 * assertPartialOrder(t, log, [
 *   ["a cancelled @10", "a finally", "outer done"],
 *   ["b cancelled @10", "b finally", "outer done"],
 * ]);
 * ```
 */
export function assertPartialOrder(t: ExecutionContext, log: readonly string[], chains: ReadonlyArray<readonly string[]>): void {
  const events = [...new Set(chains.flat())];
  t.deepEqual([...log].sort(), events.sort(), "each expected event happened once, and nothing else");
  for (const chain of chains) {
    t.deepEqual(
      log.filter((event) => chain.includes(event)),
      [...chain],
      `in this order: ${chain.join(" → ")}`,
    );
  }
}
