/**
 * `resource()`: Effection's `resource`. The body provides a value and is released (cancelled,
 * its `finally` run) when the task that created it ends; errors before `provide()` are the
 * caller's; an error while in use brings the creator down.
 */
import test from "ava";
import {
  CancelledError,
  ExceptionGroup,
  InvalidStateError,
  createTask,
  ensure,
  getCurrentTask,
  getRunningLoop,
  resource,
  run,
  shield,
  sleep,
  taskGroup,
} from "../../../lib/index.js";
import type { Coroutine, Operation, Provide } from "../../../lib/index.js";
import { VirtualSelector } from "../../../selectors/index.js";
import { runVirtual } from "../../helpers/loop.js";
import { errorOf, settle } from "../../helpers/operations.js";

function now(): number {
  return getRunningLoop().time();
}

/** A resource that takes `setupMs` to open, provides `name`, and takes `closeMs` (shielded) to close; it logs each step. */
function logged(log: string[], name: string, setupMs = 0, closeMs = 0): Operation<string> {
  return resource(function* (provide: Provide<string>) {
    yield* sleep(setupMs);
    log.push(`${name} open @${now()}`);
    try {
      yield* provide(name);
    } catch (error) {
      if (error instanceof CancelledError) log.push(`${name} released (${error.reason.source}) @${now()}`);
      throw error;
    } finally {
      yield* shield(sleep(closeMs));
      log.push(`${name} closed @${now()}`);
    }
  });
}

test("`resource()` behaviour: returns the provided value; the creator's finally blocks still have it; it is closed before the creator settles", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const user = createTask(
      (function* () {
        const connection = yield* logged(log, "db", 5, 3);
        try {
          log.push(`using ${connection} @${now()}`);
          yield* sleep(10);
          return "report";
        } finally {
          log.push(`creator's finally still has ${connection} @${now()}`);
        }
      })(),
    );
    const value = yield* user;
    log.push(`awaiter resumed with ${value} @${now()}`);
  });
  t.deepEqual(log, [
    "db open @5",
    "using db @5",
    "creator's finally still has db @15",
    "db released (resource) @15",
    "db closed @18",
    "awaiter resumed with report @18",
  ]);
});

test("`resource()` behaviour: resources and ensure() cleanups are released newest first; a resource's own resources go with it", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    yield* createTask(
      (function* () {
        yield* logged(log, "first");
        yield* ensure(() => {
          log.push("ensure between them");
        });
        yield* resource(function* (provide: Provide<void>) {
          yield* logged(log, "inner"); // owned by the outer resource's task
          try {
            yield* provide();
          } finally {
            log.push("outer body unwinds");
          }
        });
      })(),
    );
  });
  t.deepEqual(log, [
    "first open @0",
    "inner open @0",
    "outer body unwinds",
    "inner released (resource) @0",
    "inner closed @0",
    "ensure between them",
    "first released (resource) @0",
    "first closed @0",
  ]);
});

test("`resource()` behaviour: an error before provide() is raised to the caller; nothing is left running", async (t) => {
  await runVirtual(t, function* () {
    const refused = new Error("connection refused");
    const outcome = yield* settle(
      resource(function* (_provide: Provide<number>) {
        yield* sleep(2);
        throw refused;
      }),
    );
    t.is(errorOf(outcome), refused);
    t.is(now(), 2);
  });
});

test("`resource()` behaviour: a body that returns without provide() is an InvalidStateError", async (t) => {
  await runVirtual(t, function* () {
    const error = errorOf(
      yield* settle(
        resource(function* (_provide: Provide<number>) {
          yield* sleep(1);
        }),
      ),
    );
    t.true(error instanceof InvalidStateError);
    t.regex((error as Error).message, /returned without calling provide\(\)/);
  });
});

test("`resource()` behaviour: a resource that fails while in use cancels its creator, which then ends with the resource's error", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const heartbeatLost = new Error("heartbeat lost");
    const user = createTask(
      (function* () {
        yield* resource(function* (provide: Provide<string>) {
          yield* taskGroup(function* (tg) {
            tg.createTask(
              (function* () {
                yield* sleep(10);
                throw heartbeatLost;
              })(),
            );
            yield* provide("session");
          });
        });
        try {
          yield* sleep(1000);
        } catch (error) {
          log.push(`creator ${(error as CancelledError).reason.source} @${now()}: ${(error as Error).message}`);
          throw error;
        }
      })(),
      { name: "user" },
    );
    const error = errorOf(yield* settle(user));
    t.true(error instanceof ExceptionGroup, "the resource's own error, not the creator's CancelledError");
    t.deepEqual((error as ExceptionGroup).exceptions, [heartbeatLost]);
  });
  t.is(log.length, 1);
  t.regex(log[0] ?? "", /^creator resource @10: .*a resource it uses, failed/);
});

