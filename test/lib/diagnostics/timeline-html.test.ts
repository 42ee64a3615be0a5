/**
 * `renderTimelineHtml`: the page is self-contained and safe with hostile names; rendered in a
 * real headless Chromium, it shows one row per task with its steps drawn (a screenshot is
 * taken and its pixels checked).
 */
import test from "ava";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { TraceRecorder, createTask, renderTimelineHtml, run, sleep } from "../../../lib/index.js";
import type { TraceFile } from "../../../lib/index.js";
import { VirtualSelector } from "../../../selectors/index.js";
import { Screenshot, browserTest, evaluateJson } from "../../helpers/chromium.js";

/** A trace of three named workers that sleep and step a few times (a clock ticking 1 ms per reading). */
async function workersTrace(): Promise<TraceFile> {
  let ms = 0;
  const recorder = new TraceRecorder({ clock: () => ms++ });
  await run(
    function* () {
      const workers = ["fetcher", "parser", "writer"].map((name, index) =>
        createTask(
          (function* () {
            for (let round = 0; round < 3; round++) yield* sleep(5 * (index + 1));
          })(),
          { name },
        ),
      );
      for (const worker of workers) yield* worker;
    },
    { selector: new VirtualSelector(), instruments: [recorder] },
  );
  return recorder.trace();
}

test("`renderTimelineHtml()` behaviour: one self-contained page: the trace inside, nothing loaded from elsewhere, names escaped", async (t) => {
  const trace = await workersTrace();
  const hostile = {
    ...trace,
    traceEvents: [...trace.traceEvents, { name: "thread_name", ph: "M" as const, pid: 1, tid: 99, args: { name: "</script><img src=x>" } }],
  };
  const html = renderTimelineHtml(hostile, { title: "<b>run</b>" });
  t.true(html.startsWith("<!doctype html>"));
  t.notRegex(html, /\b(src|href)=["']?(https?:)?\/\//, "no URL is loaded");
  t.notRegex(html, /<link\b/);
  t.is(html.match(/<\/script>/g)?.length, 2, "the embedded trace cannot close its script element");
  t.regex(html, /<title>&#60;b&#62;run&#60;\/b&#62;<\/title>/);
  t.throws(() => renderTimelineHtml({} as never), {
    instanceOf: TypeError,
    message: /needs a trace with a traceEvents array: received object/,
  });
});

browserTest(
  "`renderTimelineHtml()` behaviour: in headless Chromium, a row per task in spawn order, each with its steps drawn",
  async (t, page) => {
    const dir = mkdtempSync(join(tmpdir(), "yieldio-timeline-"));
    try {
      const file = join(dir, "timeline.html");
      writeFileSync(file, renderTimelineHtml(await workersTrace(), { title: "workers" }));
      const errors: string[] = [];
      page.on("pageerror", (error) => errors.push(String(error)));
      await page.goto(pathToFileURL(file).href);
      await page.waitForSelector("body[data-rendered=true]");
      t.deepEqual(errors, []);

      const rows = await evaluateJson<string[]>(page, `[...document.querySelectorAll(".track-name")].map((name) => name.textContent)`);
      t.deepEqual(
        rows,
        ["event loop", "loop passes", "Task-1", "fetcher", "parser", "writer"].map((name) => (name === "Task-1" ? rows[2] : name)),
      );
      t.regex(rows[2] ?? "", /^Task-\d+$/, "main's task");
      t.regex(await evaluateJson<string>(page, `document.getElementById("summary").textContent`), /^4 tasks, [\d.]+ ms, \d+ events$/);

      interface Lane {
        readonly tid: string;
        readonly x: number;
        readonly y: number;
        readonly width: number;
        readonly height: number;
        readonly steps: number;
      }
      const lanes = await evaluateJson<Lane[]>(
        page,
        `[...document.querySelectorAll(".lane[data-tid]")].map((lane) => {
        const box = lane.getBoundingClientRect();
        return { tid: lane.dataset.tid, x: box.x, y: box.y, width: box.width, height: box.height, steps: lane.querySelectorAll(".step").length };
      })`,
      );
      const shot = new Screenshot(await page.screenshot({ type: "png" }));
      t.is(shot.width, 1200);
      const STEP_BLUE = [0x25, 0x63, 0xeb] as const;
      for (const lane of lanes.slice(2)) {
        // fetcher, parser, writer: a first step and one per wake-up (3 sleeps)
        t.is(lane.steps, 4, `steps in row ${lane.tid}`);
        t.true(shot.countColour(lane, STEP_BLUE) > 20, `row ${lane.tid} shows its steps in the screenshot`);
      }
      t.is(shot.countColour(lanes[0]!, STEP_BLUE), 0, "the loop's row has no task steps");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
