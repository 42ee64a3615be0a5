/**
 * Checks of the options of `run()` and `new EventLoop()`, made before anything is built: a
 * wrong option is a TypeError naming it, never a failure later (a selector without `select`
 * used to fail in `close()`, with an error that hid the first one).
 *
 * @module
 */

/** The methods a Selector must have (see `selectors/selector.ts`). */
const SELECTOR_METHODS = ["register", "unregister", "modify", "select", "getKey", "getMap", "close", "time", "wake"] as const;

/** The methods an Executor must have (see `executors/executor.ts`). */
const EXECUTOR_METHODS = ["submit", "shutdown"] as const;

/** What each option must be; `undefined` is always allowed (the option is absent). */
type OptionKind = "selector" | "executor" | "boolean" | "function" | "instruments" | "string";

/** @internal The options of `new EventLoop()`. */
export const LOOP_OPTIONS: Readonly<Record<string, OptionKind>> = {
  selector: "selector",
  debug: "boolean",
  eagerTasks: "boolean",
  exceptionHandler: "function",
  instruments: "instruments",
};

/** @internal The options of `run()`. */
export const RUN_OPTIONS: Readonly<Record<string, OptionKind>> = { ...LOOP_OPTIONS, executor: "executor", name: "string" };

/**
 * @internal Throws a TypeError naming the first option that is unknown or of the wrong kind.
 * `where` is the call (`run()`), `position` says which argument the options are.
 */
export function checkOptions(where: string, position: string, options: unknown, known: Readonly<Record<string, OptionKind>>): void {
  if (options === undefined) return;
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new TypeError(`${where} needs an options object as its ${position} argument (or none): received ${describe(options)}`);
  }
  for (const [name, value] of Object.entries(options)) {
    const kind = known[name];
    if (kind === undefined) {
      throw new TypeError(`${where} got an unknown option "${name}": the options are ${Object.keys(known).join(", ")}`);
    }
    if (value === undefined) continue;
    const problem = mismatch(kind, value);
    if (problem !== undefined) throw new TypeError(`${where} needs options.${name} to be ${problem}`);
  }
}

/** Why `value` is not of `kind` (what it needs, and what it got), or undefined if it is. */
function mismatch(kind: OptionKind, value: unknown): string | undefined {
  switch (kind) {
    case "boolean":
      return typeof value === "boolean" ? undefined : `true or false: received ${describe(value)}`;
    case "string":
      return typeof value === "string" ? undefined : `a string: received ${describe(value)}`;
    case "function":
      return typeof value === "function" ? undefined : `a function: received ${describe(value)}`;
    case "selector":
      return missingMethods(value, SELECTOR_METHODS, "a Selector (new NodeSelector(), new VirtualSelector() or your own)");
    case "executor":
      return missingMethods(value, EXECUTOR_METHODS, "an Executor");
    case "instruments":
      return Array.isArray(value) ? undefined : `an array of instruments: received ${describe(value)}`;
  }
}

function missingMethods(value: unknown, methods: readonly string[], what: string): string | undefined {
  if (typeof value !== "object" || value === null) return `${what}: received ${describe(value)}`;
  const missing = methods.filter((method) => typeof (value as Record<string, unknown>)[method] !== "function");
  if (missing.length === 0) return undefined;
  return `${what}: the object given has no ${missing.map((method) => `${method}()`).join(", ")}`;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return `the string ${JSON.stringify(value)}`;
  if (typeof value === "number" || typeof value === "boolean") return `${typeof value} ${String(value)}`;
  return typeof value;
}
