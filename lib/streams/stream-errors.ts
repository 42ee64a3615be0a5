/**
 * The errors of the streams layer.
 *
 * @module
 */

/**
 * Raised by `readExactly(n)` and `readUntil(separator)` when the stream ends first. `partial`
 * holds the bytes read before the end (they are consumed), `expected` what was asked for: a
 * byte count, or `undefined` for a separator.
 *
 * @example
 * ```ts
 * try {
 *   const header = yield* reader.readExactly(8);
 * } catch (error) {
 *   if (error instanceof IncompleteReadError) console.log(`the peer closed after ${error.partial.length} bytes`);
 *   else throw error;
 * }
 * ```
 */
export class IncompleteReadError extends Error {
  static {
    this.prototype.name = "IncompleteReadError";
  }
  /** The bytes read before the end of the stream. */
  readonly partial: Uint8Array;
  /** The number of bytes asked for, or undefined when reading up to a separator. */
  readonly expected: number | undefined;

  /**
   * @param partial - the bytes read before the end.
   * @param expected - the byte count asked for, or undefined.
   */
  constructor(partial: Uint8Array, expected: number | undefined) {
    super(
      `the stream ended after ${partial.length} bytes, before ${expected === undefined ? "the separator" : `the ${expected} bytes asked for`}`,
    );
    this.partial = partial;
    this.expected = expected;
  }
}

/**
 * Raised by `readUntil()` and `readLine()` when more than the reader's `limit` bytes arrive
 * without the separator: a peer cannot make the reader buffer without bound. The bytes stay in
 * the reader (`consumed` says how many were looked at), except for `readLine()`, which drops
 * the over-long line, as asyncio's does.
 *
 * @example
 * ```ts
 * try {
 *   const line = yield* reader.readLine();
 * } catch (error) {
 *   if (error instanceof LimitOverrunError) writer.write("line too long\n");
 *   else throw error;
 * }
 * ```
 */
export class LimitOverrunError extends Error {
  static {
    this.prototype.name = "LimitOverrunError";
  }
  /** How many bytes were searched before giving up. */
  readonly consumed: number;

  /**
   * @param message - what was read and the limit.
   * @param consumed - the bytes searched.
   */
  constructor(message: string, consumed: number) {
    super(message);
    this.consumed = consumed;
  }
}
