/**
 * `yieldio trace view <file.json> [-o <file.html>]`.
 *
 * @module
 */

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { basename } from "node:path";
import { renderTimelineHtml } from "../lib/index.js";
import type { TraceFile } from "../lib/index.js";
import { UsageError } from "./usage.js";

/** Writes the HTML timeline of the trace in `file` to `output` (default: `file` with `.html`); returns the path written. */
export function viewTrace(file: string, output: string | undefined): string {
  if (!existsSync(file)) throw new UsageError(`no such file: ${file}`);
  let trace: unknown;
  try {
    trace = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new UsageError(`${file} is not JSON: ${(error as Error).message}`);
  }
  if (typeof trace !== "object" || trace === null || !Array.isArray((trace as { traceEvents?: unknown }).traceEvents)) {
    throw new UsageError(`${file} is not a trace: it has no traceEvents array (write one with yieldio run --trace ${file})`);
  }
  const html = output ?? `${file.replace(/\.json$/i, "")}.html`;
  writeFileSync(html, renderTimelineHtml(trace as TraceFile, { title: basename(file) }));
  return html;
}
