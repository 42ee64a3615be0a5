/**
 * typescript-eslint's RuleTester, run by ava: each valid and invalid case becomes one ava test
 * named after its rule, and the cases are linted with type information against
 * test/fixtures/eslint (where `yieldio` is the library's source).
 */
import test from "ava";
import { RuleTester } from "@typescript-eslint/rule-tester";
import { fileURLToPath } from "node:url";

const titles: string[] = [];
RuleTester.afterAll = (fn) => {
  test.after.always(fn);
};
RuleTester.describe = (title, fn) => {
  titles.push(title);
  try {
    fn();
  } finally {
    titles.pop();
  }
};
RuleTester.it = (title, fn) => {
  // The case throws an AssertionError when the rule's reports or fixes differ from it.
  test(`\`${titles[0] ?? ""}\` behaviour: ${titles.slice(1).join(" ")}: ${title}`, (t) => {
    t.notThrows(() => {
      fn();
    });
  });
};
RuleTester.itOnly = RuleTester.it;

/** A RuleTester that lints with type information. */
export function typedRuleTester(): RuleTester {
  return new RuleTester({
    languageOptions: {
      parserOptions: {
        project: "./tsconfig.json",
        tsconfigRootDir: fileURLToPath(new URL("../fixtures/eslint", import.meta.url)),
      },
    },
  });
}
