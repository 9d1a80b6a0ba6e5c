/**
 * Every page that embeds a sandbox (every sandbox on it, a chapter may embed several), after a Run:
 * file tabs switch, the run ends by itself, the console and trace fill in, the wire view opens, and
 * axe finds nothing in light and dark, at 1280 and 390 px; the page logs no errors. One Run per page,
 * the theme switched with Starlight's own picker: the runs are what makes this suite slow.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  builtSandboxPages,
  launchChromium,
  newThemedContext,
  pageUrl,
  runAxe,
  watchPage,
  type Theme,
} from './helpers';

/** Picks a theme with Starlight's theme picker (hidden in the menu on a phone, so set directly). */
async function chooseTheme(page: Page, theme: Theme): Promise<void> {
  await page.evaluate((value) => {
    const select = document.querySelector<HTMLSelectElement>('starlight-theme-select select');
    if (!select) throw new Error('no theme picker on the page');
    select.value = value;
    select.dispatchEvent(new Event('change'));
  }, theme);
  await page.waitForFunction((value) => document.documentElement.dataset.theme === value, theme);
}

const sandboxPages = builtSandboxPages();

let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

test('the build has sandbox pages to check', () => {
  expect(sandboxPages).toContain('patterns/request-response/');
});

describe.each(sandboxPages)('%s after a Run', (path) => {
  test('in the light and dark themes, at 1280 and 390 px', async () => {
    const context = await newThemedContext(browser, 'light');
    const page = await context.newPage();
    const problems = watchPage(page);
    await page.goto(pageUrl(path));
    for (const sandbox of await page.locator('bcp-sandbox').all()) {
      await sandbox.scrollIntoViewIfNeeded();
      // The last file tab shows its own file (ids such as request-response.upload hold a dot).
      const tabs = sandbox.getByRole('tab');
      const last = tabs.nth((await tabs.count()) - 1);
      await last.click();
      const file = await last.getAttribute('data-file');
      expect(await sandbox.locator(`[role="tabpanel"][data-file="${file}"]`).isVisible()).toBe(
        true,
      );
      // Its highlighted code arrives on first selection (decisions/0060); axe checks it below.
      await sandbox.locator(`[role="tabpanel"][data-file="${file}"] .expressive-code`).waitFor();
      await sandbox.getByRole('button', { name: 'Run', exact: true }).click();
      await sandbox
        .locator('[data-status]')
        .filter({ hasText: /Finished|Ended|Stopped/ })
        .waitFor({ timeout: 30_000 });
      expect(await sandbox.locator('[data-status]').innerText()).toMatch(/^Finished/);
      expect(await sandbox.locator('[data-console-lines] li').count()).toBeGreaterThan(0);
      // Open the first message's wire view, so axe checks the trace with its details showing.
      await sandbox.getByRole('button', { name: 'Messages', exact: true }).click();
      const list = sandbox.getByRole('listbox');
      await list.focus();
      await page.keyboard.press('Home');
      await page.keyboard.press('Enter');
    }
    expect(await runAxe(page), 'light, 1280 px').toEqual([]);
    await chooseTheme(page, 'dark');
    expect(await runAxe(page), 'dark, 1280 px').toEqual([]);
    // The phone layout: one pane at a time; check it with the trace pane showing.
    await page.setViewportSize({ width: 390, height: 844 });
    for (const sandbox of await page.locator('bcp-sandbox').all()) {
      await sandbox.getByRole('button', { name: 'Trace', exact: true }).click();
    }
    expect(await runAxe(page), 'dark, 390 px').toEqual([]);
    await chooseTheme(page, 'light');
    expect(await runAxe(page), 'light, 390 px').toEqual([]);
    expect(problems).toEqual({ consoleErrors: [], pageErrors: [], failedRequests: [] });
    await context.close();
  });
});
