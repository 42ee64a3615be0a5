/**
 * The rules read types: this gets TypeScript's view of the file from typescript-eslint's
 * parser, or says plainly how to turn it on.
 *
 * @module
 */

import type { TSESLint, TSESTree } from "@typescript-eslint/utils";
import type ts from "typescript";

/** The checker and a way to read the type of any node of the file being linted. */
export interface TypeServices {
  readonly checker: ts.TypeChecker;
  /** The type of an ESTree node. */
  typeOf(node: TSESTree.Node): ts.Type;
  /** TypeScript's node for an ESTree node. */
  tsNodeOf(node: TSESTree.Node): ts.Node;
}

/**
 * The type services of `context`'s file.
 *
 * @throws Error when the file was parsed without type information.
 */
export function typeServices(context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>): TypeServices {
  const services = context.sourceCode.parserServices;
  if (services?.program == null || services.esTreeNodeToTSNodeMap === undefined) {
    throw new Error(
      `yieldio/${context.id.replace(/^yieldio\//, "")} needs type information: lint with typescript-eslint's parser and ` +
        "`languageOptions.parserOptions.projectService: true` (see yieldio's docs/eslint.md)",
    );
  }
  const checker = services.program.getTypeChecker();
  const map = services.esTreeNodeToTSNodeMap;
  return {
    checker,
    typeOf: (node) => checker.getTypeAtLocation(map.get(node)),
    tsNodeOf: (node) => map.get(node),
  };
}
