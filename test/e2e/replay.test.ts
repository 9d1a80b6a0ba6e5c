/**
 * Replay, in Chromium against the built site: after a sandbox run, the timeline takes the diagram,
 * the list, the counters and the open connections back to a moment; the keyboard steps one message
 * at a time and the wire view follows; playback at 4× reaches the end; a 10,000-event trace in the
 * trace viewer scrubs folding a checkpoint's worth of events per step, not the whole run.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, newThemedContext, pageUrl, runAxe } from './helpers';

const shots = process.env.SHOTS_DIR ?? join(import.meta.dirname, '../../.tmp/replay-shots');
/** Loading the sandbox code and running it can take seconds on a busy machine. */
const WAIT = { timeout: 20_000 };

let browser: Browser;
let page: Page;

beforeAll(async () => {
  browser = await launchChromium();
  await mkdir(shots, { recursive: true });
  page = await (await browser.newContext({ viewport: { width: 1280, height: 1000 } })).newPage();
});

afterAll(async () => {
  await browser?.close();
});

const sandbox = () => page.locator('bcp-sandbox').first();
const trace = () => sandbox().locator('[data-trace]');
const replay = () => trace().getByRole('group', { name: 'Replay' });
const slider = () => replay().getByRole('slider');
const position = () => replay().locator('output').innerText();
// The list and counters stay current while another view (the diagram) shows.
const rows = () => trace().locator('[role="listbox"] [role="option"]').count();
const wireHeading = () =>
  trace().getByRole('group', { name: 'Wire view' }).locator('h4').innerText();
const counters = (host: string) =>
  trace()
    .locator('.tv-counters tbody tr')
    .filter({ has: page.locator('th', { hasText: new RegExp(`^${host}$`) }) })
    .locator('td')
    .allTextContents();

describe('replay after a run', () => {
  let total = 0;

  it('appears when the run ends, at the end of the run', async () => {
    await page.goto(pageUrl('patterns/request-response/'));
    expect(await replay().isHidden()).toBe(true);
    await sandbox().getByRole('button', { name: 'Run', exact: true }).click();
    await expect.poll(() => replay().isVisible(), WAIT).toBe(true);
    total = await rows();
    expect(total).toBeGreaterThanOrEqual(4);
    expect(await position()).toMatch(new RegExp(`^Message ${total} of ${total}, at `));
  });

  it('scrubs the diagram, list, counters and open connections back to the first message', async () => {
    await slider().focus();
    await page.keyboard.press('Home');
    await expect
      .poll(() => position(), WAIT)
      .toMatch(new RegExp(`^Message 1 of ${total}, at [\\d.]+ m?s: client → server, POST /`));
    expect(await rows()).toBe(1);
    expect(await trace().locator('.tv-lanes g.tv-request').count()).toBe(1);
    expect(await trace().locator('.tv-lanes g.tv-response').count()).toBe(0);
    // At that moment the client has sent one request, nothing has come back, and it is open.
    const client = await counters('client');
    expect(client[0]).toBe('1 / 0');
    expect(client.at(-1)).toBe('1 / 1');
    expect(await trace().locator('.tv-status').innerText()).toMatch(
      new RegExp(`^Replay: 1 of ${total} messages, [\\d.]+ m?s into the run, 1 open\\.$`),
    );
    expect(await wireHeading()).toBe('Wire view: HTTP/1.1 request, client → server');
  });

  it('steps one message at a time from the keyboard, and the wire view follows', async () => {
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => position(), WAIT).toMatch(/^Message 2 of/);
    expect(await rows()).toBe(2);
    expect(await wireHeading()).toMatch(/^Wire view: HTTP\/1\.1 response, server → client/);
    expect((await counters('server'))[2]).toMatch(/^2xx 1$|^4xx 1$/);
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => position(), WAIT).toMatch(/^Message 1 of/);
    expect(await wireHeading()).toBe('Wire view: HTTP/1.1 request, client → server');
    await replay().getByRole('button', { name: 'Step forward one message' }).click();
    await replay().getByRole('button', { name: 'Step forward one message' }).click();
    await expect.poll(() => position(), WAIT).toMatch(/^Message 3 of/);
    expect(await rows()).toBe(3);
  });

  it('plays back at 4× to the end, and Whole run shows everything again', async () => {
    await replay().getByLabel('Speed').selectOption('4');
    await replay().getByRole('button', { name: 'Play' }).click();
    await expect.poll(() => position(), WAIT).toMatch(new RegExp(`^Message ${total} of ${total}`));
    await expect.poll(() => replay().getByRole('button', { name: 'Play' }).count(), WAIT).toBe(1);
    await replay().getByRole('button', { name: 'Whole run' }).click();
    expect(await rows()).toBe(total);
    expect(await trace().locator('.tv-status').innerText()).toMatch(/^Run ended: .* 0 open\.$/);
    expect(await runAxe(page)).toEqual([]);
  });

  it('looks right at 1280 and 390 px, light and dark', async () => {
    for (const theme of ['light', 'dark'] as const) {
      for (const width of [1280, 390]) {
        const context = await newThemedContext(browser, theme);
        const shot = await context.newPage();
        await shot.setViewportSize({ width, height: 900 });
        await shot.goto(pageUrl('patterns/request-response/'));
        const box = shot.locator('bcp-sandbox').first();
        await box.getByRole('button', { name: 'Run', exact: true }).click();
        // On a phone the trace is one of the panes; Run shows the console.
        if (width < 1000) await box.getByRole('button', { name: 'Trace', exact: true }).click();
        const group = box.getByRole('group', { name: 'Replay' });
        await group.waitFor(WAIT);
        await group.getByRole('slider').focus();
        await shot.keyboard.press('Home');
        await shot.keyboard.press('ArrowRight');
        await group.scrollIntoViewIfNeeded();
        await box
          .locator('.sb-trace')
          .screenshot({ path: join(shots, `replay-${theme}-${width}.png`) });
        await context.close();
      }
    }
  });
});

