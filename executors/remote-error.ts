/**
 * Errors across the boundary. A worker sends what its job threw as plain data, and the loop's
 * side makes an Error of it again: name, message, the worker's stack, `cause` (recursively),
 * `code` and the other own properties that can be cloned; the built-in classes (TypeError,
 * RangeError ...) come back as themselves, any other class as an Error with its name.
 *
 * @module
 */

/** @internal An error as data. */
export interface _ErrorData {
  readonly kind: "error";
  readonly name: string;
  readonly message: string;
  readonly stack: string | undefined;
  readonly cause?: _ThrownData;
  readonly errors?: readonly _ThrownData[];
  readonly props: Readonly<Record<string, unknown>>;
}

/** @internal Anything thrown, as data: an Error, or a value that is not one. */
export type _ThrownData = _ErrorData | { readonly kind: "value"; readonly value: unknown };

const BUILT_IN: Readonly<Record<string, new (message?: string) => Error>> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
};

/** @internal What `thrown` is, as data that can be posted to the other side. */
export function _errorToData(thrown: unknown, depth = 0): _ThrownData {
  if (!(thrown instanceof Error)) return { kind: "value", value: cloneOrDescribe(thrown) };
  const props: Record<string, unknown> = {};
  for (const key of Object.keys(thrown)) {
    if (key === "cause" || key === "errors" || key === "message" || key === "stack" || key === "name") continue;
    props[key] = cloneOrDescribe((thrown as unknown as Record<string, unknown>)[key]);
  }
  const data: {
    kind: "error";
    name: string;
    message: string;
    stack: string | undefined;
    cause?: _ThrownData;
    errors?: _ThrownData[];
    props: Record<string, unknown>;
  } = { kind: "error", name: thrown.name, message: thrown.message, stack: thrown.stack, props };
  if (depth < 8 && "cause" in thrown) data.cause = _errorToData(thrown.cause, depth + 1);
  if (depth < 8 && thrown instanceof AggregateError) data.errors = (thrown.errors as unknown[]).map((e) => _errorToData(e, depth + 1));
  return data;
}

/** @internal The Error (or value) that `data` describes. */
export function _dataToError(data: _ThrownData): unknown {
  if (data.kind === "value") return data.value;
  const errors = data.errors?.map(_dataToError);
  let error: Error;
  if (errors !== undefined) error = new AggregateError(errors, data.message);
  else {
    const Class = Object.hasOwn(BUILT_IN, data.name) ? BUILT_IN[data.name] : undefined;
    error = Class === undefined ? new Error(data.message) : new Class(data.message);
  }
  if (error.name !== data.name) Object.defineProperty(error, "name", { value: data.name, configurable: true, writable: true });
  Object.defineProperty(error, "stack", { value: data.stack ?? `${data.name}: ${data.message}`, configurable: true, writable: true });
  if (data.cause !== undefined)
    Object.defineProperty(error, "cause", { value: _dataToError(data.cause), configurable: true, writable: true });
  Object.assign(error, data.props);
  return error;
}

/** A value as it is when structured clone can carry it, else its description. */
function cloneOrDescribe(value: unknown): unknown {
  try {
    return structuredClone(value);
  } catch {
    return typeof value === "function" ? `[function ${value.name || "anonymous"}]` : String(value);
  }
}
