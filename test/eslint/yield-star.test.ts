/**
 * `yield-star`: a bare `yield` of an Operation inside a coroutine, fixed to `yield*`.
 */
import { yieldStar } from "../../eslint/yield-star.js";
import { typedRuleTester } from "../helpers/rule-tester.js";

const IMPORTS = `import { createTask, sleep, YIELD_NOW } from "yieldio";
import type { Coroutine, Operation, Task } from "yieldio";
`;

typedRuleTester().run("yield-star", yieldStar, {
  valid: [
    { name: "yield* of an operation", code: `${IMPORTS}function* main(): Coroutine<void> { yield* sleep(1); }` },
    { name: "an instruction yielded bare (the trap protocol)", code: `${IMPORTS}function* main(): Coroutine<void> { yield YIELD_NOW; }` },
    {
      name: "a plain generator that produces operations for someone else",
      code: `${IMPORTS}function* jobs() { yield sleep(1); yield sleep(2); }`,
    },
    { name: "a generator of numbers", code: `function* numbers() { yield 1; yield 2; }` },
    { name: "a bare yield with no value", code: `${IMPORTS}function* main() { yield* sleep(1); yield; }` },
  ],
  invalid: [
    {
      name: "yield sleep() in an annotated coroutine",
      code: `${IMPORTS}function* main(): Coroutine<void> { yield sleep(1); }`,
      output: `${IMPORTS}function* main(): Coroutine<void> { yield* sleep(1); }`,
      errors: [{ messageId: "bareYield" }],
    },
    {
      name: "an unannotated generator that also runs operations with yield*",
      code: `${IMPORTS}function* main() { yield* sleep(1); yield sleep(2); }`,
      output: `${IMPORTS}function* main() { yield* sleep(1); yield* sleep(2); }`,
      errors: [{ messageId: "bareYield" }],
    },
    {
      name: "a yield before the first yield* (the whole body decides)",
      code: `${IMPORTS}function* main() { const a = yield sleep(2); yield* sleep(1); return a; }`,
      output: `${IMPORTS}function* main() { const a = yield* sleep(2); yield* sleep(1); return a; }`,
      errors: [{ messageId: "bareYield" }],
    },
    {
      name: "a Task yielded bare",
      code: `${IMPORTS}function* main(): Coroutine<void> { const task = createTask(sleep(1)); yield task; }`,
      output: `${IMPORTS}function* main(): Coroutine<void> { const task = createTask(sleep(1)); yield* task; }`,
      errors: [{ messageId: "bareYield" }],
    },
    {
      name: "a custom Operation type in a function expression",
      code: `${IMPORTS}interface Job<T> extends Operation<T> { readonly id: string }\ndeclare function job(): Job<number>;\nconst main = function* (): Operation<number> { return yield job(); };`,
      output: `${IMPORTS}interface Job<T> extends Operation<T> { readonly id: string }\ndeclare function job(): Job<number>;\nconst main = function* (): Operation<number> { return yield* job(); };`,
      errors: [{ messageId: "bareYield" }],
    },
    {
      name: "a generic operation, in the generator nested in another",
      code: `${IMPORTS}function outer() { return function* <T>(op: Operation<T>): Coroutine<T> { return yield op; }; }`,
      output: `${IMPORTS}function outer() { return function* <T>(op: Operation<T>): Coroutine<T> { return yield* op; }; }`,
      errors: [{ messageId: "bareYield" }],
    },
  ],
});
