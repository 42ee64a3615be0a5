/**
 * Diagnoses a value that a coroutine yielded but that is not an instruction. The error is
 * thrown back into the coroutine at the `yield` (where a `try` around it can catch it); the
 * message names the likely mistake, since the stack shows the kernel's frames.
 *
 * @module
 */

import { Future } from "./future.js";
import { isOperation } from "./operation.js";
import { isThenable } from "./thenable-result.js";

function show(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === "function") return `function ${value.name || "(anonymous)"}`;
  if (typeof value === "object" && value !== null) return (value as MaybeConstructed).constructor?.name ?? "object";
  return String(value);
}

/** @internal The TypeError for a yielded value that is not an instruction, naming the likely mistake. */
export function diagnoseYield(value: unknown): TypeError {
  if (value instanceof Future) {
    return new TypeError(
      `a coroutine yielded ${value._describe()} with \`yield\`: use \`yield*\` to wait for it (\`yield* task\`, not \`yield task\`)`,
    );
  }
  if (isThenable(value)) {
    return new TypeError(
      "a coroutine yielded a Promise: yieldio coroutines cannot wait on Promises directly; use `yield* fromPromise(promise)`",
    );
  }
  if (Array.isArray(value)) {
    return new TypeError(
      "a coroutine yielded an array: to run several operations at once use `yield* gather(a, b)`; to run them one after another use `yield*` on each",
    );
  }
  if (isOperation(value)) {
    return new TypeError(
      `a coroutine yielded an Operation (${show(value)}) with \`yield\`: use \`yield*\` to run it (\`yield* op\`, not \`yield op\`); to run several at once use \`yield* gather(a, b)\`, not \`yield* [a, b]\``,
    );
  }
  if (typeof value === "function") {
    return new TypeError(
      `a coroutine yielded ${show(value)}: call it and run the result with \`yield*\` (\`yield* work()\`, not \`yield work\`)`,
    );
  }
  return new TypeError(
    `a coroutine yielded a bare value (${show(value)}): coroutines only yield through yieldio operations; use \`yield*\` with one (\`yield* sleep(10)\`), or \`return\` the value`,
  );
}

/** An object seen at run time: `Object.create(null)` has no constructor, whatever its type says. */
interface MaybeConstructed {
  readonly constructor?: { readonly name?: string };
}
