/**
 * `createSubprocessExec` and `Process`: run a program as a child process and talk to it through
 * streams (asyncio's `create_subprocess_exec`), over Node's `child_process.spawn`, never
 * through a shell.
 *
 * Each pipe of the child is a Node `net.Socket`; it is wrapped in a {@link SocketTransport} like
 * any connection, read-only for stdout and stderr, write-only for stdin, so the readers and the
 * writer are the ordinary `StreamReader` and `StreamWriter`, with their flow control.
 *
 * Design notes, with what does not work:
 * - The pipes are wrapped synchronously, in the same step as `spawn()`, before the `spawn`
 *   event is awaited. Wrapping them after the wait would leave a window in which the child
 *   could exit while nothing listens for `readable`, and Node then resumes the pipes (next
 *   point).
 * - On the child's exit, Node calls `resume()` on each of its readable pipes (`flushStdio`), so
 *   that pipes nobody touched drain and close. A stream resumed with no `data` listener flows
 *   into nothing: the bytes the child wrote last are lost if the transport happened to be
 *   paused (its reader full) at that moment. A `readable` listener that stays for the pipe's
 *   whole life keeps the stream in paused mode, where `resume()` does not make it flow: every
 *   read pipe gets one (`keepPaused`).
 * - asyncio's `stderr=STDOUT` gives the child one pipe for both descriptors. Node cannot: its
 *   `stdio` option takes a pipe it creates itself (`"pipe"`) or an existing stream, and it has
 *   no `pipe()` to make the pair. So `stderr: "stdout"` spawns two pipes and feeds both into
 *   the one reader, each chunk as it arrives (`MergedPipes`). What the child writes to
 *   one of them is in order; between the two, the reader sees the order of arrival, which
 *   can differ from the order of the child's writes when they follow each other closely.
 * - `wait()` ends at Node's `exit` event: the process has ended, its pipes may still hold
 *   output to read (a grandchild may even keep them open).
 *
 * @module
 */

import { spawn } from "node:child_process";
import type { ChildProcess, SpawnOptions } from "node:child_process";
import type net from "node:net";
import os from "node:os";
import { BrokenResourceError, InvalidStateError } from "../core/errors.js";
import type { EventLoop } from "../core/event-loop.js";
import type { Future } from "../core/future.js";
import { suspend } from "../core/instruction.js";
import type { Instruction, Wait } from "../core/instruction.js";
import { describeReceived } from "../core/received.js";
import { getRunningLoop } from "../core/running.js";
import type { Task } from "../core/task.js";
import { _parkOn, WaitQueue, WOKEN } from "../sync/wait-queue.js";
import { shield } from "../time/shield.js";
import { _toBytes } from "./bytes.js";
import { SocketTransport } from "./socket-transport.js";
import { _StreamProtocol } from "./stream-protocol.js";
import { StreamReader } from "./stream-reader.js";
import type { ReadTransport } from "./stream-reader.js";
import { StreamWriter } from "./stream-writer.js";
import type { Protocol, Transport } from "./transport.js";
import { _waitForEvent } from "./wait-for-event.js";

/**
 * What to connect one of the child's standard streams to:
 * - `"pipe"`: a pipe to this process: a `StreamWriter` for stdin, a `StreamReader` for stdout
 *   and stderr;
 * - `"inherit"`: this process's own stream (the default, as asyncio's `None`);
 * - `"ignore"`: nothing (`/dev/null`, asyncio's `DEVNULL`).
 *
 * @example
 * ```ts
 * const quiet: StdioOption = "ignore";
 * const proc = yield* createSubprocessExec("make", [], { stdout: quiet, stderr: "pipe" });
 * ```
 */
export type StdioOption = "pipe" | "inherit" | "ignore";

/**
 * A `file:` URL (Node's or the web's `URL`), as {@link SubprocessOptions.cwd} takes it.
 *
 * @example
 * ```ts
 * const here: FileUrl = new URL(".", import.meta.url);
 * ```
 */
export interface FileUrl {
  /** The whole URL (`file:///home/me/project/`). */
  readonly href: string;
}

/**
 * Options of {@link createSubprocessExec}.
 *
 * @example
 * ```ts
 * const options: SubprocessOptions = { stdin: "pipe", stdout: "pipe", stderr: "stdout", cwd: "/tmp" };
 * ```
 */
