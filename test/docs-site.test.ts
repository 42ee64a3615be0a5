/**
 * The docs site (typedoc, `npm run docs`), built into a temp folder and opened in headless
 * Chromium: its navigation reaches the getting-started page, the tutorial, the examples and the
 * guides; a page renders (a screenshot is taken and checked). And the examples page is what
 * scripts/examples-page.ts writes from the examples themselves.
 */
import test from "ava";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { examplesPage } from "../scripts/examples-page.js";
import { Screenshot, browserTest, evaluateJson } from "./helpers/chromium.js";

const root = fileURLToPath(new URL("..", import.meta.url));

test("examples page behaviour: docs/examples.md is what scripts/examples-page.ts writes, and lists every example", (t) => {
  const committed = readFileSync(join(root, "docs/examples.md"), "utf8");
  t.is(committed, examplesPage(), "out of date: run node --import=tsx scripts/examples-page.ts (npm run docs does)");
  const examples = [
    ...readdirSync(join(root, "examples")).filter((file) => file.endsWith(".ts") && file !== "run-example.ts"),
    ...readdirSync(join(root, "examples/tutorial")).map((file) => `tutorial/${file}`),
  ];
  for (const file of examples) t.true(committed.includes(`\n### ${file.slice(0, -3)}\n`), file);
  t.notRegex(committed, /from "(\.\.\/)+lib\/index\.js"/, "imports are shown with the package's names");
});

browserTest(
  "docs site behaviour: the navigation reaches the getting-started page, tutorial, examples and guides, and a page renders",
  async (t, page) => {
    const out = mkdtempSync(join(tmpdir(), "yieldio-site-"));
    try {
      await promisify(execFile)(process.execPath, [join(root, "node_modules/typedoc/bin/typedoc"), "--out", out], {
        cwd: root,
        timeout: 120_000,
      });
      await page.goto(pathToFileURL(join(out, "index.html")).href);
      await page.waitForSelector(".site-menu a");
      const links = await evaluateJson<Array<{ text: string; href: string }>>(
        page,
        `[...document.querySelectorAll(".site-menu a")].map((a) => ({ text: a.textContent.trim(), href: a.getAttribute("href") ?? "" }))`,
      );
      const texts = links.map((link) => link.text);
      for (const expected of [
        "Getting started",
        "Tutorial",
        "Examples",
        "Semantics",
        "Internals",
        "Executors",
        "Interop",
        "Testing",
        "Diagnostics",
      ]) {
        t.true(texts.includes(expected), `${expected} is in the navigation: ${texts.slice(0, 20).join(", ")}`);
      }
      const groups = await evaluateJson<string[]>(
        page,
        `[...document.querySelectorAll(".site-menu summary")].map((s) => s.textContent.trim())`,
      );
      t.true(groups.indexOf("Start here") === 0 && groups.indexOf("Guides") > 0, `groups: ${groups.join(", ")}`);

      const start = links.find((link) => link.text === "Getting started")!;
      await page.goto(new URL(start.href, page.url()).href);
      await page.waitForSelector("h1");
      t.true(
        (await evaluateJson<string[]>(page, `[...document.querySelectorAll("h1")].map((h) => h.textContent.trim())`)).includes(
          "Getting started",
        ),
      );
      const content = await evaluateJson<{ x: number; y: number; width: number; height: number }>(
        page,
        `(() => { const box = document.querySelector(".col-content").getBoundingClientRect(); return { x: box.x, y: box.y, width: box.width, height: Math.min(box.height, 700) }; })()`,
      );
      const shot = new Screenshot(await page.screenshot({ type: "png" }));
      const white = shot.countColour(content, [255, 255, 255], 4);
      t.true(white < content.width * content.height * 0.97, "the page's content is drawn (not a blank page)");
      t.true(content.width > 300, "the content column has room");

      const examples = links.find((link) => link.text === "Examples")!;
      await page.goto(new URL(examples.href, pathToFileURL(join(out, "index.html")).href).href);
      const headings = await evaluateJson<string[]>(page, `[...document.querySelectorAll("h3")].map((h) => h.textContent.trim())`);
      t.true(headings.includes("tutorial/04-the-loops-phases") && headings.includes("hello"), headings.join(", "));
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  },
);
