/**
 * The selectors on real time that the stream tests run on, one suite for each: `NodeSelector`
 * everywhere, `NativeSelector` on Linux (where its addon must be built: these tests fail, not
 * skip, without it).
 */
import type { ExecutionContext } from "ava";
import type { Operation } from "../../lib/index.js";
import { NativeSelector, NodeSelector } from "../../selectors/index.js";
import type { Selector } from "../../selectors/index.js";
import { runReal } from "./loop.js";

/** One selector the suite runs on. */
export interface RealSelector {
  readonly name: string;
  /** A new selector of this kind. */
  create(): Selector;
  /** `title`, naming the selector. */
  title(title: string): string;
  /** {@link runReal} on a new selector of this kind. */
  run<T>(t: ExecutionContext, main: () => Operation<T>, options?: { allowReports?: boolean }): ReturnType<typeof runReal<T>>;
}

function realSelector(name: string, create: () => Selector): RealSelector {
  return {
    name,
    create,
    title: (title) => `${title} (${name})`,
    run: (t, main, options = {}) => runReal(t, main, { ...options, selector: create() }),
  };
}

/** NodeSelector, and NativeSelector on Linux. */
export const REAL_SELECTORS: readonly RealSelector[] = [
  realSelector("NodeSelector", () => new NodeSelector()),
  ...(process.platform === "linux" ? [realSelector("NativeSelector", () => new NativeSelector())] : []),
];
