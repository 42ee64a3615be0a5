/**
 * Where a task was created, and where its coroutine stands, for debug mode's reports and call
 * graphs: frames of the stacks taken in debug mode that are not yieldio's own code (nor Node's).
 *
 * @module
 */

import { sep } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * yieldio's own code: this file's folder's parent, `lib/` in a checkout run from source, or
 * `dist/lib/` when built, and then also `lib/` beside `dist/`, where stack frames point once
 * Node applies the source maps (which carry the TypeScript sources).
 */
const OWN_CODE: readonly string[] = ownCodeFolders(fileURLToPath(new URL("../", import.meta.url)));

function ownCodeFolders(folder: string): string[] {
  const built = `${sep}dist${sep}lib${sep}`;
  return folder.endsWith(built) ? [folder, `${folder.slice(0, -built.length)}${sep}lib${sep}`] : [folder];
}

/**
 * A frame users are not shown: yieldio's own, Node's, or one with no source (V8 lists each
 * generator resumption as `fn.next (<anonymous>)` beside the generator's own frame).
 */
function isOwnFrame(frame: string): boolean {
  return (
    OWN_CODE.some((folder) => frame.includes(folder)) ||
    frame.includes("node:internal") ||
    frame.startsWith("new Promise") ||
    frame.endsWith("(<anonymous>)") ||
    frame === "<anonymous>"
  );
}

/** Frames kept in a stack taken for debug mode: yieldio's own frames between a coroutine's would use up V8's default 10. */
const STACK_FRAMES = 64;

/** @internal A stack trace of the caller, deep enough to reach past yieldio's own frames. */
export function _captureStack(message: string): string {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = STACK_FRAMES;
  try {
    return new Error(message).stack ?? "";
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** The frames of a stack (`fn (file:line:col)`), without its first line (the error's message). */
function framesOf(stack: string): string[] {
  return stack
    .split("\n")
    .slice(1)
    .map((line) => line.trim().replace(/^at /, ""));
}

/**
 * @internal The first frame of `stack` outside yieldio and Node, as `fn (file:line:col)`;
 * undefined without a stack (debug mode was off) or such a frame.
 */
export function _creationSite(stack: string | undefined): string | undefined {
  if (stack === undefined) return undefined;
  return framesOf(stack).find((frame) => !isOwnFrame(frame));
}

/**
 * @internal The coroutine frames of a stack taken where an instruction was made: the frames
 * above the task's step (the coroutine and what it `yield*`-ed into), innermost first,
 * yieldio's own left out.
 */
export function _coroutineFrames(stack: string | undefined): string[] {
  if (stack === undefined) return [];
  const frames: string[] = [];
  for (const frame of framesOf(stack)) {
    if (frame.startsWith("Task.#step") || frame.startsWith("Task._run")) break; // the kernel resumed the coroutine here
    if (!isOwnFrame(frame)) frames.push(frame);
  }
  return frames;
}
