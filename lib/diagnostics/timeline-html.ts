/**
 * `renderTimelineHtml`: a trace as one self-contained HTML page (no network, no CDN): the
 * trace is embedded as JSON and drawn by a small script in the page, one row per track.
 *
 * @module
 */

import { describeReceived } from "../core/received.js";
import type { TraceFile } from "./trace-recorder.js";

/**
 * Options of {@link renderTimelineHtml}.
 *
 * @example
 * ```ts
 * const options: TimelineOptions = { title: "crawler, run 3" };
 * ```
 */
export interface TimelineOptions {
  /** The page's title; default "yieldio timeline". */
  readonly title?: string;
}

/**
 * Renders a trace (a {@link TraceFile}, as `TraceRecorder` records and `yieldio run --trace`
 * writes) as a self-contained HTML timeline: the event loop's row (callbacks, I/O waits), the
 * loop's passes as a counter, then one row per task in the order they were spawned, with a
 * slice per step and marks for spawn, exit and timers. Hovering shows an event's details;
 * the zoom slider stretches time. The page loads nothing from anywhere.
 *
 * @param trace - the trace, as parsed JSON.
 * @param options - the page's title.
 * @returns the HTML text of the page.
 * @throws TypeError if `trace` has no `traceEvents` array.
 * @example
 * ```ts
 * const trace = JSON.parse(fs.readFileSync("out.json", "utf8")) as TraceFile;
 * fs.writeFileSync("out.html", renderTimelineHtml(trace, { title: "out.json" }));
 * ```
 */
