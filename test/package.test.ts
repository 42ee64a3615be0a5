/**
 * The package as a consumer gets it. `npm pack` packs the dist/ that `npm test` has just built
 * (with `--ignore-scripts`, so `prepare` does not build again), the tarball is installed offline
 * into a temporary project, and that project imports every entry point from plain JavaScript,
 * runs a program, and type-checks a strict TypeScript file with exactly the settings that the
 * README's "Requirements" paragraph states (its `lib`, no `@types/node`).
 */
import test from "ava";
import ts from "typescript";
import { execFile } from "node:child_process";
import { cp, mkdtemp, mkdir, readFile, readdir, rm, symlink, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as core from "../lib/index.js";
import * as selectors from "../selectors/index.js";
import * as executors from "../executors/index.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const packageJson = JSON.parse(await readFile(path.join(root, "package.json"), "utf8")) as {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  exports: Record<string, string | Record<string, string>>;
};

/** Runs a command; rejects with its output when it fails. */
function exec(file: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { cwd, env, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${path.basename(file)} ${args.join(" ")} failed in ${cwd}: ${error.message}\n${stdout}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

/**
 * npm, the same one that runs the suite when it does (`npm test`), with the `npm_*` variables of
 * that run removed: they describe this repository (`npm_config_local_prefix` ...), not the
 * consumer project. The cache setting is kept.
 */
function npm(args: readonly string[], cwd: string): Promise<string> {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^npm_/i.test(key) || /^npm_config_cache$/i.test(key)) env[key] = value;
  }
  const cli = process.env["npm_execpath"];
  return cli !== undefined && /npm-cli\.js$/.test(cli) ? exec(process.execPath, [cli, ...args], cwd, env) : exec("npm", args, cwd, env);
}

interface Installed {
  /** The temporary directory (removed after the tests). */
  readonly temp: string;
  /** The consumer project: `node_modules/yieldio` is the installed tarball. */
  readonly app: string;
  /** The installed package's directory. */
  readonly pkg: string;
  /** The paths in the tarball, as `npm pack --json` lists them. */
  readonly files: readonly string[];
}

let installed: Installed | undefined;

test.before(async () => {
  if (!existsSync(path.join(root, "dist/lib/index.js"))) {
    throw new Error("dist/ is missing: run `npm run build` first (`npm test` does)");
  }
  const temp = await mkdtemp(path.join(tmpdir(), "yieldio-package-"));
  const packed = JSON.parse(await npm(["pack", "--ignore-scripts", "--json", "--pack-destination", temp], root)) as Array<{
    filename: string;
    files: Array<{ path: string }>;
  }>;
  const { filename, files } = packed[0]!;
  const app = path.join(temp, "app");
  await mkdir(app);
  await writeFile(path.join(app, "package.json"), JSON.stringify({ name: "yieldio-consumer", private: true, type: "module" }));
  // Offline: yieldio has no runtime dependencies, so the tarball is all npm needs.
  await npm(["install", "--offline", "--no-audit", "--no-fund", "--ignore-scripts", "--no-package-lock", path.join(temp, filename)], app);
  installed = { temp, app, pkg: path.join(app, "node_modules", "yieldio"), files: files.map((file) => file.path) };
});

test.after.always(async () => {
  if (installed !== undefined) await rm(installed.temp, { recursive: true, force: true });
});

function the(): Installed {
  if (installed === undefined) throw new Error("the package was not installed (see test.before)");
  return installed;
}

/** Every file under `dir` (relative paths, `/`-separated). */
async function walk(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const rel = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) out.push(...(await walk(path.join(dir, entry.name), rel)));
    else out.push(rel);
  }
  return out.sort();
}

