/**
 * The layer rule of docs/internals.md ("Who may import whom"), checked by `npm run lint`
 * (dependency-cruiser), so that the tree and the rule cannot drift apart.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "kernel-imports-no-higher-layer",
      comment: "lib/core is the kernel: combinators, primitives and interop are its clients, never the other way round.",
      severity: "error",
      from: { path: "^lib/core/" },
      to: { path: "^lib/(time|structured|sync|interop|streams|diagnostics)/" },
    },
    {
      name: "time-limits-import-only-the-kernel",
      comment: "lib/time (sleep, timeout, shield, waitFor) stands on the kernel alone; structured and sync use it.",
      severity: "error",
      from: { path: "^lib/time/" },
      to: { path: "^lib/(structured|sync|interop|streams)/" },
    },
    {
      name: "interop-imports-only-the-kernel-and-time",
      severity: "error",
      from: { path: "^lib/interop/" },
      to: { path: "^lib/(structured|sync)/" },
    },
    {
      name: "streams-import-the-kernel-time-and-sync",
      comment: "lib/streams (readers, writers, transports) stands on the kernel, time limits and the sync primitives.",
      severity: "error",
      from: { path: "^lib/streams/" },
      to: { path: "^lib/(structured|interop)/" },
    },
    {
      name: "diagnostics-import-only-the-kernel",
      comment: "lib/diagnostics (traces, call graphs) watch the kernel through instruments and its tasks; nothing but the public door imports them.",
      severity: "error",
      from: { path: "^lib/diagnostics/" },
      to: { path: "^lib/(time|sync|interop|streams)/" },
    },
    {
      name: "only-the-door-and-tools-import-diagnostics",
      comment: "The library's layers never depend on its diagnostics: a trace or a call graph is looked at from outside.",
      severity: "error",
      from: { path: "^lib/(time|structured|sync|interop|streams)/" },
      to: { path: "^lib/diagnostics/" },
    },
    {
      name: "only-the-public-door-re-exports",
      comment: "Nothing inside the library imports lib/index.ts: it is the door for users.",
      severity: "error",
      from: { path: "^(lib|selectors|executors)/" },
      to: { path: "^lib/index\\.ts$" },
    },
    {
      name: "kernel-knows-selectors-and-executors-by-their-interface",
      comment: "The kernel imports selectors/selector.ts and executors/executor.ts only (one default selector is named in lib/core/default-selector.ts, one default executor in lib/core/default-executor.ts).",
      severity: "error",
      from: { path: "^lib/", pathNot: "^lib/core/default-(selector|executor)\\.ts$" },
      to: { path: "^(selectors|executors)/", pathNot: "^(selectors/selector|executors/executor)\\.ts$" },
    },
    {
      name: "selectors-import-their-interface-and-kernel-errors",
      comment: "Selector implementations see their interface, their siblings and lib/core/errors.ts: the kernel calls them, never the other way round.",
      severity: "error",
      from: { path: "^selectors/", pathNot: "^selectors/(selector|index)\\.ts$" },
      to: { path: "^lib/", pathNot: "^lib/core/errors\\.ts$" },
    },
    {
      name: "executors-import-their-interface-and-the-running-loop",
      comment: "Executor implementations see their interface, their siblings, lib/core/errors.ts, the running loop (lib/core/running.ts), whose Futures they return, describeReceived (lib/core/received.ts) for their argument checks, and the AbortSignal type (lib/core/abort-signal-like.ts); EventLoop by type only.",
      severity: "error",
      from: { path: "^executors/", pathNot: "^executors/(executor|index)\\.ts$" },
      to: { path: "^lib/", pathNot: "^lib/core/(errors|running|future|event-loop|received|abort-signal-like)\\.ts$" },
    },
    {
      name: "executors-name-the-loop-by-type-only",
      comment: "A pool makes Futures (a subclass whose cancel() tells the pool) but never drives the loop.",
      severity: "error",
      from: { path: "^executors/", pathNot: "^executors/(executor|index)\\.ts$" },
      to: { path: "^lib/core/event-loop\\.ts$", dependencyTypesNot: ["type-only"] },
    },
    {
      name: "interop-bridges-stand-on-the-public-api",
      comment: "yieldio/interop/* adapt yieldio to other libraries through the public door (lib/index.ts), as a user's code would; nothing of the library imports them, so the core never loads effect, fp-ts or abort-controller-x.",
      severity: "error",
      from: { path: "^interop/" },
      to: { path: "^(lib|selectors|executors)/", pathNot: "^lib/index\\.ts$" },
    },
    {
      name: "the-cli-stands-on-the-public-api",
      comment: "The yieldio command (cli/) runs scripts through the public door (lib/index.ts), the same module instance the scripts import as yieldio.",
      severity: "error",
      from: { path: "^cli/" },
      to: { path: "^(lib|selectors|executors|interop)/", pathNot: "^lib/index\\.ts$" },
    },
    {
      name: "nothing-of-the-library-loads-the-bridges",
      comment: "The bridges are separate entry points with optional peer dependencies.",
      severity: "error",
      from: { path: "^(lib|selectors|executors|eslint)/" },
      to: { path: "^interop/" },
    },
    {
      name: "examples-and-bench-use-public-entry-points",
      comment: "Programs import what users import: lib/index.ts, selectors/index.ts, executors/index.ts.",
      severity: "error",
      from: { path: "^(examples|bench)/" },
      to: { path: "^(lib|selectors|executors)/", pathNot: "^(lib|selectors|executors)/index\\.ts$" },
    },
    {
      name: "the-lint-plugin-stands-alone",
      comment: "yieldio/eslint reads Operations from TypeScript's types, structurally: it imports nothing of the library, so linting never loads the runtime.",
      severity: "error",
      from: { path: "^eslint/" },
      to: { path: "^(lib|selectors|executors)/" },
    },
    {
      name: "no-cycles-outside-the-kernel",
      comment: "The kernel's classes refer to one another (Future, Task, EventLoop); everything else is a tree. Type-only imports are erased at compile time and make no cycle at run time.",
      severity: "error",
      from: { pathNot: "^lib/core/" },
      to: { circular: true, dependencyTypesNot: ["type-only"], viaOnly: { dependencyTypesNot: ["type-only"] } },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(dist|docs-site|node_modules)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { extensions: [".ts", ".js"] },
  },
};
