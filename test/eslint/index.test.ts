/**
 * The plugin as users load it (`yieldio/eslint`): its rules, its recommended config, and the
 * message when a file is linted without type information.
 */
import test from "ava";
import { Linter } from "eslint";
import tseslint from "typescript-eslint";
import { fileURLToPath } from "node:url";
import plugin from "../../eslint/index.js";

const fixtures = fileURLToPath(new URL("../fixtures/eslint", import.meta.url));

test("`plugin` behaviour: the recommended config turns both rules on for TypeScript files and names the plugin", (t) => {
  const { recommended } = plugin.configs;
  t.deepEqual(Object.keys(plugin.rules).sort(), ["no-floating-operation", "yield-star"]);
  t.deepEqual(recommended.rules, { "yieldio/no-floating-operation": "error", "yieldio/yield-star": "error" });
  t.is(recommended.plugins?.["yieldio"], plugin);
  t.deepEqual(recommended.files, ["**/*.ts", "**/*.tsx", "**/*.mts", "**/*.cts"]);
});

test("`plugin` behaviour: linting the recommended config with type information reports a dropped operation", (t) => {
  const linter = new Linter({ configType: "flat", cwd: fixtures });
  const messages = linter.verify(
    'import { sleep } from "yieldio";\nexport function* main() {\n  sleep(1);\n  yield* sleep(2);\n}\n',
    [
      {
        files: ["**/*.ts"],
        languageOptions: {
          parser: tseslint.parser,
          // Under CI=true typescript-eslint would infer a single run and type-check file.ts as it
          // is on disk, not the code given here (RuleTester opts out the same way).
          parserOptions: { project: "./tsconfig.json", tsconfigRootDir: fixtures, disallowAutomaticSingleRunInference: true },
        },
      },
      plugin.configs.recommended,
    ],
    { filename: `${fixtures}/file.ts` },
  );
  t.deepEqual(
    messages.map((message) => [message.ruleId, message.line]),
    [["yieldio/no-floating-operation", 3]],
  );
});

test("`plugin` behaviour: without type information the rules say how to turn it on", (t) => {
  const linter = new Linter({ configType: "flat", cwd: fixtures });
  for (const rule of ["no-floating-operation", "yield-star"]) {
    const error = t.throws(() =>
      linter.verify(
        'import { sleep } from "yieldio";\nsleep(1);\n',
        [
          {
            files: ["**/*.ts"],
            languageOptions: { parser: tseslint.parser },
            plugins: { yieldio: plugin },
            rules: { [`yieldio/${rule}`]: "error" },
          },
        ],
        { filename: `${fixtures}/file.ts` },
      ),
    );
    t.regex(error.message, new RegExp(`yieldio/${rule} needs type information: .*projectService: true`));
  }
});
