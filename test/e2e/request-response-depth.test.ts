/**
 * The Request–Response chapter's two further sandboxes as a reader uses them, in Chromium against
 * the built site: the image upload service (one request restarts from byte 0 after a dropped
 * connection, the parted upload resumes from the last stored part, in the console, the message
 * list and the counters) and the serialization table (JSON, XML and binary at three sizes).
 */
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { launchChromium, pageUrl, watchPage, type PageProblems } from './helpers';

const CHAPTER = 'patterns/request-response/';
/** The PNG the upload client makes at the default width of 320 px, and its parts of 32 KB. */
const IMAGE_BYTES = 192_278;
const PART_BYTES = 32 * 1024;

let browser: Browser;
let page: Page;
let problems: PageProblems;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

afterEach(async () => {
  expect(problems).toEqual({ consoleErrors: [], pageErrors: [], failedRequests: [] });
  await page.close();
});

async function open(id: string): Promise<Locator> {
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  problems = watchPage(page);
  await page.goto(pageUrl(CHAPTER));
  const sandbox = page.locator(`bcp-sandbox[data-sandbox="${id}"]`);
  await sandbox.scrollIntoViewIfNeeded();
  return sandbox;
}

/** Types a value into a knob, as a reader does before pressing Run. */
async function setKnob(sandbox: Locator, label: string | RegExp, value: number): Promise<void> {
  await sandbox.getByLabel(label).fill(String(value));
}

async function runToEnd(sandbox: Locator, timeout = 60_000): Promise<void> {
  await sandbox.getByRole('button', { name: 'Run', exact: true }).click();
  await waitForEnd(sandbox, timeout);
}

async function waitForEnd(sandbox: Locator, timeout = 60_000): Promise<void> {
  await sandbox
    .locator('[data-status]')
    .filter({ hasText: /Finished|Ended|Stopped/ })
    .waitFor({ timeout });
  expect(await sandbox.locator('[data-status]').innerText()).toMatch(/^Finished/);
}

/** The console's lines without the host labels (each line is preceded by its host's name). */
async function consoleLines(sandbox: Locator): Promise<string[]> {
  return sandbox
    .locator('[data-console-lines] li')
    .evaluateAll((items) =>
      items.map((item) =>
        (item.textContent ?? '').replace(/^\s*(client|server)\s*/, '').replace(/^⚠\s*/, ''),
      ),
    );
}

/** Waits until a console line matches, as a reader watching the console does. */
async function consoleShows(sandbox: Locator, pattern: RegExp): Promise<void> {
  await sandbox
    .locator('[data-console-lines] li')
    .filter({ hasText: pattern })
    .first()
    .waitFor({ timeout: 30_000 });
}

const trace = (sandbox: Locator) => sandbox.getByRole('region', { name: 'Network trace' });

/** Every row of the trace's message list, read by scrolling it (it draws only the rows in view). */
async function messageList(sandbox: Locator): Promise<string[]> {
  await trace(sandbox).getByRole('button', { name: 'Messages', exact: true }).click();
  const list = trace(sandbox).getByRole('listbox');
  await list.getByRole('option').first().waitFor();
  const rows = new Map<number, string>();
  const total = Number(await list.getByRole('option').first().getAttribute('aria-setsize'));
  for (let top = 0; rows.size < total; top += 100) {
    await list.evaluate(async (element, to) => {
      element.scrollTop = to;
      element.dispatchEvent(new Event('scroll'));
      await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
    }, top);
    const seen = await list
      .getByRole('option')
      .evaluateAll((options) =>
        options.map((option) => [
          Number(option.getAttribute('data-index')),
          (option.textContent ?? '').replace(/\s+/g, ' '),
        ]),
      );
    for (const [index, text] of seen) rows.set(index as number, text as string);
    if (top > total * 100) break;
  }
  return [...rows.entries()].sort(([a], [b]) => a - b).map(([, text]) => text);
}

/** The message list's requests as "METHOD path", and what answered each ("error" for a drop). */
function requestsIn(rows: string[]): string[] {
  const out: string[] = [];
  for (const row of rows) {
    const request = /client → server (GET|PUT|POST) (\S+)/.exec(row);
    if (request) out.push(`${request[1]} ${request[2]}`);
    else if (/server → client error/.test(row)) out.push('error');
  }
  return out;
}

/** The counters table as host → cells (requests, WebSocket, statuses, bytes sent, bytes received…). */
async function counters(sandbox: Locator): Promise<Map<string, string[]>> {
  await trace(sandbox).getByRole('button', { name: 'Counters', exact: true }).click();
  const rows = trace(sandbox).locator('.tv-counters tbody tr');
  await rows.first().waitFor();
  const cells = await rows.evaluateAll((elements) =>
    elements.map((row) =>
      [...(row as HTMLTableRowElement).cells].map((cell) => cell.textContent ?? ''),
    ),
  );
  return new Map(cells.map(([host = '', ...rest]) => [host, rest]));
}

