#!/usr/bin/env node
/**
 * The `yieldio` command: `yieldio run <script>`, `yieldio trace view <file.json>`, `--help`,
 * `--version`. Arguments are parsed with Node's own `util.parseArgs`: the package keeps no
 * runtime dependency, and the CLI needs nothing more (docs/cli.md says why).
 *
 * @module
 */

import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import type { ParseArgsConfig } from "node:util";
import { runScript } from "./run-command.js";
import { viewTrace } from "./trace-command.js";
import { USAGE, UsageError } from "./usage.js";
import { runWorker } from "./worker-command.js";

/** Runs the command in `args` (process.argv without node and the script); returns when it is done. */
async function cli(args: readonly string[]): Promise<void> {
  const [command, ...rest] = args;
  switch (command) {
    case undefined:
    case "-h":
    case "--help":
    case "help":
      process.stdout.write(USAGE);
      return;
    case "-v":
    case "--version":
      process.stdout.write(`${version()}\n`);
      return;
    case "run":
      return runCommand(rest);
    case "trace": {
      traceCommand(rest);
      return;
    }
    case "worker":
      return workerCommand(rest);
    default:
      throw new UsageError(`unknown command: ${command}`);
  }
}

async function runCommand(args: readonly string[]): Promise<void> {
  const { values, positionals } = parse(args, {
    debug: { type: "boolean", default: false },
    trace: { type: "string" },
  });
  const [script, ...scriptArgs] = positionals;
  if (script === undefined) throw new UsageError("run needs a script: yieldio run <script>");
  await runScript({ script, scriptArgs, debug: values["debug"] === true, trace: values["trace"] as string | undefined });
}

function traceCommand(args: readonly string[]): void {
  const [sub, ...rest] = args;
  if (sub !== "view")
    throw new UsageError(
      sub === undefined ? "trace needs a subcommand: yieldio trace view <file.json>" : `unknown trace subcommand: ${sub}`,
    );
  const { values, positionals } = parse(rest, { output: { type: "string", short: "o" } });
  const [file, extra] = positionals;
  if (file === undefined) throw new UsageError("trace view needs a trace file: yieldio trace view <file.json>");
  if (extra !== undefined) throw new UsageError(`trace view takes one file: received also ${extra}`);
  process.stdout.write(`${viewTrace(file, values["output"] as string | undefined)}\n`);
}

async function workerCommand(args: readonly string[]): Promise<void> {
  const { values, positionals } = parse(args, {
    redis: { type: "string" },
    queue: { type: "string" },
    root: { type: "string" },
    concurrency: { type: "string" },
    sandbox: { type: "boolean", default: false },
    prefix: { type: "string" },
    "lock-duration": { type: "string" },
    "stalled-interval": { type: "string" },
    "max-stalled-count": { type: "string" },
    "allow-eviction": { type: "boolean", default: false },
  });
  if (positionals.length > 0) throw new UsageError(`worker takes no arguments, only options: received ${positionals.join(" ")}`);
  const required = (name: string): string => {
    const value = values[name];
    if (typeof value !== "string") throw new UsageError(`worker needs --${name}: yieldio worker --redis <url> --queue <name> --root <dir>`);
    return value;
  };
  await runWorker({
    redis: required("redis"),
    queue: required("queue"),
    root: required("root"),
    concurrency: integer(values, "concurrency", 1),
    sandbox: values["sandbox"] === true,
    prefix: values["prefix"] as string | undefined,
    lockDurationMs: integer(values, "lock-duration", 1),
    stalledIntervalMs: integer(values, "stalled-interval", 1),
    maxStalledCount: integer(values, "max-stalled-count", 0),
    allowEviction: values["allow-eviction"] === true,
  });
}

/** The integer option `name` (at least `min`), if given. */
function integer(values: Record<string, unknown>, name: string, min: number): number | undefined {
  const value = values[name];
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} needs an integer of at least ${min}: received ${value as string}`);
  return n;
}

/** parseArgs, with its errors (an unknown option, a missing value) as usage errors. */
function parse(
  args: readonly string[],
  options: NonNullable<ParseArgsConfig["options"]>,
): { values: Record<string, unknown>; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
    return { values, positionals };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** The version in the package.json above this file (dist/cli/ when installed, cli/ in a checkout). */
function version(): string {
  for (const path of ["../../package.json", "../package.json"]) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(path, import.meta.url), "utf8")) as { name?: string; version?: string };
      if (pkg.name === "yieldio" && pkg.version !== undefined) return pkg.version;
    } catch {
      // not here: try the next level up
    }
  }
  return "unknown";
}

try {
  await cli(process.argv.slice(2));
} catch (error) {
  if (error instanceof UsageError) {
    process.stderr.write(`yieldio: ${error.message}\nRun yieldio --help for usage.\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`yieldio: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  }
}
