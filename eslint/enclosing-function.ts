/**
 * Where an expression sits: the function it belongs to decides which fix applies (`yield*`
 * only inside a generator).
 *
 * @module
 */

import type { TSESTree } from "@typescript-eslint/utils";

/** A function of any form. */
export type FunctionNode = TSESTree.ArrowFunctionExpression | TSESTree.FunctionDeclaration | TSESTree.FunctionExpression;

/** The innermost function that contains `node`, or undefined at module level. */
export function enclosingFunction(node: TSESTree.Node): FunctionNode | undefined {
  // The Program's parent is null at run time, whatever the types say.
  for (let at: TSESTree.Node | null | undefined = node.parent; at != null; at = at.parent) {
    if (at.type === "ArrowFunctionExpression" || at.type === "FunctionDeclaration" || at.type === "FunctionExpression") return at;
  }
  return undefined;
}

/** True when `node` is directly inside a `function*` (where `yield*` can run an operation). */
export function isInGenerator(node: TSESTree.Node): boolean {
  return enclosingFunction(node)?.generator === true;
}
