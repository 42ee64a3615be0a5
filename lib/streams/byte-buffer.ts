/**
 * The bytes a reader holds: one growable array read from a start index, so that appending and
 * consuming are amortised O(1) and a separator is searched in one contiguous view.
 *
 * The common case of a socket, one chunk arriving into an empty buffer and read whole (a
 * request, an echo), copies nothing: that chunk is held as it is (`#solo`) and handed back,
 * and only a second chunk arriving behind it moves it into the array.
 *
 * @module
 */

const EMPTY = new Uint8Array(0);

/** @internal A FIFO of bytes. */
export class _ByteBuffer {
  // Invariant: when #solo is set, it is all that is held and the array part is empty
  // (#start === #end === 0). Its bytes are never written to (a taken part may share them).
  #solo: Uint8Array | undefined;
  #bytes = new Uint8Array(1024);
  #start = 0;
  #end = 0;

  /** How many bytes are held. */
  get length(): number {
    return this.#solo === undefined ? this.#end - this.#start : this.#solo.length;
  }

  /** Appends `chunk`, which must not be changed afterwards (it may be held as it is). */
  append(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    if (this.length === 0) {
      this.#solo = chunk;
      return;
    }
    if (this.#solo !== undefined) this.#unsolo();
    if (this.#end + chunk.length > this.#bytes.length) this.#makeRoom(chunk.length);
    this.#bytes.set(chunk, this.#end);
    this.#end += chunk.length;
  }

  /** The held bytes, as a view (valid until the next append or take). */
  view(): Uint8Array {
    return this.#solo ?? this.#bytes.subarray(this.#start, this.#end);
  }

  /** The index of `separator` in the held bytes, searching from `from`, or -1. */
  indexOf(separator: Uint8Array, from: number): number {
    const held = this.view();
    return Buffer.from(held.buffer, held.byteOffset, held.length).indexOf(separator, from);
  }

  /** Removes and returns the first `n` bytes (the caller may keep them). */
  take(n: number): Uint8Array {
    if (n <= 0) return EMPTY;
    const solo = this.#solo;
    if (solo !== undefined) {
      if (n >= solo.length) {
        this.#solo = undefined;
        return solo;
      }
      this.#solo = solo.subarray(n);
      return solo.subarray(0, n);
    }
    const out = this.#bytes.slice(this.#start, this.#start + n);
    this.#start += n;
    if (this.#start === this.#end) this.#start = this.#end = 0;
    return out;
  }

  /** Moves the solo chunk into the array, so that more can be appended behind it. */
  #unsolo(): void {
    const solo = this.#solo as Uint8Array;
    this.#solo = undefined;
    if (solo.length > this.#bytes.length) this.#bytes = new Uint8Array(solo.length * 2);
    this.#bytes.set(solo, 0);
    this.#start = 0;
    this.#end = solo.length;
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
