/**
 * The worker processes of both contenders: each a `node --import=tsx` child of the bench, in
 * the repository's folder, ready once it has printed its "taking jobs" line on stderr, stopped
 * with SIGTERM (SIGKILL if it has not exited within 5 s). Their stderr is kept, to show why one
 * failed to start or died.
 *
 * @module
 */

import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The repository's folder: the CLI's and the workers' working directory. */
export const REPO_DIR = fileURLToPath(new URL("../../", import.meta.url));

/** The line a worker prints on stderr once it takes jobs. */
const READY = "taking jobs";

/** How long a worker may take to connect and print it. */
const START_MS = 30_000;

/** Started worker processes, stopped together. */
export class WorkerProcesses {
  readonly #children: { readonly child: ChildProcess; readonly exited: Promise<void> }[] = [];
  #stopping = false;

  /** The process ids of the workers started, for their CPU time. */
  get pids(): number[] {
    return this.#children.map(({ child }) => child.pid!);
  }

  /** Starts `node --import=tsx <args>` and resolves once it takes jobs. */
  async start(name: string, args: readonly string[]): Promise<void> {
    const child = spawn(process.execPath, ["--import=tsx", ...args], { cwd: REPO_DIR, stdio: ["ignore", "ignore", "pipe"] });
    const exited = new Promise<void>((resolve) => child.once("close", () => resolve()));
    this.#children.push({ child, exited });
    let output = "";
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => fail(`did not print "${READY}" within ${START_MS / 1000} s`), START_MS);
      const fail = (why: string): void => {
        clearTimeout(timer);
        reject(new Error(`bench: ${name} ${why}:\n${output}`));
      };
      child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
        output += chunk;
        if (output.includes(READY)) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once("error", (error) => fail(`could not start (${error.message})`));
      child.once("exit", (code, signal) => fail(`exited (${signal ?? `code ${code}`})`));
    });
    // Once ready, later output is a worker's error report: shown, so a stuck run can be explained
    // (but not its goodbye once stopped).
    child.stderr.on("data", (chunk: string) => {
      if (!this.#stopping) process.stderr.write(`  ${name}: ${chunk}`);
    });
  }

  /** Stops every worker (SIGTERM: BullMQ closes after its running jobs) and waits for them to exit. */
  async stop(): Promise<void> {
    this.#stopping = true;
    const children = this.#children.splice(0);
    await Promise.all(
      children.map(async ({ child, exited }) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill("SIGTERM");
        const killer = setTimeout(() => child.kill("SIGKILL"), 5000);
        await exited;
        clearTimeout(killer);
      }),
    );
  }
}
