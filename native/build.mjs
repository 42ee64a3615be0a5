// Builds the native selector's addon (native/binding.gyp) with node-gyp, for `npm run build`.
// Where it cannot be built (not Linux, no compiler), yieldio works without it: NativeSelector
// says so, and DefaultSelector stays NodeSelector. CI sets YIELDIO_REQUIRE_NATIVE=1 so that a
// broken build fails there instead of going unnoticed.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const required = process.env.YIELDIO_REQUIRE_NATIVE === "1";

function giveUp(why) {
  if (required) {
    console.error(`native selector: ${why}`);
    process.exit(1);
  }
  console.warn(`native selector not built (${why}); yieldio runs on NodeSelector`);
  process.exit(0);
}

if (process.platform !== "linux") giveUp(`epoll needs Linux, this is ${process.platform}`);
let nodeGyp;
try {
  nodeGyp = createRequire(import.meta.url).resolve("node-gyp/bin/node-gyp.js");
} catch {
  giveUp("node-gyp is not installed");
}
const result = spawnSync(process.execPath, [nodeGyp, "rebuild", "--loglevel=warn"], { cwd: here, stdio: "inherit" });
if (result.status !== 0) giveUp(`node-gyp exited with ${String(result.status ?? result.signal)}`);
