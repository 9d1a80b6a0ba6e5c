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
async function scriptsOf(path: string): Promise<{ total: number; urls: string[]; frames: number }> {
  const page: Page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const sizes = new Map<string, number>();
  page.on('response', async (response) => {
    const type = response.request().resourceType();
    if (type !== 'script') return;
    const body = await response.body().catch(() => Buffer.alloc(0));
    sizes.set(response.url(), gzipSync(body).byteLength);
  });
  await page.goto(pageUrl(path), { waitUntil: 'networkidle' });
  // Idle time passes without intent: nothing heavy may load by itself.
  await page.waitForTimeout(1500);
  // The empty sandboxed frame made at idle (decisions/0081) loads nothing; any other frame counts.
  const frames = page.frames().filter((frame) => frame.url() !== 'about:srcdoc').length;
  await page.close();
  return {
    total: [...sizes.values()].reduce((sum, size) => sum + size, 0),
    urls: [...sizes.keys()],
    frames,
  };
}

test('a chapter with a sandbox adds at most 5 KB of JavaScript before any interaction', async () => {
  const plain = await scriptsOf('contributing/adding-a-chapter/');
  const chapter = await scriptsOf('patterns/request-response/');
  console.log(`plain page ${plain.total} B gzip, sandbox chapter ${chapter.total} B gzip`);
  expect(chapter.total - plain.total).toBeLessThanOrEqual(SANDBOX_BUDGET_BYTES);
  // No runner frame, no editor, no transpiler until the reader asks for them.
  expect(chapter.frames).toBe(1);
  expect(
    chapter.urls.filter((url) => /editor|sandbox-controller|codemirror|runner/i.test(url)),
  ).toEqual([]);
});
