/**
 * Property tests (fast-check) with a replayable seed. Every property runs with the one seed of
 * this test process: `FC_SEED` when it is set (to replay a run), else a fresh one. The seed is
 * written to the test's log and into the failure message, so a failure can always be replayed
 * with `FC_SEED=<seed> npx ava <file>`. Never fast-check's own random default, and never a
 * `Date.now()` that nobody sees.
 */
import type { ExecutionContext } from "ava";
import fc from "fast-check";

function readSeed(): number {
  const raw = process.env["FC_SEED"];
  if (raw === undefined || raw.trim() === "") return (Date.now() ^ (Math.random() * 0x100000000)) | 0;
  const seed = Number(raw);
  if (!Number.isSafeInteger(seed)) {
    throw new RangeError(`FC_SEED needs an integer (the seed a failed run printed): received ${JSON.stringify(raw)}`);
  }
  return seed;
}

/** The seed of every property in this test process: `FC_SEED` if set, else a fresh one. */
export const FC_SEED: number = readSeed();

/**
 * Runs `property` with {@link FC_SEED} (sync or async property alike), logs the seed, and
 * fails the test with the seed, the replay command and fast-check's report (counterexample,
 * path) if the property fails. Returns fast-check's details for further checks.
 */
export async function checkProperty<Ts>(
  t: ExecutionContext,
  property: fc.IRawProperty<Ts>,
  parameters: Omit<fc.Parameters<Ts>, "seed"> = {},
): Promise<fc.RunDetails<Ts>> {
  const details = await fc.check(property, { ...parameters, seed: FC_SEED });
  t.log(`fast-check seed ${FC_SEED} (replay with FC_SEED=${FC_SEED}), ${details.numRuns} runs`);
  if (details.failed) {
    const why = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
    t.fail(`property failed with seed ${FC_SEED} (replay: FC_SEED=${FC_SEED}):\n${why}\n${fc.defaultReportMessage(details) ?? ""}`);
  } else {
    t.true(details.numRuns > 0, "the property was checked on at least one generated case");
  }
  return details;
}
