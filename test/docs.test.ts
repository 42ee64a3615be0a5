/**
 * The documentation describes what exists. Every name a code block of README.md or docs/*.md
 * (or an `@example` of a doc comment) imports from `yieldio`, `yieldio/selectors` or
 * `yieldio/executors` is exported by that entry point as built (its published `.d.ts`, found
 * through the exports map); names of API.md that are not built yet appear nowhere in code; and
 * time parameters say "milliseconds" and what a negative delay does.
 */
import test from "ava";
import ts from "typescript";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { checker, entryPoints, program } from "./helpers/source-program.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const read = (file: string): string => readFileSync(path.join(root, file), "utf8");

// ---- what the entry points export ---------------------------------------------------------------

const packageJson = JSON.parse(read("package.json")) as { exports: Record<string, string | { types?: string }> };

/** Entry point (`yieldio`, `yieldio/selectors` ...) → its published declaration file. */
const declarationOf = new Map<string, string>();
for (const [subpath, target] of Object.entries(packageJson.exports)) {
  if (typeof target === "object" && target.types !== undefined) {
    declarationOf.set(subpath === "." ? "yieldio" : `yieldio/${subpath.slice(2)}`, path.join(root, target.types));
  }
}

/** Entry point → every name it exports (values and types), read from the built `.d.ts`. */
function builtExports(): Map<string, Set<string>> {
  const missing = [...declarationOf.values()].filter((file) => !existsSync(file));
  if (missing.length > 0) throw new Error(`not built: ${missing.join(", ")}; run \`npm run build\` first (\`npm test\` does)`);
  const program = ts.createProgram([...declarationOf.values()], {
    noEmit: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: [],
  });
  const checker = program.getTypeChecker();
  const exported = new Map<string, Set<string>>();
  for (const [entry, file] of declarationOf) {
    const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(file)!)!;
    exported.set(entry, new Set(checker.getExportsOfModule(moduleSymbol).map((symbol) => symbol.name)));
  }
  return exported;
}

const exportsByEntry = builtExports();
const everyExport = new Set([...exportsByEntry.values()].flatMap((names) => [...names]));

// ---- code in the documentation ------------------------------------------------------------------

interface Snippet {
  readonly where: string;
  readonly code: string;
}

/** The fenced code blocks of a Markdown file. */
function fencedBlocks(file: string): Snippet[] {
  const text = read(file);
  const blocks: Snippet[] = [];
  const fence = /^```[^\n]*\n([\s\S]*?)^```/gm;
  for (let match = fence.exec(text); match !== null; match = fence.exec(text)) {
    const line = text.slice(0, match.index).split("\n").length;
    blocks.push({ where: `${file}:${line}`, code: match[1]! });
  }
  return blocks;
}

/** The inline code spans of a Markdown file (outside fenced blocks). */
function inlineSpans(file: string): Snippet[] {
  const text = read(file).replace(/^```[^\n]*\n[\s\S]*?^```/gm, "");
  return [...text.matchAll(/`([^`\n]+)`/g)].map((match) => ({ where: file, code: match[1]! }));
}

const markdownFiles = [
  "README.md",
  ...readdirSync(path.join(root, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`),
];

/** Every `.ts` file of the library (lib/, selectors/, executors/). */
function sourceFiles(): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(rel);
      else if (entry.name.endsWith(".ts")) files.push(rel);
    }
  };
  for (const dir of ["lib", "selectors", "executors"]) walk(dir);
  return files.sort();
}

