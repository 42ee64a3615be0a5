/**
 * Deadlock watch: a loop that waits on its selector when nothing left in the process can ever
 * wake it.
 *
 * The problem: every task is parked on something that will never happen (a Future nobody
 * sets, a cleanup waiting on itself), and no timer, socket or Promise is left. Node's own loop
 * then has nothing to do and exits, and the Promise of `run()` never settles: a script ends with
 * exit code 13 ("unsettled top-level await") or 0, and says nothing.
 *
 * The solution: Node emits `beforeExit` exactly when its loop has nothing left to do. A yieldio
 * loop still waiting at that moment can never be woken, so it stops with an error that lists
 * what each task waits on; `run()` then shuts down as after any failure and rejects with it.
 * One listener serves every loop; it is added on the first wait and kept (it does nothing
 * when no loop waits).
 *
 * What it cannot see: a deadlock in a process that still has other work (a server, a timer of
 * its own) is indistinguishable from a long wait, and is not reported.
 *
 * @module
 */

/** What the watch needs of a loop. */
interface Watched {
  /** The loop is still waiting although Node's loop is empty: stop with an error. */
  _deadlocked(): void;
}

// Invariant: the loops whose Promise from `select()` is outstanding.
const waitingLoops = new Set<Watched>();
let listening = false;

function onBeforeExit(): void {
  for (const loop of [...waitingLoops]) loop._deadlocked();
}

/** @internal The loop now waits on its selector's Promise. */
export function _watchWait(loop: Watched): void {
  waitingLoops.add(loop);
  if (listening) return;
  listening = true;
  process.on("beforeExit", onBeforeExit);
}

/** @internal The loop no longer waits (woken, stopped or closed). */
export function _unwatchWait(loop: Watched): void {
  waitingLoops.delete(loop);
}