/** The body half of a "headers + body" cell, in bytes ("595.4 KB" → 609690, to 0.1 KB). */
function bodyBytes(cell: string | undefined): number {
  const match = /\+ ([\d.]+) (B|KB)$/.exec(cell ?? '');
  if (!match) throw new Error(`not a "headers + body" cell: ${String(cell)}`);
  return Number(match[1]) * (match[2] === 'KB' ? 1024 : 1);
}

describe('the image upload service', () => {
  test('the link drops each upload once at 60%: the single POST starts again from byte 0, the parts resume from the last stored part', async () => {
    const sandbox = await open('request-response.upload');
    await runToEnd(sandbox);

    const lines = await consoleLines(sandbox);
    expect(lines[0]).toBe(
      `a 320×200 PNG made in code: ${IMAGE_BYTES} bytes, sha-256 ${/sha-256 (\S+)$/.exec(lines[0] ?? '')?.[1]}`,
    );
    expect(lines).toEqual(
      expect.arrayContaining([
        `one request: the connection dropped after 115366 of ${IMAGE_BYTES} bytes`,
        `attempt 1: connection lost; the server kept nothing, so all ${IMAGE_BYTES} bytes go again`,
        'upload u1: 6 parts of up to 32768 bytes',
        `upload u1: the connection dropped after 115366 of ${IMAGE_BYTES} bytes`,
        'part 4: connection lost; the server has parts [1, 2, 3], resuming at part 4',
      ]),
    );
    // Both ways, the server checked the SHA-256 and read the size from the PNG header.
    const stored = lines.filter((line) => line.startsWith('stored a 320×200 image/png'));
    expect(stored).toHaveLength(2);
    expect(lines.find((line) => line.startsWith('attempt 2: 201'))).toMatch(
      /width: 320, height: 200, bytes: 192278/,
    );
    expect(lines.find((line) => line.startsWith('complete: 201'))).toMatch(
      /width: 320, height: 200, bytes: 192278/,
    );

    // The message list: the single POST twice, the first one ending in an error; part 4 twice
    // after the server was asked, and no stored part sent again.
    expect(requestsIn(await messageList(sandbox))).toEqual([
      'POST /images',
      'error',
      'POST /images',
      'POST /uploads',
      'PUT /uploads/u1/parts/1',
      'PUT /uploads/u1/parts/2',
      'PUT /uploads/u1/parts/3',
      'PUT /uploads/u1/parts/4',
      'error',
      'GET /uploads/u1',
      'PUT /uploads/u1/parts/4',
      'PUT /uploads/u1/parts/5',
      'PUT /uploads/u1/parts/6',
      'POST /uploads/u1/complete',
    ]);

    // The counters: the client sent the image three times over (twice whole, once in parts) plus
    // one part again, and a few hundred bytes of JSON; the server received the same.
    const withDrops = await counters(sandbox);
    const sent = bodyBytes(withDrops.get('client')?.[3]);
    expect(withDrops.get('client')?.[0]).toBe('12 / 0');
    expect(sent).toBeGreaterThanOrEqual(3 * IMAGE_BYTES + PART_BYTES);
    expect(sent).toBeLessThan(3 * IMAGE_BYTES + PART_BYTES + 1024);
    expect(bodyBytes(withDrops.get('server')?.[4])).toBe(sent);

    // Try-it step 2: without the drops, the difference is one whole image and one part.
    await setKnob(sandbox, /The link drops each upload once at/, 0);
    await runToEnd(sandbox);
    const clean = await counters(sandbox);
    expect(clean.get('client')?.[0]).toBe('9 / 0');
    const saved = sent - bodyBytes(clean.get('client')?.[3]);
    expect(Math.abs(saved - (IMAGE_BYTES + PART_BYTES))).toBeLessThan(103);
  });

  test('an image over 1 MB: the single POST gets 413 from its Content-Length, the parts get through (Try-it step 3)', async () => {
    const sandbox = await open('request-response.upload');
    // The reader comes from step 2, which turned the drops off.
    await setKnob(sandbox, /The link drops each upload once at/, 0);
    await setKnob(sandbox, 'Image width (px)', 800);
    await runToEnd(sandbox);
    const lines = await consoleLines(sandbox);
    expect(lines).toContain(
      "attempt 1: 413 { error: 'a request may carry at most 1048576 bytes; send the image in parts (this one declares 1200658)' }",
    );
    expect(lines).toContain('upload u1: 37 parts of up to 32768 bytes');
    expect(lines.find((line) => line.startsWith('complete: '))).toMatch(
      /^complete: 201 .*width: 800, height: 500, bytes: 1200658/,
    );
    expect((await counters(sandbox)).get('server')?.[2]).toBe('2xx 39 · 4xx 1');
  });

  test('"Drop the connection now" mid-upload: the single upload restarts, the parted one resumes (Try-it step 5)', async () => {
    const sandbox = await open('request-response.upload');
    await setKnob(sandbox, 'Uplink speed (KB/s)', 32);
    await setKnob(sandbox, /The link drops each upload once at/, 0);
    const drop = sandbox.getByRole('button', { name: 'Drop the connection now' });
    await sandbox.getByRole('button', { name: 'Run', exact: true }).click();

    // At 32 KB/s the whole image takes about 6 s: cut it one second in.
    await consoleShows(sandbox, /— one request —/);
    await page.waitForTimeout(1000);
    await drop.click();
    // Each part takes about 1 s: cut the second one half-way.
    await consoleShows(sandbox, /upload u1: 6 parts of up to 32768 bytes/);
    await page.waitForTimeout(1500);
    await drop.click();
    await waitForEnd(sandbox);

    const lines = await consoleLines(sandbox);
    expect(lines).toContain(
      `attempt 1: connection lost; the server kept nothing, so all ${IMAGE_BYTES} bytes go again`,
    );
    expect(lines.find((line) => line.startsWith('attempt 2: '))).toMatch(/^attempt 2: 201/);
    const resumed = lines
      .map((line) =>
        /^part (\d+): connection lost; the server has parts \[([\d, ]*)\], resuming at part (\d+)$/.exec(
          line,
        ),
      )
      .filter((match) => match !== null);
    expect(resumed).toHaveLength(1);
    const [, lost = '', stored = '', next = ''] = resumed[0] ?? [];
    expect(Number(lost)).toBeGreaterThan(1);
    expect(next).toBe(lost);
    expect(stored).toBe(
      Array.from({ length: Number(lost) - 1 }, (_, index) => index + 1).join(', '),
    );
    expect(lines.find((line) => line.startsWith('complete: '))).toMatch(/^complete: 201/);

    const requests = requestsIn(await messageList(sandbox));
    expect(requests.filter((request) => request === 'POST /images')).toHaveLength(2);
    for (let part = 1; part <= 6; part++) {
      const times = requests.filter((request) => request === `PUT /uploads/u1/parts/${part}`);
      expect(times, `part ${part}`).toHaveLength(part === Number(lost) ? 2 : 1);
    }
    // The client handed over every body whole (the server's end of the link drew them in at the
    // uplink speed), so the counters count the cut POST and the cut part in full, as at 60%.
    const sent = bodyBytes((await counters(sandbox)).get('client')?.[3]);
    expect(sent).toBeGreaterThanOrEqual(3 * IMAGE_BYTES + PART_BYTES);
    expect(sent).toBeLessThan(3 * IMAGE_BYTES + PART_BYTES + 1024);
  });
});

