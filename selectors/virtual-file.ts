/**
 * In-memory file objects for {@link VirtualSelector}: their readiness is set by the test.
 *
 * @module
 */

/**
 * A file object that exists only in memory. Tests set its readiness with
 * {@link VirtualFile.setReadable} and {@link VirtualFile.setWritable}; a `VirtualSelector`
 * reports it (level-triggered) while it stays ready, and wakes up when readiness changes.
 *
 * @example
 * ```ts
 * const file = new VirtualFile("pipe");
 * loop.addReader(file, () => { console.log("readable"); file.setReadable(false); });
 * loop.callLater(50, () => file.setReadable(true));
 * ```
 */
export class VirtualFile {
  /** A name for messages and traces. */
  readonly name: string;
  #readable = false;
  #writable = false;
  /** @internal Selectors watching this file, told when readiness changes. */
  readonly _watchers = new Set<() => void>();

  constructor(name = "virtual-file") {
    this.name = name;
  }

  /** True while the file is ready for reading. */
  get readable(): boolean {
    return this.#readable;
  }

  /** True while the file is ready for writing. */
  get writable(): boolean {
    return this.#writable;
  }

  /** Sets read readiness; becoming ready wakes the selectors watching the file. */
  setReadable(ready: boolean): void {
    this.#readable = ready;
    if (ready) this.#notify();
  }

  /** Sets write readiness; becoming ready wakes the selectors watching the file. */
  setWritable(ready: boolean): void {
    this.#writable = ready;
    if (ready) this.#notify();
  }

  #notify(): void {
    for (const wake of this._watchers) wake();
  }
}
