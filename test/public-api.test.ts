/**
 * The public surface: pins the exported names of each entry point, and checks that every
 * exported symbol is documented with a summary and an `@example`, and that every exported
 * function that waits (returns an Operation) has a Cancellation paragraph.
 */
import test from "ava";
import ts from "typescript";
import * as core from "../lib/index.js";
import * as selectors from "../selectors/index.js";
import * as executors from "../executors/index.js";
import { checker, entryPoints, program } from "./helpers/source-program.js";

interface ExportDoc {
  readonly name: string;
  readonly summary: string;
  readonly tags: readonly string[];
  readonly waits: boolean;
}

function exportsOf(file: string): ExportDoc[] {
  const source = program.getSourceFile(file)!;
  const moduleSymbol = checker.getSymbolAtLocation(source)!;
  return checker.getExportsOfModule(moduleSymbol).map((exported) => {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const summary = ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim();
    const tags = symbol.getJsDocTags(checker).map((tag) => tag.name);
    let waits = false;
    const declaration = symbol.valueDeclaration;
    if (declaration !== undefined && ts.isFunctionDeclaration(declaration)) {
      const signature = checker.getSignatureFromDeclaration(declaration);
      const returned = signature === undefined ? "" : checker.typeToString(checker.getReturnTypeOfSignature(signature));
      waits = /^(Generator|Operation)</.test(returned);
    }
    const text = `${summary}\n${symbol
      .getJsDocTags(checker)
      .map((tag) => ts.displayPartsToString(tag.text))
      .join("\n")}`;
    return { name: exported.name, summary: text, tags, waits };
  });
}

const documented = entryPoints.flatMap(exportsOf);

test("public API behaviour: every exported symbol has a summary and an @example", (t) => {
  const missing = documented.filter((entry) => entry.summary.trim() === "" || !entry.tags.includes("example")).map((entry) => entry.name);
  t.deepEqual(missing, []);
});

test("public API behaviour: every exported operation that waits documents its cancellation", (t) => {
  const missing = documented.filter((entry) => entry.waits && !/Cancellation/.test(entry.summary)).map((entry) => entry.name);
  t.deepEqual(missing, []);
});

/** Public methods of exported classes that return an Operation (they wait), with their docs. */
function waitingMethods(file: string): ExportDoc[] {
  const source = program.getSourceFile(file)!;
  const moduleSymbol = checker.getSymbolAtLocation(source)!;
  const methods: ExportDoc[] = [];
  for (const exported of checker.getExportsOfModule(moduleSymbol)) {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    if ((symbol.flags & ts.SymbolFlags.Class) === 0) continue;
    for (const member of checker.getDeclaredTypeOfSymbol(symbol).getProperties()) {
      const declaration = member.valueDeclaration;
      if (declaration === undefined || !ts.isMethodDeclaration(declaration) || member.name.startsWith("_") || member.name.startsWith("#"))
        continue;
      const signature = checker.getSignatureFromDeclaration(declaration);
      const returned = signature === undefined ? "" : checker.typeToString(checker.getReturnTypeOfSignature(signature));
      if (!/^(Generator|Operation)</.test(returned)) continue;
      const tags = member.getJsDocTags(checker);
      const text = `${ts.displayPartsToString(member.getDocumentationComment(checker))}\n${tags.map((tag) => ts.displayPartsToString(tag.text)).join("\n")}`;
      methods.push({ name: `${exported.name}.${member.name}`, summary: text, tags: tags.map((tag) => tag.name), waits: true });
    }
  }
  return methods;
}

test("public API behaviour: every public method that waits has a Cancellation paragraph and an @example", (t) => {
  const methods = entryPoints.flatMap(waitingMethods);
  t.true(methods.length > 10, `found ${methods.length} waiting methods`);
  const missing = methods
    .filter((entry) => !/Cancellation/.test(entry.summary) || !entry.tags.includes("example"))
    .map((entry) => entry.name);
  t.deepEqual(missing, []);
});

test("public API behaviour: the names of API.md are exported", (t) => {
  const coreNames = [
    "run",
    "main",
    "EventLoop",
    "getRunningLoop",
    "Handle",
    "TimerHandle",
    "Future",
    "Task",
    "createTask",
    "currentTask",
    "allTasks",
    "sleep",
    "yieldNow",
    "CancelScope",
    "timeout",
    "timeoutAt",
    "moveOnAfter",
    "moveOnAt",
    "Timeout",
    "waitFor",
    "shield",
    "CancelledError",
    "TimeoutError",
    "InvalidStateError",
    "fromPromise",
    "fromAbortable",
    "useAbortSignal",
    "once",
    "fromAsyncIterable",
    "gather",
    "gatherSettled",
    "race",
    "wait",
    "asCompleted",
    "taskGroup",
    "TaskGroup",
    "ExceptionGroup",
    "Lock",
    "Event",
    "Condition",
    "Semaphore",
    "BoundedSemaphore",
    "Barrier",
    "Queue",
    "LifoQueue",
    "PriorityQueue",
    "QueueEmpty",
    "QueueFull",
    "QueueShutDown",
    "BrokenBarrierError",
  ];
  t.deepEqual(
    coreNames.filter((name) => !(name in core)),
    [],
  );
  const selectorNames = [
    "EVENT_READ",
    "EVENT_WRITE",
    "NodeSelector",
    "VirtualSelector",
    "DefaultSelector",
    "NativeSelector",
    "NativeSocket",
  ];
  t.deepEqual(
    selectorNames.filter((name) => !(name in selectors)),
    [],
  );
  t.is(selectors.EVENT_READ, 1);
  t.is(selectors.EVENT_WRITE, 2);
  t.is(typeof executors, "object");
});
