/**
 * Byte budget: before the reader shows intent, a chapter with a sandbox carries no more JavaScript
 * than a plain Starlight page plus a few KB. The editor, transpiler and runtime load on intent only.
 */
import { gzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { launchChromium, pageUrl } from './helpers';

/** The most JavaScript (gzip) a sandbox may add to a page before any interaction. */
const SANDBOX_BUDGET_BYTES = 5 * 1024;

let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

/** Loads a page without touching it and returns the gzip size of every script it fetched. */
async function scriptsOf(
  path: string,
  { withSandbox = false } = {},
): Promise<{ total: number; urls: string[]; frames: number }> {
  const page: Page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const sizes = new Map<string, number>();
  page.on('response', async (response) => {
    const type = response.request().resourceType();
    if (type !== 'script') return;
    const body = await response.body().catch(() => Buffer.alloc(0));
    sizes.set(response.url(), gzipSync(body).byteLength);
  });
  await page.goto(pageUrl(path), { waitUntil: 'networkidle' });
  // Idle time passes without intent: nothing heavy may load by itself. A chapter makes the
  // runner's empty frame 3 s after load (decisions/0081); what that frame is matters too.
  if (withSandbox) await page.locator('iframe').waitFor({ state: 'attached', timeout: 15_000 });
  await page.waitForTimeout(1500);
  // Frames that may run script: the empty frame made after load (decisions/0081) has every
  // sandbox flag set (`sandbox=""`), so it loads and runs nothing and does not count.
  const frames = await page.evaluate(
    () => document.querySelectorAll('iframe:not([sandbox=""])').length,
  );
  await page.close();
  return {
    total: [...sizes.values()].reduce((sum, size) => sum + size, 0),
    urls: [...sizes.keys()],
    frames,
  };
}

test('a chapter with a sandbox adds at most 5 KB of JavaScript before any interaction', async () => {
  const plain = await scriptsOf('contributing/adding-a-chapter/');
  const chapter = await scriptsOf('patterns/request-response/', { withSandbox: true });
  console.log(`plain page ${plain.total} B gzip, sandbox chapter ${chapter.total} B gzip`);
  expect(chapter.total - plain.total).toBeLessThanOrEqual(SANDBOX_BUDGET_BYTES);
  // No runner frame, no editor, no transpiler until the reader asks for them.
  expect(chapter.frames).toBe(0);
  expect(
    chapter.urls.filter((url) => /editor|sandbox-controller|codemirror|runner/i.test(url)),
  ).toEqual([]);
});
