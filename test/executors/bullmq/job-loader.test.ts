/**
 * `_JobLoader`: a worker imports the function a job names from under its moduleRoot, once per
 * module, and says clearly what is wrong with a name it cannot run.
 */
import test from "ava";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { _JobLoader } from "../../../executors/bullmq/job-loader.js";

/** A moduleRoot with a work module (which counts its imports), a broken one, and a file outside it. */
function moduleRoot(): { root: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "yieldio-jobs-"));
  const root = join(dir, "root");
  writeFileSync(join(dir, "outside.mjs"), "export const run = () => 'outside';\n");
  mkdirSync(root);
  writeFileSync(
    join(root, "work.mjs"),
    "const imports = (globalThis.__imports ??= {});\nimports[import.meta.url] = (imports[import.meta.url] ?? 0) + 1;\nexport const double = (n) => n * 2;\nexport const notAFunction = 42;\n",
  );
  writeFileSync(join(root, "broken.mjs"), "export const x = ;\n");
  return { root, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

test("`_JobLoader.load()` behaviour: returns the named export, importing each module once; loaded() then has it at once", async (t) => {
  const { root, cleanup } = moduleRoot();
  try {
    const loader = new _JobLoader(root);
    const [first, second] = await Promise.all([loader.load("root:work.mjs#double"), loader.load("root:work.mjs#double")]);
    t.is(first(21), 42);
    t.is(first, second);
    const imports = (globalThis as { __imports?: Record<string, number> }).__imports ?? {};
    t.is(imports[pathToFileURL(join(root, "work.mjs")).href], 1, "imported once, for both jobs");
    t.is(loader.loaded("root:work.mjs#double"), first, "the next job of that name finds it without waiting");
    t.is(loader.loaded("root:work.mjs#notAFunction"), undefined);
  } finally {
    cleanup();
  }
});

test("`_JobLoader.load()` behaviour: a missing export, an export that is not a function, a module that fails to load and a name outside moduleRoot are TypeErrors", async (t) => {
  const { root, cleanup } = moduleRoot();
  try {
    const loader = new _JobLoader(root);
    await t.throwsAsync(loader.load("root:work.mjs#triple"), { instanceOf: TypeError, message: /work\.mjs has no export named triple$/ });
    await t.throwsAsync(loader.load("root:work.mjs#notAFunction"), {
      instanceOf: TypeError,
      message: /exports notAFunction, but it is a number, not a function$/,
    });
    await t.throwsAsync(loader.load("root:broken.mjs#x"), {
      instanceOf: TypeError,
      message: /^cannot load .*broken\.mjs for job root:broken\.mjs#x: /,
    });
    await t.throwsAsync(loader.load("root:missing.mjs#x"), { instanceOf: TypeError, message: /^cannot load .*missing\.mjs/ });
    await t.throwsAsync(loader.load("root:../outside.mjs#run"), { instanceOf: TypeError, message: /leaves moduleRoot .*: refused$/ });
  } finally {
    cleanup();
  }
});