export interface SubprocessOptions {
  /** The child's standard input; `"pipe"` gives {@link Process.stdin}. Default `"inherit"`. */
  readonly stdin?: StdioOption;
  /** The child's standard output; `"pipe"` gives {@link Process.stdout}. Default `"inherit"`. */
  readonly stdout?: StdioOption;
  /**
   * The child's standard error; `"pipe"` gives {@link Process.stderr}. `"stdout"` sends it to
   * wherever stdout goes (asyncio's `STDOUT`): with `stdout: "pipe"`, both arrive in
   * {@link Process.stdout}, in the order they reach this process, and `Process.stderr` is
   * null. Default `"inherit"`.
   */
  readonly stderr?: StdioOption | "stdout";
  /** The child's working directory: a path, or a `file:` URL (a `URL`). Default: this process's. */
  readonly cwd?: string | FileUrl;
  /**
   * The child's whole environment (it replaces this process's: spread `process.env` into it
   * to add to it). Keys whose value is `undefined` are left out. Default: this process's.
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The limit of the stdout and stderr readers (see `StreamReader`), in bytes. Default 64 KiB. */
  readonly limit?: number;
}

const WHERE = "createSubprocessExec()";
const STDIO_VALUES: readonly string[] = ["pipe", "inherit", "ignore"];
const OPTION_NAMES = ["stdin", "stdout", "stderr", "cwd", "env", "limit"];

/**
 * A child process started by {@link createSubprocessExec} (asyncio's `Process`).
 *
 * @example
 * ```ts
 * const proc = yield* createSubprocessExec("git", ["status", "--short"], { stdout: "pipe" });
 * for (let line = yield* proc.stdout!.readLine(); line.length > 0; line = yield* proc.stdout!.readLine()) {
 *   console.log(new TextDecoder().decode(line).trimEnd());
 * }
 * console.log("exit code", yield* proc.wait());
 * ```
 */
export class Process {
  /** The child's process id. */
  readonly pid: number;
  /** The writer of the child's standard input, or null unless `stdin: "pipe"`. Closing it sends end-of-file. */
  readonly stdin: StreamWriter | null;
  /** The reader of the child's standard output (and error, with `stderr: "stdout"`), or null unless `stdout: "pipe"`. */
  readonly stdout: StreamReader | null;
  /** The reader of the child's standard error, or null unless `stderr: "pipe"`. */
  readonly stderr: StreamReader | null;
  readonly #child: ChildProcess;
  readonly #transports: readonly Transport[];
  readonly #exitWaiters = new WaitQueue<typeof WOKEN>();
  #exitWait: Wait<typeof WOKEN> | undefined;
  #returncode: number | null = null;

