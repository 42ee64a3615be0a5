/**
 * What the streams accept as bytes: a `Uint8Array` (a Node `Buffer` is one) as it is, or a
 * string, encoded as UTF-8.
 *
 * @module
 */

import { describeReceived } from "../core/received.js";

const encoder = new TextEncoder();

/** @internal `data` as bytes; a `TypeError` that names `where` for anything else. */
export function _toBytes(where: string, data: unknown): Uint8Array {
  if (typeof data === "string") return encoder.encode(data);
  if (data instanceof Uint8Array) return data;
  throw new TypeError(`${where} needs bytes (a Uint8Array or Buffer) or a string: received ${describeReceived(data)}`);
}
