/**
 * The early start (decisions/0031): a pointer resting on the sandbox builds the runner frame and
 * loads a worker before the click, and a cold Run starts the frame and fetches the compiled code
 * without waiting on the controller chunk or on each other; the controller's own chunks load beside
 * it, with no modulepreload links (decisions/0075). Behaviour only: timings are the bench's.
 */
import type { Browser, Page, Route } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { launchChromium, pageUrl } from './helpers';

const RUNNER = /\/_sandbox\/runner-[\w]+\.html/;
const CONTROLLER = /\/sandbox-controller\.[\w-]+\.js$/;
const COMPILED = /\/sandbox-compiled\/request-response\.json$/;

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

async function openChapter(): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(pageUrl('patterns/request-response/'), { waitUntil: 'networkidle' });
  return page;
}

const runnerFrames = (page: Page) => page.frames().filter((frame) => RUNNER.test(frame.url()));

/** Holds every response to `url` until `release()` is called. */
async function hold(page: Page, url: RegExp): Promise<{ seen: () => boolean; release(): void }> {
  const held: Route[] = [];
  let released = false;
  let seen = false;
  await page.route(url, (route) => {
    seen = true;
    if (released) return route.continue();
    held.push(route);
  });
  return {
    seen: () => seen,
    release: () => {
      released = true;
      for (const route of held.splice(0)) void route.continue();
    },
  };
}

/** Clicks Run from script: no pointer moves onto the sandbox first, the coldest a Run can be. */
const clickRun = (page: Page) =>
  page.evaluate(() =>
    document.querySelector<HTMLButtonElement>('bcp-sandbox [data-action="run"]')?.click(),
  );

const finished = (page: Page) =>
  page
    .locator('bcp-sandbox [data-status]')
    .first()
    .filter({ hasText: /Finished/ })
    .waitFor({ timeout: 20_000 });

test('after the pointer rests on the sandbox, the runner frame exists and a worker is ready before the click', async () => {
  const page = await openChapter();
  const sandbox = page.locator('bcp-sandbox').first();
  expect(runnerFrames(page)).toHaveLength(0);
  await sandbox.scrollIntoViewIfNeeded();
  const box = await sandbox.boundingBox();
  if (!box) throw new Error('the sandbox has no box');
  await page.mouse.move(box.x + box.width / 2, box.y + 40);
  await expect.poll(() => sandbox.getAttribute('data-runner'), { timeout: 10_000 }).toBe('ready');
  expect(runnerFrames(page)).toHaveLength(1);

  // The click reuses that frame and its worker.
  await clickRun(page);
  await finished(page);
  expect(runnerFrames(page)).toHaveLength(1);
  expect(await sandbox.getAttribute('data-runner')).toBeNull();
  await page.close();
});

/** The page's iframes as the page sees them: their sandbox flags, `srcdoc` and title. */
const iframes = (page: Page) =>
  page.evaluate(() =>
    [...document.querySelectorAll('iframe')].map((frame) => ({
      sandbox: frame.getAttribute('sandbox'),
      srcdoc: frame.getAttribute('srcdoc'),
      title: frame.title,
    })),
  );

test('while the page is idle, an empty frame with every sandbox flag set waits for the runner, which then loads into it (decisions/0081)', async () => {
  const page = await openChapter();
  // Made at idle, with no pointer or focus near the sandbox: empty, and no script may run in it.
  await expect
    .poll(() => iframes(page))
    .toEqual([{ sandbox: '', srcdoc: '', title: 'Sandbox runner' }]);
  const children = () => page.frames().filter((frame) => frame !== page.mainFrame());
  // Its empty document commits a moment after the element is added.
  await expect.poll(() => children().map((frame) => frame.url())).toEqual(['about:srcdoc']);
  expect(runnerFrames(page)).toHaveLength(0);
  const element = await page.$('iframe');

  await clickRun(page);
  await finished(page);
  // The runner is in that same element, now allowed scripts (never same-origin), and no other frame was made.
  expect((await iframes(page)).map(({ sandbox }) => sandbox)).toEqual(['allow-scripts']);
  expect(await element?.evaluate((frame) => frame.isConnected)).toBe(true);
  expect(runnerFrames(page)).toHaveLength(1);
  expect(await element?.contentFrame()).toBe(runnerFrames(page)[0]);
  await page.close();
});

/**
 * Clicks Run on a cold page while every response to `held` is held back, and expects `wanted` to be
 * requested all the same: what `wanted` needs does not wait for `held`. Then lets the run finish.
 */
async function requestedWhileHeld(held: RegExp, wanted: RegExp): Promise<void> {
  const page = await openChapter();
  const holding = await hold(page, held);
  const requested = page.waitForRequest(wanted, { timeout: 10_000 });
  await clickRun(page);
  await requested;
  await expect.poll(() => holding.seen()).toBe(true);
  holding.release();
  await finished(page);
  await page.close();
}

test('a cold Run starts the runner frame while the controller chunk is still loading', () =>
  requestedWhileHeld(CONTROLLER, RUNNER));

test('a cold Run fetches the compiled code while the runner frame is still loading', () =>
  requestedWhileHeld(RUNNER, COMPILED));

test('a cold Run requests the controller’s chunks side by side, not after the controller', () =>
  requestedWhileHeld(CONTROLLER, /\/trace-view\.[\w-]+\.js$/));

test('a Run adds no <link> to the page: each one relaid out the whole chapter (decisions/0075)', async () => {
  const page = await openChapter();
  const links = () => page.evaluate(() => document.querySelectorAll('link').length);
  const before = await links();
  await clickRun(page);
  await finished(page);
  expect(await links()).toBe(before);
  await page.close();
});
