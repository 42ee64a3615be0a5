/**
 * fetch-with-timeout: the global `fetch` from a coroutine, limited to 3 requests at a time, each
 * under a timeout; a request that times out is aborted, so the server sees it end.
 *
 *   npm run example -- fetch-with-timeout
 *
 * - A local `http` server (port 0) answers `/fast` at once and never answers `/slow`; it prints
 *   each request as it arrives and as its connection ends.
 * - `fromAbortable((signal) => fetch(url, { signal }))` hands fetch an AbortSignal that the
 *   coroutine's cancellation aborts: `timeout(200, ...)` stops a slow request instead of
 *   leaving it running. (`fromPromise(fetch(url))` could not: the request would run on.)
 * - A `Semaphore(3)` limits the requests in flight; a cancelled request has stopped (its fetch
 *   has settled) before its permit is given back, so the client never runs more than 3. The
 *   server hears of an abort a moment later, when the connection's end reaches it, so its own
 *   count can read one more for that moment.
 * - At the end the server has no request left open: the program gave up on the slow ones, and
 *   so did the network.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Semaphore, TimeoutError, fromAbortable, fromPromise, gatherSettled, main, timeout } from "../lib/index.js";
import type { Coroutine } from "../lib/index.js";

const REQUEST_TIMEOUT_MS = 200;

/** The server: `/fast` answers, `/slow` never does; `open` counts requests not yet ended. */
function startHttpServer(): { server: http.Server; open: () => number } {
  let open = 0;
  const server = http.createServer((request, response) => {
    open++;
    console.log(`server: ${request.url ?? "?"} arrived (${open} open)`);
    response.once("close", () => {
      open--;
      console.log(`server: ${request.url ?? "?"} ended (${open} open)`);
    });
    if (request.url?.startsWith("/fast") === true) response.end("ok");
    // /slow: no answer; only the client can end it
  });
  return { server, open: () => open };
}

function* get(limit: Semaphore, url: string): Coroutine<string> {
  using _permit = yield* limit.acquire();
  try {
    const body = yield* timeout(
      REQUEST_TIMEOUT_MS,
      fromAbortable(async (signal) => {
        const response = await fetch(url, { signal });
        return response.text();
      }),
    );
    return `${url}: ${body}`;
  } catch (error) {
    if (error instanceof TimeoutError) return `${url}: gave up after ${REQUEST_TIMEOUT_MS} ms`;
    throw error;
  }
}

await main(function* () {
  const { server, open } = startHttpServer();
  yield* fromPromise(new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve)));
  try {
    const { port } = server.address() as AddressInfo;
    const limit = new Semaphore(3);
    const paths = ["/fast/1", "/slow/1", "/fast/2", "/slow/2", "/slow/3", "/fast/3"];
    const outcomes = yield* gatherSettled(paths.map((path) => get(limit, `http://127.0.0.1:${port}${path}`)));
    for (const outcome of outcomes) console.log(outcome.status === "fulfilled" ? outcome.value : `failed: ${String(outcome.reason)}`);
    // The aborted requests' connections close on the server a moment later.
    while (open() > 0) yield* fromPromise(new Promise((resolve) => setTimeout(resolve, 5)));
    console.log(`requests still open on the server: ${open()}`);
  } finally {
    server.closeAllConnections();
    server.close();
  }
});
