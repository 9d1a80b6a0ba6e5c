import { chromium } from 'playwright-core';
import { startStaticServer } from './test/e2e/static-server.ts';
const server = await startStaticServer(new URL('./dist', import.meta.url).pathname, '/bcp/');
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox','--disable-gpu','--disable-quic','--no-first-run','--disable-background-networking','--disable-component-update','--disable-sync'] });
const out = '/work/wt/shots/upload';
for (const theme of ['light', 'dark'] as const) {
  for (const width of [1280, 390]) {
    const context = await browser.newContext({ colorScheme: theme, viewport: { width, height: 900 } });
    await context.addInitScript((value) => { try { localStorage.setItem('starlight-theme', value); } catch {} }, theme);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${server.url}patterns/request-response/`);
    for (const id of ['request-response.upload', 'request-response.serialization']) {
      const sandbox = page.locator(`bcp-sandbox[data-sandbox="${id}"]`);
      await sandbox.scrollIntoViewIfNeeded();
      await sandbox.getByRole('button', { name: 'Run', exact: true }).click();
      await sandbox.locator('[data-status]').filter({ hasText: /Finished|Ended|Stopped|failed/i }).waitFor({ timeout: 60_000 });
      const status = await sandbox.locator('[data-status]').innerText();
      const lines = await sandbox.locator('[data-console-lines] li').allInnerTexts();
      console.log(theme, width, id, status, '\n  ' + lines.join('\n  '));
      await sandbox.screenshot({ path: `${out}/${id}-${theme}-${width}.png` });
    }
    await page.screenshot({ path: `${out}/page-${theme}-${width}.png`, fullPage: false });
    const trace = page.locator('figure.tv-static').first();
    await trace.scrollIntoViewIfNeeded();
    await trace.screenshot({ path: `${out}/tracediagram-${theme}-${width}.png` });
    console.log('errors', errors);
    await context.close();
  }
}
await browser.close();
await server.close();
