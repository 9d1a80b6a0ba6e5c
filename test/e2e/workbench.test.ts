/**
 * The sandbox as a workbench, on every page that embeds one: at 1280×800 Run, the knobs, the latest
 * console line and the diagram are on screen together; at 390×844 a reader runs it, reads the
 * console and the whole diagram width without sideways page scrolling. Plus what the workbench
 * promises on its own: hubs in the middle, knobs that refuse bad values, switches, a skip link.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { builtSandboxPages, launchChromium, newThemedContext, pageUrl, watchPage } from './helpers';

const sandboxPages = builtSandboxPages();
/** Every sandbox of every page, as [page, index on the page, sandbox id] (read from dist/). */
const everySandbox = sandboxPages.flatMap((path) =>
  [
    ...readFileSync(
      resolve(import.meta.dirname, '../../dist', path, 'index.html'),
      'utf8',
    ).matchAll(/<bcp-sandbox[^>]*data-sandbox="([^"]+)"/g),
  ].map((match, index) => [path, index, match[1] ?? ''] as const),
);

let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

async function open(path: string, width: number, height: number): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height } });
  await page.goto(pageUrl(path));
  return page;
}

/** Scrolls so the sandbox's top sits just under the site's header, as a reader arriving at it. */
async function bringIntoView(page: Page, sandbox: Locator): Promise<void> {
  await sandbox.evaluate((element) => {
    const header = document.querySelector('header')?.getBoundingClientRect().bottom ?? 0;
    const toc = document.querySelector('mobile-starlight-toc nav')?.getBoundingClientRect();
    const top = Math.max(header, toc && toc.height > 0 ? toc.bottom : 0);
    window.scrollBy(0, element.getBoundingClientRect().top - top - 4);
  });
}

/** Opens `path` at `width`×`height`, brings its first sandbox into view and runs it to the end. */
async function openAndRun(
  path: string,
  width: number,
  height: number,
): Promise<{ page: Page; sandbox: Locator }> {
  const page = await open(path, width, height);
  const sandbox = page.locator('bcp-sandbox').first();
  await bringIntoView(page, sandbox);
  await runToEnd(sandbox);
  return { page, sandbox };
}

async function runToEnd(sandbox: Locator): Promise<void> {
  await sandbox.getByRole('button', { name: 'Run', exact: true }).click();
  await sandbox
    .locator('[data-status]')
    .filter({ hasText: /Finished|Ended|Stopped/ })
    .waitFor({ timeout: 30_000 });
}

/** Whether the element's box lies inside the viewport (fully for small controls). */
async function onScreen(page: Page, locator: Locator): Promise<boolean> {
  const box = await locator.boundingBox();
  const viewport = page.viewportSize();
  if (!box || !viewport) return false;
  return (
    box.x >= 0 &&
    box.y >= 0 &&
    box.x + box.width <= viewport.width + 0.5 &&
    box.y + Math.min(box.height, 40) <= viewport.height
  );
}

/** How many pixels differ between two screenshots of the same box (the sizes must agree). */
async function changedPixels(a: Buffer, b: Buffer): Promise<number> {
  const [left, right] = await Promise.all(
    [a, b].map((png) => sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true })),
  );
  if (!left || !right || left.info.width !== right.info.width) return Infinity;
  let changed = 0;
  for (let i = 0; i < Math.min(left.data.length, right.data.length); i += 4) {
    const delta =
      Math.abs((left.data[i] ?? 0) - (right.data[i] ?? 0)) +
      Math.abs((left.data[i + 1] ?? 0) - (right.data[i + 1] ?? 0)) +
      Math.abs((left.data[i + 2] ?? 0) - (right.data[i + 2] ?? 0));
    if (delta > 48) changed += 1;
  }
  return changed;
}

/**
 * Which edges of a box's screenshot changed between `a` and `b`: for each side, whether most of one
 * line among the 6 nearest it did (a focus ring drawn all around changes all four; a clipped one, 3).
 */
async function changedEdges(a: Buffer, b: Buffer): Promise<Record<string, boolean>> {
  const [left, right] = await Promise.all(
    [a, b].map((png) => sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true })),
  );
  if (!left || !right || left.info.width !== right.info.width) return {};
  const { width, height } = left.info;
  const differs = (x: number, y: number): boolean => {
    const i = (y * width + x) * 4;
    let delta = 0;
    for (let c = 0; c < 3; c += 1)
      delta += Math.abs((left.data[i + c] ?? 0) - (right.data[i + c] ?? 0));
    return delta > 48;
  };
  // Corners left out: a rounded frame or a scrollbar may sit there.
  const along = (length: number) => Array.from({ length: length - 16 }, (_, i) => i + 8);
  const mostly = (points: [number, number][]) =>
    points.filter(([x, y]) => differs(x, y)).length > points.length / 2;
  const anyLine = (lines: number[], line: (at: number) => [number, number][]) =>
    lines.some((at) => mostly(line(at)));
  const near = [0, 1, 2, 3, 4, 5];
  return {
    top: anyLine(near, (y) => along(width).map((x) => [x, y])),
    bottom: anyLine(near, (y) => along(width).map((x) => [x, height - 1 - y])),
    left: anyLine(near, (x) => along(height).map((y) => [x, y])),
    right: anyLine(near, (x) => along(height).map((y) => [width - 1 - x, y])),
  };
}

