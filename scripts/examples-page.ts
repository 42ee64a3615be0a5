/**
 * Writes docs/examples.md, the docs site's page of examples: for each file of examples/ and
 * examples/tutorial/, its summary (the first paragraph of its doc comment), the command that
 * runs it, and its source, with the package's names in its imports (`yieldio`, not
 * `../lib/index.js`). `npm run docs` runs it first; a test checks that the committed page is
 * what it writes, so the page cannot drift from the examples.
 *
 *   node --import=tsx scripts/examples-page.ts [--check]
 *
 * @module
 */

import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

/** The folders of examples, each with the heading of its section. */
const SECTIONS = [
  { folder: "examples", heading: "Programs" },
  { folder: "examples/tutorial", heading: "Tutorial steps (explained in the tutorial)" },
] as const;

/** Relative imports of the library, as a user of the package writes them. */
const PACKAGE_NAMES: ReadonlyArray<readonly [RegExp, string]> = [
  [/"(?:\.\.\/)+lib\/index\.js"/g, '"yieldio"'],
  [/"(?:\.\.\/)+selectors\/index\.js"/g, '"yieldio/selectors"'],
  [/"(?:\.\.\/)+executors\/index\.js"/g, '"yieldio/executors"'],
];

/** The first paragraph of the file's leading doc comment, as one line. */
function summaryOf(source: string): string {
  const comment = /^\/\*\*\n([\s\S]*?)\*\//.exec(source)?.[1] ?? "";
  const lines = comment.split("\n").map((line) => line.replace(/^\s*\* ?/, ""));
  const paragraph: string[] = [];
  for (const line of lines) {
    if (line.trim() === "") {
      if (paragraph.length > 0) break;
      continue;
    }
    paragraph.push(line.trim());
  }
  return paragraph.join(" ");
}

/** The page's Markdown. */
export function examplesPage(): string {
  const parts = [
    "---",
    "title: Examples",
    "group: Start here",
    "---",
    "",
    "# Examples",
    "",
    "Every program of the repository's `examples/` folder, with the command that runs it from a",
    "checkout (`npm ci` first). They are type-checked in CI, and the tutorial's steps are run by",
    "the tests. This page is written by `scripts/examples-page.ts` from the files themselves.",
  ];
  for (const { folder, heading } of SECTIONS) {
    parts.push("", `## ${heading}`);
    const files = readdirSync(join(root, folder))
      .filter((file) => file.endsWith(".ts") && file !== "run-example.ts")
      .sort();
    for (const file of files) {
      const source = readFileSync(join(root, folder, file), "utf8");
      const name = `${folder === "examples" ? "" : `${folder.slice("examples/".length)}/`}${file.slice(0, -3)}`;
      const code = PACKAGE_NAMES.reduce((text, [pattern, replacement]) => text.replace(pattern, replacement), source).trimEnd();
      parts.push("", `### ${name}`, "", summaryOf(source), "", "```sh", `npm run example -- ${name}`, "```", "", "```ts", code, "```");
    }
  }
  return `${parts.join("\n")}\n`;
}

const target = join(root, "docs/examples.md");
if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (process.argv.includes("--check")) {
    if (readFileSync(target, "utf8") !== examplesPage()) {
      console.error("docs/examples.md is out of date: run node --import=tsx scripts/examples-page.ts");
      process.exitCode = 1;
    }
  } else {
    writeFileSync(target, examplesPage());
  }
}
