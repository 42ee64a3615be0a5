import test from "ava";
import { sleep } from "../../lib/index.js";
import { runVirtual } from "../helpers/loop.js";

test("sleep() behaviour: jumps virtual time", async (t) => {
  const { result, endTime } = await runVirtual(t, function* () {
    return yield* sleep(100, "done");
  });
  t.is(result, "done");
  t.is(endTime, 100);
});
