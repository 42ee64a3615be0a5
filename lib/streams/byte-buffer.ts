/**
 * The bytes a reader holds: one growable array read from a start index, so that appending and
 * consuming are amortised O(1) and a separator is searched in one contiguous view.
 *
 * @module
 */

const EMPTY = new Uint8Array(0);

/** @internal A FIFO of bytes. */
export class _ByteBuffer {
  #bytes = new Uint8Array(1024);
  #start = 0;
  #end = 0;

  /** How many bytes are held. */
  get length(): number {
    return this.#end - this.#start;
  }

  /** Appends a copy of `chunk`. */
  append(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    if (this.#end + chunk.length > this.#bytes.length) this.#makeRoom(chunk.length);
    this.#bytes.set(chunk, this.#end);
    this.#end += chunk.length;
  }

  /** The held bytes, as a view (valid until the next append or take). */
  view(): Uint8Array {
    return this.#bytes.subarray(this.#start, this.#end);
  }

  /** The index of `separator` in the held bytes, searching from `from`, or -1. */
  indexOf(separator: Uint8Array, from: number): number {
    return Buffer.from(this.#bytes.buffer, this.#bytes.byteOffset + this.#start, this.length).indexOf(separator, from);
  }

  /** Removes and returns the first `n` bytes (a copy). */
  take(n: number): Uint8Array {
    if (n <= 0) return EMPTY;
    const out = this.#bytes.slice(this.#start, this.#start + n);
    this.#start += n;
    if (this.#start === this.#end) this.#start = this.#end = 0;
    return out;
  }

  #makeRoom(extra: number): void {
    const held = this.length;
    // Reuse the array when sliding the held bytes down frees enough; else grow it.
    if (held + extra <= this.#bytes.length / 2) {
      this.#bytes.copyWithin(0, this.#start, this.#end);
    } else {
      const grown = new Uint8Array(Math.max(this.#bytes.length * 2, held + extra));
      grown.set(this.#bytes.subarray(this.#start, this.#end));
      this.#bytes = grown;
    }
    this.#start = 0;
    this.#end = held;
  }
}
