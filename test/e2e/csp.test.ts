/**
 * The docs pages' Content-Security-Policy (decisions/0027): every built page carries it in a <meta>
 * tag before any script, without 'unsafe-eval', and a sandbox page that runs its sandbox and
 * searches violates nothing in Chromium.
 */
import { globSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { launchChromium, pageUrl } from './helpers';
import { pressRun, sandboxIn, statusMatching } from './sandbox-driver';

const dist = resolve(import.meta.dirname, '../../dist');
const pages = globSync('**/*.html', { cwd: dist }).filter((file) => !file.startsWith('_sandbox/'));

let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

test.each(pages)('%s carries the policy before any script, without unsafe-eval', (file) => {
  const html = readFileSync(resolve(dist, file), 'utf8');
  const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html);
  expect(meta?.[1]).toMatch(/script-src 'self'/);
  expect(meta?.[1]).not.toContain("'unsafe-eval'");
  const firstScript = html.indexOf('<script');
  if (firstScript >= 0) expect(meta?.index).toBeLessThan(firstScript);
});

test('running a sandbox and searching violate nothing in the policy', async () => {
  const context = await browser.newContext();
  await context.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { cspViolations: string[] }).cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (event) =>
      seen.push(`${event.effectiveDirective} ${event.blockedURI}`),
    );
  });
  const page = await context.newPage();
  await page.goto(pageUrl('patterns/request-response/'));
  const sandbox = sandboxIn(page, 'request-response');
  await pressRun(sandbox);
  expect(await statusMatching(sandbox, /Finished|Ended|Stopped|Could not/)).toMatch(/^Finished/);
  await page.getByRole('button', { name: 'Search' }).click();
  await page.getByRole('dialog', { name: 'Search' }).getByRole('textbox').fill('polling');
  // Pagefind loads its index and WebAssembly lazily on the first query.
  await page.locator('.pagefind-ui__result-link').first().waitFor({ timeout: 30_000 });
  expect(
    await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations),
  ).toEqual([]);
  await context.close();
});
