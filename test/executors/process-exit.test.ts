import test from "ava";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";

test("pools behaviour: the process exits after run() with pools used, even with an idle pool never shut down", async (t) => {
  const program = fileURLToPath(new URL("../fixtures/executors/exits-after-run.ts", import.meta.url));
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = execFile(process.execPath, ["--import", "tsx", program], { timeout: 60_000 }, (_error, stdout, stderr) => {
      resolve({ code: child.exitCode, stdout, stderr });
    });
  });
  t.is(code, 0, stderr);
  t.is(stdout.trim(), "results 3 7 11; the forgotten pool still has 1 idle worker");
});
