/**
 * `DefaultSelector`: the best selector on this machine, as asyncio's `selectors.DefaultSelector`
 * names the best poller of the platform. It is `NativeSelector` (epoll) on Linux when its addon
 * loads, else `NodeSelector` (Windows, macOS, a machine without the binary). The environment
 * variable `YIELDIO_SELECTOR=node|native` overrides the choice. With `YIELDIO_DEBUG=1`, the
 * reason the native selector was not taken is written to standard error once.
 *
 * The choice is made once, when this module loads.
 *
 * @module
 */

import { _loadNativeBinding } from "./native-binding.js";
import { NativeSelector } from "./native-selector.js";
import { NodeSelector } from "./node-selector.js";

/** @internal What a `YIELDIO_SELECTOR` value and the addon's availability pick (throws for an unknown value). */
export function _chooseSelector(
  requested: string | undefined,
  nativeError: Error | undefined,
): typeof NodeSelector | typeof NativeSelector {
  switch (requested ?? "") {
    case "node":
      return NodeSelector;
    case "native":
      return NativeSelector; // its constructor raises the addon's error when it is not available
    case "":
      return nativeError === undefined ? NativeSelector : NodeSelector;
    default:
      throw new RangeError(`YIELDIO_SELECTOR must be "node" or "native" (or unset, to pick the best): it is ${JSON.stringify(requested)}`);
  }
}

function chooseFromEnvironment(): typeof NodeSelector | typeof NativeSelector {
  const requested = process.env["YIELDIO_SELECTOR"];
  const loaded = requested === "node" ? undefined : _loadNativeBinding();
  const nativeError = loaded !== undefined && "error" in loaded ? loaded.error : undefined;
  let chosen: typeof NodeSelector | typeof NativeSelector;
  try {
    chosen = _chooseSelector(requested, nativeError);
  } catch (error) {
    // Importing yieldio must not fail over an environment variable: the error is raised where
    // a default selector is made, which is where the user asked for one.
    return class extends NodeSelector {
      constructor() {
        super();
        super.close();
        throw error;
      }
    };
  }
  if (chosen === NodeSelector && nativeError !== undefined && process.env["YIELDIO_DEBUG"] === "1") {
    process.stderr.write(`yieldio: DefaultSelector is NodeSelector: ${nativeError.message}\n`);
  }
  return chosen;
}

/**
 * The best selector here: {@link NativeSelector} on Linux when its addon loads, else
 * {@link NodeSelector}; `YIELDIO_SELECTOR=node|native` overrides (an unknown value makes
 * `new DefaultSelector()` throw a `RangeError`). A loop made without a selector uses it.
 *
 * @example
 * ```ts
 * const loop = new EventLoop({ selector: new DefaultSelector() });
 * console.log(DefaultSelector.name); // "NativeSelector" on Linux, "NodeSelector" elsewhere
 * ```
 */
export const DefaultSelector: typeof NodeSelector | typeof NativeSelector = chooseFromEnvironment();

/** The instance type of {@link DefaultSelector}. */
export type DefaultSelector = NodeSelector | NativeSelector;