/** The `@example` blocks of the doc comments of a source file, without the comment's `*`s. */
function exampleBlocks(file: string): Snippet[] {
  const text = read(file);
  const examples: Snippet[] = [];
  for (const comment of text.matchAll(/\/\*\*[\s\S]*?\*\//g)) {
    const lines = comment[0].split("\n").map((line) => line.replace(/^\s*\/?\*+\/?\s?/, ""));
    let current: string[] | undefined;
    const flush = (): void => {
      if (current !== undefined) {
        const line = text.slice(0, comment.index).split("\n").length;
        examples.push({ where: `${file}:${line}`, code: current.join("\n").replace(/^```\w*$/gm, "") });
      }
      current = undefined;
    };
    for (const line of lines) {
      if (/^@example\b/.test(line)) {
        flush();
        current = [];
      } else if (/^@\w/.test(line)) flush();
      else current?.push(line);
    }
    flush();
  }
  return examples;
}

interface ImportedName {
  readonly where: string;
  readonly entry: string;
  readonly name: string;
}

/**
 * The names a snippet imports from yieldio's entry points, read with the TypeScript parser
 * (multi-line imports, `import type`, `type` specifiers, `as` renames: the imported name).
 */
function importsOf(snippet: Snippet): ImportedName[] {
  const source = ts.createSourceFile("snippet.ts", snippet.code, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const names: ImportedName[] = [];
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    const entry = statement.moduleSpecifier.text;
    if (entry !== "yieldio" && !entry.startsWith("yieldio/")) continue;
    const clause = statement.importClause;
    if (clause?.name !== undefined) names.push({ where: snippet.where, entry, name: "default" });
    const bindings = clause?.namedBindings;
    if (bindings !== undefined && ts.isNamedImports(bindings)) {
      for (const element of bindings.elements)
        names.push({ where: snippet.where, entry, name: (element.propertyName ?? element.name).text });
    }
    if (clause === undefined || (bindings !== undefined && ts.isNamespaceImport(bindings)))
      names.push({ where: snippet.where, entry, name: "*" });
  }
  return names;
}

/** Imports of names an entry point does not export (or of an entry point that does not exist). */
function unexportedImports(snippets: readonly Snippet[]): { checked: number; wrong: string[] } {
  const imports = snippets.flatMap(importsOf);
  const wrong = imports
    .filter(({ entry, name }) => {
      const names = exportsByEntry.get(entry);
      return names === undefined || (name !== "*" && !names.has(name));
    })
    .map(({ where, entry, name }) => `${where}: ${name} from "${entry}"`);
  return { checked: imports.length, wrong };
}

/**
 * Names of API.md that are not built yet (they are checked only while no entry point exports
 * them, so this list can stay as features land). Method names that also exist on a class
 * (`runInExecutor` on EventLoop) are left to the import check.
 */
const PLANNED = [
  "openConnection",
  "startServer",
  "openUnixConnection",
  "startUnixServer",
  "StreamReader",
  "StreamWriter",
  "createSubprocessExec",
  "toThread",
  "ThreadPoolExecutor",
  "ProcessPoolExecutor",
  "InlineExecutor",
  "workerModule",
  "workerFunction",
  "currentSignal",
  "BrokenExecutorError",
  "WorkerExitedError",
  "fromAbortable",
  "useAbortSignal",
  "fromAsyncIterable",
  "toAbortable",
  "fromEffect",
  "toEffect",
  "fromTaskEither",
  "toTaskEither",
  "openChannel",
  "SendChannel",
  "ReceiveChannel",
  "CapacityLimiter",
  "ContextVar",
  "waitAllTasksBlocked",
  "TaskStatus",
  "EndOfChannel",
  "BrokenResourceError",
  "IncompleteReadError",
  "LimitOverrunError",
  "captureCallGraph",
  "formatCallGraph",
  "NativeSelector",
  "BullMQExecutor",
  "startBullMQWorker",
];

/** Mentions of unbuilt names: identifiers not reached through a `.` (`asyncio.StreamReader` is asyncio's). */
function unbuiltMentions(snippets: readonly Snippet[]): string[] {
  const unbuilt = PLANNED.filter((name) => !everyExport.has(name));
  const found: string[] = [];
  for (const { where, code } of snippets) {
    for (const name of unbuilt) {
      if (new RegExp(`(?<![.\\w$])${name}(?![\\w$])`).test(code)) found.push(`${where}: ${name}`);
    }
  }
  return found;
}

test("README and docs behaviour: every name a code block imports from yieldio is exported by the built entry point", (t) => {
  t.true(exportsByEntry.get("yieldio")!.has("run") && exportsByEntry.get("yieldio")!.has("Coroutine"), "types and values are read");
  const { checked, wrong } = unexportedImports(markdownFiles.flatMap(fencedBlocks));
  t.true(checked >= 6, `found ${checked} imported names`);
  t.deepEqual(wrong, []);
});

test("README and docs behaviour: the import check reads multi-line imports, `import type` and renames", (t) => {
  const snippet = {
    where: "sample",
    code: [
      'import {\n  run,\n  sleep as nap,\n  type Coroutine,\n} from "yieldio";',
      'import type { Selector, NoSuchType } from "yieldio/selectors";',
      'import { toThread } from "yieldio/executors";',
      'import * as core from "yieldio";',
      'import { TemporalExecutor } from "yieldio/executors/temporal";',
      'import { readFile } from "node:fs/promises";',
    ].join("\n"),
  };
  t.deepEqual(
    importsOf(snippet).map(({ entry, name }) => `${entry}:${name}`),
    [
      "yieldio:run",
      "yieldio:sleep",
      "yieldio:Coroutine",
      "yieldio/selectors:Selector",
      "yieldio/selectors:NoSuchType",
      "yieldio/executors:toThread",
      "yieldio:*",
      "yieldio/executors/temporal:TemporalExecutor",
    ],
  );
  const expectedWrong = ['sample: NoSuchType from "yieldio/selectors"', 'sample: TemporalExecutor from "yieldio/executors/temporal"'];
  if (!everyExport.has("toThread")) expectedWrong.splice(1, 0, 'sample: toThread from "yieldio/executors"');
  t.deepEqual(unexportedImports([snippet]).wrong, expectedWrong);
});

test("README and docs behaviour: code in README.md and docs/*.md names no API that is not built yet", (t) => {
  t.deepEqual(unbuiltMentions(markdownFiles.flatMap((file) => [...fencedBlocks(file), ...inlineSpans(file)])), []);
  t.deepEqual(
    unbuiltMentions([{ where: "sample", code: "asyncio.StreamReader, yield* toThread(fn)" }]),
    everyExport.has("toThread") ? [] : ["sample: toThread"],
  );
});

test("doc comments behaviour: `@example` blocks import only exported names and name no API that is not built yet", (t) => {
  const examples = sourceFiles().flatMap(exampleBlocks);
  t.true(examples.length > 100, `found ${examples.length} @example blocks`);
  t.deepEqual(unexportedImports(examples).wrong, []);
  t.deepEqual(unbuiltMentions(examples), []);
});

test("doc comments behaviour: no doc comment of the library names an API that is not built yet", (t) => {
  const comments = sourceFiles().flatMap((file) => {
    const text = read(file);
    return [...text.matchAll(/\/\*\*[\s\S]*?\*\//g)].map((m) => ({
      where: `${file}:${text.slice(0, m.index).split("\n").length}`,
      code: m[0],
    }));
  });
  t.true(comments.length > 200, `found ${comments.length} doc comments`);
  t.deepEqual(unbuiltMentions(comments), []);
});

// ---- time parameters ----------------------------------------------------------------------------

/** Parameter and property names that hold a time or a duration. */
const TIME_NAME = /^(?:\w*Ms|ms|deadline|delay|when|timeout|BUDGET_MS)$/;

interface TimeDoc {
  readonly name: string;
  readonly doc: string;
}

function docOf(symbol: ts.Symbol): string {
  return `${ts.displayPartsToString(symbol.getDocumentationComment(checker))}\n${symbol
    .getJsDocTags(checker)
    .map((tag) => `@${tag.name} ${ts.displayPartsToString(tag.text)}`)
    .join("\n")}`;
}

/** The doc of parameter `name` of a signature: its `@param` text (`@inheritDoc`: the inherited one, checked where it is written). */
function paramDoc(declaration: ts.SignatureDeclaration, name: string): string {
  if (ts.getJSDocTags(declaration).some((tag) => tag.tagName.text === "inheritDoc")) return "(inherited: milliseconds)";
  return ts
    .getJSDocParameterTags(declaration.parameters.find((p) => ts.isIdentifier(p.name) && p.name.text === name)!)
    .map((tag) => (typeof tag.comment === "string" ? tag.comment : (ts.getTextOfJSDocComment(tag.comment) ?? "")))
    .join("\n");
}

/** Every public time parameter, time property and clock method of the entry points, with its doc. */
function timeDocs(): TimeDoc[] {
  const found: TimeDoc[] = [];
  const visitSignature = (owner: string, declaration: ts.Declaration): void => {
    // A setter's parameter is the property's value: the property's doc is checked.
    if (!ts.isFunctionLike(declaration) || ts.isSetAccessor(declaration)) return;
    for (const parameter of declaration.parameters) {
      if (ts.isIdentifier(parameter.name) && TIME_NAME.test(parameter.name.text)) {
        found.push({ name: `${owner}(${parameter.name.text})`, doc: paramDoc(declaration, parameter.name.text) });
      }
    }
  };
  const seen = new Set<ts.Symbol>();
  for (const file of entryPoints) {
    const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(file)!)!;
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      if (seen.has(symbol)) continue;
      seen.add(symbol);
      if (symbol.flags & ts.SymbolFlags.Variable && TIME_NAME.test(symbol.name)) found.push({ name: symbol.name, doc: docOf(symbol) });
      // Overloads: the documented ones (the implementation signature is not public).
      const declarations = symbol.declarations ?? [];
      const documented = declarations.length > 1 ? declarations.filter((d) => ts.getJSDocCommentsAndTags(d).length > 0) : declarations;
      for (const declaration of documented) visitSignature(symbol.name, declaration);
      if ((symbol.flags & (ts.SymbolFlags.Class | ts.SymbolFlags.Interface)) === 0) continue;
      const type = checker.getDeclaredTypeOfSymbol(symbol);
      for (const declaration of symbol.declarations ?? []) {
        if (!ts.isClassDeclaration(declaration)) continue;
        for (const constructor of declaration.members.filter(ts.isConstructorDeclaration)) {
          if (!ts.getJSDocTags(constructor).some((tag) => tag.tagName.text === "internal"))
            visitSignature(`new ${symbol.name}`, constructor);
        }
      }
      for (const member of type.getProperties()) {
        if (member.name.startsWith("_") || member.name.startsWith("#")) continue;
        const owner = `${symbol.name}.${member.name}`;
        const memberDoc = docOf(member);
        if (memberDoc.includes("@internal")) continue;
        if (member.flags & (ts.SymbolFlags.Property | ts.SymbolFlags.Accessor) && TIME_NAME.test(member.name))
          found.push({ name: owner, doc: memberDoc });
        if (member.flags & ts.SymbolFlags.Method && (member.name === "time" || member.name === "when"))
          found.push({ name: `${owner}()`, doc: memberDoc });
        for (const declaration of member.declarations ?? []) visitSignature(owner, declaration);
      }
    }
  }
  return found;
}

test("time parameters behaviour: every public time parameter, time property and clock says it counts milliseconds", (t) => {
  const docs = timeDocs();
  const names = docs.map((d) => d.name);
  for (const expected of [
    "sleep(delayMs)",
    "timeout(delayMs)",
    "moveOnAt(whenMs)",
    "waitFor(timeoutMs)",
    "EventLoop.callLater(delayMs)",
    "VirtualSelector.select(timeoutMs)",
    "WaitOptions.timeoutMs",
    "CancelScope.deadline",
    "EventLoop.time()",
    "new VirtualSelector(startMs)",
  ]) {
    t.true(names.includes(expected), `${expected} is among the checked names: ${names.join(", ")}`);
  }
  t.deepEqual(
    docs.filter((d) => !/milliseconds/i.test(d.doc)).map((d) => d.name),
    [],
  );
});

test("time parameters behaviour: sleep, timeout, moveOnAfter, waitFor and callLater document a negative delay", (t) => {
  const docs = new Map(timeDocs().map((d) => [d.name, d.doc]));
  const symbolDoc = (name: string): string => {
    const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(entryPoints[0]!)!)!;
    const exported = checker.getExportsOfModule(moduleSymbol).find((s) => s.name === name)!;
    return docOf(checker.getAliasedSymbol(exported));
  };
  const callLater = docs.get("EventLoop.callLater(delayMs)") ?? "";
  const missing = ["sleep", "timeout", "moveOnAfter", "waitFor"].filter((name) => !/negative/i.test(symbolDoc(name)));
  if (!/negative/i.test(callLater) && !/negative/i.test(docOfMember("EventLoop", "callLater"))) missing.push("EventLoop.callLater");
  t.deepEqual(missing, []);
});

function docOfMember(className: string, memberName: string): string {
  const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(entryPoints[0]!)!)!;
  const exported = checker.getExportsOfModule(moduleSymbol).find((s) => s.name === className)!;
  const member = checker.getDeclaredTypeOfSymbol(checker.getAliasedSymbol(exported)).getProperty(memberName)!;
  return docOf(member);
}