  /** @internal Made by `createSubprocessExec()`, in the step that spawned the child. */
  constructor(loop: EventLoop, child: ChildProcess, pid: number, stderrToStdout: boolean, limit: number | undefined) {
    this.#child = child;
    this.pid = pid;
    const transports: Transport[] = [];
    const readerOptions = limit === undefined ? {} : { limit };
    const pipe = (socket: net.Socket, protocol: Protocol, direction: "read" | "write"): SocketTransport => {
      if (direction === "read") socket.on("readable", keepPaused);
      const transport = new SocketTransport(loop, socket, protocol, { direction, extraInfo: { pid, pipe: socket } });
      transports.push(transport);
      return transport;
    };
    const stdinSocket = child.stdin as net.Socket | null;
    const stdoutSocket = child.stdout as net.Socket | null;
    const stderrSocket = child.stderr as net.Socket | null;
    if (stdinSocket === null) {
      this.stdin = null;
    } else {
      const protocol = new _StreamProtocol(undefined);
      this.stdin = new StreamWriter(pipe(stdinSocket, protocol, "write"), protocol);
    }
    if (stdoutSocket === null) {
      this.stdout = null;
    } else if (stderrToStdout && stderrSocket !== null) {
      const merged = new MergedPipes(new StreamReader(readerOptions), pid);
      pipe(stdoutSocket, merged.protocol("stdout"), "read");
      pipe(stderrSocket, merged.protocol("stderr"), "read");
      this.stdout = merged.reader;
    } else {
      this.stdout = new StreamReader(readerOptions);
      pipe(stdoutSocket, new _StreamProtocol(this.stdout), "read");
    }
    if (stderrSocket === null || stderrToStdout) {
      this.stderr = null;
    } else {
      this.stderr = new StreamReader(readerOptions);
      pipe(stderrSocket, new _StreamProtocol(this.stderr), "read");
    }
    this.#transports = transports;
    child.on("exit", this.#onExit);
  }

  /**
   * The exit code once the child has exited, or null while it runs. A child ended by a
   * signal has minus the signal's number, as in asyncio (`SIGKILL`: -9, `SIGTERM`: -15).
   *
   * @example
   * ```ts
   * proc.kill();
   * yield* proc.wait();
   * console.log(proc.returncode); // -9
   * ```
   */
  get returncode(): number | null {
    return this.#returncode;
  }

  /**
   * Waits for the child to exit and returns its {@link Process.returncode}; returns at once
   * if it has exited.
   *
   * With `stdout` or `stderr` piped, a child that writes more than the pipe and the reader
   * hold blocks until someone reads: read the pipes while waiting, or use
   * {@link Process.communicate}, which does both (asyncio has the same warning).
   *
   * **Cancellation:** the wait is withdrawn and the process is not touched: it goes on
   * running (as in asyncio). Stop it with {@link Process.kill} or {@link Process.terminate}.
   *
   * @example
   * ```ts
   * const proc = yield* createSubprocessExec("sleep", ["1"]);
   * const code = yield* proc.wait(); // 0
   * ```
   */
  *wait(): Generator<Instruction, number, unknown> {
    while (this.#returncode === null) {
      yield* suspend((this.#exitWait ??= _parkOn(this.#exitWaiters, `Process(${this.pid}).wait()`)));
    }
    return this.#returncode;
  }

  /**
   * Sends `input` (if any) to the child's stdin and closes it, reads stdout and stderr to
   * their end, at the same time, then waits for the child to exit. Returns what was read:
   * `[stdout, stderr]`, each null when that stream is not piped (stderr is null with
   * `stderr: "stdout"`: it is in stdout).
   *
   * Reading both pipes and writing stdin at once is what avoids the deadlock of a child that
   * blocks writing to one pipe while this side waits on another. A child that exits or closes
   * its stdin without reading all of `input` is not an error (as in asyncio): the rest is
   * dropped.
   *
   * **Cancellation:** the writing and the reading stop (they run in tasks of their own, which
   * are cancelled and waited for), the bytes read so far are dropped, and the process is not
   * touched: it goes on running, as after a cancelled {@link Process.wait}.
   *
   * @param input - bytes for stdin; a string is sent as UTF-8.
   * @throws {@link InvalidStateError} for `input` when stdin is not piped; `TypeError` for
   *   `input` that is neither bytes nor a string; the first error of the reading or writing
   *   (another task already reading stdout, a pipe lost with an error ...).
   * @example
   * ```ts
   * const proc = yield* createSubprocessExec("sort", [], { stdin: "pipe", stdout: "pipe" });
   * const [sorted] = yield* proc.communicate("pear\napple\n");
   * console.log(new TextDecoder().decode(sorted!)); // "apple\npear\n"
   * ```
   */
  *communicate(input?: Uint8Array | string): Generator<Instruction, [Uint8Array | null, Uint8Array | null], unknown> {
    const bytes = input === undefined ? undefined : _toBytes("communicate()", input);
    if (bytes !== undefined && this.stdin === null) {
      throw new InvalidStateError(
        `communicate() was given input for process ${this.pid}, whose stdin is not a pipe: create it with { stdin: "pipe" }`,
      );
    }
    const loop = getRunningLoop();
    const name = `Process(${this.pid}).communicate()`;
    const tasks: Task<unknown>[] = [];
    if (this.stdin !== null) tasks.push(loop.createTask(feedStdin(this.stdin, bytes), { name: `${name} stdin` }));
    const stdout = this.stdout === null ? undefined : loop.createTask(this.stdout.read(), { name: `${name} stdout` });
    const stderr = this.stderr === null ? undefined : loop.createTask(this.stderr.read(), { name: `${name} stderr` });
    if (stdout !== undefined) tasks.push(stdout);
    if (stderr !== undefined) tasks.push(stderr);
    yield* joinAll(loop, tasks);
    const results: [Uint8Array | null, Uint8Array | null] = [stdout?.result() ?? null, stderr?.result() ?? null];
    yield* this.wait();
    return results;
  }

  /**
   * Sends `signal` to the child (a name such as `"SIGINT"`, or a number). Does nothing once the
   * child has exited.
   *
   * @throws `TypeError` / `RangeError` for something that is not a known signal; Node's error
   *   when the system refuses (`EPERM`).
   * @example
   * ```ts
   * proc.sendSignal("SIGINT");
   * yield* proc.wait(); // -2, unless the child handles SIGINT
   * ```
   */
  sendSignal(signal: string | number): void {
    checkSignal(signal);
    if (this.#returncode !== null) return;
    let failure: Error | undefined;
    const onError = (error: Error): void => {
      failure = error;
    };
    // ChildProcess.kill() reports a refused signal with a synchronous `error` event.
    this.#child.on("error", onError);
    try {
      this.#child.kill(signal as NodeJS.Signals | number); // checked above
    } finally {
      this.#child.off("error", onError);
    }
    if (failure !== undefined) throw failure;
  }

  /**
   * Sends `SIGTERM`: asks the child to stop. Does nothing once the child has exited.
   *
   * @example
   * ```ts
   * proc.terminate();
   * yield* proc.wait(); // -15, unless the child handles SIGTERM
   * ```
   */
  terminate(): void {
    this.sendSignal("SIGTERM");
  }

  /**
   * Sends `SIGKILL`: stops the child at once. Does nothing once the child has exited.
   *
   * @example
   * ```ts
   * proc.kill();
   * yield* proc.wait(); // -9
   * ```
   */
  kill(): void {
    this.sendSignal("SIGKILL");
  }

  /** @internal Spawning was cancelled: kill the child and close its pipes. */
  _abandon(): void {
    this.kill();
    for (const transport of this.#transports) transport.abort();
  }

  readonly #onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
    // Node gives either the exit code or the signal that ended the child.
    this.#returncode = code ?? (signal === null ? null : -os.constants.signals[signal]);
    if (this.#returncode === null) return;
    this.#exitWaiters.wakeAll(WOKEN);
  };
}

/**
 * Runs `program` with `args` as a child process, without a shell, and returns its
 * {@link Process} once it has started. The program is a path, or a name looked up in `PATH`;
 * `args` reach it as they are (no quoting, no globbing).
 *
 * **Cancellation:** cancelled while the child starts, the child is killed (`SIGKILL`) and its
 * pipes are closed.
 *
 * @param program - the program to run (`process.execPath` runs this Node).
 * @param args - its arguments.
 * @param options - see {@link SubprocessOptions}.
 * @throws Node's error when the program cannot be started, as it is (`ENOENT` for a missing
 *   program or `cwd`, `EACCES` ...); `TypeError` / `RangeError` for bad arguments.
 * @example
 * ```ts
 * const proc = yield* createSubprocessExec("ls", ["-l", "/tmp"], { stdout: "pipe" });
 * const [listing] = yield* proc.communicate();
 * console.log(new TextDecoder().decode(listing!));
 * ```
 */
export function* createSubprocessExec(
  program: string,
  args: readonly string[],
  options: SubprocessOptions = {},
): Generator<Instruction, Process, unknown> {
  checkProgram(program, args);
  checkOptions(options);
  const loop = getRunningLoop();
  const { stdin = "inherit", stdout = "inherit", stderr = "inherit", cwd, env, limit } = options;
  const stderrToStdout = stderr === "stdout";
  const spawnOptions: SpawnOptions = { stdio: [stdin, stdout, stderrToStdout ? mergedStderr(stdout) : stderr], shell: false };
  if (cwd !== undefined) spawnOptions.cwd = cwd as string | URL; // a URL, checked with instanceof
  if (env !== undefined) spawnOptions.env = env;
  const child = spawn(program, args, spawnOptions);
  // An `error` event with no listener would crash Node: the spawn's is thrown below, a
  // refused kill's by sendSignal().
  child.on("error", ignoreError);
  const pid = child.pid;
  const proc = pid === undefined ? undefined : new Process(loop, child, pid, stderrToStdout, limit);
  try {
    yield* _waitForEvent(child, "spawn", `${WHERE} starting ${program}`, () => undefined);
  } catch (error) {
    // Cancelled (parked, or in a scope cancelled before the wait), or the spawn failed.
    if (proc === undefined) for (const stream of child.stdio) stream?.destroy();
    else proc._abandon();
    throw error;
  }
  if (proc === undefined) throw new InvalidStateError(`${WHERE}: Node reported ${program} started but gave no pid`);
  return proc;
}

/**
 * What the child's fd 2 is for `stderr: "stdout"`: a pipe of its own, fed into stdout's reader
 * (see the module's notes), when stdout is piped; this process's fd 1 when stdout is inherited;
 * nothing when stdout is ignored.
 */
function mergedStderr(stdout: StdioOption): "pipe" | "ignore" | 1 {
  if (stdout === "inherit") return 1;
  return stdout;
}

/**
 * One reader fed by two pipes (`stderr: "stdout"`): each pipe's bytes go to the reader as they
 * arrive; the reader sees its end once both pipes have ended. Flow control pauses and resumes
 * both.
 */
class MergedPipes implements ReadTransport {
  readonly reader: StreamReader;
  readonly #pid: number;
  readonly #transports: Transport[] = [];
  #open = 2;

  constructor(reader: StreamReader, pid: number) {
    this.reader = reader;
    this.#pid = pid;
    reader.setTransport(this);
  }

  pauseReading(): void {
    for (const transport of this.#transports) transport.pauseReading();
  }

  resumeReading(): void {
    for (const transport of this.#transports) transport.resumeReading();
  }

  /** The protocol of the pipe `name`. */
  protocol(name: string): Protocol {
    let ended = false;
    const end = (error: Error | undefined): void => {
      if (error !== undefined) {
        const code = (error as { code?: unknown }).code;
        const reason = typeof code === "string" ? `${code}: ${error.message}` : error.message;
        this.reader.setException(
          new BrokenResourceError(`the ${name} pipe of process ${this.#pid} was lost (${reason})`, { cause: error }),
        );
      }
      if (ended) return;
      ended = true;
      if (--this.#open === 0) this.reader.feedEof();
    };
    return {
      connectionMade: (transport) => {
        this.#transports.push(transport);
      },
      dataReceived: (data) => {
        this.reader.feedData(data);
      },
      eofReceived: () => {
        end(undefined);
      },
      connectionLost: end,
      pauseWriting: () => undefined,
      resumeWriting: () => undefined,
    };
  }
}

/** communicate()'s writing: `input`, then end-of-file. A child that stops reading is no error. */
function* feedStdin(stdin: StreamWriter, input: Uint8Array | undefined): Generator<Instruction, void, unknown> {
  try {
    if (input !== undefined && input.length > 0) {
      stdin.write(input);
      yield* stdin.drain();
    }
  } catch (error) {
    // The child closed its stdin or exited before reading it all (EPIPE ...): asyncio's
    // communicate() ignores BrokenPipeError and ConnectionResetError the same way.
    if (!(error instanceof BrokenResourceError)) throw error;
  }
  stdin.close();
  yield* stdin.waitClosed();
}

/**
 * Waits until every task is done, or one fails; then cancels the others and waits for them to
 * unwind, and throws the first failure. Cancelled, it does the same and raises the
 * cancellation. The tasks' errors are all retrieved: the first is thrown, the others dropped.
 */
function* joinAll(loop: EventLoop, tasks: readonly Task<unknown>[]): Generator<Instruction, void, unknown> {
  const decided = loop.createFuture<void>();
  let left = tasks.length;
  let failed: Future<unknown> | undefined;
  const onDone = (future: Future<unknown>): void => {
    left--;
    if (failed === undefined && !future.cancelled() && future.exception() !== undefined) failed = future;
    if ((left === 0 || failed !== undefined) && !decided.done()) decided.setResult();
  };
  for (const task of tasks) task.addDoneCallback(onDone);
  try {
    if (tasks.length > 0) yield* decided;
  } finally {
    for (const task of tasks) task.removeDoneCallback(onDone);
    for (const task of tasks) task.cancel(); // does nothing to a task that is done
    // Every task's outcome is retrieved, so that none is reported as never retrieved; waiting
    // for the ones that are done already does not suspend.
    yield* shield(settleAll(tasks));
  }
  if (failed !== undefined) failed.result(); // throws its error
  // A task cancelled by someone else fails the join, as in gather.
  for (const task of tasks) if (task.cancelled()) task.result();
}

/** Waits for each task, dropping what it throws. */
function* settleAll(tasks: readonly Task<unknown>[]): Generator<Instruction, void, unknown> {
  for (const task of tasks) {
    try {
      yield* task;
    } catch {
      // Dropped: the join throws the first failure, or its own cancellation.
    }
  }
}

/** A listener that keeps a pipe's stream in paused mode (see the module's notes). */
function keepPaused(): void {
  // Nothing to do: the transport reads when the selector reports the pipe readable.
}

function ignoreError(): void {
  // Reported elsewhere: the spawn's error is thrown by createSubprocessExec(), a kill's by sendSignal().
}

function checkProgram(program: unknown, args: unknown): void {
  if (typeof program !== "string") {
    throw new TypeError(
      `${WHERE} needs the program as a string (a path, or a name looked up in PATH): received ${describeReceived(program)}`,
    );
  }
  if (program.length === 0) throw new RangeError(`${WHERE} needs a non-empty program: received ""`);
  if (!Array.isArray(args)) {
    throw new TypeError(`${WHERE} needs args as an array of strings (pass [] for none): received ${describeReceived(args)}`);
  }
  args.forEach((arg: unknown, index) => {
    if (typeof arg !== "string") {
      throw new TypeError(`${WHERE} needs args as an array of strings: args[${index}] is ${describeReceived(arg)}`);
    }
  });
}

function checkOptions(options: unknown): void {
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new TypeError(`${WHERE} needs an options object (or none): received ${describeReceived(options)}`);
  }
  for (const [name, value] of Object.entries(options)) {
    if (!OPTION_NAMES.includes(name)) {
      throw new TypeError(`${WHERE} got an unknown option "${name}": the options are ${OPTION_NAMES.join(", ")}`);
    }
    if (value !== undefined) checkOption(name, value);
  }
}

function checkOption(name: string, value: unknown): void {
  switch (name) {
    case "stdin":
    case "stdout":
    case "stderr": {
      const allowed = name === "stderr" ? [...STDIO_VALUES, "stdout"] : STDIO_VALUES;
      const expected = allowed.map((entry) => `"${entry}"`).join(", ");
      if (typeof value !== "string")
        throw new TypeError(`${WHERE} needs options.${name} as one of ${expected}: received ${describeReceived(value)}`);
      if (!allowed.includes(value)) {
        const hint = value === "stdout" ? ` ("stdout" is for stderr only)` : "";
        throw new RangeError(`${WHERE} needs options.${name} as one of ${expected}: received "${value}"${hint}`);
      }
      return;
    }
    case "cwd":
      if (typeof value !== "string" && !(value instanceof URL)) {
        throw new TypeError(
          `${WHERE} needs options.cwd as a directory path (a string or a file: URL): received ${describeReceived(value)}`,
        );
      }
      return;
    case "env":
      if (typeof value !== "object" || value === null || Array.isArray(value)) {
        throw new TypeError(`${WHERE} needs options.env as an object of strings: received ${describeReceived(value)}`);
      }
      for (const [key, entry] of Object.entries(value)) {
        if (typeof entry !== "string" && entry !== undefined) {
          throw new TypeError(`${WHERE} needs options.env as an object of strings: env.${key} is ${describeReceived(entry)}`);
        }
      }
      return;
    default: // limit
      if (typeof value !== "number") throw new TypeError(`${WHERE} needs options.limit as a number: received ${describeReceived(value)}`);
      if (!Number.isInteger(value) || value <= 0)
        throw new RangeError(`${WHERE} needs options.limit as a whole number > 0: received ${value}`);
  }
}

function checkSignal(signal: unknown): void {
  if (typeof signal === "string") {
    if (!Object.hasOwn(os.constants.signals, signal)) {
      throw new RangeError(`sendSignal() needs a signal name such as "SIGTERM" or "SIGINT": received "${signal}"`);
    }
  } else if (typeof signal === "number") {
    if (!Number.isInteger(signal) || signal < 0 || (signal !== 0 && !Object.values(os.constants.signals).includes(signal))) {
      throw new RangeError(`sendSignal() needs a signal number of this system (0, or one of os.constants.signals): received ${signal}`);
    }
  } else {
    throw new TypeError(`sendSignal() needs a signal name ("SIGTERM") or number: received ${describeReceived(signal)}`);
  }
}
