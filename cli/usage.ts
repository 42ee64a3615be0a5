/**
 * The CLI's usage text and its errors: a `UsageError` is the user's mistake (exit code 2, with
 * a hint to `--help`), anything else a failure of what was run.
 *
 * @module
 */

/** What `yieldio --help` prints. */
export const USAGE = `Usage: yieldio <command> [options]

Commands:
  run <script> [--debug] [--trace <file.json>] [-- <script arguments>]
      Runs the default export of a script (.js, .mjs, or .ts with tsx installed): an
      Operation or a generator function, under main(): Ctrl-C cancels it cleanly.
      --debug           debug mode: slow steps, never-retrieved errors, swallowed
                        cancellations and leftover tasks are reported (as YIELDIO_DEBUG=1)
      --trace <file>    records a trace of the run (Chrome Trace Event JSON: open it in
                        Perfetto, or turn it into a timeline with "yieldio trace view")
  trace view <file.json> [-o <file.html>]
      Writes a self-contained HTML timeline of a trace and prints its path
      (default: the trace's name with .html).
  worker --redis <url> --queue <name> --root <dir> [--concurrency <n>] [--sandbox]
      Runs the jobs of BullMQExecutors (yieldio/executors/bullmq; needs bullmq and
      ioredis): functions exported by modules under --root only. SIGTERM or Ctrl-C
      closes it once the running jobs finish; a second one aborts them.
      --redis <url>     redis://[user:password@]host[:port][/db], rediss://..., or a
                        Unix socket path
      --concurrency <n> jobs at once (default: the number of cores)
      --sandbox         each job in a child process: a crash fails only its job
      --prefix <p>      BullMQ's key prefix (default bull)
      --lock-duration <ms>, --stalled-interval <ms>, --max-stalled-count <n>
                        BullMQ's stall detection (defaults 30000, 30000, 0)
      --allow-eviction  start on a Redis whose maxmemory-policy is not noeviction

Options:
  -h, --help        this text
  -v, --version     the version of yieldio
`;

/** A mistake in how the CLI was called: printed with a hint, exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}
