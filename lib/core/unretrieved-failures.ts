/**
 * The failed futures whose exception nobody has looked at yet, and how they are reported: when
 * the future is garbage-collected (asyncio reports in `Future.__del__`), or when the loop
 * closes, whichever comes first.
 *
 * The problem: a set of the failed futures, reported at `close()`, kept every unretrieved
 * failure alive for the life of a long-running loop, and a future that failed after its loop
 * had closed was reported nowhere.
 *
 * The solution: the loop keeps only weak references; a FinalizationRegistry reports a future
 * that is collected unretrieved. What the report needs (the future's description and its
 * error) is held apart from the future, so holding it does not keep the future alive.
 *
 * What can still go wrong: an error that refers to its own future keeps it alive, so it is
 * reported at close only (or never, if it failed after close). A report at collection time
 * comes whenever the collector runs, in a later turn of Node's loop.
 *
 * @module
 */

import type { ExceptionContext } from "./event-loop.js";
import type { Future } from "./future.js";

/** Where reports go: the loop's exception handler. */
interface Reporter {
  callExceptionHandler(context: ExceptionContext): void;
}

/** What a report of a collected future needs, held apart from the future. */
interface Held {
  readonly failures: UnretrievedFailures;
  readonly ref: WeakRef<Future<unknown>>;
  readonly description: string;
  readonly exception: unknown;
}

const collected = new FinalizationRegistry<Held>((held) => held.failures._collected(held));

/** @internal The unretrieved failures of one loop (see the module comment). */
export class UnretrievedFailures {
  readonly #reporter: Reporter;
  // Invariant: a future is in #refs exactly when its WeakRef is in #live and registered with
  // `collected` (token: the WeakRef); all three are dropped together.
  readonly #live = new Set<WeakRef<Future<unknown>>>();
  readonly #refs = new WeakMap<Future<unknown>, WeakRef<Future<unknown>>>();

  constructor(reporter: Reporter) {
    this.#reporter = reporter;
  }

  /** A future failed: report it unless someone retrieves its exception first. */
  add(future: Future<unknown>): void {
    if (this.#refs.has(future)) return;
    const ref = new WeakRef(future);
    this.#live.add(ref);
    this.#refs.set(future, ref);
    const held: Held = { failures: this, ref, description: future._describeWithSite(), exception: future._outcomeValue() };
    collected.register(future, held, ref);
  }

  /** Its exception was retrieved: never report it. */
  delete(future: Future<unknown>): void {
    const ref = this.#refs.get(future);
    if (ref === undefined) return;
    this.#forget(future, ref);
  }

  /** Reports every failure still unretrieved (the loop is closing). */
  reportAll(): void {
    for (const ref of this.#live) {
      const future = ref.deref();
      if (future === undefined) continue; // collected: its report is on its way
      this.#forget(future, ref);
      this.#report(future._describeWithSite(), future._outcomeValue(), future);
    }
  }

  /** @internal A future was collected unretrieved. */
  _collected(held: Held): void {
    if (!this.#live.delete(held.ref)) return;
    this.#report(held.description, held.exception, undefined);
  }

  #forget(future: Future<unknown>, ref: WeakRef<Future<unknown>>): void {
    this.#live.delete(ref);
    this.#refs.delete(future);
    collected.unregister(ref);
  }

  #report(description: string, exception: unknown, future: Future<unknown> | undefined): void {
    this.#reporter.callExceptionHandler({
      message: `${description} exception was never retrieved`,
      exception,
      ...(future === undefined ? {} : { future }),
    });
  }
}