describe('what serialization costs', () => {
  /** The printed table as rows of { records, format, bytes, serialize, parse }. */
  function table(lines: string[]) {
    return lines
      .map((line) => /^\s*(\d+)\s+(\w+)\s+(\d+)\s+([\d.]+) ms\s+([\d.]+) ms$/.exec(line))
      .filter((match) => match !== null)
      .map(([, records, format, bytes, serialize, parse]) => ({
        records: Number(records),
        format,
        bytes: Number(bytes),
        serialize: Number(serialize),
        parse: Number(parse),
      }));
  }

  test('the table shows bytes and median times for JSON, XML and binary at three sizes, and the trace carries those bytes', async () => {
    const sandbox = await open('request-response.serialization');
    for (const largest of [1000, 10_000]) {
      // Try-it step 2 sets the largest size to 10000.
      await setKnob(sandbox, 'Largest size (records)', largest);
      await runToEnd(sandbox, 90_000);
      const lines = await consoleLines(sandbox);
      expect(lines).toContainEqual(
        expect.stringMatching(/^records\s+format\s+bytes\s+serialize\s+parse$/),
      );
      expect(lines).toContain('every format decoded to the same products as JSON');
      const rows = table(lines);
      expect(rows.map((row) => `${row.records} ${row.format}`)).toEqual(
        [10, 100, largest].flatMap((count) => [`${count} json`, `${count} xml`, `${count} binary`]),
      );
      for (const row of rows) {
        expect(row.serialize, `${row.records} ${row.format}`).toBeGreaterThan(0);
        expect(row.parse, `${row.records} ${row.format}`).toBeGreaterThan(0);
      }
      for (const count of [10, 100, largest]) {
        const [json, xml, binary] = rows.filter((row) => row.records === count);
        expect(binary?.bytes).toBeLessThan(json?.bytes ?? 0);
        expect(json?.bytes).toBeLessThan(xml?.bytes ?? 0);
      }
      // The bytes column is what crossed the (virtual) network: the counters add up to its sum.
      const total = rows.reduce((sum, row) => sum + row.bytes, 0);
      const received = bodyBytes((await counters(sandbox)).get('client')?.[4]);
      expect(Math.abs(received - total)).toBeLessThan(52);
      const responses = (await messageList(sandbox)).filter((row) =>
        /server → client 200 OK/.test(row),
      );
      expect(responses).toHaveLength(9);
    }
  });
});
