/**
 * `captureCallGraph()`, `formatCallGraph()`, `printCallGraph()` (asyncio 3.14's call graphs):
 * who waits for whom through gather, task groups, `yield* task` and wait(), with scopes and, in
 * debug mode, coroutine stacks.
 */
import test from "ava";
import {
  Queue,
  asCompleted,
  captureCallGraph,
  createTask,
  formatCallGraph,
  gather,
  printCallGraph,
  shield,
  sleep,
  taskGroup,
  timeout,
  wait,
} from "../../../lib/index.js";
import type { CallGraph, Coroutine } from "../../../lib/index.js";
import { runVirtual } from "../../helpers/loop.js";

/** The names up the graph, first parent first: [task, its first waiter, that one's first waiter ...]. */
function chain(graph: CallGraph): string[] {
  const names = [graph.task.name];
  for (let parent = graph.awaitedBy[0]; parent !== undefined; parent = parent.awaitedBy[0]) names.push(parent.task.name);
  return names;
}

function* leaf(seen: CallGraph[]): Coroutine<void> {
  yield* sleep(1);
  seen.push(captureCallGraph()!);
}

function* fetchAll(seen: CallGraph[]): Coroutine<void> {
  yield* gather(leaf(seen), sleep(5));
}

function* fetcher(seen: CallGraph[]): Coroutine<void> {
  yield* timeout(100, fetchAll(seen));
}

test("`captureCallGraph()` behaviour: up from a gather child through its gather and a task group to main, with scopes and (debug mode) coroutine stacks", async (t) => {
  const seen: CallGraph[] = [];
  await runVirtual(
    t,
    function* () {
      yield* taskGroup(function* (tg) {
        tg.createTask(fetcher(seen), { name: "fetcher" });
      });
    },
    { debug: true },
  );
  const graph = seen[0]!;
  const [child, fetcherNode, mainNode] = [graph, graph.awaitedBy[0]!, graph.awaitedBy[0]!.awaitedBy[0]!];
  t.deepEqual(chain(graph).slice(1, 2), ["fetcher"]);
  t.is(child.waitingOn, "running");
  t.regex(child.stack[0] ?? "", /^leaf \(.*call-graph\.test\.ts:\d+:\d+\)$/, "the live stack of the running task");
  t.is(fetcherNode.waitingOn, "gather(): 2 children");
  t.deepEqual(fetcherNode.scopes, ["timeout(100)"]);
  t.deepEqual(
    fetcherNode.stack.map((frame) => frame.split(" ")[0]),
    ["fetchAll", "fetcher"],
    "the frames at its last suspension, innermost first, yieldio's own left out",
  );
  t.deepEqual(mainNode.scopes, ["taskGroup()"]);
  t.regex(mainNode.waitingOn, /^taskGroup\(\): waiting for its children$/);
  t.is(mainNode.awaitedBy.length, 0, "nobody waits for main");

  const text = formatCallGraph(graph).split("\n");
  t.regex(text[0]!, /^\* Task Task-\d+ \(running\)$/);
  t.is(text[1], "| + call stack:");
  t.regex(text[2]!, /^\| \| {3}leaf \(/);
  t.true(text.includes("| + awaited by:"));
  t.true(text.includes("   * Task fetcher (waiting on gather(): 2 children)"));
  t.true(text.includes("   | + scopes: timeout(100)"));
  t.true(text.some((line) => /^ {6}\* Task Task-\d+ \(waiting on taskGroup\(\): waiting for its children\)$/.test(line)));
});

test("`captureCallGraph()` behaviour: `yield* task`, wait() and asCompleted() are waits for those tasks; shield() shows as a scope; no stacks without debug mode", async (t) => {
  await runVirtual(t, function* () {
    const queue = new Queue<number>();
    const getter = createTask(shield(queue.get()), { name: "getter" });
    const joiner = createTask(
      (function* () {
        return yield* getter;
      })(),
      { name: "joiner" },
    );
    const waiter = createTask(wait([getter]), { name: "waiter" });
    const completer = createTask(
      (function* () {
        for (const next of asCompleted([getter])) yield* next;
      })(),
      { name: "completer" },
    );
    yield* sleep(1);
    const graph = captureCallGraph(getter)!;
    t.is(graph.waitingOn, "queue.get()");
    t.deepEqual(graph.scopes, ["shield()"]);
    t.deepEqual(graph.stack, [], "no stack outside debug mode");
    t.deepEqual(graph.awaitedBy.map((parent) => parent.task.name).sort(), ["completer", "joiner", "waiter"]);
    t.is(graph.awaitedBy.find((parent) => parent.task === joiner)?.waitingOn, "Task getter");
    queue.putNowait(1);
    yield* gather(joiner, waiter, completer);
  });
});

test("`captureCallGraph()` behaviour: outside a task it is undefined; a non-task is a TypeError", async (t) => {
  t.is(captureCallGraph(), undefined);
  t.throws(() => formatCallGraph(captureCallGraph()!), {
    instanceOf: TypeError,
    message: "formatCallGraph() needs a graph from captureCallGraph(): received undefined",
  });
  t.throws(() => formatCallGraph({ task: {} } as never), { instanceOf: TypeError });
  t.throws(() => captureCallGraph({} as never), {
    instanceOf: TypeError,
    message: /captureCallGraph\(\) needs a Task .*: received object/,
  });
  await runVirtual(t, function* () {
    t.throws(() => captureCallGraph(42 as never), { instanceOf: TypeError });
    yield* sleep(1); // the loop goes on
  });
});

test("`printCallGraph()` behaviour: writes the formatted graph of the current task to standard output", async (t) => {
  const written: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = (chunk: string) => {
    written.push(chunk);
    return true;
  };
  try {
    printCallGraph();
    await runVirtual(t, function* () {
      const task = createTask(sleep(5), { name: "sleeper" });
      yield* sleep(1);
      printCallGraph(task);
      yield* task;
    });
  } finally {
    process.stdout.write = write;
  }
  t.deepEqual(written, ["(no task is running)\n", "* Task sleeper (waiting on sleep until 5)\n"]);
});
