/**
 * What a reader feels in the page, measured in headless Chromium against the built site: how soon a
 * Run shows traffic, and how the page copes as the work grows.
 */
import type { Browser, Page } from 'playwright-core';

/** Clicks Run and resolves with ms from the click to the first network event the page receives. */
export function clickToFirstTrace(page: Page, selector = 'bcp-sandbox'): Promise<number> {
  return page.evaluate(
    (sandboxSelector) =>
      new Promise<number>((done) => {
        const sandbox = document.querySelector(sandboxSelector);
        const run = sandbox?.querySelector<HTMLButtonElement>('[data-action="run"]');
        let start = 0;
        sandbox?.addEventListener('sandbox:trace', () => done(performance.now() - start), {
          once: true,
        });
        start = performance.now();
        run?.click();
      }),
    selector,
  );
}

/** Waits until the run ends (finished, stopped or killed). */
export async function waitForEnd(page: Page, timeout = 60_000): Promise<void> {
  await page
    .locator('[data-status]')
    .filter({ hasText: /Finished|Ended|Stopped/ })
    .first()
    .waitFor({ timeout });
}

/**
 * Moves the pointer onto the sandbox's run bar, as a reader heading for Run does. The sandbox is
 * scrolled into view first: a move to a point below the viewport reaches no element, so no
 * `pointerenter` fires and the early start would never be measured.
 */
export async function pointAtSandbox(page: Page, selector = 'bcp-sandbox'): Promise<void> {
  const sandbox = page.locator(selector).first();
  await sandbox.scrollIntoViewIfNeeded();
  const box = await sandbox.boundingBox();
  if (!box) throw new Error(`${selector} has no box to point at`);
  await page.mouse.move(box.x + box.width / 2, box.y + 40);
}

/** Opens a file's editor and replaces its text, as a reader pasting code would. */
export async function replaceFile(page: Page, file: string, code: string): Promise<void> {
  // The first sandbox on the page may show another file's tab; open this file's tab first.
  const sandbox = page.locator('bcp-sandbox').first();
  await sandbox.getByRole('tab', { name: file }).click();
  await sandbox.locator(`[role="tabpanel"][data-file="${file}"] [data-static] pre`).click();
  const editor = sandbox.getByRole('textbox', { name: `Edit ${file}` });
  await editor.waitFor();
  await editor.focus();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.insertText(code);
}

/** Starts recording the longest main-thread task of the page (Long Tasks API). */
export async function watchLongTasks(page: Page): Promise<() => Promise<number>> {
  await page.evaluate(() => {
    const store = window as unknown as { benchLongest: number };
    store.benchLongest = 0;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries())
        store.benchLongest = Math.max(store.benchLongest, entry.duration);
    }).observe({ type: 'longtask', buffered: false });
  });
  return () => page.evaluate(() => (window as unknown as { benchLongest: number }).benchLongest);
}

/** Counts trace events and console lines the page receives, so a measure can say what it measured. */
export async function countArrivals(
  page: Page,
): Promise<() => Promise<{ events: number; lines: number }>> {
  await page.evaluate(() => {
    const store = window as unknown as { benchCounts: { events: number; lines: number } };
    store.benchCounts = { events: 0, lines: 0 };
    const sandbox = document.querySelector('bcp-sandbox');
    sandbox?.addEventListener('sandbox:trace', (event) => {
      store.benchCounts.events += (
        event as CustomEvent<{ events: unknown[] }>
      ).detail.events.length;
    });
    sandbox?.addEventListener('sandbox:console', (event) => {
      store.benchCounts.lines += (
        event as CustomEvent<{ entries: unknown[] }>
      ).detail.entries.length;
    });
  });
  return () =>
    page.evaluate(
      () => (window as unknown as { benchCounts: { events: number; lines: number } }).benchCounts,
    );
}

/** The page's JavaScript heap after a forced garbage collection, in MB (Chromium's DevTools protocol). */
export async function heapMb(page: Page): Promise<number> {
  const session = await page.context().newCDPSession(page);
  await session.send('HeapProfiler.collectGarbage');
  const { usedSize } = await session.send('Runtime.getHeapUsage');
  await session.detach();
  return usedSize / 1024 / 1024;
}

/** Collects the console text the sandbox printed during a run. */
export async function consoleText(page: Page): Promise<string> {
  return (await page.locator('bcp-sandbox [data-console-lines]').first().textContent()) ?? '';
}

/** Opens a chapter in a new page and waits until it is idle. */
export async function openChapter(browser: Browser, url: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(url, { waitUntil: 'networkidle' });
  return page;
}
