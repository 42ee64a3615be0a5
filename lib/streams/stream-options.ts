/**
 * Checks of the arguments of the stream functions, made before anything is opened: a wrong
 * one is a `TypeError` or `RangeError` that names it.
 *
 * @module
 */

import { describeReceived } from "../core/received.js";

/** What each option must be; `undefined` is always allowed (the option is absent). */
type StreamOptionKind = "limit" | "tls" | "backlog" | "object" | "boolean";

/** @internal Throws for an unknown option or one of the wrong kind. */
export function _checkStreamOptions(where: string, options: unknown, known: Readonly<Record<string, StreamOptionKind>>): void {
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new TypeError(`${where} needs an options object (or none): received ${describeReceived(options)}`);
  }
  for (const [name, value] of Object.entries(options)) {
    const kind = known[name];
    if (kind === undefined)
      throw new TypeError(`${where} got an unknown option "${name}": the options are ${Object.keys(known).join(", ")}`);
    if (value !== undefined) checkOption(where, name, kind, value);
  }
}

function checkOption(where: string, name: string, kind: StreamOptionKind, value: unknown): void {
  switch (kind) {
    case "limit":
    case "backlog":
      if (typeof value !== "number") throw new TypeError(`${where} needs options.${name} as a number: received ${describeReceived(value)}`);
      if (!Number.isInteger(value) || value <= 0)
        throw new RangeError(`${where} needs options.${name} as a whole number > 0: received ${value}`);
      return;
    case "tls":
      if (typeof value !== "boolean" && (typeof value !== "object" || value === null)) {
        throw new TypeError(`${where} needs options.tls as true, false or Node's TLS options: received ${describeReceived(value)}`);
      }
      return;
    case "object":
      if (typeof value !== "object" || value === null)
        throw new TypeError(`${where} needs options.${name} as an object: received ${describeReceived(value)}`);
      return;
    case "boolean":
      if (typeof value !== "boolean")
        throw new TypeError(`${where} needs options.${name} as true or false: received ${describeReceived(value)}`);
      return;
  }
}

/** @internal A host name or address: a non-empty string. */
export function _checkHost(where: string, host: unknown): void {
  if (typeof host !== "string") throw new TypeError(`${where} needs a host name or address (a string): received ${describeReceived(host)}`);
  if (host.length === 0) throw new RangeError(`${where} needs a non-empty host: use "127.0.0.1" or "localhost" for this machine`);
}

/** @internal A TCP port: a whole number from 0 to 65535. */
export function _checkPort(where: string, port: unknown): void {
  if (typeof port !== "number") throw new TypeError(`${where} needs a port number: received ${describeReceived(port)}`);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`${where} needs a port from 0 to 65535: received ${port}`);
}

/** @internal A Unix socket path: a non-empty string. */
export function _checkPath(where: string, path: unknown): void {
  if (typeof path !== "string") throw new TypeError(`${where} needs a socket path (a string): received ${describeReceived(path)}`);
  if (path.length === 0) throw new RangeError(`${where} needs a non-empty socket path`);
}
