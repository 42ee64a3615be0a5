/**
 * The `yieldio` command, run as a child process from its build (`dist/cli/yieldio.js`, which
 * `npm test` builds first), on the scripts in test/fixtures/cli.
 */
import test from "ava";
import { execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { TraceFile } from "../../lib/index.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const bin = join(root, "dist/cli/yieldio.js");
const fixture = (name: string): string => `test/fixtures/cli/${name}`;

interface Outcome {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `yieldio ...args` from the repository's root; resolves however it exits. */
function yieldio(...args: string[]): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { cwd: root, timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : null;
      resolve({ code, stdout, stderr });
    });
  });
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "yieldio-cli-"));
}

test("`yieldio --help` behaviour: prints the commands and exits 0; no command prints it too", async (t) => {
  for (const args of [["--help"], ["-h"], []]) {
    const { code, stdout, stderr } = await yieldio(...args);
    t.is(code, 0);
    t.regex(stdout, /^Usage: yieldio <command> \[options\]/);
    t.regex(stdout, /run <script> \[--debug\] \[--trace <file\.json>\]/);
    t.regex(stdout, /trace view <file\.json> \[-o <file\.html>\]/);
    t.is(stderr, "");
  }
});

test("`yieldio --version` behaviour: prints the package's version", async (t) => {
  const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string };
  const { code, stdout } = await yieldio("--version");
  t.is(code, 0);
  t.is(stdout, `${version}\n`);
});

test("`yieldio run` behaviour: runs a script's default generator function; arguments after -- reach the script", async (t) => {
  const { code, stdout, stderr } = await yieldio("run", fixture("hello.mjs"), "--", "one", "--two");
  t.is(stderr, "");
  t.is(code, 0);
  t.is(stdout, 'hello from a script, argv: ["one","--two"]\n');
});

test("`yieldio run` behaviour: a TypeScript script runs through tsx; a default Operation object runs too", async (t) => {
  const typed = await yieldio("run", fixture("workers.ts"));
  t.is(typed.stderr, "");
  t.is(typed.stdout, "workers done: 15\n");
  const operation = await yieldio("run", fixture("operation.mjs"));
  t.is(operation.stdout, "an Operation ran\n");
  t.is(operation.code, 0);
});

