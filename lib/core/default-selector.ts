/**
 * The one place where the kernel names a selector implementation: the default for a loop
 * created without one, `DefaultSelector` (`NativeSelector` on Linux when its addon loads, else
 * `NodeSelector`; see selectors/default-selector.ts). Everything else in `lib/` knows selectors
 * only through the interface.
 *
 * @module
 */

import { DefaultSelector } from "../../selectors/default-selector.js";
import { NodeSelector } from "../../selectors/node-selector.js";
import type { Selector } from "../../selectors/selector.js";

/** @internal */
export const DefaultSelectorFactory = {
  create(): Selector {
    return new DefaultSelector();
  },
  /** A selector that holds nothing until it is used (a NodeSelector), for a loop that never runs. */
  createIdle(): Selector {
    return new NodeSelector();
  },
};