/** The files the exports map names (`./dist/lib/index.js` ...), without the leading `./`. */
function exportTargets(): string[] {
  return Object.values(packageJson.exports)
    .flatMap((target) => (typeof target === "string" ? [target] : Object.values(target)))
    .map((target) => target.replace(/^\.\//, ""));
}

test("`npm pack` behaviour: the tarball holds every file the exports map names, and only dist/, the native selector's prebuilt binaries, README and package.json", (t) => {
  const { files } = the();
  const targets = exportTargets();
  t.true(targets.length >= 7, `exports map targets: ${targets.join(", ")}`);
  t.deepEqual(
    targets.filter((target) => !files.includes(target)),
    [],
    "files named by the exports map but missing from the tarball",
  );
  t.deepEqual(
    files.filter(
      (file) =>
        !file.startsWith("dist/") && !file.startsWith("native/prebuilds/") && !["package.json", "README.md", "LICENSE"].includes(file),
    ),
    [],
    "files outside dist/ and native/prebuilds/ in the tarball",
  );
  if (process.platform === "linux") {
    // `npm run build` made it with prebuildify; node-gyp-build loads it in the installed package.
    t.true(
      files.some((file) => /^native\/prebuilds\/linux-x64\/[^/]+\.node$/.test(file)),
      "the linux-x64 binary of the native selector",
    );
  }
  t.deepEqual(
    files.filter((file) => file.endsWith(".ts") && !file.endsWith(".d.ts")),
    [],
    "TypeScript sources in the tarball",
  );
  // Every module comes with its declarations and its source map.
  const modules = files.filter((file) => file.endsWith(".js"));
  t.true(modules.length > 20);
  t.deepEqual(
    modules.filter((file) => !files.includes(file.replace(/\.js$/, ".d.ts")) || !files.includes(`${file}.map`)),
    [],
    "modules without a .d.ts or a .js.map",
  );
});

test("`npm install` behaviour: yieldio declares no runtime dependencies, only node-gyp-build as an optional one (an offline install of the tarball works)", (t) => {
  t.deepEqual(
    Object.keys(packageJson.dependencies ?? {}),
    [],
    "the core has no runtime dependencies (DESIGN.md); an offline install needs none",
  );
  // The native selector's loader: without it, DefaultSelector is NodeSelector (test/selectors/default-selector.test.ts).
  t.deepEqual(Object.keys((packageJson as { optionalDependencies?: Record<string, string> }).optionalDependencies ?? {}), [
    "node-gyp-build",
  ]);
  t.true(existsSync(path.join(the().pkg, "dist/lib/index.js")));
});

const CONSUMER_MJS = `
import { createRequire } from "node:module";
import { TimeoutError, gather, getRunningLoop, run, sleep, timeout } from "yieldio";
import * as core from "yieldio";
import { VirtualSelector } from "yieldio/selectors";
import * as selectors from "yieldio/selectors";
import * as executors from "yieldio/executors";

const require = createRequire(import.meta.url);
const pkg = require("yieldio/package.json");

const started = performance.now();
const outcome = await run(function* () {
  const loop = getRunningLoop();
  const pair = yield* gather(sleep(1000, "a"), sleep(2000, "b"));
  let timedOut = false;
  try {
    yield* timeout(500, sleep(60_000));
  } catch (error) {
    timedOut = error instanceof TimeoutError;
  }
  return { pair, timedOut, time: loop.time() };
}, { selector: new VirtualSelector() });

const deep = {};
for (const specifier of ["yieldio/dist/lib/task.js", "yieldio/dist/lib/index.js", "yieldio/dist/selectors/virtual-selector.js", "yieldio/lib/index.ts", "yieldio/executors/executor"]) {
  try {
    await import(specifier);
    deep[specifier] = "imported";
  } catch (error) {
    deep[specifier] = error.code;
  }
  try {
    require.resolve(specifier);
    deep["require " + specifier] = "resolved";
  } catch (error) {
    deep["require " + specifier] = error.code;
  }
}

// The bridges' peers (abort-controller-x, effect, fp-ts) are not installed here: the core runs without
// them, and each bridge says which package it needs.
const bridges = {};
for (const specifier of ["yieldio/interop/abort", "yieldio/interop/effect", "yieldio/interop/fp-ts", "yieldio/executors/bullmq"]) {
  try {
    await import(specifier);
    bridges[specifier] = "imported";
  } catch (error) {
    bridges[specifier] = error.code + " " + (/Cannot find package '([^']+)'/.exec(error.message)?.[1] ?? error.message);
  }
}

console.log(JSON.stringify({
  bridges,
  defaultSelector: selectors.DefaultSelector.name,
  names: { core: Object.keys(core).sort(), selectors: Object.keys(selectors).sort(), executors: Object.keys(executors).sort() },
  pkg: { name: pkg.name, version: pkg.version },
  outcome,
  wallMs: performance.now() - started,
  deep,
}));
`;

interface ConsumerReport {
  bridges: Record<string, string>;
  defaultSelector: string;
  names: { core: string[]; selectors: string[]; executors: string[] };
  pkg: { name: string; version: string };
  outcome: { pair: string[]; timedOut: boolean; time: number };
  wallMs: number;
  deep: Record<string, string>;
}

let consumerReport: Promise<ConsumerReport> | undefined;
function runConsumer(): Promise<ConsumerReport> {
  consumerReport ??= (async () => {
    const { app } = the();
    await writeFile(path.join(app, "main.mjs"), CONSUMER_MJS);
    return JSON.parse(await exec(process.execPath, ["main.mjs"], app)) as ConsumerReport;
  })();
  return consumerReport;
}

test("installed package behaviour: every entry point imports from plain JavaScript and runs a program with `run()` on a VirtualSelector", async (t) => {
  const report = await runConsumer();
  t.deepEqual(report.names, {
    core: Object.keys(core).sort(),
    selectors: Object.keys(selectors).sort(),
    executors: Object.keys(executors).sort(),
  });
  t.true(report.names.core.includes("run") && report.names.selectors.includes("VirtualSelector"));
  t.deepEqual(report.pkg, { name: packageJson.name, version: packageJson.version });
  t.deepEqual(report.outcome, { pair: ["a", "b"], timedOut: true, time: 2500 });
  t.true(report.wallMs < 1000, `2.5 s of virtual time took ${report.wallMs} ms`);
});

test("installed package behaviour: the core runs without the bridges' optional peers; each bridge without its peer fails to import, naming it", async (t) => {
  const { bridges } = await runConsumer();
  t.deepEqual(bridges, {
    "yieldio/interop/abort": "ERR_MODULE_NOT_FOUND abort-controller-x",
    "yieldio/interop/effect": "ERR_MODULE_NOT_FOUND effect",
    "yieldio/interop/fp-ts": "ERR_MODULE_NOT_FOUND fp-ts",
    "yieldio/executors/bullmq": "ERR_MODULE_NOT_FOUND bullmq",
  });
});

test("installed package behaviour: DefaultSelector is NativeSelector on Linux (the prebuilt binary, through node-gyp-build), NodeSelector elsewhere", async (t) => {
  const { defaultSelector } = await runConsumer();
  t.is(defaultSelector, process.platform === "linux" ? "NativeSelector" : "NodeSelector");
});

test("installed package behaviour: deep imports are closed by the exports map", async (t) => {
  const { deep } = await runConsumer();
  t.true(Object.keys(deep).length >= 10);
  t.deepEqual(
    Object.entries(deep).filter(([, code]) => code !== "ERR_PACKAGE_PATH_NOT_EXPORTED"),
    [],
    "deep imports that were not refused",
  );
});

/** The README's requirements, read from its text: what the type-check below must use. */
async function readmeRequirements(): Promise<{ lib: string[]; text: string }> {
  const readme = await readFile(path.join(root, "README.md"), "utf8");
  const section = /^#+ Installing and requirements$([\s\S]*?)(?=^#+ |(?![\s\S]))/m.exec(readme)?.[1];
  if (section === undefined) throw new Error("README.md has no 'Installing and requirements' section");
  const lib = /"lib": (\[[^\]]*\])/.exec(section)?.[1];
  if (lib === undefined) throw new Error('README.md\'s requirements do not state a `"lib": [...]` setting');
  return { lib: JSON.parse(lib) as string[], text: section };
}

const CONSUMER_TS = `
import { CancelledError, Lock, TimeoutError, gather, getRunningLoop, run, sleep, taskGroup, timeout } from "yieldio";
import type { CancelReason, Coroutine, ExceptionContext, Operation, RunOptions, Task } from "yieldio";
import { VirtualSelector } from "yieldio/selectors";
import type { Selector, SelectorKey } from "yieldio/selectors";
import type { Executor, SubmitOptions, WorkRef } from "yieldio/executors";
// @ts-expect-error deep imports are closed by the exports map
import type { Task as DeepTask } from "yieldio/dist/lib/task.js";

function* fetchUser(id: number): Coroutine<string> {
  yield* sleep(50 * id);
  return \`user \${id}\`;
}

const lock = new Lock();
function* guarded(): Operation<number> {
  using _held = yield* lock.acquire(); // a Disposable: the README's lib
  yield* sleep(1);
  return 1;
}

const selector: Selector = new VirtualSelector();
const reports: string[] = [];
const options: RunOptions = { selector, exceptionHandler: (context: ExceptionContext) => reports.push(context.message) };
export const names: string[] = await run(function* () {
  const [a, b] = yield* gather(fetchUser(1), fetchUser(2));
  const n: number = yield* guarded();
  const grouped: string | undefined = yield* taskGroup(function* (tg) {
    const child: Task<string> = tg.createTask(fetchUser(3));
    return yield* child;
  });
  try {
    yield* timeout(10, fetchUser(10));
  } catch (error) {
    if (!(error instanceof TimeoutError)) throw error;
    const reason: CancelReason | undefined = error.cause instanceof CancelledError ? error.cause.reason : undefined;
    reports.push(reason?.source ?? "no reason");
  }
  // @ts-expect-error internal members are stripped from the published types
  getRunningLoop()._pendingTaskCount();
  // @ts-expect-error sleep() takes a number of milliseconds
  yield* sleep("100");
  return [a, b, String(n), grouped ?? "cancelled"];
}, options);

const ref: WorkRef<[number], string> = { moduleUrl: "file:///work.js", exportName: "work" };
const submitOptions: SubmitOptions = { cancel: "terminate", transfer: [new ArrayBuffer(8)] };
declare const executor: Executor;
export const future = executor.submit(ref, [1], submitOptions);
export type Key = SelectorKey;
`;

/**
 * A user's lint config, typed: `yieldio/eslint` with its optional peers installed; the
 * bridges with theirs (abort-controller-x, effect, fp-ts, and Node's types, which abort-controller-x's
 * declarations need for AbortSignal); and `yieldio/executors/bullmq` with bullmq and ioredis.
 */
const LINT_CONSUMER_TS = `
import yieldio from "yieldio/eslint";
import type { YieldioPlugin } from "yieldio/eslint";
import type { Linter } from "eslint";
import { all } from "abort-controller-x";
import { toAbortable } from "yieldio/interop/abort";
import { fromTaskEither, toTaskEither, LeftError } from "yieldio/interop/fp-ts";
import type { TaskEither } from "fp-ts/lib/TaskEither.js";
import { sleep, fromAbortable } from "yieldio";
import type { Operation } from "yieldio";
import { Effect } from "effect";
import { EffectFailure, fromEffect, toEffect } from "yieldio/interop/effect";
import { BullMQExecutor, JobLostError, startBullMQWorker } from "yieldio/executors/bullmq";
import type { BullMQWorker } from "yieldio/executors/bullmq";

export const executor = new BullMQExecutor({ connection: { host: "127.0.0.1", port: 6379 }, queueName: "work", maxQueue: 100 });
export const worker: Promise<BullMQWorker> = startBullMQWorker({ connection: { path: "/run/redis.sock" }, queueName: "work", moduleRoot: "/srv/jobs" });
export const lost = (error: unknown): boolean => error instanceof JobLostError;

class NotFound {
  readonly _tag = "NotFound";
}
export function* viaEffect(): Operation<number> {
  try {
    return yield* fromEffect(Effect.zipWith(toEffect(() => twice(4)), Effect.succeed(1), (a, b) => a + b));
  } catch (error) {
    if (error instanceof EffectFailure) return -1;
    throw error;
  }
}
export const typedFailure = (error: EffectFailure<NotFound>): "NotFound" => error.failure._tag;

function* twice(n: number): Operation<number> {
  yield* sleep(1);
  return n * 2;
}
export const both = (signal: AbortSignal): Promise<number[]> => all(signal, (inner) => [toAbortable(() => twice(1))(inner), toAbortable(twice(2))(inner)]);
export const asTaskEither: TaskEither<unknown, number> = toTaskEither(() => twice(3));
export function* back(): Operation<number> {
  const doubled: number = yield* fromAbortable((signal) => both(signal).then((values) => values[0] ?? 0));
  try {
    return doubled + (yield* fromTaskEither(asTaskEither));
  } catch (error) {
    if (error instanceof LeftError) return -1;
    throw error;
  }
}

const plugin: YieldioPlugin = yieldio;
export const config: Linter.Config[] = [
  plugin.configs.recommended,
  { plugins: { yieldio }, rules: { "yieldio/yield-star": "warn" } },
];
`;

/** The optional peers, as the consumer would install them (here: this repository's copies). */
const LINT_PEERS = [
  "eslint",
  "typescript",
  "typescript-eslint",
  "@typescript-eslint/utils",
  "abort-controller-x",
  "effect",
  "fp-ts",
  "bullmq",
  "ioredis",
  "@ioredis/commands",
  "cron-parser",
  "tslib",
  "@types/node",
];

/**
 * A second consumer project beside the first: a copy of the installed yieldio (a link would
 * resolve its imports from the first project) and the lint plugin's peers, linked.
 */
let lintAppDir: Promise<string> | undefined;
function lintApp(): Promise<string> {
  lintAppDir ??= (async () => {
    const { temp, pkg } = the();
    const app = path.join(temp, "lint-app");
    await cp(pkg, path.join(app, "node_modules", "yieldio"), { recursive: true });
    for (const name of LINT_PEERS) {
      const at = path.join(app, "node_modules", name);
      await mkdir(path.dirname(at), { recursive: true });
      await symlink(path.join(root, "node_modules", name), at, "dir");
    }
    return app;
  })();
  return lintAppDir;
}

/**
 * Type-checks a consumer file against the installed package. Without `lintPeers` the consumer
 * has none of the optional peers (of `yieldio/eslint` and the bridges), so those entry points'
 * declarations are left out; with them, they are checked too.
 */
async function typeCheckConsumer(moduleSettings: Record<string, string>, lintPeers = false): Promise<string[]> {
  const app = lintPeers ? await lintApp() : the().app;
  const pkg = path.join(app, "node_modules", "yieldio");
  const { lib } = await readmeRequirements();
  const file = path.join(app, lintPeers ? "lint-consumer.ts" : "consumer.ts");
  await writeFile(file, lintPeers ? LINT_CONSUMER_TS : CONSUMER_TS);
  const converted = ts.convertCompilerOptionsFromJson(
    {
      ...moduleSettings,
      target: "ES2022",
      lib,
      strict: true,
      types: lintPeers ? ["node"] : [], // no @types/node: the README says the types do not need it
      skipLibCheck: false, // check yieldio's declarations too ...
      skipDefaultLibCheck: true, // ... but not TypeScript's own lib files
      noEmit: true,
    },
    app,
  );
  if (converted.errors.length > 0) throw new Error(ts.flattenDiagnosticMessageText(converted.errors[0]!.messageText, "\n"));
  // Every published declaration file is a root, so a declaration no entry point reaches (or one
  // that names a type stripped as @internal) is checked too.
  const declarations = (await walk(path.join(pkg, "dist")))
    .filter(
      (f) =>
        f.endsWith(".d.ts") && lintPeers === (f.startsWith("eslint/") || f.startsWith("interop/") || f.startsWith("executors/bullmq/")),
    )
    .map((f) => path.join(pkg, "dist", f));
  const program = ts.createProgram([file, ...declarations], converted.options);
  // yieldio's declarations and the consumer's file; a peer's own declarations may need more
  // (effect's name the DOM's CryptoKey), which is between the user and that peer.
  const ours = (name: string): boolean =>
    (!path.relative(app, name).startsWith("..") && !name.includes(`${path.sep}node_modules${path.sep}`)) || name.startsWith(pkg);
  return ts
    .getPreEmitDiagnostics(program)
    .filter((diagnostic) => diagnostic.file === undefined || ours(diagnostic.file.fileName))
    .map((diagnostic) => {
      const where =
        diagnostic.file === undefined
          ? ""
          : `${path.relative(app, diagnostic.file.fileName)}(${diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0).line + 1}): `;
      return where + ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n");
    });
}

test("installed package behaviour: a strict TypeScript consumer type-checks with the README's requirements (nodenext)", async (t) => {
  const { lib, text } = await readmeRequirements();
  t.true(lib.length > 0);
  t.regex(text, /do(?:es)? not need `@types\/node`/, "the README says whether @types/node is needed; this test checks without it");
  t.regex(text, /nodenext/);
  t.deepEqual(await typeCheckConsumer({ module: "nodenext", moduleResolution: "nodenext" }), []);
});

test("installed package behaviour: a strict TypeScript consumer type-checks with the README's requirements (bundler)", async (t) => {
  const { text } = await readmeRequirements();
  t.regex(text, /bundler/);
  t.deepEqual(await typeCheckConsumer({ module: "preserve", moduleResolution: "bundler" }), []);
});

test("installed package behaviour: a lint config using `yieldio/eslint`, and the bridges, type-check once their optional peers are installed", async (t) => {
  t.deepEqual(await typeCheckConsumer({ module: "nodenext", moduleResolution: "nodenext" }, true), []);
});

test("published declarations behaviour: no `@internal` tag or member survives in dist/**/*.d.ts", async (t) => {
  const { pkg } = the();
  const declarations = (await walk(path.join(pkg, "dist"))).filter((f) => f.endsWith(".d.ts"));
  t.true(declarations.length > 20);
  const leaks: string[] = [];
  for (const file of declarations) {
    const text = await readFile(path.join(pkg, "dist", file), "utf8");
    text.split("\n").forEach((line, i) => {
      // "@internal", or a member named like the kernel's internals (`_schedule(`, `_exited:`;
      // not the phantom `__signature` of WorkRef).
      if (/@internal\b/.test(line) || /^\s+(?:readonly\s+|static\s+|get\s+|set\s+)*_(?!_)\w+\??[(<:]/.test(line))
        leaks.push(`${file}:${i + 1}: ${line.trim()}`);
    });
  }
  t.deepEqual(leaks, []);
});

test("source maps behaviour: every map in the tarball resolves to the source's content", async (t) => {
  const { pkg } = the();
  const files = await walk(path.join(pkg, "dist"));
  const modules = files.filter((f) => f.endsWith(".js"));
  const problems: string[] = [];
  for (const module of modules) {
    const code = await readFile(path.join(pkg, "dist", module), "utf8");
    const url = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(code)?.[1];
    if (url === undefined) {
      problems.push(`${module}: no sourceMappingURL`);
      continue;
    }
    const mapFile = path.posix.join(path.posix.dirname(module), url);
    if (!files.includes(mapFile)) {
      problems.push(`${module}: ${mapFile} is not in the package`);
      continue;
    }
    const map = JSON.parse(await readFile(path.join(pkg, "dist", mapFile), "utf8")) as {
      sources: string[];
      sourcesContent?: Array<string | null>;
    };
    map.sources.forEach((source, i) => {
      const content = map.sourcesContent?.[i];
      if (typeof content !== "string" || content.length === 0) problems.push(`${mapFile}: no content for ${source}`);
    });
  }
  t.true(modules.length > 20);
  t.deepEqual(problems, []);
  // The content is the TypeScript source itself.
  const map = JSON.parse(await readFile(path.join(pkg, "dist/lib/time/sleep.js.map"), "utf8")) as {
    sources: string[];
    sourcesContent: string[];
  };
  t.deepEqual(map.sources, ["../../../lib/time/sleep.ts"]);
  t.regex(map.sourcesContent[0]!, /export function sleep<T>\(delayMs: number, value\?: T\): Operation<T \| undefined>/);
});