test("`yieldio run --trace` behaviour: writes a Chrome trace with a track per task, whatever the outcome, and says where", async (t) => {
  const dir = tempDir();
  try {
    const file = join(dir, "out.json");
    const { code, stdout, stderr } = await yieldio("run", fixture("workers.ts"), "--trace", file); // a flag after the script
    t.is(code, 0);
    t.is(stdout, "workers done: 15\n");
    t.regex(stderr, new RegExp(`^yieldio: trace written to ${file.replace(/[.]/g, "\\.")} \\(\\d+ events\\)\\n$`));
    const trace = JSON.parse(readFileSync(file, "utf8")) as TraceFile;
    const tracks = trace.traceEvents.filter((e) => e.name === "thread_name").map((e) => e.args?.["name"]);
    t.true(tracks.includes("fetcher") && tracks.includes("parser") && tracks.includes("event loop"), String(tracks));
    t.true(tracks.includes("main (workers.ts)"), "the main task's track is named after the script");
    t.true(trace.traceEvents.some((e) => e.ph === "X" && e.name === "step"));

    const failed = await yieldio("run", "--trace", join(dir, "failed.json"), fixture("fails.mjs"));
    t.is(failed.code, 1);
    t.true(existsSync(join(dir, "failed.json")), "written when the script fails too");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("`yieldio run --debug` behaviour: debug mode reports a step that held the loop", async (t) => {
  const { code, stderr } = await yieldio("run", "--debug", fixture("slow-step.mjs"));
  t.is(code, 0);
  t.regex(stderr, /slow step of Task main \(slow-step\.mjs\) \(created at .*\) took \d+\.\d ms/, "the main task is named after the script");
  const quiet = await yieldio("run", fixture("slow-step.mjs"));
  t.is(quiet.stderr, "", "not without --debug");
});

test("`yieldio run` behaviour: a failing script prints its error and exits 1", async (t) => {
  const { code, stdout, stderr } = await yieldio("run", fixture("fails.mjs"));
  t.is(code, 1);
  t.is(stdout, "");
  t.regex(stderr, /Error: the script failed on purpose/);
});

test("`yieldio run` behaviour: Ctrl-C cancels the script, its finally runs, and the exit code is 130", async (t) => {
  const child = spawn(process.execPath, [bin, "run", fixture("interrupted.mjs")], { cwd: root });
  let stdout = "";
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (chunk: string) => {
    stdout += chunk;
    if (stdout === "ready\n") child.kill("SIGINT");
  });
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  t.is(stdout, "ready\ncleaned up\n");
  t.is(code, 130);
});

test("`yieldio run` behaviour: a missing file, a missing script, a default export of the wrong kind and an unknown flag are usage errors (exit 2) that say what to do", async (t) => {
  const cases: Array<[string[], RegExp]> = [
    [["run", "nowhere.ts"], /^yieldio: no such file: nowhere\.ts\n/],
    [["run"], /^yieldio: run needs a script: yieldio run <script>\n/],
    [["run", fixture("number.mjs")], /default export is a number: export default an Operation or a generator function/],
    [["run", fixture("no-default.mjs")], /has no default export: export default an Operation or a generator function/],
    [["run", fixture("async-function.mjs")], /default export is an async function: yieldio runs coroutines/],
    [["run", fixture("hello.mjs"), "--tarce", "x.json"], /^yieldio: Unknown option '--tarce'/],
    [["launch"], /^yieldio: unknown command: launch\n/],
  ];
  for (const [args, message] of cases) {
    const { code, stdout, stderr } = await yieldio(...args);
    t.is(code, 2, args.join(" "));
    t.is(stdout, "");
    t.regex(stderr, message);
    t.regex(stderr, /Run yieldio --help for usage\.\n$/);
  }
});

test("`yieldio trace view` behaviour: writes the HTML timeline next to the trace (or to -o) and prints its path", async (t) => {
  const dir = tempDir();
  try {
    const file = join(dir, "run.json");
    t.is((await yieldio("run", fixture("hello.mjs"), "--trace", file)).code, 0);
    const beside = await yieldio("trace", "view", file);
    t.is(beside.code, 0);
    t.is(beside.stdout, `${join(dir, "run.html")}\n`);
    const html = readFileSync(join(dir, "run.html"), "utf8");
    t.regex(html, /^<!doctype html>/);
    t.regex(html, /<title>run\.json<\/title>/);

    const chosen = join(dir, "chosen.html");
    const named = await yieldio("trace", "view", file, "-o", chosen);
    t.is(named.stdout, `${chosen}\n`);
    t.true(existsSync(chosen));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("`yieldio trace view` behaviour: a missing file, a file that is not JSON or not a trace, and a missing argument are usage errors", async (t) => {
  const dir = tempDir();
  try {
    writeFileSync(join(dir, "text.json"), "not json");
    writeFileSync(join(dir, "other.json"), '{"events": []}');
    const cases: Array<[string[], RegExp]> = [
      [["trace", "view", join(dir, "none.json")], /no such file: /],
      [["trace", "view", join(dir, "text.json")], /text\.json is not JSON: /],
      [["trace", "view", join(dir, "other.json")], /other\.json is not a trace: it has no traceEvents array/],
      [["trace", "view"], /trace view needs a trace file/],
      [["trace"], /trace needs a subcommand: yieldio trace view <file\.json>/],
      [["trace", "show", "x.json"], /unknown trace subcommand: show/],
    ];
    for (const [args, message] of cases) {
      const { code, stderr } = await yieldio(...args);
      t.is(code, 2, args.join(" "));
      t.regex(stderr, message);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
