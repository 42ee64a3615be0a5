import test from "ava";
import { EventLoop, Handle, TimerHandle } from "../../../lib/index.js";
import type { ExceptionContext } from "../../../lib/index.js";
import { VirtualFile, VirtualSelector } from "../../../selectors/index.js";
import type { SelectResult } from "../../../selectors/index.js";
import { CLEAN, leftovers, virtualLoop } from "../../helpers/loop.js";

/** A VirtualSelector that counts polls and calls `onRunaway` if the loop spins. */
class CountingSelector extends VirtualSelector {
  polls = 0;
  onRunaway: (() => void) | undefined;

  override select(timeoutMs: number | null): SelectResult | Promise<SelectResult> {
    if (++this.polls === 1000) this.onRunaway?.();
    return super.select(timeoutMs);
  }
}

test("`Handle.cancel()` behaviour: a cancelled callback never runs; cancelling twice is harmless", async (t) => {
  const { loop, reports } = virtualLoop();
  const log: string[] = [];
  const handle = loop.callSoon(() => log.push("cancelled one"));
  loop.callSoon(() => {
    log.push("other");
    loop.stop();
  });
  t.true(handle instanceof Handle);
  t.false(handle instanceof TimerHandle);
  t.false(handle.cancelled());
  handle.cancel();
  t.true(handle.cancelled());
  t.notThrows(() => handle.cancel());
  t.true(handle.cancelled());
  await loop.runForever();
  t.deepEqual(log, ["other"]);
  t.deepEqual(leftovers(loop), CLEAN);
  loop.close();
  t.deepEqual(reports, []);
});

test("`Handle.cancel()` behaviour: an earlier callback of the same pass can cancel a later one", async (t) => {
  const { loop, reports } = virtualLoop();
  const log: string[] = [];
  loop.callSoon(() => {
    log.push("first");
    victim.cancel();
  });
  const victim = loop.callSoon(() => log.push("victim"));
  loop.callSoon(() => {
    log.push("last");
    loop.stop();
  });
  await loop.runForever();
  t.deepEqual(log, ["first", "last"]);
  loop.close();
  t.deepEqual(reports, []);
});

test("`Handle.cancel()` behaviour: cancelling after the callback ran changes nothing", async (t) => {
  const { loop, reports } = virtualLoop();
  let runs = 0;
  const handle = loop.callSoon(() => runs++);
  const timer = loop.callLater(5, () => runs++);
  loop.callLater(5, () => loop.stop());
  await loop.runForever();
  t.is(runs, 2);
  handle.cancel();
  timer.cancel();
  t.true(timer.cancelled());
  t.is(loop._timerCount(), 0, "the fired timer is not counted as a cancelled heap entry");
  t.deepEqual(leftovers(loop), CLEAN);
  loop.close();
  t.deepEqual(reports, []);
});

test("`TimerHandle.when()` behaviour: the absolute loop time the callback is due at", async (t) => {
  const { loop, selector, reports } = virtualLoop();
  selector.advance(1000);
  const later = loop.callLater(250, () => {});
  const at = loop.callAt(1100, () => {});
  const past = loop.callLater(-50, () => {});
  t.true(later instanceof TimerHandle);
  t.true(later instanceof Handle);
  t.is(later.when(), 1250);
  t.is(at.when(), 1100);
  t.is(past.when(), 950);
  const seen: number[] = [];
  loop.callLater(250, () => {
    seen.push(loop.time());
    loop.stop();
  });
  await loop.runForever();
  t.deepEqual(seen, [later.when()]);
  t.deepEqual(leftovers(loop), CLEAN);
  loop.close();
  t.deepEqual(reports, []);
});

test("`TimerHandle.cancel()` behaviour: a cancelled timer never fires and stops counting as live at once", async (t) => {
  const { loop, reports } = virtualLoop();
  const log: string[] = [];
  const timer = loop.callLater(10, () => log.push("cancelled timer"));
  loop.callLater(10, () => log.push("live timer"));
  t.is(loop._liveTimerCount(), 2);
  timer.cancel();
  t.true(timer.cancelled());
  t.is(loop._liveTimerCount(), 1);
  t.notThrows(() => timer.cancel());
  t.is(loop._liveTimerCount(), 1, "cancelling twice is counted once");
  loop.callLater(20, () => loop.stop());
  await loop.runForever();
  t.deepEqual(log, ["live timer"]);
  t.deepEqual(leftovers(loop), CLEAN);
  loop.close();
  t.deepEqual(reports, []);
});

test("`Handle` behaviour: a callback that throws is reported with its name and handle; the next ones run", async (t) => {
  const { loop, reports } = virtualLoop();
  const log: string[] = [];
  const named = loop.callSoon(function parseHeader() {
    throw new TypeError("bad header");
  });
  const anonymous = loop.callLater(5, () => {
    throw new RangeError("bad size");
  });
  loop.callSoon(() => log.push("after the failure"));
  loop.callLater(5, () => {
    log.push("after the failing timer");
    loop.stop();
  });
  await loop.runForever();
  t.deepEqual(log, ["after the failure", "after the failing timer"]);
  t.deepEqual(
    reports.map((report: ExceptionContext) => [report.message, (report.exception as Error).message, report.handle]),
    [
      ["Exception in callback parseHeader", "bad header", named],
      ["Exception in callback (anonymous)", "bad size", anonymous],
    ],
  );
  loop.close();
});

test("`Handle.cancel()` behaviour: cancelling a reader's handle stops it, and the loop does not spin on the ready file", async (t) => {
  const selector = new CountingSelector();
  const reports: ExceptionContext[] = [];
  const loop = new EventLoop({ selector, exceptionHandler: (context) => reports.push(context) });
  selector.onRunaway = () => loop.stop(); // a guard, so that a spinning loop fails instead of hanging
  const file = new VirtualFile();
  const log: string[] = [];
  const reader = loop.addReader(file, () => log.push("read"));
  file.setReadable(true);
  reader.cancel();
  loop.callLater(10, () => {
    log.push(`timer@${loop.time()}`);
    loop.stop();
  });
  await loop.runForever();
  t.deepEqual(log, ["timer@10"], "the cancelled reader never ran, and time reached the timer");
  t.is(selector.polls, 2, "one poll reports the ready file (its cancelled reader is dropped then), the next one jumps to the timer");
  // asyncio drops the registration of a cancelled reader when its file is reported ready.
  t.is(loop.selector.getKey(file), undefined, "the cancelled reader's registration was dropped");
  loop.removeReader(file);
  t.deepEqual(leftovers(loop), CLEAN);
  loop.close();
  t.deepEqual(reports, []);
});
