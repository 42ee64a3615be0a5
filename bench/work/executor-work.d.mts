/** Types of `executor-work.mjs`: the work of the executor rows. */

/** A tiny job: the sum of two numbers. */
export declare function add(a: number, b: number): number;
/** `add` as Piscina's and tinypool's docs write a task: one object in. */
export declare function addTask(task: { readonly a: number; readonly b: number }): number;
/** A CPU-bound job: `iterations` rounds of 32-bit integer mixing from `seed`; the final hash. */
export declare function spin(seed: number, iterations: number): number;
/** `spin` for Piscina and tinypool: one object in. */
export declare function spinTask(task: { readonly seed: number; readonly iterations: number }): number;
