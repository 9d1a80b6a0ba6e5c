import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { E2E_BASE } from './base';
import {
  launchChromium,
  newThemedContext,
  pageUrl,
  runAxe,
  watchPage,
  type Theme,
} from './helpers';

const dist = resolve(import.meta.dirname, '../../dist');

/** Every page of the built site, as a path below the base (`''`, `patterns/push/`, …). */
const sitePaths = [
  ...readFileSync(resolve(dist, 'sitemap-0.xml'), 'utf8').matchAll(/<loc>(.*?)<\/loc>/g),
]
  .map(([, loc = '']) => new URL(loc).pathname)
  .map((pathname) => (pathname.startsWith(E2E_BASE) ? pathname.slice(E2E_BASE.length) : pathname));

const themes: Theme[] = ['light', 'dark'];

let browser: Browser;
const contexts = new Map<Theme, BrowserContext>();

beforeAll(async () => {
  browser = await launchChromium();
  for (const theme of themes) contexts.set(theme, await newThemedContext(browser, theme));
});

afterAll(async () => {
  await browser?.close();
});

function contextFor(theme: Theme): BrowserContext {
  const context = contexts.get(theme);
  if (!context) throw new Error(`no browser context for the ${theme} theme`);
  return context;
}

test('the sitemap lists the introduction and every chapter', () => {
  expect(sitePaths).toContain('');
  expect(sitePaths.filter((path) => path.startsWith('patterns/')).length).toBeGreaterThanOrEqual(
    10,
  );
});

describe.each(themes)('every page in the %s theme', (theme) => {
  test.each(sitePaths)('/%s renders cleanly with zero axe violations', async (path) => {
    const page = await contextFor(theme).newPage();
    try {
      const problems = watchPage(page);
      const response = await page.goto(pageUrl(path), { waitUntil: 'load' });
      expect(response?.status()).toBe(200);
      // Let lazy work settle first (Expressive Code marks scrollable code blocks after ~250 ms).
      await page.waitForLoadState('networkidle');
      await expect.poll(() => page.locator('h1').first().innerText()).not.toBe('');
      expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe(theme);
      expect(await runAxe(page)).toEqual([]);
      expect(problems).toEqual({ consoleErrors: [], pageErrors: [], failedRequests: [] });
    } finally {
      await page.close();
    }
  });
});

test('an unknown address shows the 404 page', async () => {
  const page = await contextFor('light').newPage();
  try {
    const problems = watchPage(page);
    const url = pageUrl('no-such-page/');
    const response = await page.goto(url, { waitUntil: 'load' });
    expect(response?.status()).toBe(404);
    await page.waitForLoadState('networkidle');
    await expect.poll(() => page.locator('h1').first().innerText()).toMatch(/404/);
    expect(await runAxe(page)).toEqual([]);
    // The document itself is the expected 404; nothing else may fail.
    const failedRequests = problems.failedRequests.filter((entry) => !entry.startsWith(url));
    const consoleErrors = problems.consoleErrors.filter((text) => !/status of 404/.test(text));
    expect({ ...problems, failedRequests, consoleErrors }).toEqual({
      consoleErrors: [],
      pageErrors: [],
      failedRequests: [],
    });
  } finally {
    await page.close();
  }
});

/** Lower-case text of every built page except `exceptPath`, to prove a word is unique. */
function otherPagesText(exceptPath: string): string {
  return sitePaths
    .filter((path) => path !== exceptPath)
    .map((path) => readFileSync(resolve(dist, path, 'index.html'), 'utf8').toLowerCase())
    .join('\n');
}

test('search finds a chapter by a word from its body', async () => {
  const chapter =
    sitePaths.find((path) => path === 'patterns/request-response/') ??
    sitePaths.find((path) => path.startsWith('patterns/'));
  if (chapter === undefined) throw new Error('the sitemap lists no chapter to search for');
  const page = await contextFor('light').newPage();
  try {
    const problems = watchPage(page);
    await page.goto(pageUrl(chapter), { waitUntil: 'load' });

    // Pick a word that Pagefind indexed on this page (its body, minus ignored parts) and that
    // appears on no other page, so a hit can only come from the body of this chapter.
    const bodyWords = await page.evaluate(() => {
      const body = document.querySelector('[data-pagefind-body] .sl-markdown-content');
      if (!body) return [];
      const skip = '[data-pagefind-ignore], h1, h2, h3, h4, pre, code, svg, figure';
      const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
      const texts: string[] = [];
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (!node.parentElement?.closest(skip)) texts.push(node.textContent ?? '');
      }
      return [
        ...new Set(
          texts
            .join(' ')
            .toLowerCase()
            .match(/\b[a-z]{8,}\b/g) ?? [],
        ),
      ];
    });
    const others = otherPagesText(chapter);
    const word = bodyWords
      .filter((candidate) => !others.includes(candidate))
      .sort((a, b) => b.length - a.length || a.localeCompare(b))[0];
    if (!word) throw new Error(`no word in the body of /${chapter} is unique to it`);

    await page.getByRole('button', { name: 'Search' }).click();
    const input = page.getByRole('dialog', { name: 'Search' }).getByRole('textbox');
    await input.fill(word);
    const hit = page.locator(`.pagefind-ui__result-link[href$="${E2E_BASE}${chapter}"]`);
    // Pagefind loads its index lazily on the first query; give it time on a cold cache.
    await expect
      .poll(() => hit.count(), {
        message: `search for "${word}" lists /${chapter}`,
        timeout: 30_000,
      })
      .toBeGreaterThan(0);
    expect(problems).toEqual({ consoleErrors: [], pageErrors: [], failedRequests: [] });
  } finally {
    await page.close();
  }
});

test.each([1280, 390])(
  'the header search button is named "Search" at %i px, with no axe violations',
  async (width) => {
    const page = await contextFor('light').newPage();
    await page.setViewportSize({ width, height: 800 });
    try {
      await page.goto(pageUrl(), { waitUntil: 'networkidle' });
      const button = page.locator('site-search button[data-open-modal]');
      await expect.poll(() => button.ariaSnapshot()).toMatch(/^- button "Search"/);
      expect(await runAxe(page)).toEqual([]);
    } finally {
      await page.close();
    }
  },
);
