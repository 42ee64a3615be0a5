/**
 * A CPU-bound job for the distributed example: counts the primes in a range by trial division,
 * looking at its AbortSignal every few thousand numbers so that a cancelled job stops early.
 */
import { currentSignal } from "../../executors/index.js";

/** How many primes lie in [from, to). @throws the signal's reason once the job is cancelled. */
export function countPrimes(from: number, to: number): number {
  const signal = currentSignal();
  let count = 0;
  for (let n = Math.max(from, 2); n < to; n++) {
    if (n % 4096 === 0) signal.throwIfAborted();
    let prime = true;
    for (let d = 2; d * d <= n; d++) {
      if (n % d === 0) {
        prime = false;
        break;
      }
    }
    if (prime) count++;
  }
  return count;
}