/** The colour the reader sees on the first occurrence of each token (a whole word) in `code`. */
function tokenColours(code: Locator, tokens: string[]): Promise<Record<string, string>> {
  return code.evaluate((root, words) => {
    const nodes: Text[] = [];
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!(node.parentElement?.closest('.gutter, .cm-gutters') ?? null)) nodes.push(node as Text);
    }
    const text = nodes.map((node) => node.data).join('');
    const colours: Record<string, string> = {};
    for (const word of words) {
      const at = new RegExp(`\\b${word}\\b`).exec(text)?.index ?? -1;
      let offset = 0;
      for (const node of nodes) {
        if (at >= offset && at < offset + node.data.length) {
          colours[word] = getComputedStyle(node.parentElement as Element).color;
          break;
        }
        offset += node.data.length;
      }
    }
    return colours;
  }, tokens);
}

/**
 * The boxes in the sandbox that scroll up and down on their own (a phone's swipe would scroll them,
 * not the page), by class name.
 */
const nestedScrollAreas = (sandbox: Locator): Promise<string[]> =>
  sandbox.evaluate((root) =>
    [...root.querySelectorAll(':not(svg, svg *)')]
      .filter(
        (element) =>
          /auto|scroll/.test(getComputedStyle(element).overflowY) &&
          element.scrollHeight > element.clientHeight + 1 &&
          element.checkVisibility(),
      )
      .map((element) => element.className.toString()),
  );

type Clip = { x: number; y: number; width: number; height: number };

const pageOverflow = (page: Page): Promise<number> =>
  page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

test('the build has sandbox pages to check', () => {
  expect(sandboxPages).toEqual(expect.arrayContaining(['patterns/pub-sub/', 'comparison/']));
});

describe.each(sandboxPages)('%s', (path) => {
  test('at 1280×800, Run, every knob, the latest console line and the diagram are on screen together', async () => {
    const page = await open(path, 1280, 800);
    const problems = watchPage(page);
    const sandbox = page.locator('bcp-sandbox').first();
    await bringIntoView(page, sandbox);
    await runToEnd(sandbox);
    const view = sandbox.locator('.tv-diagram-box:visible, .tv-waterfall-box:visible').first();
    const checks = {
      run: await onScreen(page, sandbox.getByRole('button', { name: 'Run', exact: true })),
      knob: await onScreen(page, sandbox.getByLabel('Added latency per hop (ms)')),
      // The workbench's run bar does not stick (decisions/0055): the window must hold all of it.
      everyKnob: await Promise.all(
        (await sandbox.locator('.sb-knobs :is(input, select, button)').all()).map((knob) =>
          onScreen(page, knob),
        ),
      ).then((shown) => shown.length > 0 && shown.every(Boolean)),
      lastConsoleLine: await onScreen(page, sandbox.locator('[data-console-lines] li').last()),
      trace: await onScreen(page, view),
      traceDrawn: (await view.locator('svg [data-index]').count()) > 0,
    };
    expect(checks).toEqual({
      run: true,
      knob: true,
      everyKnob: true,
      lastConsoleLine: true,
      trace: true,
      traceDrawn: true,
    });
    expect(await pageOverflow(page)).toBeLessThanOrEqual(0);
    expect(problems.pageErrors).toEqual([]);
    await page.close();
  });
});

