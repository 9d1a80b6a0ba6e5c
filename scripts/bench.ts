/**
 * `npm run bench`: measures what readers feel, on this machine, and prints numbers and ratios.
 * Builds the site if needed, serves it, and drives headless Chromium. Nothing here asserts timings;
 * tests keep to behaviour and byte budgets.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { execSync } from 'node:child_process';
import type { Page } from 'playwright-core';
import { transform } from 'sucrase';
import { launchChromium } from '../test/e2e/chromium.ts';

const root = resolve(import.meta.dirname, '..');
const dist = join(root, 'dist');
const RUNS = 5;

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
};
const ms = (value: number): string => `${value.toFixed(1)} ms`;
const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;

if (!existsSync(join(dist, 'index.html'))) {
  console.log('building the site (npm run build)…');
  execSync('npm run build', { cwd: root, stdio: 'ignore' });
}
const html = readFileSync(join(dist, 'index.html'), 'utf8');
const base = /"(\/[^"]*?)_astro\//.exec(html)?.[1] ?? '/';

const types: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};
const server = createServer((request, response) => {
  let path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
  if (!path.startsWith(base)) return void response.writeHead(404).end();
  path = path.slice(base.length - 1);
  if (path.endsWith('/')) path += 'index.html';
  try {
    const body = readFileSync(join(dist, path));
    response.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' });
    response.end(body);
  } catch {
    response.writeHead(404).end();
  }
});
await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
const address = server.address();
const origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}${base}`;

const browser = await launchChromium();

/** Clicks Run and returns ms from the click to the first network event the page receives. */
async function clickToFirstTrace(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((done) => {
        const sandbox = document.querySelector('bcp-sandbox');
        const run = sandbox?.querySelector<HTMLButtonElement>('[data-action="run"]');
        let start = 0;
        sandbox?.addEventListener('sandbox:trace', () => done(performance.now() - start), {
          once: true,
        });
        start = performance.now();
        run?.click();
      }),
  );
}

/** Opens the client's editor and replaces its text, as a reader pasting code would. */
async function replaceClient(page: Page, code: string): Promise<void> {
  await page.locator('[data-file="client.ts"] [data-static] pre').click();
  const editor = page.getByRole('textbox', { name: 'Edit client.ts' });
  await editor.waitFor();
  await editor.focus();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.insertText(code);
}

async function waitForEnd(page: Page): Promise<void> {
  await page
    .locator('[data-status]')
    .filter({ hasText: /Finished|Ended|Stopped/ })
    .first()
    .waitFor({ timeout: 30_000 });
}

const chapter = `${origin}patterns/request-response/`;
const results: Array<[string, string]> = [];

// 1. Click → first trace event, cold (new page: frame, worker, runtime all start) and warm.
const cold: number[] = [];
const warm: number[] = [];
for (let index = 0; index < RUNS; index += 1) {
  const page = await browser.newPage();
  await page.goto(chapter, { waitUntil: 'networkidle' });
  cold.push(await clickToFirstTrace(page));
  await waitForEnd(page);
  await page.waitForTimeout(400);
  warm.push(await clickToFirstTrace(page));
  await waitForEnd(page);
  await page.close();
}
results.push(['click → first network event, cold page (median of 5)', ms(median(cold))]);
results.push(['click → first network event, warm (median of 5)', ms(median(warm))]);
results.push(['cold / warm', `${(median(cold) / median(warm)).toFixed(1)}×`]);
results.push([
  'vs the prototype (197 ms cold, 24 ms warm)',
  `${(median(cold) / 197).toFixed(2)}× and ${(median(warm) / 24).toFixed(2)}×`,
]);

