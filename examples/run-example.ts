/**
 * `npm run example -- <name>` runs `examples/<name>.ts`; a name in a folder may be cut short
 * after its number: `tutorial/03` runs `examples/tutorial/03-….ts`.
 */
import { existsSync, readdirSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { join } from "node:path";

const here = fileURLToPath(new URL(".", import.meta.url));
const folders = ["", "tutorial/"].filter((folder) => existsSync(join(here, folder)));
const available = folders.flatMap((folder) =>
  readdirSync(join(here, folder))
    .filter((file) => file.endsWith(".ts") && file !== "run-example.ts")
    .map((file) => `${folder}${file.slice(0, -3)}`),
);
const name = process.argv[2];
const chosen = name === undefined ? undefined : available.find((example) => example === name || example.startsWith(`${name}-`));
if (chosen === undefined) {
  console.error(`usage: npm run example -- <name>\navailable: ${available.join(", ")}`);
  process.exitCode = 2;
} else {
  await import(pathToFileURL(join(here, `${chosen}.ts`)).href);
}
