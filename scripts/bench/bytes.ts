/** Bytes a reader downloads (gzip): before intent, for the first Run, and for opening the editor. */
import { gzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { openChapter, pointAtSandbox, waitForEnd } from './page-runs.ts';
import { summarise, type Row } from './stats.ts';

/**
 * Resolves once the page has received no response for 500 ms (at most 15 s). Playwright's
 * 'networkidle' says nothing about requests an action starts once a page reached it, and after the
 * runner frame loads it can wait out its 30 s (the bytes row failed so on 2026-12-06).
 */
async function quiet(page: Page, act: () => Promise<void> = async () => undefined): Promise<void> {
  let last = performance.now();
  const onResponse = () => void (last = performance.now());
  page.on('response', onResponse);
  await act();
  const until = performance.now() + 15_000;
  while (performance.now() - last < 500 && performance.now() < until)
    await page.waitForTimeout(100);
  page.off('response', onResponse);
}

/** Sums the gzip size of every response (scripts, frames, JSON) the page gets while `act` runs. */
async function bytesDuring(
  page: Page,
  act: () => Promise<void>,
  scriptsOnly = false,
): Promise<number> {
  let total = 0;
  const pending: Array<Promise<void>> = [];
  const onResponse = (response: import('playwright-core').Response) => {
    if (scriptsOnly && response.request().resourceType() !== 'script') return;
    pending.push(
      response
        .body()
        .then((body) => void (total += gzipSync(body).byteLength))
        .catch(() => undefined),
    );
  };
  page.on('response', onResponse);
  await quiet(page, act);
  await Promise.all(pending);
  page.off('response', onResponse);
  return total;
}

const kb = (bytes: number) => summarise([bytes / 1024]);

export async function measureBytes(
  browser: Browser,
  site: string,
  chapter: string,
): Promise<Row[]> {
  const load = async (url: string) => {
    const page = await browser.newPage();
    const bytes = await bytesDuring(
      page,
      async () => void (await page.goto(url, { waitUntil: 'networkidle' })),
      true,
    );
    await page.close();
    return bytes;
  };
  const plain = await load(`${site}contributing/adding-a-chapter/`);
  const before = await load(chapter);

  const running = await openChapter(browser, chapter);
  const firstRun = await bytesDuring(running, async () => {
    await running.locator('bcp-sandbox [data-action="run"]').first().click();
    await waitForEnd(running);
  });
  await running.close();

  const editing = await openChapter(browser, chapter);
  // A reader reaches the code with the pointer first, which already loads the controller and
  // runner, and picks the file's tab (the workbench opens on the chapter's steps).
  await pointAtSandbox(editing);
  const sandbox = editing.locator('bcp-sandbox').first();
  await sandbox.getByRole('tab', { name: 'client.ts' }).click();
  await quiet(editing);
  const editor = await bytesDuring(
    editing,
    async () => {
      await sandbox.locator('[role="tabpanel"][data-file="client.ts"] [data-static] pre').click();
      await sandbox.getByRole('textbox', { name: 'Edit client.ts' }).waitFor();
    },
    true,
  );
  await editing.close();

  return [
    {
      label: 'page JS before intent, sandbox chapter',
      unit: 'KB',
      value: kb(before),
      note: `plain page ${(plain / 1024).toFixed(1)} KB`,
    },
    {
      label: 'bytes added by the first Run',
      unit: 'KB',
      value: kb(firstRun),
      goal: { target: 60, better: 'lower' },
    },
    {
      label: 'bytes added by opening the editor',
      unit: 'KB',
      value: kb(editor),
      goal: { target: 100, better: 'lower' },
    },
  ];
}
