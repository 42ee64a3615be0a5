/**
 * The envelope of a job's arguments, result and error on their way through Redis. BullMQ
 * stores job data and results as JSON, which turns a Map or an Error into `{}`, a Date into a
 * string, and throws on a BigInt. The envelope carries v8's serialisation instead (what
 * structured clone keeps: Map, Set, Date, BigInt, typed arrays, Buffers, nested objects), in
 * base64 inside the JSON. Errors travel as the thread pools send them (`remote-error.ts`):
 * name, message, the worker's stack, `cause`, `code` and the other own properties.
 *
 * Both sides must run the same major version of Node: v8's format may change between them.
 *
 * @module
 */

import { deserialize, serialize } from "node:v8";
import { _dataToError, _errorToData } from "../remote-error.js";
import type { _ThrownData } from "../remote-error.js";

/** The envelope's format: a worker refuses one of another version instead of misreading it. */
const VERSION = 1;

/** @internal A value sealed for Redis: the format's version and v8's bytes in base64. */
export interface _Envelope {
  readonly v: typeof VERSION;
  readonly b: string;
}

/**
 * @internal Seals `value` (`what` names it in errors: "the arguments of hash()").
 * @throws TypeError if v8 cannot serialise it (a function, a symbol, a class instance's methods are lost but its data kept).
 */
export function _seal(value: unknown, what: string): _Envelope {
  let bytes: Buffer;
  try {
    bytes = serialize(value);
  } catch (error) {
    throw new TypeError(
      `${what} cannot be sent through Redis: ${(error as Error).message} (what structured clone copies can: no functions or symbols)`,
      {
        cause: error,
      },
    );
  }
  return { v: VERSION, b: bytes.toString("base64") };
}

/** @internal Opens an envelope sealed by {@link _seal}. @throws TypeError for anything else, or another version. */
export function _open(envelope: unknown, what: string): unknown {
  const candidate = envelope as Partial<_Envelope> | null;
  if (typeof candidate !== "object" || candidate === null || typeof candidate.b !== "string") {
    throw new TypeError(`${what} is not a yieldio envelope: was it sent by another program on the same queue?`);
  }
  if (candidate.v !== VERSION)
    throw new TypeError(`${what} is in envelope format ${String(candidate.v)}; this yieldio reads format ${VERSION}`);
  return deserialize(Buffer.from(candidate.b, "base64"));
}

/** @internal Seals what a job threw: an Error with its name, stack, cause and properties, or any value. */
export function _sealError(thrown: unknown): _Envelope {
  return _seal(_errorToData(thrown), "the job's error");
}

/** @internal The Error (or thrown value) a sealed error stands for, rebuilt on this side. */
export function _openError(envelope: unknown): unknown {
  return _dataToError(_open(envelope, "the job's error") as _ThrownData);
}
