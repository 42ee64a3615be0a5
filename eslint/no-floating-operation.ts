/**
 * `yieldio/no-floating-operation`: an Operation that is built and dropped never runs.
 *
 * `sleep(100);` or `queue.put(x);` without `yield*` creates a generator and throws it away:
 * no error, no type error, nothing happens. Likewise `await sleep(100)` (an Operation is not a
 * Promise: `await` hands it straight back), `void op`, and an arrow that returns an Operation
 * to a caller that ignores results (`items.forEach((x) => queue.put(x))`).
 *
 * Futures and Tasks are not reported: they run whether or not anyone waits for them.
 *
 * @module
 */

import type { TSESLint, TSESTree } from "@typescript-eslint/utils";
import ts from "typescript";
import { isInGenerator } from "./enclosing-function.js";
import { isColdOperationType } from "./operation-type.js";
import type { TypeServices } from "./type-services.js";
import { typeServices } from "./type-services.js";

type MessageId = "dropped" | "awaited" | "voided" | "returnedToVoid" | "addYieldStar" | "replaceWithYieldStar";

const RUN_IT = "Run it with `yield* …` inside a coroutine, or start it with `createTask(…)` to run it concurrently.";

/** The rule: see the module comment. */
export const noFloatingOperation: TSESLint.RuleModule<MessageId> = {
  meta: {
    type: "problem",
    docs: { description: "Require Operations to be run with `yield*` (or started as tasks) instead of being dropped" },
    hasSuggestions: true,
    schema: [],
    defaultOptions: [],
    messages: {
      dropped: `This Operation is created and dropped, so it never runs. ${RUN_IT}`,
      awaited:
        "`await` does not run an Operation (it is not a Promise). Inside a coroutine write `yield* …`; from async code run it with `run(…)`.",
      voided: `\`void\` drops this Operation without running it. ${RUN_IT}`,
      returnedToVoid:
        "This callback returns an Operation to a caller that ignores what it returns, so it never runs. Start it with `createTask(…)`, or loop with `for … of` and `yield*` in the coroutine.",
      addYieldStar: "Run it here: `yield* …`.",
      replaceWithYieldStar: "Run it here: replace `void` with `yield*`.",
    },
  },
  create(context) {
    const services = typeServices(context);
    const isCold = (node: TSESTree.Node): boolean => isColdOperationType(services.checker, services.typeOf(node));

    /** Reports every Operation that an expression statement's value drops. */
    const checkDropped = (node: TSESTree.Expression): void => {
      switch (node.type) {
        case "ConditionalExpression":
          checkDropped(node.consequent);
          checkDropped(node.alternate);
          return;
        case "LogicalExpression":
          checkDropped(node.right); // the left side is read, as a condition
          return;
        case "SequenceExpression":
          for (const expression of node.expressions) checkDropped(expression);
          return;
        case "AssignmentExpression":
        case "YieldExpression": // a bare `yield op` is yieldio/yield-star's
        case "AwaitExpression": // reported by the AwaitExpression visitor
        case "UnaryExpression": // `void op`: reported by the UnaryExpression visitor
          return;
        default:
          if (!isCold(node)) return;
          context.report({
            node,
            messageId: "dropped",
            // `yield*` can stand only where a whole expression does: `a && yield* b` does not parse.
            suggest:
              node.parent.type === "ExpressionStatement" && isInGenerator(node)
                ? [{ messageId: "addYieldStar", fix: (fixer) => fixer.replaceText(node, `yield* ${wrapped(context, node)}`) }]
                : [],
          });
      }
    };

    return {
      ExpressionStatement(node) {
        if (node.directive === undefined) checkDropped(node.expression);
      },
      AwaitExpression(node) {
        if (isCold(node.argument)) context.report({ node, messageId: "awaited" });
      },
      UnaryExpression(node) {
        if (node.operator !== "void" || !isCold(node.argument)) return;
        context.report({
          node,
          messageId: "voided",
          suggest:
            node.parent.type === "ExpressionStatement" && isInGenerator(node)
              ? [
                  {
                    messageId: "replaceWithYieldStar",
                    fix: (fixer) => fixer.replaceText(node, `yield* ${wrapped(context, node.argument)}`),
                  },
                ]
              : [],
        });
      },
      ArrowFunctionExpression(node) {
        if (node.body.type === "BlockStatement" || !isCold(node.body)) return;
        if (returnsVoidByContext(services, node)) context.report({ node: node.body, messageId: "returnedToVoid" });
      },
    };
  },
};

/** True when the arrow is passed or assigned where a function returning `void` is expected. */
function returnsVoidByContext(services: TypeServices, node: TSESTree.ArrowFunctionExpression): boolean {
  const expected = services.checker.getContextualType(services.tsNodeOf(node) as ts.Expression);
  if (expected === undefined) return false;
  const signatures = expected.getCallSignatures();
  return (
    signatures.length > 0 &&
    signatures.every((signature) => (services.checker.getReturnTypeOfSignature(signature).flags & ts.TypeFlags.Void) !== 0)
  );
}

/** The source of `node`, parenthesized when `yield* ` in front would bind differently. */
function wrapped(context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>, node: TSESTree.Node): string {
  const text = context.sourceCode.getText(node);
  const binds = node.type === "SequenceExpression" || node.type === "ConditionalExpression" || node.type === "LogicalExpression";
  return binds ? `(${text})` : text;
}
