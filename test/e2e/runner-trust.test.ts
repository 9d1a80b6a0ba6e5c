/**
 * The page trusts nothing the runner sends (decisions/0025): a stand-in runner that completes the
 * handshake and then floods and forges (`hostile-runner.ts`) is held to per-run caps and per-kind
 * checks in the page, in Chromium (engines.test.ts runs the same in Firefox and WebKit). What reaches
 * the page's handlers is what a real run could have produced, and no more.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { launchChromium } from './helpers';
import { expectHeld, HOSTILE_DOCUMENTS, hostileRun, type Seen } from './hostile-runner';
import { startRuntimePage, type RuntimePageServer } from './runtime-page';

let browser: Browser;
let server: RuntimePageServer;
let page: Page;

beforeAll(async () => {
  server = await startRuntimePage(HOSTILE_DOCUMENTS);
  browser = await launchChromium();
  page = await browser.newPage();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function runHostile(scenario: string): Promise<Seen> {
  await page.goto(server.url);
  const { source, arg } = hostileRun(scenario);
  return page.evaluate(`(${source})(${JSON.stringify(arg)})`);
}

test('a runner that floods and forges is held to the per-run caps and per-kind checks in the page', async () => {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  expectHeld('', await runHostile(''));
  expect(errors).toEqual([]);
});

test('a runner that sends more text than the page keeps is stopped at the per-run byte budget', async () => {
  expectHeld('?bytes', await runHostile('?bytes'));
});
