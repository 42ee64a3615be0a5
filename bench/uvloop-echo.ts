/**
 * uvloop as a contender of the TCP echo, for scale: `bench/work/echo-uvloop.py` runs the same
 * workload on Python's asyncio streams over uvloop, in a child process started once (in the
 * row's untimed setup). A run sends it one line and waits for its "done": the timed part is the
 * workload plus one pipe round trip (well under a millisecond).
 *
 * uvloop comes from Debian (`apt-get install -y python3-uvloop`); without it the contender is
 * left out and the bench says so.
 *
 * @module
 */

import { spawn, spawnSync } from "node:child_process";
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const SCRIPT = fileURLToPath(new URL("work/echo-uvloop.py", import.meta.url));

/** The first Python that has uvloop (pyenv's shim may hide Debian's), or undefined. */
function pythonWithUvloop(): string | undefined {
  for (const python of ["python3", "/usr/bin/python3"]) {
    const probe = spawnSync(python, ["-c", "import uvloop; print(uvloop.__version__)"], { encoding: "utf8" });
    if (probe.status === 0) return python;
  }
  return undefined;
}

/** The uvloop echo process: `start()` in setup, `run()` per timed run, `stop()` in teardown. */
export interface UvloopEcho {
  readonly name: string;
  start(): Promise<void>;
  run(): Promise<void>;
  stop(): Promise<void>;
}

/** The uvloop contender, or undefined when no Python here has uvloop. */
export function uvloopEcho(): UvloopEcho | undefined {
  const python = pythonWithUvloop();
  if (python === undefined) return undefined;
  const version = spawnSync(python, ["-c", "import sys, uvloop; print(uvloop.__version__, sys.version.split()[0])"], { encoding: "utf8" })
    .stdout.trim()
    .split(" ");
  let child: ChildProcessWithoutNullStreams | undefined;
  let waiting: { resolve: () => void; reject: (error: Error) => void } | undefined;

  const answer = (line: string): void => {
    const current = waiting;
    waiting = undefined;
    if (line === "done" || line === "ready") current?.resolve();
    else current?.reject(new Error(`uvloop echo: ${line}`));
  };
  const next = (): Promise<void> => new Promise((resolve, reject) => (waiting = { resolve, reject }));

  return {
    name: `uvloop ${version[0] ?? "?"} (Python ${version[1] ?? "?"})`,
    async start() {
      child = spawn(python, [SCRIPT], { stdio: ["pipe", "pipe", "pipe"] });
      let stderr = "";
      child.stderr.on("data", (chunk: Buffer) => (stderr += String(chunk)));
      child.on("exit", (code) => waiting?.reject(new Error(`uvloop echo exited with ${String(code)}: ${stderr.trim()}`)));
      createInterface({ input: child.stdout }).on("line", answer);
      await next(); // "ready"
    },
    run() {
      if (child === undefined) return Promise.reject(new Error("uvloop echo: not started"));
      const done = next();
      child.stdin.write("run\n");
      return done;
    },
    async stop() {
      if (child === undefined) return;
      const exited = new Promise((resolve) => child?.once("exit", resolve));
      child.stdin.end();
      await exited;
      child = undefined;
    },
  };
}
