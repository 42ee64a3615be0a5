/**
 * Loads the script of `yieldio run` and finds what to run in it: its default export, an
 * Operation or a function returning one (a generator function).
 *
 * @module
 */

import { existsSync, statSync } from "node:fs";
import { extname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { isOperation } from "../lib/index.js";
import type { Operation } from "../lib/index.js";
import { UsageError } from "./usage.js";

const TYPESCRIPT = new Set([".ts", ".mts", ".cts", ".tsx"]);

/** Imports `path` (relative to the working directory) and returns its default export, checked. */
export async function loadScript(path: string): Promise<Operation<unknown> | (() => Operation<unknown>)> {
  const file = resolve(path);
  if (!existsSync(file)) throw new UsageError(`no such file: ${path}`);
  if (!statSync(file).isFile()) throw new UsageError(`not a file: ${path}`);
  if (TYPESCRIPT.has(extname(file))) await registerTypeScript(path);
  const module = (await import(pathToFileURL(file).href)) as { default?: unknown };
  return checkDefaultExport(path, module.default, "default" in module);
}

/** TypeScript runs through tsx (an optional peer dependency), as `node --import tsx` would. */
async function registerTypeScript(path: string): Promise<void> {
  let api: { register: () => unknown };
  try {
    api = await import("tsx/esm/api");
  } catch {
    throw new UsageError(`${path} is TypeScript, which needs tsx: npm install --save-dev tsx (or compile it and run the .js)`);
  }
  api.register();
}

function checkDefaultExport(path: string, value: unknown, present: boolean): Operation<unknown> | (() => Operation<unknown>) {
  const expected = "export default an Operation or a generator function (export default function* () { ... })";
  if (!present) throw new UsageError(`${path} has no default export: ${expected}`);
  if (isOperation(value)) return value;
  if (typeof value === "function") {
    const kind = (value as { constructor?: { name?: string } }).constructor?.name;
    if (kind === "AsyncFunction" || kind === "AsyncGeneratorFunction") {
      throw new UsageError(`${path}'s default export is an async function: yieldio runs coroutines; ${expected}`);
    }
    return value as () => Operation<unknown>; // run() checks that it returns an Operation
  }
  throw new UsageError(`${path}'s default export is ${describeValue(value)}: ${expected}`);
}

function describeValue(value: unknown): string {
  if (value === undefined || value === null) return String(value);
  if (typeof (value as { then?: unknown }).then === "function") return "a Promise";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}