describe('replay of 10,000 events in the trace viewer', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bcp-replay-'));
  });

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('scrubs back and forth folding a few hundred events per step, not the whole run', async () => {
    // 2,500 exchanges of 4 events each (request, response, body, end).
    const start = Date.parse('2026-12-06T06:00:00Z');
    const entries = Array.from({ length: 2500 }, (_, i) => ({
      startedDateTime: new Date(start + i * 4).toISOString(),
      time: 3,
      request: {
        method: 'GET',
        url: `http://api.test/items/${i}`,
        httpVersion: 'HTTP/1.1',
        headers: [],
        queryString: [],
        cookies: [],
        headersSize: -1,
        bodySize: 0,
      },
      response: {
        status: 200,
        statusText: 'OK',
        httpVersion: 'HTTP/1.1',
        headers: [{ name: 'content-type', value: 'application/json' }],
        cookies: [],
        content: { size: 9, mimeType: 'application/json', text: `{"id":${i % 10}}` },
        redirectURL: '',
        headersSize: -1,
        bodySize: 9,
      },
      cache: {},
      timings: { send: 0, wait: 2, receive: 1 },
    }));
    const path = join(dir, 'big.har');
    await writeFile(
      path,
      JSON.stringify({ log: { version: '1.2', creator: { name: 'test', version: '1' }, entries } }),
    );
    await page.goto(pageUrl('trace-viewer/'));
    await page.getByLabel('Open a HAR file').setInputFiles(path);
    const group = page.getByRole('group', { name: 'Replay' });
    await group.waitFor(WAIT);
    const output = () => group.locator('output').innerText();
    const folded = async () => Number(await group.getAttribute('data-folded-events'));
    // The view draws the file in frames; the replay bar names the last message once all are in.
    await expect.poll(output, WAIT).toMatch(/^Message 5000 of 5000/);
    // Checkpoints copy the run again and again: none is made until the reader reaches for the replay.
    const checkpoints = async () => Number(await group.getAttribute('data-checkpoints'));
    await page.waitForTimeout(1000);
    expect(await checkpoints()).toBe(1);
    await group.hover();
    await expect.poll(checkpoints, WAIT).toBeGreaterThan(1);
    await page.evaluate(() => {
      const tasks: number[] = [];
      (window as unknown as { longTasks: number[] }).longTasks = tasks;
      new PerformanceObserver((list) =>
        list.getEntries().forEach((entry) => tasks.push(entry.duration)),
      ).observe({ type: 'longtask' });
    });
    const range = group.getByRole('slider');
    let before = 0;
    for (const value of ['4999', '100', '4000', '2500', '10', '4998']) {
      await range.fill(value);
      await expect.poll(output, WAIT).toMatch(new RegExp(`^Message ${Number(value) + 1} of 5000`));
      // The whole run already reads "Message 5000 of 5000": wait for the jump itself to fold.
      await expect.poll(folded, WAIT).toBeGreaterThan(before);
      // A jump copies the nearest checkpoint and folds at most CHECKPOINT (500) events after it.
      expect((await folded()) - before, `folded for message ${value}`).toBeLessThanOrEqual(500);
      before = await folded();
    }
    await range.focus();
    for (let i = 0; i < 20; i++) await page.keyboard.press('ArrowLeft');
    await expect.poll(output, WAIT).toMatch(/^Message 4979 of 5000/);
    expect((await folded()) - before).toBeLessThanOrEqual(20 * 500);
    await page.getByRole('button', { name: 'Messages', exact: true }).click();
    expect(await page.getByRole('listbox').getByRole('option').first().isVisible()).toBe(true);
    const longTasks = await page.evaluate(
      () => (window as unknown as { longTasks: number[] }).longTasks,
    );
    console.log(`replay scrub long tasks (ms): ${JSON.stringify(longTasks.map(Math.round))}`);
  });
});
