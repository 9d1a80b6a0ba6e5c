/**
 * Progress without a login, in Chromium against the built site: solving an exercise (with its
 * reference solution) updates the sidebar beside its chapter and the introduction's summary, both
 * survive a reload, both say it in words to screen readers, and Reset progress clears them.
 */
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, newThemedContext, pageUrl, runAxe, watchPage } from './helpers';

const root = resolve(import.meta.dirname, '../..');
const solution = (file: string) =>
  readFileSync(join(root, 'sandboxes/request-response/solutions/limit-size', file), 'utf8');
const shots = process.env.SHOTS_DIR ?? join(root, '.tmp/progress-shots');

/** Loading the sandbox code and editor can take seconds on a busy machine. */
const WAIT = { timeout: 15_000 };

let browser: Browser;
let page: Page;
/** Exercises in all of the Request–Response chapter's sandboxes, as its badge counts them. */
let total = 0;

beforeAll(async () => {
  browser = await launchChromium();
  await mkdir(shots, { recursive: true });
  page = await (await browser.newContext({ viewport: { width: 1280, height: 1000 } })).newPage();
});

afterAll(async () => {
  await browser?.close();
});

const sidebarLink = (name: RegExp) =>
  page.locator('#starlight__sidebar').getByRole('link', { name });
const badge = (name: RegExp) => sidebarLink(name).locator('.bcp-progress [aria-hidden]');
const sandbox = () => page.locator('bcp-sandbox').first();

async function replaceFile(file: string, code: string): Promise<void> {
  await sandbox().locator(`[role="tab"][data-file="${file}"]`).click();
  const editor = sandbox().getByRole('textbox', { name: `Edit ${file}` });
  if ((await editor.count()) === 0)
    await sandbox().locator(`[role="tabpanel"][data-file="${file}"] [data-static] pre`).click();
  await editor.waitFor();
  await editor.focus();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.insertText(code);
}

describe('progress', () => {
  it('starts at 0 beside every chapter with exercises', async () => {
    await page.goto(pageUrl('patterns/request-response/'));
    await expect.poll(() => badge(/^Request–Response/).innerText(), WAIT).toMatch(/^0\/\d+$/);
    total = Number((await badge(/^Request–Response/).innerText()).split('/')[1]);
    expect(total).toBeGreaterThanOrEqual(2);
    expect(await page.locator('#starlight__sidebar .bcp-progress').count()).toBeGreaterThanOrEqual(
      10,
    );
  });

  it('solving an exercise updates the sidebar at once and after a reload, in words too', async () => {
    const problems = watchPage(page);
    await replaceFile('client.ts', solution('client.ts'));
    await replaceFile('server.ts', solution('server.ts'));
    await sandbox().getByRole('button', { name: 'Run', exact: true }).click();
    await expect
      .poll(
        () => sandbox().locator('[data-exercise="limit-size"] [data-exercise-state]').innerText(),
        {
          timeout: 20_000,
        },
      )
      .toBe('Solved');
    await expect.poll(() => badge(/^Request–Response/).innerText(), WAIT).toBe(`1/${total}`);
    await page.reload();
    await expect.poll(() => badge(/^Request–Response/).innerText(), WAIT).toBe(`1/${total}`);
    // Screen readers hear it as part of the link's name.
    expect(
      await sidebarLink(
        new RegExp(`^Request–Response\\W*1 of ${total} exercises solved\\W*$`),
      ).count(),
    ).toBe(1);
    expect(problems).toEqual({ consoleErrors: [], pageErrors: [], failedRequests: [] });
  });

  it('the introduction sums it up and Reset progress clears it everywhere', async () => {
    await page.goto(pageUrl(''));
    const summary = page.locator('bcp-progress-summary');
    await expect
      .poll(() => summary.locator('[data-progress-total]').innerText(), WAIT)
      .toMatch(/^You have solved 1 of \d+ exercises/);
    await expect
      .poll(
        () => summary.getByRole('listitem').filter({ hasText: 'Request–Response' }).innerText(),
        WAIT,
      )
      .toMatch(new RegExp(`1 of ${total} solved`));
    expect(await runAxe(page)).toEqual([]);
    for (const theme of ['light', 'dark'] as const) {
      for (const width of [1280, 390]) {
        const context = await newThemedContext(browser, theme);
        const shot = await context.newPage();
        await shot.setViewportSize({ width, height: 900 });
        await shot.goto(pageUrl('patterns/request-response/'));
        await shot.evaluate(() =>
          localStorage.setItem('bcp:exercises:v1:request-response', '["limit-size"]'),
        );
        await shot.goto(pageUrl(''));
        await shot.locator('bcp-progress-summary').scrollIntoViewIfNeeded();
        await shot.screenshot({ path: join(shots, `progress-intro-${theme}-${width}.png`) });
        if (width === 390) await shot.getByRole('button', { name: 'Menu' }).click();
        await shot.screenshot({ path: join(shots, `progress-sidebar-${theme}-${width}.png`) });
        await context.close();
      }
    }
    await summary.getByRole('button', { name: 'Reset progress' }).click();
    await summary.getByRole('button', { name: 'Keep it' }).click();
    await expect
      .poll(() => summary.locator('[data-progress-total]').innerText(), WAIT)
      .toMatch(/^You have solved 1 of/);
    await summary.getByRole('button', { name: 'Reset progress' }).click();
    await summary.getByRole('button', { name: 'Forget my progress' }).click();
    await expect
      .poll(() => summary.locator('[data-progress-total]').innerText(), WAIT)
      .toMatch(/^You have solved none of the \d+ exercises/);
    await expect.poll(() => badge(/^Request–Response/).innerText(), WAIT).toBe(`0/${total}`);
    await page.goto(pageUrl('patterns/request-response/'));
    await expect.poll(() => badge(/^Request–Response/).innerText(), WAIT).toBe(`0/${total}`);
    expect(
      await sandbox().locator('[data-exercise="limit-size"] [data-exercise-state]').innerText(),
    ).toBe('Not solved yet');
  });
});