// 2. An endless loop: time until the sandbox says it stopped it, and the page's round trip meanwhile.
{
  const page = await browser.newPage();
  await page.goto(chapter, { waitUntil: 'networkidle' });
  await replaceClient(page, 'export default async function main() {\n  while (true) {}\n}\n');
  const stopped = page.evaluate(
    () =>
      new Promise<number>((done) => {
        const sandbox = document.querySelector('bcp-sandbox');
        const start = performance.now();
        sandbox?.addEventListener('sandbox:end', () => done(performance.now() - start), {
          once: true,
        });
        sandbox?.querySelector<HTMLButtonElement>('[data-action="run"]')?.click();
      }),
  );
  const roundTrips: number[] = [];
  for (let index = 0; index < 10; index += 1) {
    const start = Date.now();
    await page.evaluate(() => new Promise((done) => setTimeout(done, 0)));
    roundTrips.push(Date.now() - start);
    await page.waitForTimeout(100);
  }
  results.push(['while (true) {} stopped after the click', ms(await stopped)]);
  results.push(['page round trip during the loop (median)', ms(median(roundTrips))]);
  await page.close();
}

// 3. Sizes: what a chapter page loads before intent, and what intent loads.
{
  const runner = readdirSync(join(dist, '_sandbox')).find((name) => name.endsWith('.html'));
  const runnerBytes = runner ? readFileSync(join(dist, '_sandbox', runner)) : Buffer.alloc(0);
  results.push(['runner frame (one HTML file, gzip)', kb(gzipSync(runnerBytes).byteLength)]);
  const scripts = async (url: string, interact: boolean) => {
    const page = await browser.newPage();
    let total = 0;
    page.on('response', async (response) => {
      if (response.request().resourceType() !== 'script') return;
      total += gzipSync(await response.body().catch(() => Buffer.alloc(0))).byteLength;
    });
    await page.goto(url, { waitUntil: 'networkidle' });
    if (interact) {
      await page.locator('[data-file="client.ts"] [data-static] pre').click();
      await page.getByRole('textbox', { name: 'Edit client.ts' }).waitFor();
      await page.waitForLoadState('networkidle');
    }
    await page.close();
    return total;
  };
  const plain = await scripts(`${origin}contributing/adding-a-chapter/`, false);
  const before = await scripts(chapter, false);
  const after = await scripts(chapter, true);
  results.push(['page JS, plain page (gzip)', kb(plain)]);
  results.push([
    'page JS, sandbox chapter before intent (gzip)',
    `${kb(before)} (+${kb(before - plain)})`,
  ]);
  results.push([
    'page JS after opening the editor (gzip)',
    `${kb(after)} (+${kb(after - before)} on intent)`,
  ]);
}

// 4. A flood of requests: the longest task in the page while 2,000 requests are traced.
{
  const page = await browser.newPage();
  await page.goto(chapter, { waitUntil: 'networkidle' });
  await replaceClient(
    page,
    "export default async function main(server: URL) {\n  for (let i = 0; i < 2000; i++) await fetch(new URL('/uploads', server), { method: 'POST', body: '{}' });\n}\n",
  );
  await page.evaluate(() => {
    const store = window as unknown as { longest: number };
    store.longest = 0;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries())
        store.longest = Math.max(store.longest, entry.duration);
    }).observe({ type: 'longtask', buffered: false });
  });
  const start = Date.now();
  await page.locator('[data-action="run"]').click();
  await waitForEnd(page);
  const elapsed = Date.now() - start;
  await page.waitForTimeout(500);
  const longest = await page.evaluate(() => (window as unknown as { longest: number }).longest);
  results.push(['2,000 POSTs traced: run time', ms(elapsed)]);
  results.push(['2,000 POSTs: longest task in the page', ms(longest)]);
  await page.close();
}

await browser.close();
server.close();

// 5. Transpiling: sucrase on every sandbox file (what an edited Run pays per file).
{
  const files = readdirSync(join(root, 'sandboxes'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) =>
      readdirSync(join(root, 'sandboxes', entry.name))
        .filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'))
        .map((name) => readFileSync(join(root, 'sandboxes', entry.name, name), 'utf8')),
    );
  const options = { transforms: ['typescript', 'imports'] as Array<'typescript' | 'imports'> };
  for (const source of files) transform(source, options);
  const times = files.map((source) => {
    const start = performance.now();
    transform(source, options);
    return performance.now() - start;
  });
  results.push([
    `sucrase, warm, per sandbox file (${files.length} files, median)`,
    ms(median(times)),
  ]);
}

const width = Math.max(...results.map(([label]) => label.length));
console.log('\nBackend Communication Patterns — bench\n');
for (const [label, value] of results) console.log(`${label.padEnd(width)}  ${value}`);
