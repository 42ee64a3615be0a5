/**
 * `DefaultSelector`: which selector a loop gets when it is given none. The choice is made when
 * yieldio loads, so the environment variable and the missing-binary cases run in a child
 * process (on the built package in dist/, as users load it).
 */
import test from "ava";
import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { getRunningLoop, run } from "../../lib/index.js";
import { DefaultSelector, NativeSelector, NodeSelector } from "../../selectors/index.js";
import { _chooseSelector } from "../../selectors/default-selector.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const onLinux = process.platform === "linux" ? test : (): void => undefined;

interface Outcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs an ES module `script` with `node` in `cwd`, with `env` added to this process's environment. */
function node(script: string, cwd: string, env: Record<string, string> = {}): Promise<Outcome> {
  const { YIELDIO_SELECTOR: _selector, YIELDIO_DEBUG: _debug, ...inherited } = process.env;
  return new Promise((resolve) => {
    execFile(process.execPath, ["--input-type=module", "-e", script], { cwd, env: { ...inherited, ...env } }, (error, stdout, stderr) => {
      resolve({ code: typeof error?.code === "number" ? error.code : 0, stdout: stdout.trim(), stderr: stderr.trim() });
    });
  });
}

/** Prints the name of DefaultSelector, then what making one and running on the default gives. */
function probe(selectorsModule: string, coreModule: string): string {
  return `
    const { DefaultSelector } = await import(${JSON.stringify(selectorsModule)});
    const { run, getRunningLoop } = await import(${JSON.stringify(coreModule)});
    console.log(DefaultSelector.name || "(anonymous)");
    try {
      const selector = new DefaultSelector();
      console.log("made", selector.constructor.name);
      selector.close();
    } catch (error) {
      console.log("made", error.name, error.message);
    }
    const ran = await run(function* () { return getRunningLoop().selector.constructor.name; }).catch((error) => error.name);
    console.log("ran on", ran);
  `;
}

const builtSelectors = path.join(root, "dist/selectors/index.js");
const builtCore = path.join(root, "dist/lib/index.js");

test("`_chooseSelector()` behaviour: native when its addon loads, node otherwise; YIELDIO_SELECTOR overrides; anything else is a RangeError", (t) => {
  const missing = new Error("no binary");
  t.is(_chooseSelector(undefined, undefined), NativeSelector);
  t.is(_chooseSelector(undefined, missing), NodeSelector);
  t.is(_chooseSelector("", undefined), NativeSelector);
  t.is(_chooseSelector("", missing), NodeSelector);
  t.is(_chooseSelector("node", undefined), NodeSelector);
  t.is(_chooseSelector("native", undefined), NativeSelector);
  t.is(_chooseSelector("native", missing), NativeSelector, "asked for by name: its constructor says why it cannot be had");
  const error = t.throws(() => _chooseSelector("epoll", undefined), { instanceOf: RangeError });
  t.regex(error.message, /YIELDIO_SELECTOR must be "node" or "native".*"epoll"/);
});

onLinux(
  "`DefaultSelector` behaviour: on Linux with the addon built, is NativeSelector, and a loop given no selector runs on it",
  async (t) => {
    t.is(DefaultSelector, NativeSelector);
    const name = await run(function* () {
      return getRunningLoop().selector.constructor.name;
    });
    t.is(name, "NativeSelector");
  },
);

if (process.platform !== "linux") {
  test("`DefaultSelector` behaviour: off Linux, is NodeSelector", (t) => {
    t.is(DefaultSelector, NodeSelector);
  });
}

test("`DefaultSelector` behaviour: YIELDIO_SELECTOR=node picks NodeSelector", async (t) => {
  const outcome = await node(probe(builtSelectors, builtCore), root, { YIELDIO_SELECTOR: "node" });
  t.is(outcome.code, 0, outcome.stderr);
  t.deepEqual(outcome.stdout.split("\n"), ["NodeSelector", "made NodeSelector", "ran on NodeSelector"]);
});

onLinux("`DefaultSelector` behaviour: YIELDIO_SELECTOR=native picks NativeSelector", async (t) => {
  const outcome = await node(probe(builtSelectors, builtCore), root, { YIELDIO_SELECTOR: "native" });
  t.is(outcome.code, 0, outcome.stderr);
  t.deepEqual(outcome.stdout.split("\n"), ["NativeSelector", "made NativeSelector", "ran on NativeSelector"]);
});

test("`DefaultSelector` behaviour: an unknown YIELDIO_SELECTOR does not break the import; making a default selector raises a RangeError", async (t) => {
  const outcome = await node(probe(builtSelectors, builtCore), root, { YIELDIO_SELECTOR: "kqueue" });
  t.is(outcome.code, 0, outcome.stderr);
  const [, made, ran] = outcome.stdout.split("\n");
  t.regex(made ?? "", /^made RangeError YIELDIO_SELECTOR must be "node" or "native".*"kqueue"/);
  t.is(ran, "ran on RangeError");
});

/** A copy of the built package without native/ (no binary), with or without node-gyp-build. */
function packageWithoutBinary(t: { teardown(fn: () => void): void }, withLoader: boolean): string {
  const dir = mkdtempSync(path.join(tmpdir(), "yieldio-no-binary-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  cpSync(path.join(root, "dist"), path.join(dir, "dist"), { recursive: true });
  writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "yieldio", type: "module" }));
  if (withLoader) {
    symlinkSync(path.join(root, "node_modules"), path.join(dir, "node_modules"), "dir");
  }
  return dir;
}

test("`DefaultSelector` behaviour: without a binary for this machine, falls back to NodeSelector silently, and says why under YIELDIO_DEBUG=1", async (t) => {
  t.true(existsSync(builtCore), "dist/ is built (npm test builds it)");
  const dir = packageWithoutBinary(t, true);
  const script = probe("./dist/selectors/index.js", "./dist/lib/index.js");
  const quiet = await node(script, dir);
  t.is(quiet.code, 0, quiet.stderr);
  t.deepEqual(quiet.stdout.split("\n"), ["NodeSelector", "made NodeSelector", "ran on NodeSelector"]);
  t.is(quiet.stderr, "");
  const debug = await node(script, dir, { YIELDIO_DEBUG: "1" });
  t.is(debug.code, 0, debug.stderr);
  t.deepEqual(debug.stdout.split("\n"), ["NodeSelector", "made NodeSelector", "ran on NodeSelector"]);
  t.regex(debug.stderr, /^yieldio: DefaultSelector is NodeSelector: /);
  t.regex(debug.stderr, process.platform === "linux" ? /no binary for this machine/ : /needs Linux/);
  const native = await node(
    `const { NativeSelector } = await import("./dist/selectors/index.js");
     console.log(NativeSelector.isAvailable());
     try { new NativeSelector(); } catch (error) { console.log(error.name); }`,
    dir,
  );
  t.deepEqual(native.stdout.split("\n"), ["false", "Error"]);
});

onLinux(
  "`DefaultSelector` behaviour: without node-gyp-build (an optional dependency), falls back to NodeSelector and says so under YIELDIO_DEBUG=1",
  async (t) => {
    const dir = packageWithoutBinary(t, false);
    const outcome = await node(probe("./dist/selectors/index.js", "./dist/lib/index.js"), dir, { YIELDIO_DEBUG: "1" });
    t.is(outcome.code, 0, outcome.stderr);
    t.deepEqual(outcome.stdout.split("\n"), ["NodeSelector", "made NodeSelector", "ran on NodeSelector"]);
    t.regex(outcome.stderr, /node-gyp-build \(an optional dependency of yieldio\), is not installed/);
  },
);
