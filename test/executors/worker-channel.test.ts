import test from "ava";
import { _inheritedExecArgv } from "../../executors/worker-channel.js";
import { _splitPreloads } from "../../executors/thread-channel.js";

test("`_inheritedExecArgv()` behaviour: workers inherit the parent's options except --inspect and its kin", (t) => {
  t.deepEqual(
    _inheritedExecArgv([
      "--import",
      "tsx",
      "--inspect",
      "--inspect-brk=9230",
      "--inspect-port",
      "9231",
      "--max-old-space-size=64",
      "--enable-source-maps",
    ]),
    ["--import", "tsx", "--max-old-space-size=64", "--enable-source-maps"],
  );
});

test("`_splitPreloads()` behaviour: --import modules become URLs a worker thread imports first; tsx is registered through its API", (t) => {
  const { preloads, execArgv } = _splitPreloads([
    "--import",
    "tsx",
    "--import=./setup.mjs",
    "--import",
    "data:text/javascript,0",
    "--no-warnings",
  ]);
  t.deepEqual(execArgv, ["--no-warnings"]);
  t.is(preloads.length, 3);
  t.regex(preloads[0]?.url ?? "", /tsx\/dist\/esm\/api\/index\.mjs$/);
  t.true(preloads[0]?.register);
  t.deepEqual(preloads[1], { url: new URL("./setup.mjs", `file://${process.cwd()}/`).href, register: false });
  t.deepEqual(preloads[2], { url: "data:text/javascript,0", register: false });
});
