/**
 * What the rules call an Operation, read from TypeScript's types: anything iterable whose
 * iterator yields yieldio instructions. This is structural on purpose: it finds
 * `Operation<T>`, `Coroutine<T>`, a generator function's inferred result, a user's own
 * `interface Job<T> extends Operation<T>`, and a type parameter constrained to one, without
 * knowing where yieldio was installed.
 *
 * @module
 */

import ts from "typescript";

/** The `kind` of every instruction of the trap protocol (lib/core/instruction.ts). */
const INSTRUCTION_KINDS: ReadonlySet<string> = new Set(["yield-now", "sleep", "await", "suspend", "current-task"]);

/** True when `type` (or one member of a union) can be run with `yield*` in a coroutine. */
export function isOperationType(checker: ts.TypeChecker, type: ts.Type): boolean {
  if (type.isUnionOrIntersection()) return type.types.some((member) => isOperationType(checker, member));
  if (type.flags & ts.TypeFlags.TypeParameter) {
    const constraint = checker.getBaseConstraintOfType(type);
    return constraint !== undefined && constraint !== type && isOperationType(checker, constraint);
  }
  if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown | ts.TypeFlags.Never)) return false;
  const yielded = yieldedType(checker, type);
  return yielded !== undefined && isInstructionType(checker, yielded);
}

/**
 * True for an Operation that does nothing until it is run: a generator, `sleep(10)`,
 * `queue.put(x)`. A Future or a Task is already under way (dropping it loses no work) and is
 * awaitable, so it is not one.
 */
export function isColdOperationType(checker: ts.TypeChecker, type: ts.Type): boolean {
  if (type.isUnionOrIntersection()) return type.types.some((member) => isColdOperationType(checker, member));
  if (type.flags & ts.TypeFlags.TypeParameter) {
    const constraint = checker.getBaseConstraintOfType(type);
    return constraint !== undefined && constraint !== type && isColdOperationType(checker, constraint);
  }
  if (!isOperationType(checker, type)) return false;
  return type.getProperty("then") === undefined && type.getProperty("addDoneCallback") === undefined;
}

/**
 * True when every member of `type` is an instruction (a class of the trap protocol, told
 * apart by its `kind`). `never`, what a generator that never yields produces, is not.
 */
export function isInstructionType(checker: ts.TypeChecker, type: ts.Type): boolean {
  const members = type.isUnion() ? type.types : [type];
  return members.length > 0 && members.every((member) => isInstructionMember(checker, member));
}

function isInstructionMember(checker: ts.TypeChecker, type: ts.Type): boolean {
  const kind = type.getProperty("kind");
  if (kind === undefined || type.getProperty("description") === undefined) return false;
  const kindType = checker.getTypeOfSymbol(kind);
  const kinds = kindType.isUnion() ? kindType.types : [kindType];
  return kinds.every((member) => member.isStringLiteral() && INSTRUCTION_KINDS.has(member.value));
}

/** The type an iterable's iterator yields (its `next()` result while not done), if any. */
function yieldedType(checker: ts.TypeChecker, type: ts.Type): ts.Type | undefined {
  const iteratorMethod = type.getProperties().find((property) => property.escapedName.toString().startsWith("__@iterator"));
  if (iteratorMethod === undefined) return undefined;
  const iterator = returnTypeOf(checker, checker.getTypeOfSymbol(iteratorMethod));
  const next = iterator?.getProperty("next");
  if (iterator === undefined || next === undefined) return undefined;
  const result = returnTypeOf(checker, checker.getTypeOfSymbol(next));
  if (result === undefined) return undefined;
  // IteratorResult<Y, R> is `{ done?: false, value: Y } | { done: true, value: R }`.
  for (const member of result.isUnion() ? result.types : [result]) {
    const done = member.getProperty("done");
    const value = member.getProperty("value");
    if (value === undefined) continue;
    if (done !== undefined && checker.typeToString(checker.getTypeOfSymbol(done)) === "true") continue;
    return checker.getTypeOfSymbol(value);
  }
  return undefined;
}

function returnTypeOf(checker: ts.TypeChecker, fn: ts.Type): ts.Type | undefined {
  const signature = fn.getCallSignatures()[0];
  return signature === undefined ? undefined : checker.getReturnTypeOfSignature(signature);
}