describe.each(everySandbox)('%s sandbox %i (%s)', (path, index) => {
  test('at 390×844, the reader runs it, reads the console and the whole diagram width, also after Fit, without sideways page scrolling', async () => {
    const page = await open(path, 390, 844);
    const sandbox = page.locator('bcp-sandbox').nth(index);
    await bringIntoView(page, sandbox);
    await runToEnd(sandbox);
    // Run shows the console pane.
    const lines = sandbox.locator('[data-console-lines] li');
    expect(await lines.first().isVisible()).toBe(true);
    expect(await pageOverflow(page)).toBeLessThanOrEqual(0);
    expect(await nestedScrollAreas(sandbox), 'console').toEqual([]);
    await sandbox.getByRole('button', { name: 'Trace', exact: true }).click();
    await sandbox.getByRole('button', { name: 'Diagram', exact: true }).click();
    const box = sandbox.locator('.tv-diagram-box');
    await box.locator('.tv-lanes svg').waitFor();
    const widths = () =>
      box.evaluate((element) => ({ box: element.clientWidth, drawn: element.scrollWidth }));
    const fitted = await widths();
    expect(fitted.drawn, 'as drawn').toBeLessThanOrEqual(fitted.box);
    await sandbox.getByRole('button', { name: 'Zoom in' }).click();
    await sandbox.getByRole('button', { name: 'Fit', exact: true }).click();
    await expect
      .poll(async () => (await widths()).drawn, { message: 'after Fit' })
      .toBeLessThanOrEqual(fitted.box);
    expect(await pageOverflow(page)).toBeLessThanOrEqual(0);
    // The page scrolls the diagram's rows, yet only those in the window are drawn (decisions/0074).
    const rowsDrawn = () =>
      box.evaluate(async (element) => {
        await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
        const indexes = [...element.querySelectorAll('.tv-lanes g[data-index]')].map((row) =>
          Number(row.getAttribute('data-index')),
        );
        return { count: indexes.length, last: Math.max(-1, ...indexes) };
      });
    expect((await rowsDrawn()).count, 'rows drawn').toBeLessThan(80);
    const middle = await box.evaluate((element) => {
      const { top, height } = element.getBoundingClientRect();
      if (height < 3 * innerHeight) return undefined;
      scrollBy(0, top + height / 2);
      return Math.floor(height / 2 / 28) - 2; // 28 px a row, under a header of about two
    });
    if (middle !== undefined) {
      const after = await rowsDrawn();
      expect(after.count, 'rows drawn mid-page').toBeLessThan(80);
      expect(after.last, 'rows drawn mid-page').toBeGreaterThanOrEqual(middle);
    }
    // One scroll area: a swipe up or down over any of the trace's views scrolls the page.
    for (const view of ['Diagram', 'Messages', 'Counters']) {
      await sandbox.getByRole('button', { name: view, exact: true }).click();
      await expect.poll(() => nestedScrollAreas(sandbox), { message: view }).toEqual([]);
    }
    await page.close();
  });
});

describe('figures in the prose', () => {
  /** Each figure and scrolling table: does it scroll, is it a named tab stop, does it show a hint? */
  const figures = async (page: Page) => {
    // The boxes are marked when the page first renders (a ResizeObserver's first report).
    await page.evaluate(
      () => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))),
    );
    const boxes = page.locator('figure.diagram-figure, .ct-scroll');
    // Tab stops are set before a figure is drawn: a keyboard reader reaches one far off screen.
    const tabStopsAtLoad = await boxes.evaluateAll((all) =>
      all.map((box) => (box as HTMLElement).tabIndex === 0),
    );
    const seen = [];
    for (const [index, box] of (await boxes.all()).entries()) {
      // A figure off screen is not laid out (content-visibility): measure it as a reader sees it.
      await box.evaluate(
        (element) =>
          new Promise((done) => {
            element.scrollIntoView({ block: 'center' });
            requestAnimationFrame(() => requestAnimationFrame(done));
          }),
      );
      seen.push({
        ...(await box.evaluate((element) => ({
          scrolls: element.scrollWidth > element.clientWidth + 1,
          marked: element.hasAttribute('data-scrolls'),
          tabStop: (element as HTMLElement).tabIndex === 0,
          name: element.getAttribute('aria-label') ?? element.getAttribute('aria-labelledby') ?? '',
          hint:
            element.tagName === 'FIGURE'
              ? getComputedStyle(element, '::before').content !== 'none'
              : getComputedStyle(element).backgroundImage.includes('gradient'),
        }))),
        tabStopAtLoad: tabStopsAtLoad[index],
      });
    }
    return seen;
  };

  test('at 390 px, a figure wider than the column says it scrolls, and is a named tab stop', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    let wide = 0;
    for (const path of sandboxPages) {
      await page.goto(pageUrl(path));
      for (const figure of await figures(page)) {
        expect(figure.marked, path).toBe(figure.scrolls);
        if (!figure.scrolls) continue;
        wide += 1;
        expect({ ...figure, name: figure.name.length > 0 }, path).toEqual({
          scrolls: true,
          marked: true,
          tabStop: true,
          tabStopAtLoad: true,
          name: true,
          hint: true,
        });
      }
      expect(await pageOverflow(page), path).toBeLessThanOrEqual(0);
    }
    expect(wide).toBeGreaterThan(sandboxPages.length);
    await page.close();
  });

  test('at 1280 px, figures fit and are no tab stops', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(pageUrl('patterns/push/'));
    const all = await figures(page);
    expect(all.length).toBeGreaterThan(0);
    for (const figure of all)
      expect(figure).toMatchObject({
        scrolls: false,
        marked: false,
        tabStop: false,
        tabStopAtLoad: false,
        hint: false,
      });
    await page.close();
  });
});

