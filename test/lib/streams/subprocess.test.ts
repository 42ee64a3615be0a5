/**
 * `createSubprocessExec()` and `Process`, with real child processes (this Node, running `-e`
 * scripts) on the real selector. No test waits on the wall clock to assert timing: the children
 * talk to the test through their pipes, and the only time limits cancel waits that cannot end
 * by themselves (a child that runs until killed). Every test ends with each child exited and
 * its pipes closed (Node's `close` event), and nothing left on the loop.
 */
import type { ChildProcess } from "node:child_process";
import { subscribe } from "node:diagnostics_channel";
import { realpathSync } from "node:fs";
import os from "node:os";
import type { ExecutionContext } from "ava";
import test from "ava";
import {
  BrokenResourceError,
  InvalidStateError,
  TimeoutError,
  createSubprocessExec,
  createTask,
  fromPromise,
  moveOnAfter,
  timeout,
  yieldNow,
} from "../../../lib/index.js";
import type { Coroutine, Process } from "../../../lib/index.js";
import { REAL_SELECTORS } from "../../helpers/real-selectors.js";
import type { RealSelector } from "../../helpers/real-selectors.js";
import { errorOf, settle, thrownBy } from "../../helpers/operations.js";

const NODE = process.execPath;
const text = (bytes: Uint8Array | null): string | null => (bytes === null ? null : Buffer.from(bytes).toString("utf8"));

/** Every child Node creates in this test process, with a Promise of its `close` event (exited, stdout and stderr closed). */
const children: Array<{ readonly child: ChildProcess; readonly closed: Promise<void> }> = [];
subscribe("child_process", (message) => {
  const child = (message as { process: ChildProcess }).process;
  children.push({ child, closed: new Promise((resolve) => child.once("close", () => resolve())) });
});

/** The newest child with `pid` (or whose arguments include `marker`). */
function childOf(match: number | string): { readonly child: ChildProcess; readonly closed: Promise<void> } {
  const found = children.findLast(({ child }) => (typeof match === "number" ? child.pid === match : child.spawnargs.includes(match)));
  if (found === undefined) throw new Error(`no child process for ${String(match)}`);
  return found;
}

/** Waits until the child of `proc` has exited and Node has closed all its pipes. */
function* ended(t: ExecutionContext, proc: Process): Coroutine<void> {
  const { child, closed } = childOf(proc.pid);
  const code = yield* proc.wait();
  t.is(proc.returncode, code);
  yield* fromPromise(closed);
  for (const stream of child.stdio)
    if (stream !== null && stream !== undefined) t.true(stream.destroyed, "a pipe of the child is still open");
  // Node destroys the child's stdin when it exits; the writer hears of it once the socket has closed.
  if (proc.stdin !== null) yield* proc.stdin.waitClosed();
}

/** A Node child running `script`. */
function node(script: string, options: Parameters<typeof createSubprocessExec>[2] = {}): Coroutine<Process> {
  return createSubprocessExec(NODE, ["-e", script], options);
}

const FOREVER = "setInterval(() => {}, 1 << 30)";

// Serial (ava runs serial tests before the others): no other test spawns while it counts the children.

