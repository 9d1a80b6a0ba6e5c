/**
 * Share links in Chromium against the built site: "Copy link" on an edited sandbox, opened in a
 * fresh browser, shows the edits and knob values under a banner without running; saved edits are
 * replaced only after the reader says so; damaged and future-version links show the chapter's code
 * and say why; nothing in a link becomes markup.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, newThemedContext, pageUrl, runAxe, watchPage } from './helpers';

const CHAPTER = 'patterns/short-polling/';
const shots = process.env.SHOTS_DIR ?? join(import.meta.dirname, '../../.tmp/share-link-shots');
const SHARED =
  "export default async function main() {\n  console.log('<img src=x onerror=alert(1)> from a link');\n}";
const SAVED = "export default async function main() {\n  console.log('my own saved edit');\n}";

/** Loading the sandbox code and editor can take seconds on a busy machine. */
const WAIT = { timeout: 15_000 };

let browser: Browser;
let link: string;

beforeAll(async () => {
  browser = await launchChromium();
  await mkdir(shots, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
});

const sandbox = (page: Page) => page.locator('bcp-sandbox').first();
const banner = (page: Page) => sandbox(page).getByRole('region', { name: 'Code from a link' });
const notice = (page: Page) => sandbox(page).locator('[data-notice]');
const knob = (page: Page) => sandbox(page).getByLabel('Poll every (ms)');
const latency = (page: Page) => sandbox(page).getByLabel('Added latency per hop (ms)');

async function replaceFile(page: Page, file: string, code: string): Promise<void> {
  await sandbox(page).locator(`[role="tab"][data-file="${file}"]`).click();
  const editor = sandbox(page).getByRole('textbox', { name: `Edit ${file}` });
  if ((await editor.count()) === 0)
    await sandbox(page).locator(`[role="tabpanel"][data-file="${file}"] [data-static] pre`).click();
  await editor.waitFor();
  await editor.focus();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.insertText(code);
}

async function editorText(page: Page, file: string): Promise<string> {
  await sandbox(page).locator(`[role="tab"][data-file="${file}"]`).click();
  const editor = sandbox(page).getByRole('textbox', { name: `Edit ${file}` });
  if ((await editor.count()) === 0) return '(no editor: the chapter’s code)';
  return editor.evaluate((element) =>
    [...element.querySelectorAll('.cm-line')].map((line) => line.textContent ?? '').join('\n'),
  );
}

/** The reader saved an edit of their own to client.ts (it is in the browser's storage). */
async function saveOwnEdit(page: Page): Promise<void> {
  await page.goto(pageUrl(CHAPTER));
  await replaceFile(page, 'client.ts', SAVED);
  await expect.poll(() => savedEdit(page), WAIT).toBe(SAVED);
}

const savedEdit = (page: Page) =>
  page.evaluate(() => {
    const key = Object.keys(localStorage).find((name) => name.endsWith(':short-polling:client.ts'));
    return key
      ? (JSON.parse(localStorage.getItem(key) ?? '{}') as { code?: string }).code
      : undefined;
  });

async function fresh(theme: 'light' | 'dark' = 'light', width = 1280): Promise<BrowserContext> {
  const context = await newThemedContext(browser, theme);
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const page = await context.newPage();
  await page.setViewportSize({ width, height: 1000 });
  return context;
}

describe('share links', () => {
  it('"Copy link" puts the edits and knob values on the clipboard', async () => {
    const context = await fresh();
    const page = context.pages()[0] as Page;
    await page.goto(pageUrl(CHAPTER));
    await replaceFile(page, 'client.ts', SHARED);
    await knob(page).fill('1200');
    await latency(page).fill('200');
    await sandbox(page).getByRole('button', { name: 'Copy link' }).click();
    await expect
      .poll(() => sandbox(page).locator('[data-status]').innerText(), WAIT)
      .toMatch(/^Link copied/);
    link = await page.evaluate(() => navigator.clipboard.readText());
    expect(link).toMatch(/\/bcp\/patterns\/short-polling\/#sandbox=short-polling&v=1&code=[\w-]+$/);
    await context.close();
  });

  it('opens in a fresh browser with the edits and knobs, under the banner, without running', async () => {
    const context = await fresh();
    const page = context.pages()[0] as Page;
    const problems = watchPage(page);
    await page.goto(link);
    await expect
      .poll(() => banner(page).innerText(), WAIT)
      .toMatch(
        /This code came from a link \(edited client\.ts; set Poll every \(ms\) 1200, Added latency per hop \(ms\) 200\)\. It has not run/,
      );
    await expect.poll(() => editorText(page, 'client.ts'), WAIT).toBe(SHARED);
    expect(await knob(page).inputValue()).toBe('1200');
    expect(await latency(page).inputValue()).toBe('200');
    // Never ran: no console output, no traffic, and nothing saved over the reader's storage.
    expect(await sandbox(page).getAttribute('data-run-state')).toBe('idle');
    expect(await sandbox(page).locator('[data-console-lines] li').count()).toBe(0);
    expect(await savedEdit(page)).toBeUndefined();
    // The markup in the link is text in the editor, not an element.
    expect(await page.locator('bcp-sandbox img').count()).toBe(0);
    expect(await runAxe(page)).toEqual([]);
    // It runs when the reader says so.
    await sandbox(page).getByRole('button', { name: 'Run', exact: true }).click();
    await expect
      .poll(() => sandbox(page).getByRole('region', { name: 'Console' }).innerText(), {
        timeout: 15_000,
      })
      .toContain('<img src=x onerror=alert(1)> from a link');
    await banner(page).getByRole('button', { name: 'Back to the chapter’s code' }).click();
    expect(await banner(page).count()).toBe(0);
    expect(await editorText(page, 'client.ts')).not.toContain('from a link');
    expect(await knob(page).inputValue()).toBe('500');
    expect(await latency(page).inputValue()).toBe('0');
    expect(new URL(page.url()).hash).toBe('');
    expect(problems).toEqual({ consoleErrors: [], pageErrors: [], failedRequests: [] });
    await context.close();
  });

  it('replaces the reader’s saved edits only after asking', async () => {
    const context = await fresh();
    const page = context.pages()[0] as Page;
    await saveOwnEdit(page);
    await page.goto(link);
    await expect
      .poll(() => banner(page).innerText(), WAIT)
      .toMatch(/Your saved edits are kept until you choose/);
    await expect.poll(() => editorText(page, 'client.ts'), WAIT).toBe(SHARED);
    // Editing shared code does not write over the saved edit either.
    await replaceFile(page, 'client.ts', `${SHARED}\n// tweaked`);
    expect(await savedEdit(page)).toBe(SAVED);
    await banner(page).getByRole('button', { name: 'Keep this code' }).click();
    await expect.poll(() => banner(page).innerText(), WAIT).toMatch(/^Replace your saved edits/);
    await banner(page).getByRole('button', { name: 'Cancel' }).click();
    expect(await savedEdit(page)).toBe(SAVED);
    await banner(page).getByRole('button', { name: 'Back to your saved edits' }).click();
    await expect.poll(() => editorText(page, 'client.ts'), WAIT).toBe(SAVED);
    await page.goto(link);
    await banner(page).getByRole('button', { name: 'Keep this code' }).click();
    await banner(page).getByRole('button', { name: 'Replace my edits' }).click();
    await expect.poll(() => savedEdit(page), WAIT).toBe(SHARED);
    await page.reload();
    expect(await banner(page).count()).toBe(0);
    await expect.poll(() => editorText(page, 'client.ts'), WAIT).toBe(SHARED);
    await context.close();
  });

  it('shows the chapter’s code and says why when a link is damaged or from a newer site', async () => {
    const context = await fresh();
    const page = context.pages()[0] as Page;
    await page.goto(link.slice(0, -15));
    await expect.poll(() => notice(page).innerText(), WAIT).toMatch(/^This link is damaged/);
    expect(await banner(page).count()).toBe(0);
    expect(await editorText(page, 'client.ts')).toBe('(no editor: the chapter’s code)');
    await page.goto(link.replace('v=1', 'v=7'));
    await page.reload();
    await expect.poll(() => notice(page).innerText(), WAIT).toMatch(/newer version of this site/);
    expect(await banner(page).count()).toBe(0);
    await context.close();
  });

  it('scrolls the sandbox into view with its banner or notice when a link opens', async () => {
    /** Whether `locator`'s top lies inside the window, below the site's header. */
    const inView = (locator: ReturnType<Page['locator']>) =>
      locator.evaluate((element) => {
        const box = element.getBoundingClientRect();
        const header = document.querySelector('header')?.getBoundingClientRect().bottom ?? 0;
        return box.height > 0 && box.top >= header - 1 && box.top + 20 <= window.innerHeight;
      });
    for (const width of [1280, 390]) {
      const context = await fresh('light', width);
      const page = context.pages()[0] as Page;
      await page.goto(pageUrl('patterns/request-response/#sandbox=request-response&v=1&code=AAAA'));
      const damaged = sandbox(page).locator('[data-notice]');
      await expect.poll(() => damaged.innerText(), WAIT).toMatch(/^This link is damaged/);
      await expect.poll(() => inView(damaged), WAIT).toBe(true);
      expect(await page.evaluate(() => window.scrollY)).toBeGreaterThan(1000);
      await context.close();
    }
    // With reduced motion the page jumps there instead of gliding.
    const context = await browser.newContext({ reducedMotion: 'reduce' });
    const page = await context.newPage();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(link);
    await banner(page).waitFor(WAIT);
    // The banner and the jump come in the same task: in view on the first look.
    expect(await inView(banner(page))).toBe(true);
    await context.close();
  });

  it('says nothing about restored edits when a link’s code is what shows', async () => {
    const context = await fresh();
    const page = context.pages()[0] as Page;
    await saveOwnEdit(page);
    const other = await context.newPage();
    await other.goto(link);
    await expect
      .poll(() => banner(other).innerText(), WAIT)
      .toMatch(/Your saved edits are kept until you choose/);
    await expect.poll(() => editorText(other, 'client.ts'), WAIT).toBe(SHARED);
    const said = (await notice(other).isVisible()) ? await notice(other).innerText() : '';
    expect(said).not.toMatch(/Restored your edits/);
    // A damaged link shows the saved edits, and says so.
    await other.goto(link.slice(0, -15));
    await other.reload();
    await expect.poll(() => notice(other).innerText(), WAIT).toMatch(/^This link is damaged/);
    expect(await notice(other).innerText()).toMatch(/your saved edits are shown/);
    await context.close();
  });

  it('never leaves "Link copied" beside a link that was not made', async () => {
    const context = await fresh();
    const page = context.pages()[0] as Page;
    await page.goto(pageUrl(CHAPTER));
    await replaceFile(page, 'client.ts', SHARED);
    const status = sandbox(page).locator('[data-status]');
    await sandbox(page).getByRole('button', { name: 'Copy link' }).click();
    await expect.poll(() => status.innerText(), WAIT).toMatch(/^Link copied/);
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    // Random text does not compress: far over the link's size limit.
    const noise = Array.from({ length: 20_000 }, (_, i) => ((i * 7919) % 9973).toString(36)).join(
      '',
    );
    await replaceFile(page, 'client.ts', `// ${noise}\n${SHARED}`);
    await sandbox(page).getByRole('button', { name: 'Copy link' }).click();
    await expect.poll(() => notice(page).innerText(), WAIT).toMatch(/too large to share/);
    expect(await status.innerText()).not.toMatch(/Link copied/);
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(copied);
    // Back under the limit, a new link is copied and the too-large notice goes.
    await replaceFile(page, 'client.ts', SHARED);
    await sandbox(page).getByRole('button', { name: 'Copy link' }).click();
    await expect.poll(() => status.innerText(), WAIT).toMatch(/^Link copied/);
    expect(await notice(page).isVisible()).toBe(false);
    await context.close();
  });

  it('names an on/off knob in the banner as on or off, with its label', async () => {
    const context = await fresh();
    const page = context.pages()[0] as Page;
    await page.goto(pageUrl('patterns/sidecar/'));
    await sandbox(page).getByRole('switch', { name: 'Upgrade the sidecar-to-sidecar hop' }).check();
    await sandbox(page).getByRole('button', { name: 'Copy link' }).click();
    await expect
      .poll(() => sandbox(page).locator('[data-status]').innerText(), WAIT)
      .toMatch(/^Link copied/);
    const switchLink = await page.evaluate(() => navigator.clipboard.readText());
    const other = await context.newPage();
    await other.goto(switchLink);
    await expect
      .poll(() => banner(other).innerText(), WAIT)
      .toMatch(/set Upgrade the sidecar-to-sidecar hop on\)/);
    expect(await banner(other).innerText()).not.toMatch(/0 = off/);
    await context.close();
  });

  it('looks right at 1280 and 390 px, light and dark', async () => {
    for (const theme of ['light', 'dark'] as const) {
      for (const width of [1280, 390]) {
        const context = await fresh(theme, width);
        const page = context.pages()[0] as Page;
        await page.goto(link);
        await banner(page).waitFor();
        await banner(page).scrollIntoViewIfNeeded();
        await sandbox(page).screenshot({ path: join(shots, `share-banner-${theme}-${width}.png`) });
        const overflow = await page.evaluate(
          () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
        );
        expect(overflow, `sideways scroll at ${width}px ${theme}`).toBeLessThanOrEqual(0);
        await context.close();
      }
    }
  });
});
