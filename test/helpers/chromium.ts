/**
 * Headless Chromium for the tests that must see a page rendered (the HTML timeline, the docs
 * site): Debian's `chromium`, driven with puppeteer-core. `.ci/run` installs it; in CI a
 * missing browser fails the tests, elsewhere they are skipped with one line that says why.
 */
import test from "ava";
import type { ExecutionContext } from "ava";
import { existsSync } from "node:fs";
import puppeteer from "puppeteer-core";
import type { Page } from "puppeteer-core";
import { PNG } from "pngjs";

const CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];

/** The browser to drive: `CHROMIUM_PATH`, or the first of Debian's usual paths that exists. */
export const chromiumPath: string | undefined = process.env["CHROMIUM_PATH"] ?? CANDIDATES.find((candidate) => existsSync(candidate));

const MISSING = "chromium is not installed: apt-get install -y chromium (.ci/run installs it)";

/** Declares an ava test that gets a fresh page (1200×800) of a headless Chromium, closed after. */
export function browserTest(title: string, body: (t: ExecutionContext, page: Page) => Promise<void>): void {
  const executablePath = chromiumPath;
  if (executablePath === undefined) {
    if (process.env["CI"] !== undefined) test(title, (t) => t.fail(MISSING));
    else test.skip(`${title} [${MISSING}]`, () => undefined);
    return;
  }
  test(title, async (t) => {
    // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
    const browser = await puppeteer.launch({ executablePath, headless: true, args: ["--no-sandbox", "--disable-gpu"] });
    try {
      const page = await browser.newPage();
      await page.setViewport({ width: 1200, height: 800 });
      await body(t, page);
    } finally {
      await browser.close();
    }
  });
}

/**
 * Evaluates `expression` (browser JavaScript, as text: the tests are type-checked without the
 * DOM's types) in the page and returns its value, through JSON.
 */
export async function evaluateJson<T>(page: Page, expression: string): Promise<T> {
  const text = (await page.evaluate(`JSON.stringify(${expression})`)) as string;
  return JSON.parse(text) as T;
}

/** A decoded screenshot, and how many of its pixels inside a rectangle have one colour. */
export class Screenshot {
  readonly #png: PNG;

  constructor(png: Uint8Array) {
    this.#png = PNG.sync.read(Buffer.from(png));
  }

  get width(): number {
    return this.#png.width;
  }

  get height(): number {
    return this.#png.height;
  }

  /** Pixels of colour `rgb` (within `tolerance` per channel) in the rectangle, clipped to the image. */
  countColour(
    rect: { x: number; y: number; width: number; height: number },
    rgb: readonly [number, number, number],
    tolerance = 8,
  ): number {
    const { width, height, data } = this.#png;
    let count = 0;
    for (let y = Math.max(0, Math.floor(rect.y)); y < Math.min(height, Math.ceil(rect.y + rect.height)); y++) {
      for (let x = Math.max(0, Math.floor(rect.x)); x < Math.min(width, Math.ceil(rect.x + rect.width)); x++) {
        const at = (y * width + x) * 4;
        if (
          Math.abs(data[at]! - rgb[0]) <= tolerance &&
          Math.abs(data[at + 1]! - rgb[1]) <= tolerance &&
          Math.abs(data[at + 2]! - rgb[2]) <= tolerance
        )
          count++;
      }
    }
    return count;
  }
}
