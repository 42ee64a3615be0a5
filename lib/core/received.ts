/**
 * How argument checks name what they were given: `null` or the `typeof` of the value.
 *
 * @module
 */

/**
 * @internal `"null"` or `typeof value`, for "received ..." in the TypeErrors of argument checks.
 * It takes `unknown` because a JavaScript caller can pass anything, whatever the types say.
 */
export function describeReceived(value: unknown): string {
  return value === null ? "null" : typeof value;
}
