/**
 * `yieldio/yield-star`: inside a coroutine, an Operation is run with `yield*`, never `yield`.
 *
 * `yield sleep(10)` hands the generator object itself to the kernel, which throws a diagnosed
 * TypeError back into the coroutine, but only when that line runs. This rule finds it while
 * writing, and fixes it to `yield*`.
 *
 * A generator counts as a coroutine when its declared result type is an Operation
 * (`Coroutine<T>`, `Operation<T>`) or when it runs some Operation with `yield*`. A plain
 * generator that only produces Operations for someone else (`function* jobs() { yield
 * sleep(1); }`, spread into `gather([...jobs()])`) is left alone. Instructions of the trap
 * protocol (`yield YIELD_NOW`) are meant to be yielded bare and are not reported.
 *
 * @module
 */

import type { TSESLint, TSESTree } from "@typescript-eslint/utils";
import type { FunctionNode } from "./enclosing-function.js";
import { enclosingFunction } from "./enclosing-function.js";
import { isInstructionType, isOperationType } from "./operation-type.js";
import { typeServices } from "./type-services.js";

/** What is known of one generator function while its body is walked. */
interface Frame {
  /** Some `yield*` in it runs an Operation, or its declared type is one. */
  isCoroutine: boolean;
  /** The bare yields of Operations, reported at the end if it is a coroutine. */
  readonly bareYields: TSESTree.YieldExpression[];
}

/** The rule: see the module comment. */
export const yieldStar: TSESLint.RuleModule<"bareYield"> = {
  meta: {
    type: "problem",
    docs: { description: "Require `yield*`, not `yield`, to run an Operation inside a coroutine" },
    fixable: "code",
    schema: [],
    defaultOptions: [],
    messages: {
      bareYield: "`yield` hands this Operation to the kernel instead of running it: write `yield*`.",
    },
  },
  create(context) {
    const services = typeServices(context);
    const isOperation = (node: TSESTree.Node): boolean => isOperationType(services.checker, services.typeOf(node));
    const frames = new Map<FunctionNode, Frame>();

    const enter = (node: FunctionNode): void => {
      if (!node.generator) return;
      const declared = node.returnType === undefined ? false : isOperation(node.returnType.typeAnnotation);
      frames.set(node, { isCoroutine: declared, bareYields: [] });
    };
    const exit = (node: FunctionNode): void => {
      const frame = frames.get(node);
      frames.delete(node);
      if (frame === undefined || !frame.isCoroutine) return;
      for (const bare of frame.bareYields) {
        context.report({
          node: bare,
          messageId: "bareYield",
          fix: (fixer) => fixer.replaceTextRange([bare.range[0], bare.range[0] + "yield".length], "yield*"),
        });
      }
    };

    return {
      FunctionDeclaration: enter,
      FunctionExpression: enter,
      "FunctionDeclaration:exit": exit,
      "FunctionExpression:exit": exit,
      YieldExpression(node) {
        const fn = enclosingFunction(node);
        const frame = fn === undefined ? undefined : frames.get(fn);
        if (frame === undefined || node.argument === null) return;
        if (node.delegate) {
          if (!frame.isCoroutine && isOperation(node.argument)) frame.isCoroutine = true;
          return;
        }
        const type = services.typeOf(node.argument);
        if (isOperationType(services.checker, type) && !isInstructionType(services.checker, type)) frame.bareYields.push(node);
      },
    };
  },
};
