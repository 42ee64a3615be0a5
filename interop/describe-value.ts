/**
 * How the bridges show a failure value in an error message (`Left` values, Effect failures):
 * an Error by its name and message, a string as it is, anything else as JSON when it can be.
 *
 * @module
 */

/** A short text for `value`. */
export function describeValue(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  if (typeof value === "string") return value;
  try {
    const text = JSON.stringify(value) as string | undefined; // undefined for a function or a symbol
    return text ?? String(value);
  } catch {
    return String(value);
  }
}
