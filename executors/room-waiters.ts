/**
 * Waiters for room in an executor's bounded queue (`room()`): woken in order, as many as there
 * is room for; a waiter whose task was cancelled meanwhile gives its turn to the next.
 *
 * @module
 */

import type { Future } from "../lib/core/future.js";

/** @internal Wakes up to `room` of `waiters` (oldest first), removing them from the array. */
export function _wakeRoomWaiters(waiters: Future<void>[], room: number): void {
  while (room > 0 && waiters.length > 0) {
    const waiter = waiters.shift() as Future<void>;
    if (waiter.done()) continue; // its task was cancelled: the room goes to the next one
    waiter.setResult(undefined);
    room--;
  }
}
