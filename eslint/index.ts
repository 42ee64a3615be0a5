/**
 * `yieldio/eslint`: lint rules for code written with yieldio, as an ESLint flat-config plugin.
 *
 * The most common mistake with generator coroutines is an Operation that is never run:
 * `sleep(100);` without `yield*` builds a generator and drops it, silently. The rules find it
 * while you write, from TypeScript's types, so they need typescript-eslint's parser with type
 * information (`parserOptions.projectService: true`).
 *
 * @example
 * ```js
 * // eslint.config.js
 * import tseslint from "typescript-eslint";
 * import yieldio from "yieldio/eslint";
 *
 * export default tseslint.config(
 *   ...tseslint.configs.recommendedTypeChecked,
 *   { languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } } },
 *   yieldio.configs.recommended,
 * );
 * ```
 *
 * @module
 */

import type { ESLint, Linter, Rule } from "eslint";
import { noFloatingOperation } from "./no-floating-operation.js";
import { yieldStar } from "./yield-star.js";

/**
 * The plugin: its rules under the `yieldio/` prefix, and the `recommended` config.
 *
 * @example
 * ```js
 * import yieldio from "yieldio/eslint";
 * export default [{ plugins: { yieldio }, rules: { "yieldio/no-floating-operation": "error" } }];
 * ```
 */
export interface YieldioPlugin extends ESLint.Plugin {
  /** `no-floating-operation` and `yield-star`. */
  readonly rules: Record<"no-floating-operation" | "yield-star", Rule.RuleModule>;
  /** Ready-made flat configs. */
  readonly configs: {
    /**
     * Both rules as errors, for TypeScript files (`**\/*.{ts,tsx,mts,cts}`); the files must be
     * parsed with type information.
     */
    readonly recommended: Linter.Config;
  };
}

/** The two TypeScript-ESLint rule modules, seen as ESLint's own (they are the same at run time). */
const rules = {
  "no-floating-operation": noFloatingOperation,
  "yield-star": yieldStar,
} as unknown as YieldioPlugin["rules"];

const recommended: Linter.Config = {
  name: "yieldio/recommended",
  files: ["**/*.ts", "**/*.tsx", "**/*.mts", "**/*.cts"],
  rules: {
    "yieldio/no-floating-operation": "error",
    "yieldio/yield-star": "error",
  },
};

/**
 * yieldio's ESLint plugin. Use `configs.recommended`, or name the rules yourself under the
 * `yieldio` plugin key.
 *
 * @example
 * ```js
 * import yieldio from "yieldio/eslint";
 * export default [yieldio.configs.recommended];
 * ```
 */
const plugin: YieldioPlugin = {
  meta: { name: "yieldio/eslint" },
  rules,
  configs: { recommended },
};
recommended.plugins = { yieldio: plugin };

export default plugin;