export function renderTimelineHtml(trace: TraceFile, options: TimelineOptions = {}): string {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- a JavaScript caller (or a parsed file) can be anything
  if (typeof trace !== "object" || trace === null || !Array.isArray(trace.traceEvents)) {
    throw new TypeError(`renderTimelineHtml() needs a trace with a traceEvents array: received ${describeReceived(trace)}`);
  }
  const title = options.title ?? "yieldio timeline";
  // Inside <script>, "</script>" or "<!--" in a string would end or change the element: no "<" at all.
  const data = JSON.stringify({ traceEvents: trace.traceEvents, otherData: (trace as Partial<TraceFile>).otherData ?? {} }).replace(
    /</g,
    "\\u003c",
  );
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
  <h1>${escapeHtml(title)}</h1>
  <p id="summary"></p>
  <label>zoom <input id="zoom" type="range" min="1" max="400" value="1"></label>
  <p class="legend"><span class="key step"></span>task step <span class="key callback"></span>callback <span class="key timer-callback"></span>timer <span class="key io"></span>waiting for I/O <span class="key mark-spawned"></span>spawned <span class="key mark-exited"></span>exited</p>
</header>
<main id="timeline"></main>
<script id="trace-data" type="application/json">${data}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

const STYLE = `
body { margin: 0; font: 13px/1.4 system-ui, sans-serif; color: #111827; background: #ffffff; }
header { padding: 8px 12px; border-bottom: 1px solid #e5e7eb; display: flex; gap: 24px; align-items: baseline; }
h1 { font-size: 16px; margin: 0; }
#summary { margin: 0; color: #4b5563; }
#timeline { display: grid; grid-template-columns: 220px 1fr; }
.names { border-right: 1px solid #e5e7eb; }
.lanes { overflow-x: auto; position: relative; }
.track-name, .lane { height: 24px; border-bottom: 1px solid #f3f4f6; box-sizing: border-box; }
.track-name { padding: 3px 8px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.ruler { height: 20px; position: relative; border-bottom: 1px solid #e5e7eb; color: #6b7280; font-size: 11px; }
.ruler-name { height: 20px; border-bottom: 1px solid #e5e7eb; }
.tick { position: absolute; top: 2px; border-left: 1px solid #d1d5db; padding-left: 3px; height: 16px; }
.lane { position: relative; }
.slice { position: absolute; top: 4px; height: 16px; min-width: 2px; border-radius: 2px; }
.instant { position: absolute; top: 2px; width: 2px; height: 20px; }
.step { background: #2563eb; }
.callback { background: #ea580c; }
.timer-callback { background: #9333ea; }
.io { background: #d1d5db; }
.mark-spawned { background: #16a34a; }
.mark-exited { background: #111827; }
.mark-timer { background: #9333ea; }
.mark-io { background: #0d9488; }
.mark-loop { background: #6b7280; }
.counter { position: absolute; top: 0; left: 0; }
.legend { margin: 0; color: #4b5563; }
.key { display: inline-block; width: 10px; height: 10px; margin: 0 4px 0 10px; border-radius: 2px; vertical-align: -1px; }
`;

// The page's renderer: plain browser JavaScript, no imports. It reads the embedded trace,
// builds the rows (the loop, the passes counter, then the tasks by sort index), and lays the
// events out at `scale` pixels per microsecond.
const SCRIPT = `
(function () {
  var trace = JSON.parse(document.getElementById("trace-data").textContent);
  var events = trace.traceEvents;
  var names = {}, order = {}, tracks = {};
  var t0 = Infinity, t1 = -Infinity, passes = [];
  events.forEach(function (e) {
    if (e.ph === "M") {
      if (e.name === "thread_name") names[e.tid] = e.args.name;
      if (e.name === "thread_sort_index") order[e.tid] = e.args.sort_index;
      return;
    }
    t0 = Math.min(t0, e.ts);
    t1 = Math.max(t1, e.ts + (e.dur || 0));
    if (e.ph === "C") { passes.push(e); return; }
    (tracks[e.tid] = tracks[e.tid] || []).push(e);
    if (!(e.tid in names)) names[e.tid] = "track " + e.tid;
  });
  if (!isFinite(t0)) { t0 = 0; t1 = 1; }
  var span = Math.max(t1 - t0, 1);
  var tids = Object.keys(names).map(Number).sort(function (a, b) {
    return (order[a] !== undefined ? order[a] : a) - (order[b] !== undefined ? order[b] : b);
  });
  var taskCount = tids.filter(function (tid) { return tid !== 0; }).length;
  var dropped = (trace.otherData && trace.otherData.droppedEvents) || 0;
  document.getElementById("summary").textContent =
    taskCount + " tasks, " + (span / 1000).toFixed(3) + " ms, " + events.length + " events" +
    (dropped > 0 ? ", " + dropped + " more dropped (maxEvents)" : "");

  var main = document.getElementById("timeline");
  var nameColumn = el("div", "names"), laneColumn = el("div", "lanes");
  main.appendChild(nameColumn);
  main.appendChild(laneColumn);
  var zoom = document.getElementById("zoom");

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function describe(e) {
    var lines = [e.name + " @ " + ((e.ts - t0) / 1000).toFixed(3) + " ms"];
    if (e.dur !== undefined) lines.push("duration " + (e.dur / 1000).toFixed(3) + " ms");
    if (e.args) Object.keys(e.args).forEach(function (k) { lines.push(k + ": " + e.args[k]); });
    return lines.join("\\n");
  }
  function sliceClass(e) {
    if (e.cat === "task") return "step";
    if (e.cat === "timer") return "timer-callback";
    if (e.cat === "io") return "io";
    return "callback";
  }
  function markClass(e) {
    if (e.name === "spawned") return "mark-spawned";
    if (e.name === "exited") return "mark-exited";
    if (e.cat === "timer") return "mark-timer";
    if (e.cat === "io") return "mark-io";
    return "mark-loop";
  }

  function render() {
    var width = Math.max(laneColumn.clientWidth - 4, 200) * Number(zoom.value);
    var scale = width / span;
    nameColumn.textContent = "";
    laneColumn.textContent = "";
    nameColumn.appendChild(el("div", "ruler-name"));
    var ruler = el("div", "ruler");
    ruler.style.width = width + "px";
    var step = Math.pow(10, Math.floor(Math.log10(span / 8 || 1)));
    while (span / step > 12) step *= 2;
    for (var at = 0; at <= span; at += step) {
      var tick = el("div", "tick", (at / 1000).toFixed(step < 1000 ? 3 : 1) + " ms");
      tick.style.left = at * scale + "px";
      ruler.appendChild(tick);
    }
    laneColumn.appendChild(ruler);

    function row(label, tid) {
      var name = el("div", "track-name", label);
      name.title = label;
      if (tid !== undefined) name.dataset.tid = tid;
      nameColumn.appendChild(name);
      var lane = el("div", "lane");
      lane.style.width = width + "px";
      if (tid !== undefined) lane.dataset.tid = tid;
      laneColumn.appendChild(lane);
      return lane;
    }

    tids.forEach(function (tid, index) {
      var lane = row(names[tid], tid);
      (tracks[tid] || []).forEach(function (e) {
        var node = el("div", e.ph === "X" ? "slice " + sliceClass(e) : "instant " + markClass(e));
        node.style.left = (e.ts - t0) * scale + "px";
        if (e.ph === "X") node.style.width = Math.max(2, e.dur * scale) + "px";
        node.title = describe(e);
        lane.appendChild(node);
      });
      if (index === 0) {
        var counterLane = row("loop passes");
        if (passes.length > 0) {
          var most = passes[passes.length - 1].args.passes || 1;
          var svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
          svg.setAttribute("class", "counter");
          svg.setAttribute("width", String(width));
          svg.setAttribute("height", "24");
          var line = document.createElementNS("http://www.w3.org/2000/svg", "polyline");
          line.setAttribute("fill", "none");
          line.setAttribute("stroke", "#0d9488");
          line.setAttribute("stroke-width", "2");
          line.setAttribute("points", passes.map(function (e) {
            return ((e.ts - t0) * scale).toFixed(1) + "," + (22 - 20 * e.args.passes / most).toFixed(1);
          }).join(" "));
          svg.appendChild(line);
          counterLane.appendChild(svg);
          counterLane.title = most + " passes";
        }
      }
    });
  }
  zoom.addEventListener("input", render);
  window.addEventListener("resize", render);
  render();
  document.body.dataset.rendered = "true";
})();
`;
