/**
 * The program each pool worker runs: a worker thread (`ThreadPoolExecutor`) or a child
 * process (`ProcessPoolExecutor`). It waits for `init`, runs the initializer, says `ready`,
 * then runs one job at a time until `close` (teardown, then exit).
 *
 * Errors a job leaves behind (an unhandled rejection in one of its timers) are reported to the
 * pool with the job that made them; they never fail another job. An uncaught exception ends
 * the worker, as it would end a program: the pool fails the running job with
 * `WorkerExitedError` and starts a new worker.
 *
 * @module
 */

import { parentPort } from "node:worker_threads";
import type { Transferable } from "node:worker_threads";
import { _JobContextImpl, _JobRunner } from "./job-runner.js";
import { _describeRef } from "./protocol.js";
import type { _FromWorker, _RefData, _ToWorker } from "./protocol.js";
import { _errorToData } from "./remote-error.js";
import { _transferListOf } from "./transfer.js";

/** How this worker talks to its pool. */
interface Channel {
  post(message: _FromWorker, transfer: readonly object[]): void;
  onMessage(listener: (message: _ToWorker) => void): void;
  /** Ends the worker once what was posted has left. */
  exit(code: number): void;
}

function threadChannel(port: NonNullable<typeof parentPort>): Channel {
  return {
    post: (message, transfer) => {
      port.postMessage(message, transfer as Transferable[]);
    },
    onMessage: (listener) => port.on("message", listener),
    exit: (code) => {
      port.close();
      process.exit(code);
    },
  };
}

function processChannel(): Channel {
  const send = process.send?.bind(process);
  if (send === undefined) throw new Error("worker-main runs in a pool's worker thread or child process, not on its own");
  return {
    post: (message) => void send(message),
    onMessage: (listener) => process.on("message", listener as (message: unknown) => void),
    exit: (code) => {
      // Whatever was sent must reach the pool before the process ends: the last message's
      // callback runs once it (and so everything before it) has left.
      send({ type: "exiting" } satisfies _FromWorker, undefined, undefined, () => process.exit(code));
    },
  };
}

const channel = parentPort === null ? processChannel() : threadChannel(parentPort);
const runner = new _JobRunner();
const running = new Map<number, _JobContextImpl>();
let teardown: _RefData | undefined;

process.on("unhandledRejection", (reason) => {
  const job = runner.currentJob();
  channel.post(
    {
      type: "stray",
      id: job?.id,
      what: job?.description ?? "code outside any job (a work module's top level)",
      error: _errorToData(reason),
    },
    [],
  );
});
if (parentPort === null) {
  // A child process: say why it ends before it ends (a worker thread's pool sees the error itself).
  process.on("uncaughtException", (error) => {
    const send = process.send?.bind(process);
    if (send === undefined) process.exit(1);
    send({ type: "fatal", error: _errorToData(error) } satisfies _FromWorker, undefined, undefined, () => process.exit(1));
  });
}

channel.onMessage((message) => {
  switch (message.type) {
    case "init":
      teardown = message.teardown;
      void initialize(message.initializer);
      return;
    case "run":
      runJob(message.id, message.ref, message.args);
      return;
    case "cancel":
      running.get(message.id)?.abort();
      return;
    case "close":
      void close();
      return;
  }
});

async function initialize(initializer: _RefData | undefined): Promise<void> {
  try {
    if (initializer !== undefined) await runner.run(new _JobContextImpl(0, initializer), initializer, []);
    channel.post({ type: "ready" }, []);
  } catch (error) {
    channel.post({ type: "init-failed", error: _errorToData(error) }, []);
  }
}

/** Runs one job and answers: in the same turn when its function is loaded and returns a plain value. */
function runJob(id: number, ref: _RefData, args: readonly unknown[]): void {
  const context = new _JobContextImpl(id, ref);
  running.set(id, context);
  const fn = runner.loaded(ref);
  if (fn === undefined) {
    runner.run(context, ref, args).then(
      (value) => {
        answer(id, ref, true, value);
      },
      (error: unknown) => {
        answer(id, ref, false, error);
      },
    );
    return;
  }
  let value: unknown;
  try {
    value = runner.call(context, fn, args);
  } catch (error) {
    answer(id, ref, false, error);
    return;
  }
  if (typeof (value as PromiseLike<unknown> | null)?.then === "function") {
    (value as PromiseLike<unknown>).then(
      (result) => {
        answer(id, ref, true, result);
      },
      (error: unknown) => {
        answer(id, ref, false, error);
      },
    );
  } else {
    answer(id, ref, true, value);
  }
}

function answer(id: number, ref: _RefData, ok: boolean, outcome: unknown): void {
  running.delete(id);
  let reply: _FromWorker;
  let transfer: readonly object[] = NOTHING;
  if (ok) {
    reply = { type: "done", id, ok: true, value: outcome };
    if (typeof outcome === "object" && outcome !== null) transfer = _transferListOf([outcome], undefined);
  } else {
    reply = { type: "done", id, ok: false, error: _errorToData(outcome) };
  }
  try {
    channel.post(reply, transfer);
  } catch (error) {
    // The result cannot be cloned (a function inside it ...): the job fails, saying so.
    const failure = new TypeError(`the result of ${_describeRef(ref)} cannot be sent back from the worker: ${String(error)}`, {
      cause: error,
    });
    channel.post({ type: "done", id, ok: false, error: _errorToData(failure) }, NOTHING);
  }
}

const NOTHING: readonly object[] = [];

async function close(): Promise<void> {
  if (teardown !== undefined) {
    try {
      await runner.run(new _JobContextImpl(0, teardown), teardown, []);
    } catch (error) {
      channel.post(
        { type: "stray", id: undefined, what: `the worker's teardown ${_describeRef(teardown)}`, error: _errorToData(error) },
        [],
      );
    }
  }
  channel.exit(0);
}
