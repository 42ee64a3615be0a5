/**
 * A worker's cancel watch, with a stand-in for BullMQ's Worker: a cancellation reaches a job
 * whatever the moment its message arrives (running, fetched but not yet tracked, not yet
 * fetched here), and a terminable sandboxed job's process is killed.
 */
import test from "ava";
import { spawn } from "node:child_process";
import { _CancelWatch } from "../../../executors/bullmq/cancel-watch.js";

/** A stand-in Worker: jobs it tracks can be cancelled; it records the cancels that took. */
function worker(tracked: Set<string>): { cancelJob(id: string): boolean; cancelled: string[] } {
  const cancelled: string[] = [];
  return {
    cancelled,
    cancelJob(id: string): boolean {
      if (!tracked.has(id)) return false;
      cancelled.push(id);
      return true;
    },
  };
}

/** The stand-in's cancelJob, as the watch takes it. */
const cancelJobOf =
  (fake: { cancelJob(id: string): boolean }) =>
  (id: string): boolean =>
    fake.cancelJob(id);

const tick = (ms = 20): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

test("`_CancelWatch` behaviour: a cancel for a job running here aborts it at once", (t) => {
  const fake = worker(new Set(["1"]));
  const watch = new _CancelWatch(cancelJobOf(fake));
  watch.started("1");
  watch.cancelled("1");
  t.deepEqual(fake.cancelled, ["1"]);
});

test("`_CancelWatch` behaviour: a job fetched but not yet tracked is cancelled once BullMQ tracks it", async (t) => {
  const tracked = new Set<string>();
  const fake = worker(tracked);
  const watch = new _CancelWatch(cancelJobOf(fake));
  watch.started("2");
  watch.cancelled("2");
  t.deepEqual(fake.cancelled, []);
  tracked.add("2");
  await tick();
  t.deepEqual(fake.cancelled, ["2"]);
});

test("`_CancelWatch` behaviour: a cancel for a job not fetched here is remembered and applied when it starts", (t) => {
  const fake = worker(new Set(["3"]));
  const watch = new _CancelWatch(cancelJobOf(fake));
  watch.cancelled("3");
  t.deepEqual(fake.cancelled, []);
  watch.started("3");
  t.deepEqual(fake.cancelled, ["3"]);
  watch.finished("3");
  watch.started("4");
  t.deepEqual(fake.cancelled, ["3"], "another job is not touched");
});

test("`_CancelWatch` behaviour: a finished job is not cancelled, and its retries stop", async (t) => {
  const tracked = new Set<string>();
  const fake = worker(tracked);
  const watch = new _CancelWatch(cancelJobOf(fake));
  watch.started("5");
  watch.cancelled("5");
  watch.finished("5");
  tracked.add("5");
  await tick();
  t.deepEqual(fake.cancelled, []);
});

test("`_CancelWatch` behaviour: a terminable job's process is killed when cancelled, reported before or after the cancel", async (t) => {
  const watch = new _CancelWatch(cancelJobOf(worker(new Set(["6", "7"]))));
  const sleeper = (): ReturnType<typeof spawn> => spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"], { stdio: "ignore" });
  const exited = (child: ReturnType<typeof spawn>): Promise<string | null> =>
    new Promise((resolve) => child.once("exit", (_code, signal) => resolve(signal)));
  const before = sleeper();
  const after = sleeper();
  watch.started("6");
  watch.runsIn("6", before.pid as number);
  watch.cancelled("6");
  watch.started("7");
  watch.cancelled("7");
  watch.runsIn("7", after.pid as number);
  t.deepEqual(await Promise.all([exited(before), exited(after)]), ["SIGKILL", "SIGKILL"]);
});

test("`_CancelWatch` behaviour: a job cancelled while it runs here is cancelled again if it is retried here", (t) => {
  const fake = worker(new Set(["8"]));
  const watch = new _CancelWatch(cancelJobOf(fake));
  watch.started("8");
  watch.cancelled("8");
  watch.finished("8"); // its process was killed: BullMQ may retry it (attempts > 1)
  watch.started("8");
  t.deepEqual(fake.cancelled, ["8", "8"]);
});
