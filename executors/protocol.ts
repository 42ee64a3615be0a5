/**
 * The messages between a pool and its workers. One job runs per worker at a time; every
 * message about a job carries its id, and the pool compares it with the worker's current job
 * before believing it (a late message never reaches the wrong job).
 *
 * @module
 */

import type { _ThrownData } from "./remote-error.js";

/** @internal A module and export, as sent to a worker. */
export interface _RefData {
  readonly moduleUrl: string;
  readonly exportName: string;
}

/** @internal Pool → worker. */
export type _ToWorker =
  | { readonly type: "init"; readonly initializer: _RefData | undefined; readonly teardown: _RefData | undefined }
  | { readonly type: "run"; readonly id: number; readonly ref: _RefData; readonly args: readonly unknown[] }
  | { readonly type: "cancel"; readonly id: number }
  | { readonly type: "close" };

/** @internal Worker → pool. */
export type _FromWorker =
  | { readonly type: "ready" }
  | { readonly type: "init-failed"; readonly error: _ThrownData }
  | { readonly type: "done"; readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly type: "done"; readonly id: number; readonly ok: false; readonly error: _ThrownData }
  | { readonly type: "stray"; readonly id: number | undefined; readonly what: string; readonly error: _ThrownData }
  | { readonly type: "fatal"; readonly error: _ThrownData }
  | { readonly type: "exiting" };

/** @internal `module#export`, for messages. */
export function _describeRef(ref: _RefData): string {
  return `${ref.moduleUrl}#${ref.exportName}`;
}
