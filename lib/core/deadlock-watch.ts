/**
 * Deadlock watch: a loop that waits on its selector when nothing left in the process can ever
 * wake it.
 *
 * The problem: every task is parked on something that will never happen (a Future nobody
 * sets, a cleanup waiting on itself), and no timer, socket or Promise is left. Node's own loop
 * then has nothing to do and exits, and the Promise of `run()` never settles: a script ends with
 * exit code 13 ("unsettled top-level await") or 0, and says nothing.
 *
 * The solution: Node emits `beforeExit` when its loop has nothing left to do. Other listeners
 * may still wake us from there (a logger flushing on `beforeExit` settles a Promise a task
 * waits on), so the first `beforeExit` of a wait only marks the loop as suspect and gives Node
 * one more turn (`setImmediate`), in which the work those listeners queued runs. A wait that
 * ends clears the mark. If Node's loop empties again and the same wait is still on, nothing can
 * wake it: the loop stops with an error that lists what each task waits on, and `run()` shuts
 * down as after any failure and rejects with it. One listener serves every loop; it is added on
 * the first wait and kept (it does nothing when no loop waits).
 *
 * What it cannot see: a deadlock in a process that still has other work (a server, a timer of
 * its own) is indistinguishable from a long wait, and is not reported.
 *
 * @module
 */

/** What the watch needs of a loop. */
interface Watched {
  /** The number of the wait on the selector now outstanding, or -1 when the loop is not waiting. */
  _currentWait(): number;
  /** The loop is still waiting although Node's loop is empty: stop with an error. */
  _deadlocked(): void;
}

// Invariant: the running loops, each with the number of the wait that was outstanding when
// Node's loop last emptied (suspect), or -1. A loop is added when it starts running and removed
// when it stops, not on every wait: a wait is the hot path of I/O (one per readable socket),
// and a Map that empties and refills on each one costs a rehash every time.
const runningLoops = new Map<Watched, number>();
let listening = false;

function onBeforeExit(): void {
  let anySuspect = false;
  for (const [loop, suspectWait] of [...runningLoops]) {
    const wait = loop._currentWait();
    if (wait === -1) runningLoops.set(loop, -1);
    else if (wait === suspectWait) loop._deadlocked();
    else {
      runningLoops.set(loop, wait);
      anySuspect = true;
    }
  }
  if (anySuspect) setImmediate(noop); // one more turn: what other listeners queued runs first
}

function noop(): void {}

/** @internal The loop starts running: watch its waits until it stops. */
export function _watchLoop(loop: Watched): void {
  runningLoops.set(loop, -1);
  if (listening) return;
  listening = true;
  process.on("beforeExit", onBeforeExit);
}

/** @internal The loop stopped running (or closed). */
export function _unwatchLoop(loop: Watched): void {
  runningLoops.delete(loop);
}
