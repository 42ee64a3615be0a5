/**
 * The TypeScript program of the library's sources, seen from its three entry points, for tests
 * that read the public surface (names, doc comments, signatures) with the type checker.
 */
import { fileURLToPath } from "node:url";
import ts from "typescript";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** The entry points' source files, absolute. */
export const entryPoints: readonly string[] = ["lib/index.ts", "selectors/index.ts", "executors/index.ts", "executors/bullmq/index.ts"].map(
  (file) => root + file,
);

/** The program (built once per test file) and its type checker. */
export const program = ts.createProgram([...entryPoints], {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  strict: true,
  skipLibCheck: true,
  noEmit: true,
});
export const checker = program.getTypeChecker();
