import test from "ava";
import { currentSignal } from "../../executors/index.js";

test("`currentSignal()` behaviour: outside a job it throws an Error that says where to call it", (t) => {
  t.throws(() => currentSignal(), { instanceOf: Error, message: /outside a job: call it from a work function/ });
});
