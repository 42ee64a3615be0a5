import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import test from "ava";

// These tests run fixture scripts in a child process and so wait on its real time by nature;
// they assert exit codes and output, never durations.

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
/** A child that has not exited after this long is killed, so that a hang fails the test instead of stalling it. */
const HANG_LIMIT_MS = 20_000;

interface ChildRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly lines: readonly string[];
}

/** Runs `test/fixtures/<name>.ts`, calling `onLine` for each line of stdout as it arrives. */
function runFixture(name: string, onLine: (line: string, child: ChildProcess) => void = () => {}): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import=tsx", `test/fixtures/${name}.ts`], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let pending = "";
    const lines: string[] = [];
    const guard = setTimeout(() => child.kill("SIGKILL"), HANG_LIMIT_MS);
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
      pending += chunk;
      for (let end = pending.indexOf("\n"); end >= 0; end = pending.indexOf("\n")) {
        const line = pending.slice(0, end);
        pending = pending.slice(end + 1);
        lines.push(line);
        onLine(line, child);
      }
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.on("error", (error) => {
      clearTimeout(guard);
      reject(error);
    });
    child.on("close", (code, signal) => {
      clearTimeout(guard);
      resolve({ code, signal, stdout, stderr, lines });
    });
  });
}

test("`main()` behaviour: exit code 0 when the main operation succeeds", async (t) => {
  const result = await runFixture("main-success");
  t.is(result.code, 0, result.stderr);
  t.deepEqual(result.lines, ["main done"]);
  t.is(result.stderr, "");
});

test("`main()` behaviour: exit code 1 and the error on stderr when the main operation fails", async (t) => {
  const result = await runFixture("main-error");
  t.is(result.code, 1);
  t.regex(result.stderr, /Error: fixture failure: the main operation threw/);
  t.regex(result.stderr, /main-error\.ts/, "the stack is printed");
  t.deepEqual(result.lines, []);
});

test("`main()` behaviour: a failure's cause is printed on stderr with it", async (t) => {
  const result = await runFixture("main-error-cause");
  t.is(result.code, 1);
  t.regex(result.stderr, /Error: outer failure/);
  t.regex(result.stderr, /inner cause of the failure/, "the cause is printed");
  t.regex(result.stderr, /main-error-cause\.ts/, "the stack is printed");
  t.deepEqual(result.lines, []);
});

test("`main()` behaviour: SIGINT cancels the main task, every finally runs, exit code 130", async (t) => {
  const result = await runFixture("main-signal", (line, child) => {
    if (line === "ready") child.kill("SIGINT");
  });
  t.is(result.code, 130, result.stderr);
  t.is(result.signal, null);
  t.deepEqual(result.lines, ["ready", "inner finally", "outer finally"]);
  t.is(result.stderr, "");
});

test("`main()` behaviour: SIGTERM cancels the main task, every finally runs, exit code 143", async (t) => {
  const result = await runFixture("main-signal", (line, child) => {
    if (line === "ready") child.kill("SIGTERM");
  });
  t.is(result.code, 143, result.stderr);
  t.deepEqual(result.lines, ["ready", "inner finally", "outer finally"]);
  t.is(result.stderr, "");
});

test("`main()` behaviour: a main operation that handles the signal and returns still exits with 130", async (t) => {
  const result = await runFixture("main-graceful", (line, child) => {
    if (line === "ready") child.kill("SIGINT");
  });
  t.is(result.code, 130, result.stderr);
  t.deepEqual(result.lines, ["ready", "handled: signal SIGINT"]);
});

test("`main()` behaviour: a second SIGINT exits at once with 130 while the main task is stuck in a shielded cleanup", async (t) => {
  const result = await runFixture("main-stuck", (line, child) => {
    if (line === "ready") child.kill("SIGINT");
    if (line === "cleanup started") child.kill("SIGINT");
  });
  t.is(result.code, 130, result.stderr);
  t.is(result.signal, null);
  t.deepEqual(result.lines, ["ready", "cleanup started"]);
});
