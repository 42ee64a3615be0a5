/**
 * The work of the executor rows (`bench/rows/executors.ts`), in plain JavaScript so that every
 * pool loads the same file as it is: yieldio's pools (by `workerModule`), Piscina and tinypool
 * (by file name; their workers do not load `.ts`), and the serial contender (imported).
 * Types: `executor-work.d.mts`.
 *
 * yieldio calls a work function with the submitted arguments spread (`add(a, b)`); Piscina and
 * tinypool call it with their one task value (`addTask({ a, b })`): each library is used with
 * its own idiom, on the same arithmetic.
 */

/** A tiny job: the sum of two numbers. */
export function add(a, b) {
  return a + b;
}

/** `add` as Piscina's and tinypool's docs write a task: one object in. */
export function addTask({ a, b }) {
  return a + b;
}

/**
 * A CPU-bound job: `iterations` rounds of 32-bit integer mixing (Murmur-like), seeded, so the
 * JIT cannot skip or share the work; returns the final hash (unsigned).
 */
export function spin(seed, iterations) {
  let h = seed | 0;
  for (let i = 0; i < iterations; i++) {
    h = Math.imul(h ^ i, 0x5bd1e995);
    h ^= h >>> 15;
  }
  return h >>> 0;
}

/** `spin` for Piscina and tinypool: one object in. */
export function spinTask({ seed, iterations }) {
  return spin(seed, iterations);
}