test("`resource()` behaviour: cancelling the caller before provide() cancels the body, waits for it to unwind, and raises CancelledError", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const user = createTask(
      (function* () {
        yield* resource(function* (provide: Provide<string>) {
          try {
            yield* sleep(100); // connecting
            yield* provide("never");
          } finally {
            yield* shield(sleep(4));
            log.push(`slow closed @${now()}`);
          }
        });
        log.push("never provided");
      })(),
    );
    yield* sleep(10);
    user.cancel("gave up");
    const error = errorOf(yield* settle(user));
    t.true(error instanceof CancelledError);
    log.push(`caller done @${now()}`);
  });
  t.deepEqual(log, ["slow closed @14", "caller done @14"]);
});

test("`resource()` behaviour: cancelling the creator while it uses the resource releases it, and the creator ends after the release", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const user = createTask(
      (function* () {
        yield* logged(log, "socket", 0, 6);
        yield* sleep(1000);
      })(),
    );
    yield* sleep(10);
    user.cancel();
    t.true(errorOf(yield* settle(user)) instanceof CancelledError);
    log.push(`creator done @${now()}`);
  });
  t.deepEqual(log, ["socket open @0", "socket released (resource) @10", "socket closed @16", "creator done @16"]);
});

test("`resource()` behaviour: a cancellation right after provide() still hands the value over, and the resource is released", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    let user: ReturnType<typeof createTask<void>> | undefined = undefined;
    user = createTask(
      (function* () {
        const value = yield* resource(function* (provide: Provide<string>) {
          try {
            yield* sleep(5);
            // Runs after provide() has woken the creator, before the creator's step.
            getRunningLoop().callSoon(() => user?.cancel("right after hand-off"));
            yield* provide("handed");
          } finally {
            log.push(`released @${now()}`);
          }
        });
        log.push(`got ${value}`);
        yield* sleep(1); // the next suspension raises
        log.push("not reached");
      })(),
    );
    t.true(errorOf(yield* settle(user)) instanceof CancelledError);
  });
  t.deepEqual(log, ["got handed", "released @5"]);
});

test("`resource()` behaviour: a cancellation of the creator while a release runs does not cut it short", async (t) => {
  const log: string[] = [];
  await runVirtual(t, function* () {
    const user = createTask(
      (function* () {
        yield* logged(log, "file", 0, 20);
        return "done";
      })(),
    );
    yield* sleep(5); // the release runs from 0 to 20
    user.cancel("impatient");
    t.is(yield* user, "done");
    log.push(`creator done @${now()}`);
  });
  t.deepEqual(log, ["file open @0", "file released (resource) @0", "file closed @20", "creator done @20"]);
});

test("`resource()` behaviour: run() returns after main's resources are released", async (t) => {
  const log: string[] = [];
  const result = await run(
    function* () {
      const name = yield* logged(log, "pool", 1, 2);
      return `main used ${name}`;
    },
    { selector: new VirtualSelector() },
  );
  t.is(result, "main used pool");
  t.deepEqual(log, ["pool open @1", "pool released (resource) @1", "pool closed @3"]);
});

test("`resource()` behaviour: the resource's task takes the name given in options", async (t) => {
  await runVirtual(t, function* () {
    yield* createTask(
      (function* () {
        const name = yield* resource(
          function* (provide: Provide<string>) {
            yield* provide(yield* currentTaskName());
          },
          { name: "db-pool" },
        );
        t.is(name, "db-pool");
      })(),
    );
  });
});

function* currentTaskName(): Coroutine<string> {
  return (yield* getCurrentTask()).name;
}

test("`resource()` behaviour: bad inputs are clear errors and the loop goes on", async (t) => {
  await runVirtual(t, function* () {
    const notAFunction = errorOf(yield* settle(resource(42 as unknown as (provide: Provide<number>) => Operation<void>)));
    t.true(notAFunction instanceof TypeError);
    t.regex((notAFunction as Error).message, /resource\(\) needs a function of provide/);

    const notAnOperation = errorOf(yield* settle(resource((() => 42) as unknown as (provide: Provide<number>) => Operation<void>)));
    t.true(notAnOperation instanceof TypeError);
    t.regex((notAnOperation as Error).message, /returned number, not an Operation/);

    const fromAnotherTask = errorOf(
      yield* settle(
        resource(function* (provide: Provide<number>) {
          yield* createTask(provide(1));
        }),
      ),
    );
    t.true(fromAnotherTask instanceof InvalidStateError);
    t.regex((fromAnotherTask as Error).message, /provide\(\) was called from Task .*: only the resource's own body provides its value/);

    const twice = errorOf(
      yield* settle(
        createTask(
          (function* () {
            yield* resource(function* (provide: Provide<number>) {
              try {
                yield* provide(1);
              } catch {
                yield* provide(2); // while being released
              }
            });
          })(),
        ),
      ),
    );
    t.true(twice instanceof InvalidStateError, "the creator ends with the resource's error");
    t.regex((twice as Error).message, /provide\(\) was called twice/);

    yield* sleep(1);
    t.is(now(), 1, "the loop still runs");
  });
});
