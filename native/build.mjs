// Builds the native selector's addon (native/binding.gyp) for `npm run build`: prebuildify
// runs node-gyp and puts the binary in native/prebuilds/<platform>-<arch>/, tagged N-API and
// libuv (`--napi --tag-uv`), where node-gyp-build finds it in a checkout and in the package.
// Where it cannot be built (not Linux, no compiler), yieldio works without it: NativeSelector
// says so, and DefaultSelector is NodeSelector. CI sets YIELDIO_REQUIRE_NATIVE=1 so that a
// broken build fails there instead of going unnoticed.
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
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
let prebuildify;
try {
  prebuildify = createRequire(import.meta.url).resolve("prebuildify/bin.js");
} catch {
  giveUp("prebuildify is not installed");
}
// N-API: one binary serves every Node version, so build against this Node's own headers
// (no download: `--target` is this Node, and npm's `nodedir` setting, when present, is used).
rmSync(new URL("prebuilds", import.meta.url), { recursive: true, force: true });
const result = spawnSync(
  process.execPath,
  [prebuildify, "--napi", "--tag-uv", "--strip", "--target", process.versions.node, "--quiet"],
  { cwd: here, stdio: ["ignore", "ignore", "inherit"] },
);
if (result.status !== 0) giveUp(`prebuildify exited with ${String(result.status ?? result.signal)}`);
