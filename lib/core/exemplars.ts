/**
 * Exemplars: one long-lived instance of each class on the hot path.
 *
 * The problem: V8 reaches the final shape (hidden class, "map") of an object with class fields
 * through transitions from its constructor's initial map, and holds those transition targets
 * weakly. When every instance of a class dies (between two `run()`s, after a GC), its map is
 * collected; the optimised code that embedded it is thrown away, and after a few rounds V8
 * stops optimising the hot path altogether. A test suite or a program that calls `run()` many
 * times then ran the loop 2.5–3× slower for the rest of the process.
 *
 * The solution: keep one instance of each such class reachable from module scope, so its map
 * lives as long as the module. The instances are inert (their loop never runs).
 *
 * @module
 */

/** @internal The exemplars, kept alive by this module. */
export const _exemplars: object[] = [];

/** @internal Keeps `objects` (and so their maps) alive for the life of the process. */
export function _keepMaps(...objects: object[]): void {
  _exemplars.push(...objects);
}
