/**
 * The one place where the kernel names a selector implementation: the default for a loop
 * created without one. On Node the default is `NodeSelector` (Node's libuv loop does the
 * waiting, so the rest of the process keeps running); everything else in `lib/` knows
 * selectors only through the interface.
 *
 * @module
 */

import { NodeSelector } from "../../selectors/node-selector.js";
import type { Selector } from "../../selectors/selector.js";

/** @internal */
export const NodeSelectorFactory = {
  create(): Selector {
    return new NodeSelector();
  },
};
