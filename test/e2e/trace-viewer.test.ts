/**
 * The Trace viewer page against the built site: a HAR that Chromium itself recorded (Playwright's
 * recordHar while browsing this site) opens by picking or dropping it and shows its requests; no
 * request leaves the page while it does; a bad file gets a clear error and the page keeps working.
 */
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, newThemedContext, pageUrl, runAxe, watchPage } from './helpers';

const shots = process.env.SHOTS_DIR ?? join(import.meta.dirname, '../../.tmp/trace-viewer-shots');

/** Loading the sandbox code and editor can take seconds on a busy machine. */
const WAIT = { timeout: 15_000 };

let browser: Browser;
let workDir: string;
let harPath: string;
let recordedPaths: string[];

/** Browses the built site in a context that records a HAR, the way a reader's DevTools would. */
async function recordSiteHar(): Promise<string> {
  const path = join(workDir, 'site.har');
  const context = await browser.newContext({ recordHar: { path, content: 'embed' } });
  const page = await context.newPage();
  await page.goto(pageUrl(''), { waitUntil: 'load' });
  await page.goto(pageUrl('patterns/request-response/'), { waitUntil: 'load' });
  await context.close();
  return path;
}

beforeAll(async () => {
  browser = await launchChromium();
  workDir = await mkdtemp(join(tmpdir(), 'bcp-har-'));
  harPath = await recordSiteHar();
  const har = JSON.parse(await readFile(harPath, 'utf8')) as {
    log: { entries: Array<{ request: { url: string } }> };
  };
  recordedPaths = har.log.entries.map((entry) => new URL(entry.request.url).pathname);
  await mkdir(shots, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

async function openViewer(theme: 'light' | 'dark' = 'light', width = 1280): Promise<Page> {
  const context = await newThemedContext(browser, theme);
  const page = await context.newPage();
  await page.setViewportSize({ width, height: 1000 });
  await page.goto(pageUrl('trace-viewer/'), { waitUntil: 'networkidle' });
  await page.waitForSelector('bcp-trace-viewer[data-ready]');
  return page;
}

const status = (page: Page) => page.locator('[data-viewer-status]').innerText();
const errorText = (page: Page) => page.locator('[data-viewer-error]').innerText();
const messages = (page: Page) => page.getByRole('option').allInnerTexts();

describe('Trace viewer', () => {
  it('is in the sidebar', async () => {
    const page = await openViewer();
    await expect.poll(() => page.getByRole('link', { name: 'Trace viewer' }).count(), WAIT).toBe(1);
    await page.context().close();
  });

  it('opens a HAR that Chromium recorded and shows its requests, with nothing leaving the page', async () => {
    expect(recordedPaths.length).toBeGreaterThan(3);
    const page = await openViewer();
    const problems = watchPage(page);
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    await page.getByLabel('Open a HAR file').setInputFiles(harPath);
    await expect.poll(() => status(page), WAIT).toMatch(/^site\.har: \d+ requests between 2 hosts/);
    const count = Number((await status(page)).match(/: (\d+) requests/)?.[1]);
    expect(count).toBe(recordedPaths.length);
    // The view draws every recorded request; the rows in view name their paths.
    await expect
      .poll(() => page.locator('.tv-status').innerText(), WAIT)
      .toMatch(/^Run ended: \d+ messages/);
    await page.getByRole('button', { name: 'Messages', exact: true }).click();
    await page.getByRole('listbox').press('Home');
    const rows = await messages(page);
    expect(rows.some((row) => row.includes(`GET ${recordedPaths[0]}`))).toBe(true);
    expect(rows.some((row) => /200 OK/.test(row))).toBe(true);
    // The wire view follows the keyboard, as in a sandbox.
    await page.getByRole('listbox').press('Enter');
    await expect
      .poll(() => page.getByRole('group', { name: 'Wire view' }).innerText(), WAIT)
      .toMatch(/GET \/bcp\/ HTTP\/1\.1/);
    // Lazy code for the view may load; nothing else (the file never leaves the page).
    expect(requests.filter((url) => !/\/_astro\/.+\.js$/.test(url))).toEqual([]);
    expect(problems).toEqual({ consoleErrors: [], pageErrors: [], failedRequests: [] });
    expect(await runAxe(page)).toEqual([]);
    await page.context().close();
  });

  it('says why a bad file cannot be drawn and keeps what it showed', async () => {
    const page = await openViewer();
    const input = page.getByLabel('Open a HAR file');
    await input.setInputFiles(harPath);
    await expect.poll(() => status(page), WAIT).toMatch(/^site\.har:/);
    const before = await messages(page);
    await input.setInputFiles({
      name: 'notes.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('hello'),
    });
    await expect.poll(() => errorText(page), WAIT).toMatch(/^notes\.txt: This file is not JSON/);
    await input.setInputFiles({
      name: 'other.json',
      mimeType: 'application/json',
      buffer: Buffer.from('{"a":1}'),
    });
    await expect.poll(() => errorText(page), WAIT).toMatch(/^other\.json: .*no "log" object/);
    expect(await messages(page)).toEqual(before);
    // The page still works: a dropped file opens and the error goes away.
    const text = await readFile(harPath, 'utf8');
    await page.evaluate((har) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([har], 'dropped.har', { type: 'application/json' }));
      document
        .querySelector('[data-drop-zone]')
        ?.dispatchEvent(
          new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }),
        );
    }, text);
    await expect.poll(() => status(page), WAIT).toMatch(/^dropped\.har: \d+ requests/);
    expect(await page.locator('[data-viewer-error]').isHidden()).toBe(true);
    await page.context().close();
  });

  it('brings the wire view on screen when a message is selected, at 1280×800 and 390 px', async () => {
    for (const [width, height] of [
      [1280, 800],
      [390, 844],
    ] as const) {
      const page = await openViewer('light', width);
      await page.setViewportSize({ width, height });
      await page.getByLabel('Open a HAR file').setInputFiles(harPath);
      await expect.poll(() => status(page), WAIT).toMatch(/^site\.har:/);
      // The diagram redraws its rows as it scrolls: click() scrolls and finds the row again if it was
      // replaced, where scrollIntoViewIfNeeded() fails on the row it started with.
      await page.locator('.tv-lanes g.tv-row').nth(1).click();
      const heading = page.getByRole('group', { name: 'Wire view' }).locator('h4');
      await expect.poll(() => heading.innerText(), WAIT).toMatch(/^Wire view: /);
      await expect
        .poll(async () => {
          const box = await heading.boundingBox();
          return box !== null && box.y >= 0 && box.y + box.height <= height;
        }, WAIT)
        .toBe(true);
      await page.context().close();
    }
  });

  it('looks right at 1280 and 390 px, light and dark, without sideways page scroll', async () => {
    for (const theme of ['light', 'dark'] as const) {
      for (const width of [1280, 390]) {
        const page = await openViewer(theme, width);
        await page.getByLabel('Open a HAR file').setInputFiles(harPath);
        await expect.poll(() => status(page), WAIT).toMatch(/^site\.har:/);
        await page.screenshot({
          path: join(shots, `trace-viewer-${theme}-${width}.png`),
          fullPage: true,
        });
        const overflow = await page.evaluate(
          () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
        );
        expect(overflow, `sideways scroll at ${width}px ${theme}`).toBeLessThanOrEqual(0);
        await page.context().close();
      }
    }
  });
});
