/**
 * Every page that embeds a sandbox (every sandbox on it, a chapter may embed several), after a Run,
 * in light and dark: file tabs switch, the run ends by itself, the console and trace fill in, the
 * wire view opens, axe finds nothing, and the page logs no errors.
 */
import type { Browser } from 'playwright-core';
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
  test.each<Theme>(['light', 'dark'])('in the %s theme', async (theme) => {
    const context = await newThemedContext(browser, theme);
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
    expect(await runAxe(page)).toEqual([]);
    // The phone layout: one pane at a time; check it with the trace pane showing.
    await page.setViewportSize({ width: 390, height: 844 });
    for (const sandbox of await page.locator('bcp-sandbox').all()) {
      await sandbox.getByRole('button', { name: 'Trace', exact: true }).click();
    }
    expect(await runAxe(page)).toEqual([]);
    expect(problems).toEqual({ consoleErrors: [], pageErrors: [], failedRequests: [] });
    await context.close();
  });
});
