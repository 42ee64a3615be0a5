// @ts-check
/**
 * ESLint for the whole tree (`npm run lint`): typescript-eslint's strict type-checked rules,
 * and yieldio's own plugin (`yieldio/eslint`, built into dist/ by `npm run build`).
 * Exceptions to a rule are written next to the code with the reason; the few relaxed here are
 * explained where they are set.
 */
import js from "@eslint/js";
import tseslint from "typescript-eslint";
// The package's own entry point (a self-reference): dist/ is built by `npm run build` (and `npm ci`).
import yieldio from "yieldio/eslint";

export default tseslint.config(
  { ignores: ["dist/**", "docs-site/**", "node_modules/**", "**/*.js", "**/*.cjs", "**/*.mjs"] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      // Numbers in messages (`sleep(${ms})`) are the common case and print as expected.
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true }],
      // An arrow's shorthand body (`() => loop.stop()`) is not a value anyone reads, and
      // `return handOff()` in a function that returns void just ends it there.
      "@typescript-eslint/no-confusing-void-expression": ["error", { ignoreArrowShorthand: true, ignoreVoidReturningFunctions: true }],
      // The library forwards what a coroutine threw, faithfully: JavaScript can throw any value,
      // so a caught `unknown` may reject a Promise as it is.
      "@typescript-eslint/prefer-promise-reject-errors": ["error", { allowThrowingUnknown: true }],
      // A coroutine that returns without waiting is still written `function*`: the Operation
      // type needs the generator, so a generator without `yield` is not a mistake here.
      "require-yield": "off",
      // `Future<void>` and `suspend<void>(wait)` say "completes with nothing", as `Promise<void>`
      // does; the rule flags type arguments it cannot see to be generic.
      "@typescript-eslint/no-invalid-void-type": "off",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_" }],
    },
  },
  // The rules yieldio ships for its users, on the project's own code.
  yieldio.configs.recommended,
  {
    // ESTree's node types are plain strings at run time; the rules compare them as such
    // rather than import typescript-eslint's enum, which would make it a runtime dependency.
    files: ["eslint/**/*.ts"],
    rules: { "@typescript-eslint/no-unsafe-enum-comparison": "off" },
  },
  {
    // Tests and benchmarks index recorded logs and fixtures they just built: a wrong index
    // fails the test or the row at once, so `log[0]!` is an assertion, not a hidden risk.
    files: ["test/**/*.ts", "bench/**/*.ts"],
    rules: { "@typescript-eslint/no-non-null-assertion": "off" },
  },
);
