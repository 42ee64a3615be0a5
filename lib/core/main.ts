/**
 * `main`: run a script with Ctrl-C turned into a clean cancellation.
 *
 * @module
 */

import { inspect } from "node:util";
import { CancelledError } from "./errors.js";
import type { Instruction } from "./instruction.js";
import type { Operation } from "./operation.js";
import { run } from "./run.js";
import type { RunOptions } from "./run.js";
import { currentTask } from "./running.js";
import type { Task } from "./task.js";

const EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;
type HandledSignal = keyof typeof EXIT_CODES;

/**
 * Runs `op` as a script: like {@link run}, plus process integration. SIGINT and SIGTERM cancel
 * the main task (every `finally` runs); a second SIGINT exits at once. Errors are printed to
 * stderr. `process.exitCode` becomes 0 (success), 1 (error), 130 (SIGINT) or 143 (SIGTERM).
 * The returned Promise never rejects.
 *
 * **Cancellation:** a signal cancels the main task with reason `signal`; the exit code reflects
 * the signal even if `op` then returns normally (it handled the cancellation gracefully).
 *
 * @example
 * ```ts
 * // script.ts
 * await main(function* () {
 *   try {
 *     yield* serveForever();
 *   } finally {
 *     console.log("bye"); // runs on Ctrl-C
 *   }
 * });
 * ```
 */
export async function main(op: Operation<unknown> | (() => Operation<unknown>), options: RunOptions = {}): Promise<void> {
  let task: Task<unknown> | undefined;
  let signalled: HandledSignal | undefined;
  const onSignal = (signal: HandledSignal): void => {
    if (signalled !== undefined) {
      if (signal === "SIGINT") process.exit(EXIT_CODES.SIGINT); // the second Ctrl-C: the user insists
      return;
    }
    signalled = signal;
    task?._cancelWithReason({ source: "signal", message: signal });
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    await run(function* (): Generator<Instruction, unknown, unknown> {
      task = currentTask();
      if (signalled !== undefined) task?._cancelWithReason({ source: "signal", message: signalled });
      return yield* typeof op === "function" ? op() : op;
    }, options);
    process.exitCode = signalled === undefined ? 0 : EXIT_CODES[signalled];
  } catch (error) {
    if (signalled !== undefined && error instanceof CancelledError) process.exitCode = EXIT_CODES[signalled];
    else {
      process.stderr.write(`${inspect(error)}\n`); // with its cause and sub-errors
      process.exitCode = 1;
    }
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}
