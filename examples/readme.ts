/**
 * The example of the README (kept here so that CI type-checks and can run it):
 *
 *   npm run example -- readme
 */
import { TimeoutError, gather, run, sleep, timeout } from "../lib/index.js";
import type { Coroutine } from "../lib/index.js";

function* fetchUser(id: number): Coroutine<string> {
  yield* sleep(50 * id); // stands in for real I/O
  return `user ${id}`;
}

const names = await run(function* () {
  const names = yield* gather([1, 2, 3].map((id) => fetchUser(id))); // concurrently: 150 ms in all
  try {
    yield* timeout(100, fetchUser(10)); // cancelled after 100 ms
  } catch (error) {
    if (!(error instanceof TimeoutError)) throw error;
    names.push("(user 10 timed out)");
  }
  return names;
});
console.log(names); // [ 'user 1', 'user 2', 'user 3', '(user 10 timed out)' ]
