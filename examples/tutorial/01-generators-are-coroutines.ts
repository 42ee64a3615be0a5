/**
 * Tutorial, step 1: a generator is a coroutine.
 *
 *   npm run example -- tutorial/01
 *
 * A generator function (`function*`) returns an object that runs its body a piece at a time.
 * Each `yield` hands a value out and stops; the caller resumes it with `next(value)`, and that
 * value becomes the result of the `yield` expression. `return` ends it, `throw(error)` raises
 * an error at the `yield` where it stopped, `return()` makes it finish early (its `finally`
 * blocks still run). That is all a coroutine needs: two parties taking turns.
 *
 * Parts 1 to 4 drive generators by hand, with no library at all. Part 5 shows that a yieldio
 * coroutine is exactly that kind of generator: what it yields are instructions for the loop,
 * and the loop is the one that calls `next()`.
 */
import { SleepInstruction, run, sleep } from "../../lib/index.js";
import type { Coroutine } from "../../lib/index.js";
import { VirtualSelector } from "../../selectors/index.js";

/**
 * Yields questions (strings), receives answers (numbers), returns a total. The three type
 * arguments of `Generator` are what it yields, what it returns, and what `next()` sends in.
 */
function* quiz(): Generator<string, number, number> {
  console.log("  [quiz] started");
  const apples = yield "how many apples?";
  console.log(`  [quiz] got ${apples} apples`);
  const pears = yield "how many pears?";
  console.log(`  [quiz] got ${pears} pears`);
  return apples + pears;
}

console.log("1. next() sends values in, yield hands values out, return ends it:");
const conversation = quiz();
console.log("  (calling quiz() ran nothing yet)");
// The first next() starts the body and runs it up to the first yield; there is no yield yet to
// receive a value, so whatever it is given is dropped.
console.log("  next()   ->", conversation.next());
console.log("  next(3)  ->", conversation.next(3));
console.log("  next(4)  ->", conversation.next(4));
console.log("  next()   ->", conversation.next(), "(finished: it stays done)");

/** Keeps a counter; survives errors thrown into it, and cleans up when it is closed. */
function* counter(): Generator<number, string, void> {
  let count = 0;
  try {
    for (;;) {
      try {
        yield ++count;
      } catch (error) {
        // throw() raised the error right here, at the yield where the generator was stopped.
        console.log(`  [counter] caught "${(error as Error).message}" at its yield, goes on`);
      }
    }
  } finally {
    // return() from outside finishes the generator as if `return` were written at the yield.
    console.log("  [counter] finally: cleaning up");
  }
}

console.log("2. throw() raises an error inside, at the yield; return() closes it, finally runs:");
const numbers = counter();
console.log("  next()            ->", numbers.next());
console.log("  throw(new Error)  ->", numbers.throw(new Error("reset!")));
console.log("  next()            ->", numbers.next());
console.log('  return("closed")  ->', numbers.return("closed"));

/** Yields two lines and returns how many it yielded. */
function* greetings(name: string): Generator<string, number, unknown> {
  yield `hello, ${name}`;
  yield `goodbye, ${name}`;
  return 2;
}

/**
 * `yield*` delegates: while `greetings` runs, its yields go straight out to whoever drives
 * `conversationWithTwo`, and what they send goes straight in. When it returns, its return value
 * is the value of the `yield*` expression. This is how coroutines call coroutines.
 */
function* conversationWithTwo(): Generator<string, number, unknown> {
  const first = yield* greetings("ada");
  const second = yield* greetings("grace");
  return first + second;
}

console.log("3. yield* delegates to another generator and returns what it returned:");
const delegating = conversationWithTwo();
for (let step = delegating.next(); ; step = delegating.next()) {
  if (step.done === true) {
    console.log(`  returned ${step.value} (lines yielded by the two inner generators)`);
    break;
  }
  console.log(`  yielded "${step.value}"`);
}

console.log("4. the driver decides what each yielded value means (a request it carries out):");
// The coroutine yields requests; the driver (here a plain loop) answers them. yieldio works the
// same way: its coroutines yield instructions, its tasks carry them out.
type Request = { readonly kind: "double"; readonly value: number } | { readonly kind: "log"; readonly text: string };

function* program(): Generator<Request, number, number | undefined> {
  const doubled = yield { kind: "double", value: 21 };
  yield { kind: "log", text: `doubled: ${doubled}` };
  return doubled ?? 0;
}

const driven = program();
let answer: number | undefined;
for (let step = driven.next(); ; step = driven.next(answer)) {
  if (step.done === true) {
    console.log(`  [driver] the program returned ${step.value}`);
    break;
  }
  const request = step.value;
  console.log(`  [driver] request: ${JSON.stringify(request)}`);
  answer = request.kind === "double" ? request.value * 2 : undefined;
  if (request.kind === "log") console.log(`  [driver] log: ${request.text}`);
}

console.log("5. a yieldio Coroutine is such a generator; it yields instructions, the loop drives it:");

/** A `Coroutine<T>` is `Generator<Instruction, T, unknown>`: it yields instructions and returns T. */
function* slowDouble(value: number): Coroutine<number> {
  yield* sleep(100); // sleep() yields one SleepInstruction, then returns when resumed
  return value * 2;
}

// By hand, without a loop: the first next() shows the instruction the coroutine hands out.
const byHand = slowDouble(21);
const firstStep = byHand.next();
if (firstStep.done !== true && firstStep.value instanceof SleepInstruction) {
  console.log(`  by hand: it yielded a ${firstStep.value.kind} instruction, "${firstStep.value.description}"`);
}
// We could resume it ourselves: it would return at once, since we decide what "wait" means.
console.log("  by hand, resumed without waiting ->", byHand.next());

// With yieldio, a task drives it: it parks the coroutine on a timer for 100 ms, then calls
// next() again. On a VirtualSelector the clock jumps straight to the deadline.
const selector = new VirtualSelector();
const result = await run(slowDouble(21), { selector });
console.log(`  run(slowDouble(21)) -> ${result}, at loop time ${selector.time()} ms`);
