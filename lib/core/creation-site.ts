/**
 * Where a task was created, in one line, for debug mode's reports: the first frame of its
 * creation stack that is not yieldio's own code (nor Node's).
 *
 * @module
 */

import { fileURLToPath } from "node:url";

/** yieldio's own code: this file's folder's parent, `lib/` (or `dist/lib/` when built). */
const OWN_CODE = fileURLToPath(new URL("../", import.meta.url));

/**
 * @internal The first frame of `stack` outside yieldio and Node, as `fn (file:line:col)`;
 * undefined without a stack (debug mode was off) or such a frame.
 */
export function _creationSite(stack: string | undefined): string | undefined {
  if (stack === undefined) return undefined;
  for (const line of stack.split("\n").slice(1)) {
    const frame = line.trim().replace(/^at /, "");
    if (
      frame.includes(OWN_CODE) ||
      frame.includes(`file://${OWN_CODE}`) ||
      frame.includes("node:internal") ||
      frame.startsWith("new Promise")
    )
      continue;
    return frame;
  }
  return undefined;
}
