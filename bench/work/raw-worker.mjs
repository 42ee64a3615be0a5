/**
 * The raw `node:worker_threads` baseline of the executor throughput row: no pool, no job ids
 * beyond the index, no protocol. Each message is `[index, a, b]`; the reply is `[index, a + b]`.
 */
import { parentPort } from "node:worker_threads";
import { add } from "./executor-work.mjs";

if (parentPort === null) throw new Error("raw-worker.mjs runs in a worker thread");
const port = parentPort;
port.on("message", ([index, a, b]) => {
  port.postMessage([index, add(a, b)]);
});
