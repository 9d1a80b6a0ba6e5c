/**
 * What a chapter costs a phone before the reader does anything (Lighthouse mobile, decisions/0060):
 * nothing on a sandbox page moves while it loads, its HTML and DOM stay within budget, and a file's
 * highlighted code, which is not in the page until its tab is first selected, arrives when it is
 * (or the plain source, when it cannot). Counts and bytes only: timings stay out of the tests.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  builtSandboxPages,
  launchChromium,
  pageUrl,
  watchPage,
  type PageProblems,
} from './helpers';

/** The most HTML (gzip) a sandbox page may weigh: every file's highlighted code used to push it past 100 KB. */
const HTML_BUDGET_BYTES = 64 * 1024;
/** The most elements a sandbox page may have before any interaction (was over 18,000). */
const DOM_BUDGET_ELEMENTS = 2500;

const dist = resolve(import.meta.dirname, '../../dist');
const sandboxPages = builtSandboxPages();

let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

interface Opened {
  page: Page;
  problems: PageProblems;
  /** Every URL the page requested. */
  fetched: string[];
}

/** Opens a page at phone size, recording every layout shift from the first paint on. */
async function openPhone(path: string): Promise<Opened> {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 }, hasTouch: true });
  const problems = watchPage(page);
  const fetched: string[] = [];
  page.on('request', (request) => fetched.push(request.url()));
  await page.addInitScript(() => {
    const shifts: Array<{ value: number; sources: string[] }> = [];
    (window as unknown as { layoutShifts: typeof shifts }).layoutShifts = shifts;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries() as Array<
        PerformanceEntry & {
          value: number;
          hadRecentInput: boolean;
          sources?: Array<{ node?: Node | null }>;
        }
      >) {
        if (entry.hadRecentInput) continue;
        shifts.push({
          value: entry.value,
          sources: (entry.sources ?? []).map((source) =>
            source.node instanceof Element
              ? `${source.node.localName}.${[...source.node.classList].join('.')}`
              : String(source.node?.nodeName),
          ),
        });
      }
    }).observe({ type: 'layout-shift', buffered: true });
  });
  await page.goto(pageUrl(path), { waitUntil: 'load' });
  return { page, problems, fetched };
}

test('the build has sandbox pages to check', () => {
  expect(sandboxPages).toContain('patterns/request-response/');
});

describe.each(sandboxPages)('%s at 390 px, before any interaction', (path) => {
  test('nothing shifts, no highlighted code is fetched, and HTML and DOM stay within budget', async () => {
    const html = readFileSync(resolve(dist, path, 'index.html'));
    expect(gzipSync(html).byteLength).toBeLessThanOrEqual(HTML_BUDGET_BYTES);

    const { page, problems, fetched } = await openPhone(path);
    // Idle time for the page's own scripts (search, table of contents, sandbox elements) to settle.
    await page.evaluate(
      () =>
        new Promise((done) => requestIdleCallback(() => setTimeout(done, 500), { timeout: 3000 })),
    );
    const shifts = await page.evaluate(
      () => (window as unknown as { layoutShifts: unknown[] }).layoutShifts,
    );
    expect(shifts).toEqual([]);
    expect(await page.evaluate(() => document.querySelectorAll('*').length)).toBeLessThanOrEqual(
      DOM_BUDGET_ELEMENTS,
    );
    expect(fetched.filter((url) => url.includes('/sandbox-code/'))).toEqual([]);
    expect(problems).toEqual({ consoleErrors: [], pageErrors: [], failedRequests: [] });
    await page.close();
  });
});

describe('a file that is not in the page until its tab is selected', () => {
  const path = 'patterns/request-response/';
  const source = readFileSync(
    resolve(import.meta.dirname, '../../sandboxes/request-response/client.ts'),
    'utf8',
  );

  test('is a placeholder at load and highlighted code, one line number a line, once selected', async () => {
    const { page, problems } = await openPhone(path);
    const sandbox = page.locator('bcp-sandbox').first();
    const panel = sandbox.locator('[role="tabpanel"][data-file="client.ts"]');
    expect(await panel.locator('.ec-line').count()).toBe(0);
    await sandbox.getByRole('tab', { name: 'client.ts' }).click();
    await panel.locator('.expressive-code').waitFor();
    expect(await panel.locator('[data-static] .ln').allTextContents()).toEqual(
      source
        .replace(/\n$/, '')
        .split('\n')
        .map((_, index) => String(index + 1)),
    );
    expect(await panel.locator('[data-deferred-code]').count()).toBe(0);
    // The code is what the chapter shows: touching it opens the editor on the same text.
    await panel.locator('[data-static] pre').click();
    await sandbox.getByRole('textbox', { name: 'Edit client.ts' }).waitFor();
    expect(problems).toEqual({ consoleErrors: [], pageErrors: [], failedRequests: [] });
    await page.close();
  });

  test('shows the plain source when the highlighted code cannot be fetched', async () => {
    const { page } = await openPhone(path);
    await page.route('**/sandbox-code/**', (route) => route.abort());
    const sandbox = page.locator('bcp-sandbox').first();
    await sandbox.getByRole('tab', { name: 'client.ts' }).click();
    const plain = sandbox.locator('[role="tabpanel"][data-file="client.ts"] pre.sb-code-plain');
    await plain.waitFor();
    expect(await plain.textContent()).toBe(source);
    await page.close();
  });
});
