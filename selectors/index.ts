/**
 * `yieldio/selectors`: how the event loop waits and tells time.
 *
 * @module
 */

export { EVENT_READ, EVENT_WRITE } from "./selector.js";
export type { Selector, SelectorKey, SelectorSocket, SelectorSocketAddress, SelectorSockets, SelectResult } from "./selector.js";
export { BaseSelector, NOTHING_READY } from "./base-selector.js";
export { NodeSelector } from "./node-selector.js";
export { DefaultSelector } from "./default-selector.js";
export { VirtualSelector } from "./virtual-selector.js";
export { VirtualFile } from "./virtual-file.js";
export { VirtualSocket } from "./virtual-socket.js";
export type { VirtualSocketPairOptions } from "./virtual-socket.js";
export { NativeSelector } from "./native-selector.js";
export { NativeSocket } from "./native-socket.js";
export type { NativeSocketAddress, SystemError } from "./native-socket.js";
