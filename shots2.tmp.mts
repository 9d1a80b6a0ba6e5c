import { chromium } from 'playwright-core';
import { startStaticServer } from './test/e2e/static-server.ts';
const server = await startStaticServer(new URL('./dist', import.meta.url).pathname, '/bcp/');
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox','--disable-gpu','--disable-quic','--no-first-run','--disable-background-networking','--disable-component-update','--disable-sync'] });
for (const theme of ['light', 'dark'] as const) for (const width of [1280, 390]) {
  const context = await browser.newContext({ colorScheme: theme, viewport: { width, height: 1000 } });
  await context.addInitScript((value) => { try { localStorage.setItem('starlight-theme', value); } catch {} }, theme);
  const page = await context.newPage();
  await page.goto(`${server.url}patterns/request-response/#designing-an-image-upload`);
  await page.waitForTimeout(300);
  await page.screenshot({ path: `/work/wt/shots/upload/upload-section-${theme}-${width}.png` });
  const fig = page.locator('figure.tv-static').nth(1);
  await fig.scrollIntoViewIfNeeded();
  await fig.screenshot({ path: `/work/wt/shots/upload/upload-trace-${theme}-${width}.png` });
  await page.goto(`${server.url}patterns/request-response/#what-serialization-costs`);
  await page.waitForTimeout(300);
  await page.screenshot({ path: `/work/wt/shots/upload/serialization-section-${theme}-${width}.png` });
  await context.close();
}
await browser.close(); await server.close();