describe('the workbench', () => {
  test('Publish–Subscribe: the broker sits in the middle and all six hosts fit the diagram', async () => {
    const page = await open('patterns/pub-sub/', 1280, 800);
    const sandbox = page.locator('bcp-sandbox').first();
    await bringIntoView(page, sandbox);
    await runToEnd(sandbox);
    // After the run the diagram shows the start of the story, also once the last frames settled.
    const box = sandbox.locator('.tv-diagram-box');
    await page.evaluate(() => new Promise((done) => setTimeout(done, 300)));
    expect(await box.evaluate((element) => element.scrollTop)).toBe(0);
    const hosts = await sandbox.locator('.tv-diagram-head text.tv-host').allTextContents();
    // Names too long for a lane alternate between two rows and are shown whole at this width.
    expect(hosts).toEqual([
      'publisher',
      'thumbnails-1',
      'thumbnails-2',
      'broker',
      'notify',
      'audit',
    ]);
    const edge = await box.boundingBox();
    const last = await sandbox.locator('.tv-diagram-head rect.tv-host-box').last().boundingBox();
    expect(edge && last && last.x + last.width <= edge.x + edge.width).toBe(true);
    await page.close();
  });

  test('at 390 px, picking a pane after scrolling down a long file shows that pane from its top, under the run bar', async () => {
    const page = await open('patterns/pub-sub/', 390, 844);
    const sandbox = page.locator('bcp-sandbox').first();
    await bringIntoView(page, sandbox);
    await runToEnd(sandbox);
    await sandbox.getByRole('button', { name: 'Steps & code', exact: true }).click();
    // A reader reads down to the end of the steps, then wants the trace.
    await sandbox.locator('.sb-work').evaluate((work) => {
      window.scrollBy(0, work.getBoundingClientRect().bottom - window.innerHeight);
    });
    await sandbox.getByRole('button', { name: 'Trace', exact: true }).click();
    const bar = await sandbox.locator('.sb-runbar').boundingBox();
    const trace = await sandbox.locator('.sb-trace').boundingBox();
    expect(bar && trace && trace.y - (bar.y + bar.height)).toBeGreaterThanOrEqual(-1);
    expect(bar && trace && trace.y - (bar.y + bar.height)).toBeLessThan(40);
    await page.close();
  });

  test('hosts can be hidden from the keyboard: their messages fold into notes, and Show all brings them back', async () => {
    const page = await open('patterns/pub-sub/', 1280, 800);
    const sandbox = page.locator('bcp-sandbox').first();
    await bringIntoView(page, sandbox);
    await runToEnd(sandbox);
    const lifelines = sandbox.locator('.tv-diagram-head text.tv-host');
    const toggles = sandbox.locator('.tv-hosts label');
    await sandbox.locator('.tv-hosts summary').focus();
    await page.keyboard.press('Enter');
    const all = await toggles.allTextContents();
    expect(all).toHaveLength(6);
    expect(await lifelines.count()).toBe(6);
    const hidden = 'audit';
    const toggle = sandbox.getByRole('checkbox', { name: hidden, exact: true });
    await toggle.focus();
    await page.keyboard.press('Space');
    expect(await toggle.isChecked()).toBe(false);
    await expect.poll(() => lifelines.count()).toBe(5);
    expect(await lifelines.allTextContents()).not.toContain(hidden);
    expect(await sandbox.locator('.tv-hosts summary').textContent()).toBe('Hosts: 5 of 6');
    // No arrow is left to or from the hidden host; its messages are notes in their place in time.
    const folds = sandbox.locator('.tv-lanes g.tv-fold');
    await folds.first().waitFor();
    expect(await folds.first().textContent()).toMatch(/⋯ \d+ messages? with hidden hosts/);
    const titles = await sandbox
      .locator('.tv-lanes g.tv-row:not(.tv-fold) title')
      .allTextContents();
    expect(titles.length).toBeGreaterThan(0);
    expect(titles.filter((title) => title.includes(` ${hidden} `))).toEqual([]);
    // A note opens its first message in the wire view.
    await folds.first().click();
    const heading = sandbox.getByRole('group', { name: 'Wire view' }).locator('h4');
    await expect.poll(() => heading.textContent()).toContain(hidden);
    await sandbox.getByRole('button', { name: 'Show all' }).press('Enter');
    await expect.poll(() => lifelines.count()).toBe(6);
    expect(await folds.count()).toBe(0);
    await page.close();
  });

  test('selecting a message shows its wire form in view, with the diagram still in view', async () => {
    const page = await open('patterns/request-response/', 1280, 800);
    const sandbox = page.locator('bcp-sandbox').first();
    await bringIntoView(page, sandbox);
    await runToEnd(sandbox);
    await sandbox.locator('.tv-lanes g.tv-request').first().click();
    const wire = sandbox.getByRole('group', { name: 'Wire view' });
    await wire.locator('tbody code').first().waitFor();
    expect(await wire.locator('tbody code').first().textContent()).toBe('POST /uploads HTTP/1.1');
    expect(await onScreen(page, wire)).toBe(true);
    expect(await onScreen(page, sandbox.locator('.tv-diagram-box'))).toBe(true);
    await page.close();
  });

  test('at 1280×800 the wire view opens beside the message list, whole on screen, and the keys drive it', async () => {
    const page = await open('patterns/pub-sub/', 1280, 800);
    const sandbox = page.locator('bcp-sandbox').first();
    await bringIntoView(page, sandbox);
    await runToEnd(sandbox);
    // Every text of the diagram is at least 12 px, and the legend says what its marks mean.
    const sizes = await sandbox
      .locator('.tv-diagram-box text')
      .evaluateAll((texts) => texts.map((text) => parseFloat(getComputedStyle(text).fontSize)));
    expect(sizes.length).toBeGreaterThan(0);
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(12);
    await sandbox.locator('.tv-legend summary').click();
    const legend = await sandbox.locator('.tv-legend').innerText();
    for (const mark of ['Solid arrow', 'Dashed arrow', 'Green label', 'Red label', 'Bar on'])
      expect(legend).toContain(mark);
    await sandbox.locator('.tv-legend summary').click();
    await sandbox.getByRole('button', { name: 'Messages', exact: true }).click();
    const list = sandbox.getByRole('listbox');
    await list.focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    const wire = sandbox.getByRole('group', { name: 'Wire view' });
    const heading = wire.locator('h4');
    await expect.poll(() => heading.textContent()).toMatch(/^Wire view: /);
    const [pane, beside] = [await wire.boundingBox(), await list.boundingBox()];
    const viewport = page.viewportSize();
    if (!pane || !beside || !viewport) throw new Error('the wire view or the list has no box');
    // Whole on screen, to the right of the list (not under it) and level with it.
    expect(pane.x).toBeGreaterThanOrEqual(0);
    expect(pane.y).toBeGreaterThanOrEqual(0);
    expect(pane.x + pane.width).toBeLessThanOrEqual(viewport.width);
    expect(pane.y + pane.height).toBeLessThanOrEqual(viewport.height);
    expect(pane.x).toBeGreaterThanOrEqual(beside.x + beside.width - 1);
    expect(pane.y).toBeLessThan(beside.y + beside.height);
    expect(pane.y + pane.height).toBeGreaterThan(beside.y);
    // Focus stays in the list: the next arrow shows the next message in the open wire view.
    const selected = () => list.locator('[aria-selected="true"]').getAttribute('id');
    expect(await selected()).toMatch(/-m1$/);
    await page.keyboard.press('ArrowDown');
    await expect.poll(selected).toMatch(/-m2$/);
    expect(await list.evaluate((element) => element === document.activeElement)).toBe(true);
    // Escape closes it and leaves focus where it was.
    await page.keyboard.press('Escape');
    await expect.poll(() => wire.isVisible()).toBe(false);
    expect(await list.evaluate((element) => element === document.activeElement)).toBe(true);
    await page.close();
  });

  test('a WebSocket handshake shows its upgrade request and its 101 answer header by header', async () => {
    const page = await open('patterns/push/', 1280, 800);
    const sandbox = page.locator('bcp-sandbox').first();
    await bringIntoView(page, sandbox);
    await runToEnd(sandbox);
    const wire = sandbox.getByRole('group', { name: 'Wire view' });
    const lines = async (): Promise<string[]> => {
      await wire.locator('tbody code').first().waitFor();
      return wire.locator('tbody code').allTextContents();
    };
    const bytes = async (): Promise<number[]> =>
      (await wire.locator('tbody td.tv-bytes').allTextContents()).map(Number);
    await sandbox.locator('.tv-lanes g.tv-ws-open').first().click();
    const upgrade = await lines();
    expect(upgrade[0]).toMatch(/^GET \/notifications\?name=\w+ HTTP\/1\.1$/);
    expect(upgrade).toEqual(
      expect.arrayContaining([
        'connection: Upgrade',
        'upgrade: websocket',
        'sec-websocket-version: 13',
      ]),
    );
    const key = upgrade.find((line) => line.startsWith('sec-websocket-key: '))?.slice(19) ?? '';
    expect(Buffer.from(key, 'base64')).toHaveLength(16);
    // The byte count is the whole head, as the parts add up.
    const total = Number(await wire.locator('tfoot .tv-total').textContent());
    expect(total).toBe((await bytes()).reduce((sum, n) => sum + n, 0));
    expect(total).toBeGreaterThan(150);
    await sandbox.locator('.tv-lanes g.tv-status-1').first().click();
    await wire.getByText('HTTP/1.1 101 Switching Protocols').waitFor();
    // RFC 6455 §4.2.2: the accept value is base64(SHA-1(key + GUID)), for this socket's own key.
    const accept = createHash('sha1')
      .update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`)
      .digest('base64');
    expect(await lines()).toEqual([
      'HTTP/1.1 101 Switching Protocols',
      'Upgrade: websocket',
      'Connection: Upgrade',
      `Sec-WebSocket-Accept: ${accept}`,
      '',
    ]);
    await page.close();
  });

  test('a number knob refuses an out-of-range value with a message, and Run says why it did not run', async () => {
    const page = await open('patterns/multiplexing/', 1280, 800);
    const sandbox = page.locator('bcp-sandbox').first();
    const pool = sandbox.getByLabel('HTTP/1.1 pool size (connections)');
    await pool.fill('99999');
    await expect
      .poll(() =>
        sandbox
          .getByText('HTTP/1.1 pool size (connections): 99999 is above the maximum, 30.')
          .count(),
      )
      .toBe(1);
    expect(await pool.getAttribute('aria-invalid')).toBe('true');
    await sandbox.getByRole('button', { name: 'Run', exact: true }).click();
    await expect
      .poll(() => sandbox.locator('[data-status]').textContent())
      .toMatch(/^Not run: HTTP\/1\.1 pool size .*above the maximum, 30\.$/);
    expect(await sandbox.locator('[data-console-lines] li').count()).toBe(0);
    await pool.fill('3');
    expect(await pool.getAttribute('aria-invalid')).toBe('false');
    await page.close();
  });

  test('an on/off setting is a switch, and the run sees it', async () => {
    const page = await open('patterns/stateful-stateless/', 1280, 800);
    const sandbox = page.locator('bcp-sandbox').first();
    const sticky = sandbox.getByRole('switch', { name: 'Sticky sessions' });
    expect(await sticky.isChecked()).toBe(false);
    await sticky.check();
    await runToEnd(sandbox);
    expect(await sandbox.locator('[data-console-lines]').innerText()).toMatch(
      /pinned this client to app-/,
    );
    await page.close();
  });

  test('files show in tabs that wrap: every file tab is on screen', async () => {
    const page = await open('patterns/pub-sub/', 1280, 800);
    const sandbox = page.locator('bcp-sandbox').first();
    await bringIntoView(page, sandbox);
    for (const tab of await sandbox.getByRole('tab').all()) {
      expect(await onScreen(page, tab), await tab.innerText()).toBe(true);
    }
    await page.close();
  });

  test('a skip link takes the keyboard to the sandbox, where the next Tab reaches Run', async () => {
    const page = await open('patterns/request-response/', 1280, 800);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe(
      'Skip to the sandbox',
    );
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    expect(
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.action),
    ).toBe('run');
    await page.close();
  });

  test.each(['patterns/server-sent-events/', 'patterns/pub-sub/'])(
    'at 1280×800 on %s, the console and the trace never paint over each other, with the wire view open',
    async (path) => {
      const { page, sandbox } = await openAndRun(path, 1280, 800);
      await sandbox.locator('.tv-lanes g.tv-row').first().click();
      await sandbox.getByRole('group', { name: 'Wire view' }).locator('tbody').waitFor();
      const boxes = await sandbox.evaluate((root) => {
        const bottom = (selector: string) =>
          root.querySelector(selector)?.getBoundingClientRect().bottom ?? NaN;
        const top = (selector: string) =>
          root.querySelector(selector)?.getBoundingClientRect().top ?? NaN;
        return {
          linesBottom: bottom('[data-console-lines]'),
          consoleBottom: bottom('.sb-console'),
          traceTitleTop: top('.sb-trace .sb-region-title'),
        };
      });
      // The console's lines end inside the console, and the console ends where the trace begins.
      expect(boxes.linesBottom).toBeLessThanOrEqual(boxes.consoleBottom + 0.5);
      expect(boxes.consoleBottom).toBeLessThanOrEqual(boxes.traceTitleTop + 0.5);
      await page.close();
    },
  );

  test('at 1280×800 the diagram gets the height: at least 8 rows after a run, and as many with the Hosts panel open', async () => {
    const { page, sandbox } = await openAndRun('patterns/pub-sub/', 1280, 800);
    const box = sandbox.locator('.tv-diagram-box');
    const height = async () => (await box.boundingBox())?.height ?? 0;
    // 40 px of host names, then 28 px a row.
    const closed = await height();
    expect(closed).toBeGreaterThanOrEqual(40 + 8 * 28);
    await sandbox.locator('.tv-hosts summary').click();
    await sandbox.getByRole('checkbox', { name: 'audit', exact: true }).waitFor();
    expect(await height()).toBeGreaterThanOrEqual(closed - 1);
    // It closes again from its summary, which the open panel does not cover.
    await sandbox.locator('.tv-hosts summary').click();
    expect(await sandbox.getByRole('checkbox', { name: 'audit', exact: true }).isVisible()).toBe(
      false,
    );
    await page.close();
  });

  for (const [theme, width, height] of [
    ['light', 1280, 800],
    ['dark', 390, 844],
  ] as const) {
    test(`the highlighted code shows a visible focus ring, unclipped (${theme}, ${width} px)`, async () => {
      const context = await newThemedContext(browser, theme);
      const page = await context.newPage();
      await page.setViewportSize({ width, height });
      await page.goto(pageUrl('patterns/request-response/'));
      const sandbox = page.locator('bcp-sandbox').first();
      await bringIntoView(page, sandbox);
      await sandbox.getByRole('tab', { name: 'Steps' }).focus();
      await page.keyboard.press('ArrowRight');
      const panel = sandbox.locator('[role="tabpanel"][data-file="client.ts"]');
      await panel.locator('[data-static] .ec-line').first().waitFor();
      await page.mouse.move(0, 0);
      /*
       * What the reader sees of the panel with its top, then its bottom, in view: the part below
       * the run bar (sticky on phones) and inside the window; and whether the panel's edge is in it.
       */
      const views = async (
        at?: { scrollY: number; clip: Clip; top: boolean; bottom: boolean }[],
      ): Promise<{ scrollY: number; clip: Clip; top: boolean; bottom: boolean; png: Buffer }[]> => {
        const shots = [];
        for (const [index, edge] of (['top', 'bottom'] as const).entries()) {
          const place =
            at?.[index] ??
            (await panel.evaluate((element, edge) => {
              const bar = element.closest('bcp-sandbox')?.querySelector('.sb-runbar');
              const barBottom = () => bar?.getBoundingClientRect().bottom ?? 0;
              let box = element.getBoundingClientRect();
              if (edge === 'top') window.scrollBy(0, box.top - barBottom());
              else if (box.bottom > innerHeight) window.scrollBy(0, box.bottom - innerHeight);
              box = element.getBoundingClientRect();
              const top = Math.max(box.top, barBottom());
              const bottom = Math.min(box.bottom, innerHeight);
              const clip = { x: box.left, y: top, width: box.width, height: bottom - top };
              const near = (a: number, b: number) => Math.abs(a - b) < 1;
              return { scrollY, clip, top: near(top, box.top), bottom: near(bottom, box.bottom) };
            }, edge));
          await page.evaluate((y) => window.scrollTo(0, y), place.scrollY);
          shots.push({
            ...place,
            png: await page.screenshot({ clip: place.clip }),
          });
        }
        return shots;
      };
      const before = await views();
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.className)).toBe('sb-static');
      const after = await views(before);
      // What the reader sees changes on every side in view: the ring is over the code, unclipped.
      expect(
        await changedPixels(before[0]?.png ?? Buffer.of(), after[0]?.png ?? Buffer.of()),
      ).toBeGreaterThan(200);
      const edges = { top: false, bottom: false, left: false, right: false };
      for (const [index, view] of after.entries()) {
        const changed = await changedEdges(before[index]?.png ?? Buffer.of(), view.png);
        edges.left ||= changed.left === true;
        edges.right ||= changed.right === true;
        edges.top ||= view.top && changed.top === true;
        edges.bottom ||= view.bottom && changed.bottom === true;
      }
      expect(edges).toEqual({ top: true, bottom: true, left: true, right: true });
      await context.close();
    });
  }

  test('opening the editor keeps the highlighted code’s colours, light and dark', async () => {
    for (const theme of ['light', 'dark'] as const) {
      const context = await newThemedContext(browser, theme);
      const page = await context.newPage();
      await page.setViewportSize({ width: 1280, height: 800 });
      await page.goto(pageUrl('patterns/request-response/'));
      const sandbox = page.locator('bcp-sandbox').first();
      await sandbox.getByRole('tab', { name: 'client.ts' }).click();
      const panel = sandbox.locator('[role="tabpanel"][data-file="client.ts"]');
      await panel.locator('[data-static] .ec-line').first().waitFor();
      const tokens = ['main', 'good', 'send', 'JSON', 'stringify', 'fileName', 'sizeBytes', 'log'];
      const before = await tokenColours(panel.locator('[data-static] pre'), tokens);
      await panel.locator('[data-static] pre').click();
      await panel.locator('.cm-content .cm-line').first().waitFor();
      const after = await tokenColours(panel.locator('.cm-content'), tokens);
      expect(after, theme).toEqual(before);
      await context.close();
    }
  });

  test('at 390 px the counters table fits the width', async () => {
    const { page, sandbox } = await openAndRun('patterns/request-response/', 390, 844);
    await sandbox.getByRole('button', { name: 'Trace', exact: true }).click();
    await sandbox.getByRole('button', { name: 'Counters', exact: true }).click();
    const counters = sandbox.getByRole('group', { name: 'Counters per host' });
    await counters.locator('tbody th').first().waitFor();
    const widths = await counters.evaluate((element) => ({
      box: element.clientWidth,
      drawn: element.scrollWidth,
    }));
    expect(widths.drawn).toBeLessThanOrEqual(widths.box);
    // Each figure still says what it counts.
    expect(await counters.innerText()).toContain('HTTP requests sent / received');
    expect(await counters.innerText()).toMatch(/client[\s\S]*server/);
    expect(await pageOverflow(page)).toBeLessThanOrEqual(0);
    await page.close();
  });

  test('at 390 px, selecting a message brings its wire view on screen', async () => {
    const { page, sandbox } = await openAndRun('patterns/request-response/', 390, 844);
    await sandbox.getByRole('button', { name: 'Trace', exact: true }).click();
    await sandbox.locator('.tv-lanes g.tv-request').first().click();
    const wire = sandbox.getByRole('group', { name: 'Wire view' });
    await wire.locator('tbody code').first().waitFor();
    await expect.poll(() => onScreen(page, wire.locator('h4'))).toBe(true);
    await page.close();
  });

  test('every number knob shows its largest value whole', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const clipped: string[] = [];
    for (const path of sandboxPages) {
      await page.goto(pageUrl(path));
      const boxes = await page.locator('bcp-sandbox input[type="number"]').evaluateAll((inputs) =>
        inputs.map((element) => {
          const input = element as HTMLInputElement;
          const value = input.value;
          // An empty box may already report a pixel of rounding as overflow: the text must add none.
          input.value = '';
          const room = Math.max(input.clientWidth, input.scrollWidth);
          input.value = input.max;
          const fits = input.scrollWidth <= room;
          input.value = value;
          return { name: input.name, max: input.max, fits };
        }),
      );
      for (const box of boxes) if (!box.fits) clipped.push(`${path} ${box.name} ${box.max}`);
    }
    expect(clipped).toEqual([]);
    await page.close();
  });

  test('at 390 px a fault button can be pressed during a run, from the console', async () => {
    const page = await open('patterns/server-sent-events/', 390, 844);
    const sandbox = page.locator('bcp-sandbox').first();
    await bringIntoView(page, sandbox);
    // The first stream never ends by itself, so only the button can end it.
    await sandbox.getByLabel('Server ends the first stream after N events (0: never)').fill('0');
    await sandbox.getByRole('button', { name: 'Run', exact: true }).click();
    const console = sandbox.locator('[data-console-lines]');
    await expect.poll(() => console.innerText(), { timeout: 30_000 }).toContain('#2 ACME');
    const drop = sandbox.getByRole('button', { name: 'Drop the stream' });
    expect(await drop.isVisible()).toBe(true);
    expect(await drop.isEnabled()).toBe(true);
    await drop.scrollIntoViewIfNeeded();
    expect(await onScreen(page, drop)).toBe(true);
    await drop.click();
    await expect
      .poll(() => console.innerText(), { timeout: 30_000 })
      .toContain('stream ended after #');
    await page.close();
  });

  test('the highlighted code shows line numbers, as error positions cite them', async () => {
    const page = await open('patterns/request-response/', 1280, 800);
    const sandbox = page.locator('bcp-sandbox').first();
    // A file's code comes into the page when its tab is first selected (decisions/0060).
    await sandbox.getByRole('tab', { name: 'client.ts' }).click();
    const numbers = await sandbox
      .locator('[data-file="client.ts"] [data-static] .ln')
      .first()
      .waitFor()
      .then(() => sandbox.locator('[data-file="client.ts"] [data-static] .ln').allTextContents());
    const lines = readFileSync(
      resolve(import.meta.dirname, '../../sandboxes/request-response/client.ts'),
      'utf8',
    )
      .replace(/\n$/, '')
      .split('\n').length;
    expect(numbers.slice(0, 3)).toEqual(['1', '2', '3']);
    expect(numbers).toHaveLength(lines);
    await page.close();
  });
});
