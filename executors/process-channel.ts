/**
 * Workers as child processes (`node:child_process`, IPC with V8's advanced serialization, so
 * Maps, Sets, typed arrays and Errors cross as they do between threads), for
 * `ProcessPoolExecutor`.
 *
 * @module
 */

import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { _FromWorker } from "./protocol.js";
import { _dataToError } from "./remote-error.js";
import type { _SpawnOptions, _WorkerChannel } from "./worker-channel.js";
import { _inheritedExecArgv, _workerMainUrl } from "./worker-channel.js";

/** @internal Starts a child process running the worker program. */
export function _spawnProcess(options: _SpawnOptions): _WorkerChannel {
  const child = fork(fileURLToPath(_workerMainUrl()), [], {
    execArgv: options.execArgv === undefined ? _inheritedExecArgv(process.execArgv) : [...options.execArgv],
    serialization: "advanced",
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    ...(options.env === undefined ? {} : { env: { ...options.env } }),
  });
  let uncaught: unknown;
  const listeners: ((message: _FromWorker) => void)[] = [];
  child.on("message", (message: _FromWorker) => {
    if (message.type === "fatal") uncaught = _dataToError(message.error);
    else for (const listener of listeners) listener(message);
  });
  // A process that could not start (a bad execArgv ...) reports "error" and may never "exit".
  let exited = false;
  const exitListeners: ((exitCode: number | null, signal: string | null, error: unknown) => void)[] = [];
  const exit = (code: number | null, signal: string | null): void => {
    if (exited) return;
    exited = true;
    for (const listener of exitListeners) listener(code, signal, uncaught);
  };
  child.on("error", (error) => {
    uncaught ??= error;
    if (child.exitCode === null && child.signalCode === null && child.pid === undefined) exit(null, null);
  });
  child.on("exit", (code, signal) => exit(code, signal));
  return {
    name: `process ${child.pid ?? "(not started)"}`,
    send: (message) => {
      if (child.connected) child.send(message);
    },
    onMessage: (listener) => listeners.push(listener),
    onExit: (listener) => exitListeners.push(listener),
    ref: () => {
      child.ref();
      (child.channel as { ref?: () => void } | null | undefined)?.ref?.();
    },
    unref: () => {
      child.unref();
      (child.channel as { unref?: () => void } | null | undefined)?.unref?.();
    },
    kill: () => void child.kill("SIGKILL"),
  };
}
