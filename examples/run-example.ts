/**
 * `npm run example -- <name>` runs `examples/<name>.ts`.
 */
import { readdirSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { join } from "node:path";

const here = fileURLToPath(new URL(".", import.meta.url));
const available = readdirSync(here)
  .filter((file) => file.endsWith(".ts") && file !== "run-example.ts")
  .map((file) => file.slice(0, -3));
const name = process.argv[2];
if (name === undefined || !available.includes(name)) {
  console.error(`usage: npm run example -- <name>\navailable: ${available.join(", ")}`);
  process.exitCode = 2;
} else {
  await import(pathToFileURL(join(here, `${name}.ts`)).href);
}
