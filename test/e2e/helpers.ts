/**
 * Shared helpers for browser tests: launch Chromium, find the served site, run axe.
 * Used by every file in test/e2e/ (pages, search, sandboxes).
 */
import { globSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { inject } from 'vitest';

export { CHROMIUM_ARGS, chromiumPath, launchChromium } from './chromium';

/**
 * Absolute URL of the served site root, with the sub-path base and a trailing slash
 * (for example `http://127.0.0.1:40123/bcp/`). Provided by test/e2e/global-setup.ts.
 */
export function siteUrl(): string {
  return inject('siteUrl');
}

/**
 * Resolves a site path against {@link siteUrl}. Pass paths without a leading slash
 * (`patterns/push/`); a leading slash is dropped so the base is never lost.
 *
 * @example
 * await page.goto(pageUrl('patterns/long-polling/'));
 */
export function pageUrl(path = ''): string {
  return new URL(path.replace(/^\/+/, ''), siteUrl()).href;
}

/** The axe rule tags every page must pass: WCAG 2.0–2.2 A and AA, plus best practice. */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

/** One axe violation, reduced to what a failing assertion needs to show. */
export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  /** CSS selectors of the offending elements, with a snippet of their HTML. */
  nodes: { target: string; html: string }[];
}

const axeSource = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/**
 * Runs axe-core in the page (whole document) with {@link AXE_TAGS} and returns its violations.
 * Injects `axe.min.js` on first use in each document. Expect an empty array.
 *
 * @example
 * expect(await runAxe(page)).toEqual([]);
 */
export async function runAxe(page: Page): Promise<AxeViolation[]> {
  const loaded = await page.evaluate(() => 'axe' in window);
  if (!loaded) await page.addScriptTag({ path: axeSource });
  return page.evaluate(async (tags) => {
    interface AxeResult {
      violations: {
        id: string;
        impact?: string | null;
        help: string;
        nodes: { target: unknown[]; html: string }[];
      }[];
    }
    const axe = (window as unknown as { axe: { run: (...args: unknown[]) => Promise<AxeResult> } })
      .axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: tags } });
    return result.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact ?? null,
      help: violation.help,
      nodes: violation.nodes.map((node) => ({
        target: node.target.map(String).join(' '),
        html: node.html.slice(0, 200),
      })),
    }));
  }, AXE_TAGS);
}

/** Problems a page reported while loading: console errors, uncaught errors, failed requests. */
export interface PageProblems {
  consoleErrors: string[];
  pageErrors: string[];
  failedRequests: string[];
}

/**
 * Starts recording a page's console errors, uncaught errors, and failed requests (network
 * failures and responses with status ≥ 400). Read the returned object after the page settles;
 * all three lists should be empty.
 *
 * @example
 * const problems = watchPage(page);
 * await page.goto(pageUrl());
 * expect(problems).toEqual({ consoleErrors: [], pageErrors: [], failedRequests: [] });
 */
export function watchPage(page: Page): PageProblems {
  const problems: PageProblems = { consoleErrors: [], pageErrors: [], failedRequests: [] };
  page.on('console', (message) => {
    if (message.type() === 'error') problems.consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => problems.pageErrors.push(error.message));
  page.on('requestfailed', (request) =>
    problems.failedRequests.push(`${request.url()} (${request.failure()?.errorText ?? 'failed'})`),
  );
  page.on('response', (response) => {
    if (response.status() >= 400) {
      problems.failedRequests.push(`${response.url()} (HTTP ${response.status()})`);
    }
  });
  return problems;
}

/** Starlight's two colour themes. */
export type Theme = 'light' | 'dark';

/**
 * Opens a browser context whose pages start in the given Starlight theme: an init script stores
 * it under Starlight's localStorage key `starlight-theme` before any page script runs, and the
 * emulated colour scheme agrees. Check `document.documentElement.dataset.theme` to confirm.
 *
 * @example
 * const dark = await newThemedContext(browser, 'dark');
 */
export async function newThemedContext(browser: Browser, theme: Theme): Promise<BrowserContext> {
  const context = await browser.newContext({ colorScheme: theme });
  await context.addInitScript((value) => {
    try {
      localStorage.setItem('starlight-theme', value);
    } catch {
      // Storage can be unavailable (opaque-origin frames); the colour scheme still applies.
    }
  }, theme);
  return context;
}

/**
 * Built pages that embed a sandbox, as paths below the base (`patterns/push/`, `comparison/`),
 * found by reading `dist/` (build it first with `npm run build:e2e`).
 */
export function builtSandboxPages(): string[] {
  const dist = resolve(import.meta.dirname, '../../dist');
  return globSync('**/index.html', { cwd: dist })
    .filter((file) => readFileSync(resolve(dist, file), 'utf8').includes('<bcp-sandbox'))
    .map((file) => file.replace(/index\.html$/, ''))
    .sort();
}
