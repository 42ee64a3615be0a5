/**
 * `yieldio run <script> [--debug] [--trace <file.json>]`.
 *
 * @module
 */

import { writeFileSync } from "node:fs";
import { basename } from "node:path";
import { TraceRecorder, main } from "../lib/index.js";
import type { Instrument } from "../lib/index.js";
import { loadScript } from "./load-script.js";

/** What `run` was asked to do. */
export interface RunCommand {
  readonly script: string;
  readonly scriptArgs: readonly string[];
  readonly debug: boolean;
  readonly trace: string | undefined;
}

/**
 * Runs the script's default export under `main()` (Ctrl-C cancels it; the exit code says how
 * it ended), then writes the trace, if asked, whatever the outcome.
 */
export async function runScript(command: RunCommand): Promise<void> {
  // The script sees its own arguments, as if run with node.
  process.argv = [process.argv[0] ?? "node", command.script, ...command.scriptArgs];
  const op = await loadScript(command.script);
  const recorder = command.trace === undefined ? undefined : new TraceRecorder();
  const instruments: Instrument[] = recorder === undefined ? [] : [recorder];
  try {
    // Without --debug, YIELDIO_DEBUG decides (run()'s default).
    await main(op, { ...(command.debug ? { debug: true } : {}), instruments, name: `main (${basename(command.script)})` });
  } finally {
    if (recorder !== undefined && command.trace !== undefined) {
      const trace = recorder.trace();
      writeFileSync(command.trace, JSON.stringify(trace));
      process.stderr.write(`yieldio: trace written to ${command.trace} (${trace.traceEvents.length} events)\n`);
    }
  }
}
