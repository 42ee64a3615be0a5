/**
 * Grant: what `lock.acquire()` and `semaphore.acquire()` resolve to, a token for one acquire.
 * Disposing it (`using _ = yield* lock.acquire()`) releases that acquire, once.
 *
 * The problem it solves: when `acquire()` resolved to the primitive itself, every acquire got
 * the same Disposable, so a grant disposed twice released twice, and a stale grant (kept past
 * its `using` block) could unlock a lock that another task held by then.
 *
 * @module
 */

import { InvalidStateError } from "../core/errors.js";

/** @internal The primitive a grant releases. */
export interface GrantIssuer {
  /** What is acquired, for messages (`lock.acquire()`). */
  readonly description: string;
  /** Releases the acquire `grant` stands for; may refuse (a lock's grant that no longer holds it). */
  _releaseGrant(grant: Grant): void;
}

/** @internal One acquire of a lock or a semaphore; disposing it releases that acquire once. */
export class Grant implements Disposable {
  // Invariant: the issuer until the grant is disposed, then undefined.
  #issuer: GrantIssuer | undefined;

  constructor(issuer: GrantIssuer) {
    this.#issuer = issuer;
  }

  /**
   * Releases the acquire.
   *
   * @throws {@link InvalidStateError} if this grant was disposed already (each acquire releases
   *   once), or if the issuer refuses (see `Lock`).
   */
  [Symbol.dispose](): void {
    const issuer = this.#issuer;
    if (issuer === undefined) {
      throw new InvalidStateError(
        "a grant of acquire() was disposed twice: each acquire releases once; dispose the grant once (a `using` declaration does it for you)",
      );
    }
    this.#issuer = undefined;
    issuer._releaseGrant(this);
  }
}
