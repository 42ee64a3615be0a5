/**
 * `no-floating-operation`: Operations that are built and dropped, awaited, voided, or returned
 * to a caller that ignores results, found from their types.
 */
import { noFloatingOperation } from "../../eslint/no-floating-operation.js";
import { typedRuleTester } from "../helpers/rule-tester.js";

const IMPORTS = `import { createTask, gather, Lock, Queue, run, sleep, taskGroup } from "yieldio";
import type { Coroutine, Instruction, Operation, Task } from "yieldio";
`;

typedRuleTester().run("no-floating-operation", noFloatingOperation, {
  valid: [
    { name: "an operation run with yield*", code: `${IMPORTS}function* main(): Coroutine<void> { yield* sleep(10); }` },
    { name: "an operation kept in a variable", code: `${IMPORTS}function* main(): Coroutine<void> { const op = sleep(10); yield* op; }` },
    { name: "an operation passed on", code: `${IMPORTS}function* main(): Coroutine<void> { yield* gather(sleep(1), sleep(2)); }` },
    { name: "an operation returned", code: `${IMPORTS}function later(): Operation<void> { return sleep(10); }` },
    {
      name: "a task started and not awaited (it runs anyway)",
      code: `${IMPORTS}function* main(): Coroutine<void> { createTask(sleep(10)); }`,
    },
    {
      name: "tg.createTask() as a statement",
      code: `${IMPORTS}function* main(): Coroutine<void> { yield* taskGroup(function* (tg) { tg.createTask(sleep(1)); }); }`,
    },
    { name: "run() from async code", code: `${IMPORTS}async function main(): Promise<void> { await run(sleep(10)); }` },
    {
      name: "awaiting a Task (a Future is awaitable)",
      code: `${IMPORTS}async function main(task: Task<number>): Promise<number> { return await task; }`,
    },
    {
      name: "a plain generator of values, dropped",
      code: `function* numbers(): Generator<number> { yield 1; }\nnumbers();`,
    },
    { name: "an array of operations (not itself an Operation)", code: `${IMPORTS}[sleep(1), sleep(2)];` },
    {
      name: "an arrow that returns an operation to a caller that uses it",
      code: `${IMPORTS}function* main(): Coroutine<void> { yield* gather(...[1, 2].map((ms) => sleep(ms))); }`,
    },
    {
      name: "a queue's non-waiting methods",
      code: `${IMPORTS}function main(queue: Queue<number>): void { queue.putNowait(1); }`,
    },
    { name: "a value of type any", code: `declare const anything: any;\nanything();` },
    { name: "a directive", code: `"use strict";\nexport {};` },
  ],
  invalid: [
    {
      name: "sleep() as a statement in a coroutine, with the yield* suggestion",
      code: `${IMPORTS}function* main(): Coroutine<void> { sleep(100); }`,
      errors: [
        {
          messageId: "dropped",
          suggestions: [{ messageId: "addYieldStar", output: `${IMPORTS}function* main(): Coroutine<void> { yield* sleep(100); }` }],
        },
      ],
    },
    {
      name: "queue.put() as a statement",
      code: `${IMPORTS}function* main(queue: Queue<number>): Coroutine<void> { queue.put(1); }`,
      errors: [
        {
          messageId: "dropped",
          suggestions: [
            {
              messageId: "addYieldStar",
              output: `${IMPORTS}function* main(queue: Queue<number>): Coroutine<void> { yield* queue.put(1); }`,
            },
          ],
        },
      ],
    },
    {
      name: "a lock's acquire() dropped outside a generator (no yield* suggestion there)",
      code: `${IMPORTS}function main(lock: Lock): void { lock.acquire(); }`,
      errors: [{ messageId: "dropped", suggestions: [] }],
    },
    {
      name: "a user's coroutine called and dropped",
      code: `${IMPORTS}function* worker(): Coroutine<number> { yield* sleep(1); return 1; }\nfunction* main(): Coroutine<void> { worker(); }`,
      errors: [
        {
          messageId: "dropped",
          suggestions: [
            {
              messageId: "addYieldStar",
              output: `${IMPORTS}function* worker(): Coroutine<number> { yield* sleep(1); return 1; }\nfunction* main(): Coroutine<void> { yield* worker(); }`,
            },
          ],
        },
      ],
    },
    {
      name: "an unannotated generator function's result dropped",
      code: `${IMPORTS}function* worker() { yield* sleep(1); }\nworker();`,
      errors: [{ messageId: "dropped", suggestions: [] }],
    },
    {
      name: "a custom Operation type",
      code: `${IMPORTS}interface Job<T> extends Operation<T> { readonly id: string }\ndeclare function job(id: string): Job<number>;\njob("a");`,
      errors: [{ messageId: "dropped" }],
    },
    {
      name: "a generic operation",
      code: `${IMPORTS}declare function twice<T>(op: Operation<T>): Operation<[T, T]>;\ntwice(sleep(1, "x"));`,
      errors: [{ messageId: "dropped" }],
    },
    {
      name: "a type parameter constrained to an Operation",
      code: `${IMPORTS}function drop<O extends Operation<number>>(op: O): void { op; }`,
      errors: [{ messageId: "dropped" }],
    },
    {
      name: "an Operation | undefined",
      code: `${IMPORTS}declare function maybe(): Operation<void> | undefined;\nmaybe();`,
      errors: [{ messageId: "dropped" }],
    },
    {
      name: "both sides of a conditional, and the right of &&",
      code: `${IMPORTS}declare const flag: boolean;\nflag ? sleep(1) : sleep(2);\nflag && sleep(3);`,
      errors: [{ messageId: "dropped" }, { messageId: "dropped" }, { messageId: "dropped" }],
    },
    {
      name: "await of an operation in async code",
      code: `${IMPORTS}async function main(): Promise<void> { await sleep(100); }`,
      errors: [{ messageId: "awaited" }],
    },
    {
      name: "void of an operation in a coroutine, with the yield* suggestion",
      code: `${IMPORTS}function* main(): Coroutine<void> { void sleep(100); }`,
      errors: [
        {
          messageId: "voided",
          suggestions: [
            { messageId: "replaceWithYieldStar", output: `${IMPORTS}function* main(): Coroutine<void> { yield* sleep(100); }` },
          ],
        },
      ],
    },
    {
      name: "an operation returned to forEach",
      code: `${IMPORTS}function fill(queue: Queue<number>): void { [1, 2].forEach((n) => queue.put(n)); }`,
      errors: [{ messageId: "returnedToVoid" }],
    },
    {
      name: "an operation returned to a void callback type",
      code: `${IMPORTS}declare function onTick(callback: () => void): void;\nonTick(() => sleep(1));`,
      errors: [{ messageId: "returnedToVoid" }],
    },
  ],
});
