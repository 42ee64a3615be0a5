/**
 * Job names: a module under the producer's moduleRoot becomes `root:<path>#<export>`, which a
 * worker reads back under its own moduleRoot; everything else is refused on both sides, so that
 * writing to Redis is not a way to run arbitrary code.
 */
import test from "ava";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { _JobNamer, _jobName, _jobTarget } from "../../../executors/bullmq/job-name.js";

const producerRoot = "/srv/app/dist";
const workerRoot = "/opt/worker/app";

test("`_jobName()` behaviour: a module under moduleRoot is named relative to it, and a worker finds it under its own root", (t) => {
  const name = _jobName({ moduleUrl: pathToFileURL(join(producerRoot, "jobs/hash.js")).href, exportName: "hashRounds" }, producerRoot);
  t.is(name, "root:jobs/hash.js#hashRounds");
  t.deepEqual(_jobTarget(name, workerRoot), { moduleUrl: pathToFileURL(join(workerRoot, "jobs/hash.js")).href, exportName: "hashRounds" });
});

test("`_jobName()` behaviour: modules outside moduleRoot, other URL schemes and bad export names are TypeErrors", (t) => {
  const refused: Array<[string, string, RegExp]> = [
    [pathToFileURL("/srv/app/src/job.js").href, "run", /is outside moduleRoot/],
    [pathToFileURL(producerRoot).href, "run", /is outside moduleRoot/],
    ["data:text/javascript,export const run = () => 1", "run", /runs modules under moduleRoot only/],
    ["node:child_process", "exec", /runs modules under moduleRoot only/],
    [pathToFileURL(join(producerRoot, "job.js")).href, "", /export name must be non-empty/],
    [pathToFileURL(join(producerRoot, "job.js")).href, "a#b", /without "#"/],
  ];
  for (const [moduleUrl, exportName, message] of refused) {
    t.throws(() => _jobName({ moduleUrl, exportName }, producerRoot), { instanceOf: TypeError, message }, moduleUrl);
  }
});

test("`_jobTarget()` behaviour: a worker refuses names that leave its moduleRoot or are not of the form root:<module>#<export>", (t) => {
  const refused = [
    "root:../secrets.js#read",
    "root:jobs/../../outside.js#run",
    "root:/etc/passwd#x",
    "root:#run",
    "root:job.js",
    "root:job.js#",
    "node:child_process#exec",
    "file:///tmp/x.js#run",
    "jobs/hash.js#hashRounds",
    "root:job\0.js#run",
  ];
  for (const name of refused) t.throws(() => _jobTarget(name, workerRoot), { instanceOf: TypeError, message: /refused|export name/ }, name);
  t.is(
    _jobTarget("root:a/b/../c.js#run", workerRoot).moduleUrl,
    pathToFileURL(join(workerRoot, "a/c.js")).href,
    "a path that stays inside is fine",
  );
});

test("`_JobNamer.name()` behaviour: the same names as _jobName(), the module's part remembered; bad inputs still refused", (t) => {
  const namer = new _JobNamer(producerRoot);
  const hash = pathToFileURL(join(producerRoot, "jobs/hash.js")).href;
  t.is(namer.name({ moduleUrl: hash, exportName: "hashRounds" }), "root:jobs/hash.js#hashRounds");
  t.is(namer.name({ moduleUrl: hash, exportName: "verify" }), "root:jobs/hash.js#verify");
  t.throws(() => namer.name({ moduleUrl: hash, exportName: "a#b" }), { instanceOf: TypeError });
  t.throws(() => namer.name({ moduleUrl: hash, exportName: "" }), { instanceOf: TypeError });
  t.throws(() => namer.name({ moduleUrl: "file:///elsewhere/x.js", exportName: "run" }), { instanceOf: TypeError });
  t.throws(
    () => namer.name({ moduleUrl: "file:///elsewhere/x.js", exportName: "run" }),
    { instanceOf: TypeError },
    "a refusal is not remembered as a name",
  );
});