/** Every test of subprocesses, on one selector (the pipes are Node streams on either). */
function subprocessTests(on: RealSelector): void {
  test(
    on.title("`createSubprocessExec()` behaviour: communicate() writes stdin, closes it, and returns what the child echoed on stdout"),
    async (t) => {
      await on.run(t, function* () {
        const proc = yield* node("process.stdin.pipe(process.stdout)", { stdin: "pipe", stdout: "pipe" });
        t.true(Number.isInteger(proc.pid) && proc.pid > 0);
        t.is(proc.stderr, null);
        t.is(proc.stdin?.getExtraInfo("pid"), proc.pid);
        const [out, err] = yield* proc.communicate("hello\nworld\n");
        t.deepEqual([text(out), err], ["hello\nworld\n", null]);
        t.is(proc.returncode, 0);
        yield* ended(t, proc);
      });
    },
  );

  test(on.title("`createSubprocessExec()` behaviour: stdout and stderr are separate pipes"), async (t) => {
    await on.run(t, function* () {
      const proc = yield* node("process.stdout.write('to stdout'); process.stderr.write('to stderr')", {
        stdin: "ignore",
        stdout: "pipe",
        stderr: "pipe",
      });
      t.is(proc.stdin, null);
      const [out, err] = yield* proc.communicate();
      t.deepEqual([text(out), text(err)], ["to stdout", "to stderr"]);
      yield* ended(t, proc);
    });
  });

  test(
    on.title('`createSubprocessExec()` behaviour: stderr: "stdout" feeds both into the one stdout reader, in order of arrival'),
    async (t) => {
      await on.run(t, function* () {
        // The child writes to stderr only once the test has read its stdout line: the order is the test's.
        const script = `
        process.stdout.write("out\\n");
        const lines = require("node:readline").createInterface({ input: process.stdin });
        lines.once("line", () => { process.stderr.write("err\\n"); lines.close(); });`;
        const proc = yield* node(script, { stdin: "pipe", stdout: "pipe", stderr: "stdout" });
        t.is(proc.stderr, null);
        const stdout = proc.stdout!;
        t.is(text(yield* stdout.readLine()), "out\n");
        proc.stdin!.write("go\n");
        t.is(text(yield* stdout.readLine()), "err\n");
        proc.stdin!.close();
        t.is((yield* stdout.read()).length, 0, "the end, once both pipes ended");
        t.true(stdout.atEof());
        t.is(yield* proc.wait(), 0);
        yield* ended(t, proc);
      });
    },
  );

  test(
    on.title(
      '`createSubprocessExec()` behaviour: stderr: "stdout" with communicate() gets every line of both streams, and null for stderr',
    ),
    async (t) => {
      await on.run(t, function* () {
        const script = "for (let i = 0; i < 500; i++) { process.stdout.write(`out ${i}\\n`); process.stderr.write(`err ${i}\\n`); }";
        const proc = yield* node(script, { stdin: "ignore", stdout: "pipe", stderr: "stdout" });
        const [out, err] = yield* proc.communicate();
        t.is(err, null);
        const lines = text(out)!
          .split("\n")
          .filter((line) => line !== "");
        const expected = Array.from({ length: 500 }, (_, i) => [`out ${i}`, `err ${i}`]).flat();
        t.deepEqual([...lines].sort(), [...expected].sort());
        // Each stream's own lines stay in order.
        t.deepEqual(
          lines.filter((line) => line.startsWith("out")),
          expected.filter((line) => line.startsWith("out")),
        );
        yield* ended(t, proc);
      });
    },
  );

  test(on.title("`Process.wait()` behaviour: returns the exit code, which returncode keeps; null while the child runs"), async (t) => {
    await on.run(t, function* () {
      // The child exits with 3 once its stdin ends: it runs until the test closes it.
      const proc = yield* node("process.stdin.resume(); process.stdin.on('end', () => { process.exitCode = 3; })", { stdin: "pipe" });
      t.is(proc.returncode, null);
      proc.stdin!.close();
      t.is(yield* proc.wait(), 3);
      t.is(proc.returncode, 3);
      t.is(yield* proc.wait(), 3, "at once, once exited");
      yield* ended(t, proc);
    });
  });

  test(
    on.title(
      "`Process.kill()` behaviour: a child killed by a signal has minus its number as returncode (-9); killing it again does nothing",
    ),
    async (t) => {
      await on.run(t, function* () {
        const proc = yield* node(FOREVER, { stdin: "ignore" });
        proc.kill();
        t.is(yield* proc.wait(), -9);
        t.is(proc.returncode, -os.constants.signals.SIGKILL);
        proc.kill();
        proc.terminate();
        proc.sendSignal("SIGINT");
        t.is(proc.returncode, -9);
        yield* ended(t, proc);
      });
    },
  );

  test(on.title("`Process.terminate()` behaviour: SIGTERM ends a child that does not handle it: returncode -15"), async (t) => {
    await on.run(t, function* () {
      const proc = yield* node(FOREVER, { stdin: "ignore" });
      proc.terminate();
      t.is(yield* proc.wait(), -15);
      yield* ended(t, proc);
    });
  });

  test(
    on.title(
      "`Process.sendSignal()` behaviour: a signal the child handles is delivered; an unknown signal is a RangeError, anything else a TypeError",
    ),
    async (t) => {
      await on.run(t, function* () {
        const script =
          "process.on('SIGINT', () => { console.log('got SIGINT'); process.exit(4); }); console.log('ready'); setInterval(() => {}, 1 << 30)";
        const proc = yield* node(script, { stdin: "ignore", stdout: "pipe" });
        t.is(text(yield* proc.stdout!.readLine()), "ready\n");
        t.throws(() => proc.sendSignal("SIGBOGUS"), { instanceOf: RangeError, message: /SIGBOGUS/ });
        t.throws(() => proc.sendSignal(1.5), { instanceOf: RangeError });
        t.throws(() => proc.sendSignal(null as unknown as number), { instanceOf: TypeError, message: /received null/ });
        proc.sendSignal("SIGINT");
        t.is(text(yield* proc.stdout!.readLine()), "got SIGINT\n");
        t.is(yield* proc.wait(), 4);
        yield* ended(t, proc);
      });
    },
  );

  test(
    on.title("`Process.wait()` behaviour: cancelled, it leaves the process running; it can be killed and waited for after"),
    async (t) => {
      await on.run(t, function* () {
        const proc = yield* node(FOREVER, { stdin: "ignore" });
        t.is(yield* moveOnAfter(20, proc.wait()), undefined);
        t.true(errorOf(yield* settle(timeout(20, proc.wait()))) instanceof TimeoutError);
        t.is(proc.returncode, null);
        t.notThrows(() => process.kill(proc.pid, 0), "the child is alive");
        proc.kill();
        t.is(yield* proc.wait(), -9);
        yield* ended(t, proc);
      });
    },
  );

  test(on.title("`Process.communicate()` behaviour: cancelled, the reading and writing stop and the process runs on"), async (t) => {
    await on.run(t, function* () {
      const proc = yield* node(`process.stdout.write("partial"); ${FOREVER}`, { stdin: "pipe", stdout: "pipe" });
      t.true(errorOf(yield* settle(timeout(20, proc.communicate("input")))) instanceof TimeoutError);
      t.is(proc.returncode, null);
      proc.kill();
      t.is(yield* proc.wait(), -9);
      yield* ended(t, proc);
    });
  });

  test(on.title("`Process.communicate()` behaviour: 1 MiB in and out through a child that echoes does not deadlock"), async (t) => {
    await on.run(t, function* () {
      const input = new Uint8Array(1024 * 1024).map((_, i) => i % 251);
      const proc = yield* node("process.stdin.pipe(process.stdout)", { stdin: "pipe", stdout: "pipe" });
      const [out] = yield* proc.communicate(input);
      t.is(out?.length, input.length);
      t.true(Buffer.from(out!).equals(Buffer.from(input)));
      t.is(proc.returncode, 0);
      yield* ended(t, proc);
    });
  });

  test(
    on.title("`Process.communicate()` behaviour: 1 MiB on each of stdout and stderr, written in turns, does not deadlock"),
    async (t) => {
      await on.run(t, function* () {
        // Writes to pipes block the child: reading one pipe to its end before the other would hang.
        const script = `
        const chunk = "x".repeat(64 * 1024), other = "y".repeat(64 * 1024);
        for (let i = 0; i < 16; i++) { process.stdout.write(chunk); process.stderr.write(other); }`;
        const proc = yield* node(script, { stdin: "ignore", stdout: "pipe", stderr: "pipe" });
        const [out, err] = yield* proc.communicate();
        t.is(out?.length, 1024 * 1024);
        t.is(err?.length, 1024 * 1024);
        t.true(out!.every((byte) => byte === 0x78));
        t.true(err!.every((byte) => byte === 0x79));
        yield* ended(t, proc);
      });
    },
  );

  test(on.title("`Process.wait()` behaviour: output left in a paused pipe when the child exits is not lost"), async (t) => {
    await on.run(t, function* () {
      // With limit 16 the first chunk that arrives fills the reader past twice the limit, so its
      // transport is paused while the child exits; Node then resumes the child's pipes.
      const script = `
        process.stdout.write("z".repeat(70 * 1024));
        require("node:readline").createInterface({ input: process.stdin }).once("line", () => process.exit(0));`;
      const proc = yield* node(script, { stdin: "pipe", stdout: "pipe", limit: 16 });
      const stdout = proc.stdout!;
      const first = yield* stdout.readExactly(1);
      proc.stdin!.write("exit\n");
      t.is(yield* proc.wait(), 0);
      const rest = yield* stdout.read();
      t.is(first.length + rest.length, 70 * 1024);
      yield* ended(t, proc);
    });
  });

  test(on.title("`Process.communicate()` behaviour: a child that exits without reading its input is no error"), async (t) => {
    await on.run(t, function* () {
      const proc = yield* node("process.stdout.write('bye')", { stdin: "pipe", stdout: "pipe" });
      const [out] = yield* proc.communicate(new Uint8Array(4 * 1024 * 1024));
      t.is(text(out), "bye");
      t.is(proc.returncode, 0);
      yield* ended(t, proc);
    });
  });

  test(
    on.title(
      "`Process.communicate()` behaviour: the first failure cancels the rest (here the writing, which would wait forever) and is thrown",
    ),
    async (t) => {
      await on.run(t, function* () {
        // The child never reads its stdin: 4 MiB of input cannot be drained.
        const proc = yield* node(FOREVER, { stdin: "pipe", stdout: "pipe" });
        const otherReader = createTask(proc.stdout!.readLine());
        yield* yieldNow(); // it waits on stdout now: communicate()'s read of stdout fails at once
        const error = yield* thrownBy(proc.communicate(new Uint8Array(4 * 1024 * 1024)));
        t.true(error instanceof InvalidStateError, String(error));
        t.is(proc.returncode, null);
        proc.kill();
        t.is((yield* otherReader).length, 0, "the other reader reads the end");
        t.is(yield* proc.wait(), -9);
        yield* ended(t, proc);
      });
    },
  );

  test(
    on.title("`Process.communicate()` behaviour: input without a stdin pipe is an InvalidStateError; input of the wrong type a TypeError"),
    async (t) => {
      await on.run(t, function* () {
        const proc = yield* node("", { stdin: "ignore", stdout: "pipe" });
        const noPipe = yield* thrownBy(proc.communicate("input"));
        t.true(noPipe instanceof InvalidStateError);
        t.regex((noPipe as Error).message, /stdin: "pipe"/);
        t.true((yield* thrownBy(proc.communicate(42 as unknown as string))) instanceof TypeError);
        const [out, err] = yield* proc.communicate();
        t.deepEqual([text(out), err], ["", null]);
        yield* ended(t, proc);
      });
    },
  );

  test(on.title("`createSubprocessExec()` behaviour: readLine() on stdout streams lines while the child runs"), async (t) => {
    await on.run(t, function* () {
      const script = `
        console.log("ready");
        require("node:readline").createInterface({ input: process.stdin }).on("line", (line) => console.log("pong " + line));`;
      const proc = yield* node(script, { stdin: "pipe", stdout: "pipe" });
      const stdout = proc.stdout!;
      t.is(text(yield* stdout.readLine()), "ready\n");
      for (const word of ["one", "two", "three"]) {
        proc.stdin!.write(`${word}\n`);
        yield* proc.stdin!.drain();
        t.is(text(yield* stdout.readLine()), `pong ${word}\n`);
        t.is(proc.returncode, null);
      }
      proc.stdin!.close();
      yield* proc.stdin!.waitClosed();
      t.is((yield* stdout.readLine()).length, 0);
      t.is(yield* proc.wait(), 0);
      yield* ended(t, proc);
    });
  });

  test(on.title("`createSubprocessExec()` behaviour: the child's stdin sees end-of-file when the writer is closed"), async (t) => {
    await on.run(t, function* () {
      const script =
        "let n = 0; process.stdin.on('data', (d) => { n += d.length; }); process.stdin.on('end', () => console.log(`eof after ${n}`))";
      const proc = yield* node(script, { stdin: "pipe", stdout: "pipe" });
      proc.stdin!.write("12345");
      proc.stdin!.close();
      t.is(text(yield* proc.stdout!.readLine()), "eof after 5\n");
      t.is(yield* proc.wait(), 0);
      yield* ended(t, proc);
    });
  });

  test(on.title("`createSubprocessExec()` behaviour: a missing program throws Node's ENOENT error, and the loop goes on"), async (t) => {
    await on.run(t, function* () {
      const missing = yield* thrownBy(createSubprocessExec("/nonexistent/yieldio-no-such-program", ["x"], { stdout: "pipe" }));
      t.true(missing instanceof Error);
      t.is((missing as NodeJS.ErrnoException).code, "ENOENT");
      t.is((missing as NodeJS.ErrnoException).syscall, "spawn /nonexistent/yieldio-no-such-program");
      const badCwd = yield* thrownBy(node("", { cwd: "/nonexistent/yieldio-no-such-directory" }));
      t.is((badCwd as NodeJS.ErrnoException).code, "ENOENT");
      const proc = yield* node("console.log('still here')", { stdin: "ignore", stdout: "pipe" });
      const [out] = yield* proc.communicate();
      t.is(text(out), "still here\n");
      yield* ended(t, proc);
    });
  });

  test.serial(
    on.title("`createSubprocessExec()` behaviour: bad arguments are TypeErrors and RangeErrors that name them, before anything is spawned"),
    async (t) => {
      const before = children.length;
      await on.run(t, function* () {
        const cases: Array<[() => Coroutine<Process>, new (...args: never[]) => Error, RegExp]> = [
          [
            () => createSubprocessExec(42 as unknown as string, []),
            TypeError,
            /program as a string \(a path, or a name looked up in PATH\): received number/,
          ],
          [() => createSubprocessExec("", []), RangeError, /non-empty program/],
          [
            () => createSubprocessExec(NODE, "-v" as unknown as string[]),
            TypeError,
            /args as an array of strings \(pass \[\] for none\): received string/,
          ],
          [() => createSubprocessExec(NODE, ["-e", 1 as unknown as string]), TypeError, /args\[1\] is number/],
          [() => createSubprocessExec(NODE, [], null as unknown as object), TypeError, /options object/],
          [() => createSubprocessExec(NODE, [], { shell: true } as object), TypeError, /unknown option "shell"/],
          [
            () => createSubprocessExec(NODE, [], { stdout: "bogus" as "pipe" }),
            RangeError,
            /options.stdout as one of "pipe", "inherit", "ignore": received "bogus"/,
          ],
          [() => createSubprocessExec(NODE, [], { stdin: "stdout" as "pipe" }), RangeError, /for stderr only/],
          [() => createSubprocessExec(NODE, [], { stderr: 2 as unknown as "pipe" }), TypeError, /options.stderr/],
          [() => createSubprocessExec(NODE, [], { cwd: 1 as unknown as string }), TypeError, /options.cwd/],
          [() => createSubprocessExec(NODE, [], { env: { A: 1 } as unknown as Record<string, string> }), TypeError, /env.A is number/],
          [() => createSubprocessExec(NODE, [], { limit: 0 }), RangeError, /options.limit as a whole number > 0/],
        ];
        for (const [op, type, message] of cases) {
          const error = yield* thrownBy(op());
          t.true(error instanceof type, `${String(message)}: ${String(error)}`);
          t.regex((error as Error).message, message);
        }
      });
      t.is(children.length, before, "nothing was spawned");
    },
  );

  test(on.title("`createSubprocessExec()` behaviour: cwd and env are the child's"), async (t) => {
    await on.run(t, function* () {
      const dir = realpathSync(os.tmpdir());
      const script = "console.log(JSON.stringify({ cwd: process.cwd(), value: process.env.YIELDIO_TEST, home: process.env.HOME ?? null }))";
      const proc = yield* node(script, { stdin: "ignore", stdout: "pipe", cwd: dir, env: { YIELDIO_TEST: "hello", SKIPPED: undefined } });
      const [out] = yield* proc.communicate();
      t.deepEqual(JSON.parse(text(out)!), { cwd: dir, value: "hello", home: null });
      yield* ended(t, proc);
    });
  });

  test(on.title("`createSubprocessExec()` behaviour: cancelled while the child starts, the child is killed"), async (t) => {
    const marker = `yieldio-cancelled-spawn-${process.pid}-${Math.random()}`;
    await on.run(t, function* () {
      const result = yield* moveOnAfter(0, createSubprocessExec(NODE, ["-e", FOREVER, marker], { stdin: "pipe", stdout: "pipe" }));
      t.is(result, undefined);
      const { child, closed } = childOf(marker);
      yield* fromPromise(closed);
      t.is(child.signalCode, "SIGKILL");
      for (const stream of child.stdio) if (stream !== null && stream !== undefined) t.true(stream.destroyed);
    });
  });

  test(on.title("`createSubprocessExec()` behaviour: writing to a child that has exited is a BrokenResourceError"), async (t) => {
    await on.run(t, function* () {
      const proc = yield* node("", { stdin: "pipe" });
      t.is(yield* proc.wait(), 0);
      yield* ended(t, proc);
      t.true(proc.stdin!.isClosing());
      t.throws(() => proc.stdin!.write("late"), { instanceOf: BrokenResourceError });
    });
  });
}

for (const selector of REAL_SELECTORS) subprocessTests(selector);
