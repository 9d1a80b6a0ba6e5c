/**
 * The traffic view in headless Chromium with real sandbox runs: the diagram draws the exchange, the
 * wire view's byte counts equal the request's bytes, the counters match the trace, and 2,000
 * requests (and 10,000 events) keep the page responsive while the trace keeps up.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxManifest } from '../../src/sandbox/contract/manifest';
import type { TraceEvent } from '../../src/sandbox/trace/events';
import { harProblems } from '../../src/sandbox/trace/har-schema';
import { launchChromium } from './helpers';
import { readSandboxFolder, startRuntimePage, type RuntimePageServer } from './runtime-page';
import type { SandboxRunner } from '../../src/sandbox/runtime/runner-client';
import type { TraceView } from '../../src/sandbox/ui/trace-view';
import { FOLD_PER_FRAME } from '../../src/sandbox/ui/frame-scheduler';
import { POST_BATCH } from '../../src/sandbox/runtime/protocol';

/** What the bare page exposes, and what the tests leave on it. */
interface TestGlobals {
  SandboxRuntime: { SandboxRunner: typeof SandboxRunner; TraceView: typeof TraceView };
  view: TraceView;
}

const root = new URL('../../', import.meta.url).pathname;
const shots = join(root, '.tmp/trace-view-shots');

let server: RuntimePageServer;
let browser: Browser;

beforeAll(async () => {
  server = await startRuntimePage();
  browser = await launchChromium();
  await mkdir(shots, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

interface RunResult {
  end: string;
  events: TraceEvent[];
  longTasks: number[];
  maxRenderMs: number;
  /** Most events the runner delivered in one message. */
  maxBatch: number;
}

async function openPage(width = 1280): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
  (page as Page & { errors: string[] }).errors = errors;
  await page.goto(server.url);
  return page;
}

/** Runs a sandbox in the page with a TraceView on `#trace`, collecting the raw events and long tasks. */
function runInPage(
  page: Page,
  sandbox: { manifest: Required<SandboxManifest>; files: Record<string, string> },
): Promise<RunResult> {
  return page.evaluate(async ({ manifest, files }) => {
    const { SandboxRunner, TraceView } = (window as unknown as TestGlobals).SandboxRuntime;
    const longTasks: number[] = [];
    new PerformanceObserver((list) =>
      list.getEntries().forEach((entry) => longTasks.push(entry.duration)),
    ).observe({ type: 'longtask', buffered: true });
    const hosts = [...Object.keys(manifest.clients), ...Object.keys(manifest.hosts)];
    const view = new TraceView(document.getElementById('trace') as HTMLElement, {
      hosts,
      name: 'test',
    });
    (window as unknown as TestGlobals).view = view;
    const runner = await SandboxRunner.connect(new URL('/runner.html', location.href));
    // No build-compiled code here: every file goes through the in-page transpiler.
    const transpiler = await (await fetch('/transpiler.js')).text();
    const events: TraceEvent[] = [];
    let maxBatch = 0;
    const end = await new Promise<string>((resolve) =>
      runner.run(
        manifest,
        files,
        { latencyMs: 0, params: {} },
        {
          onTrace: (batch: TraceEvent[]) => {
            maxBatch = Math.max(maxBatch, batch.length);
            events.push(...batch);
            view.add(batch);
          },
          onFinished: (ok: boolean) => {
            view.finish();
            resolve(`finished ok=${ok}`);
          },
          onKilled: (reason: string) => {
            view.finish();
            resolve(`killed: ${reason}`);
          },
        },
        { transpiler },
      ),
    );
    // Let the view fold and draw the last batches (a frame folds a bounded number of events).
    const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
    while (view.behind > 0) await frame();
    await frame();
    await frame();
    return { end, events, longTasks, maxRenderMs: view.maxRenderMs, maxBatch };
  }, sandbox);
}

const bytes = (text: string): number => Buffer.byteLength(text, 'utf8');
const target = (url: string): string => {
  const parsed = new URL(url);
  return parsed.pathname + parsed.search;
};
/** Bytes of an HTTP/1.1 head, computed here independently of trace-model.ts. */
const head = (startLine: string, headers: Array<[string, string]>): number =>
  bytes(`${startLine}\r\n`) +
  headers.reduce((sum, [name, value]) => sum + bytes(`${name}: ${value}\r\n`), 0) +
  2;

describe('the traffic view on the request-response sandbox', () => {
  let page: Page;
  let result: RunResult;

  beforeAll(async () => {
    page = await openPage();
    result = await runInPage(
      page,
      await readSandboxFolder(join(root, 'sandboxes/request-response')),
    );
  });

  afterAll(() => page?.close());

  it('draws the exchange: 2 requests and 2 responses, as arrows and as list rows', async () => {
    expect(result.end).toBe('finished ok=true');
    expect(await page.locator('#trace .tv-lanes g.tv-request').count()).toBe(2);
    expect(await page.locator('#trace .tv-lanes g.tv-response').count()).toBe(2);
    await page.getByRole('button', { name: 'Messages' }).click();
    await page.locator('#trace [role="option"]').first().waitFor();
    const rows = await page.locator('#trace [role="option"]').allTextContents();
    expect(rows).toHaveLength(4);
    expect(rows[0]).toMatch(/^\d+\.\d ms client → server POST \/uploads \d+ B$/);
    expect(rows[1]).toMatch(/server → client 201 Created/);
    expect(rows[3]).toMatch(/server → client 400 Bad Request/);
    await page.getByRole('button', { name: 'Diagram' }).click();
    expect(await page.locator('#trace .tv-diagram-head text.tv-host').allTextContents()).toEqual([
      'client',
      'server',
    ]);
  });

  it('shows the first request on the wire with the byte counts of its real bytes (keyboard: Home, Enter)', async () => {
    await page.getByRole('button', { name: 'Messages' }).click();
    await page.locator('#trace [role="listbox"]').focus();
    await page.keyboard.press('End');
    await page.keyboard.press('Home');
    await page.keyboard.press('Enter');
    const request = result.events.find((event) => event.kind === 'request');
    if (request?.kind !== 'request') throw new Error('the trace has no request');
    // The body the client sends, independent of the trace.
    const body = JSON.stringify({ fileName: 'cat.png', sizeBytes: 48213 });
    expect(request.bodySize).toBe(bytes(body));
    const startLine = `POST ${target(request.url)} HTTP/1.1`;
    const expected = [
      bytes(startLine) + 2,
      ...request.headers.map(([name, value]) => bytes(`${name}: ${value}`) + 2),
      2,
      bytes(body),
    ];
    const rows = page.locator('#trace .tv-wire tbody tr');
    const counts = (await rows.locator('td.tv-bytes').allTextContents()).map(Number);
    expect(counts).toEqual(expected);
    expect(Number(await page.locator('#trace .tv-wire tfoot .tv-bytes').textContent())).toBe(
      head(startLine, request.headers) + bytes(body),
    );
    expect(await rows.first().locator('code').textContent()).toBe('POST /uploads HTTP/1.1');
    expect(await rows.last().locator('code').textContent()).toBe(body);
    expect(await page.locator('#trace [aria-selected="true"]').count()).toBe(1);
    // Arrow keys move between messages.
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    expect(await rows.first().locator('code').textContent()).toBe('HTTP/1.1 201 Created');
  });

  it('counts what the trace holds, per host (headers include chunked framing)', async () => {
    const requests = result.events.filter((event) => event.kind === 'request');
    const responses = result.events.filter((event) => event.kind === 'response');
    const chunks = result.events.filter((event) => event.kind === 'body-chunk');
    const requestHeads = requests.reduce(
      (sum, event) =>
        sum +
        (event.kind === 'request'
          ? head(`${event.method} ${target(event.url)} HTTP/1.1`, event.headers)
          : 0),
      0,
    );
    const requestBodies = requests.reduce(
      (sum, event) => sum + (event.kind === 'request' ? event.bodySize : 0),
      0,
    );
    const responseHeadsOnly = responses.reduce(
      (sum, event) =>
        sum +
        (event.kind === 'response'
          ? head(`HTTP/1.1 ${event.status} ${event.statusText}`, event.headers)
          : 0),
      0,
    );
    const responseBodies = chunks.reduce(
      (sum, event) => sum + (event.kind === 'body-chunk' ? event.size : 0),
      0,
    );
    // A chunked body adds "<hex size>\r\n" and "\r\n" around each chunk and "0\r\n\r\n" at its end.
    const chunked = new Set(
      responses.flatMap((event) =>
        event.kind === 'response' &&
        event.headers.some(
          ([name, value]) => name.toLowerCase() === 'transfer-encoding' && value === 'chunked',
        )
          ? [event.exchange]
          : [],
      ),
    );
    const framing =
      chunks.reduce(
        (sum, event) =>
          sum +
          (event.kind === 'body-chunk' && chunked.has(event.exchange)
            ? event.size.toString(16).length + 4
            : 0),
        0,
      ) +
      chunked.size * 5;
    const responseHeads = responseHeadsOnly + framing;
    await page.getByRole('button', { name: 'Counters' }).click();
    await page.locator('#trace .tv-counters tbody tr').first().waitFor();
    const table = await page
      .locator('#trace .tv-counters tbody tr')
      .evaluateAll((rows) =>
        rows.map((row) => [...(row as HTMLTableRowElement).cells].map((cell) => cell.textContent)),
      );
    expect(table).toEqual([
      [
        'client',
        '2 / 0',
        '0 / 0',
        '–',
        `${requestHeads} B + ${requestBodies} B`,
        `${responseHeads} B + ${responseBodies} B`,
        '0 / 1',
      ],
      [
        'server',
        '0 / 2',
        '0 / 0',
        '2xx 1 · 4xx 1',
        `${responseHeads} B + ${responseBodies} B`,
        `${requestHeads} B + ${requestBodies} B`,
        '0 / 1',
      ],
    ]);
    expect(await page.locator('#trace .tv-status').textContent()).toMatch(
      /^Run ended: 4 messages, [\d.]+ ms elapsed, 0 open\.$/,
    );
  });

  it('exports the trace as HAR 1.2', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export HAR' }).click(),
    ]);
    const path = await download.path();
    const data = JSON.parse(await (await import('node:fs/promises')).readFile(path, 'utf8'));
    expect(
      data.log.entries.map(
        (entry: { request: { method: string }; response: { status: number } }) =>
          `${entry.request.method} ${entry.response.status}`,
      ),
    ).toEqual(['POST 201', 'POST 400']);
    expect(download.suggestedFilename()).toMatch(/\.har$/);
    expect(harProblems(data)).toEqual([]);
    expect(data.log._bcpTrace.events).toHaveLength(result.events.length);
  });

  it('looks right in light and dark, at 1280 and 390 px, without page overflow', async () => {
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 1100 });
      for (const theme of ['light', 'dark']) {
        await page.evaluate((value) => (document.documentElement.dataset.theme = value), theme);
        await page.screenshot({
          path: join(shots, `request-response-${theme}-${width}.png`),
          fullPage: true,
        });
        const overflow = await page.evaluate(
          () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
        );
        expect(overflow, `page overflow at ${width}px ${theme}`).toBeLessThanOrEqual(0);
      }
    }
    await page.evaluate(() => (document.documentElement.dataset.theme = 'light'));
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.waitForFunction(
      () => document.querySelectorAll('#trace [role="option"]').length === 0,
    );
    expect((page as Page & { errors: string[] }).errors).toEqual([]);
  });
});

describe('the traffic view on the multiplexing sandbox', () => {
  it('opens as a waterfall with one row per HTTP/1.1 connection and per HTTP/2 stream', async () => {
    const page = await openPage();
    const result = await runInPage(
      page,
      await readSandboxFolder(join(root, 'sandboxes/multiplexing')),
    );
    expect(result.end).toBe('finished ok=true');
    expect(await page.getByRole('button', { name: 'Waterfall' }).getAttribute('aria-pressed')).toBe(
      'true',
    );
    const groups = await page.locator('#trace .tv-wf-group').allTextContents();
    expect(groups).toEqual(['http1 → server', 'http2 → server']);
    const lanes = await page.locator('#trace .tv-wf-lane').allTextContents();
    expect(lanes.filter((lane) => lane.startsWith('connection '))).toEqual(
      [1, 2, 3, 4, 5, 6].map((n) => `connection ${n}`),
    );
    expect(lanes.filter((lane) => lane.startsWith('stream '))).toHaveLength(30);
    // Six connections carry 30 requests one after another; 30 streams carry one each.
    expect(await page.locator('#trace .tv-waterfall-box .tv-wf-bar').count()).toBe(60);
    // A bar selects its request and shows its wire form beside the waterfall.
    await page.locator('#trace .tv-waterfall-box .tv-wf-bar').first().click();
    await expect
      .poll(() => page.locator('#trace .tv-wire tbody code').first().textContent())
      .toMatch(/^GET \/report HTTP\/1\.1$/);
    expect(await page.locator('#trace .tv-details').isVisible()).toBe(true);
    expect((page as Page & { errors: string[] }).errors).toEqual([]);
    await page.close();
  });
});

/** `count` GET exchanges of four events each (request, response, one body chunk, body end). */
function getExchanges(count: number): TraceEvent[] {
  const events: TraceEvent[] = [];
  let t = 0;
  for (let i = 1; i <= count; i++) {
    const base = { exchange: `h${i}`, from: 'server', to: 'client' };
    events.push(
      {
        ...base,
        from: 'client',
        to: 'server',
        kind: 'request',
        t: (t += 0.3),
        method: 'GET',
        url: `http://server.test/items/h${i}`,
        headers: [['host', 'server.test']],
        bodySize: 0,
        bodyPreview: '',
      },
      {
        ...base,
        kind: 'response',
        t: (t += 0.3),
        status: 200,
        statusText: 'OK',
        headers: [['content-length', '2']],
      },
      { ...base, kind: 'body-chunk', t: (t += 0.1), size: 2, preview: '{}' },
      { ...base, kind: 'body-end', t: (t += 0.1), size: 2 },
    );
  }
  return events;
}

describe('responsiveness', () => {
  it('keeps up with a client that sends 2,000 requests in a loop (task lengths: npm run bench)', async () => {
    const page = await openPage();
    const manifest: Required<SandboxManifest> = {
      title: '2,000 requests',
      hosts: { server: 'server.ts' },
      clients: { client: 'client.ts' },
      target: 'server',
      files: ['client.ts', 'server.ts'],
      params: {},
      faults: [],
      connectionLimit: 0,
      lanes: [],
    };
    const files = {
      'client.ts': `export default async function main(server: URL) {
  for (let i = 0; i < 2000; i++) {
    const response = await fetch(new URL('/items/' + i, server));
    await response.text();
  }
}`,
      'server.ts': `export default { fetch: (request: Request) => Response.json({ path: new URL(request.url).pathname }) };`,
    };
    const started = Date.now();
    const result = await runInPage(page, { manifest, files });
    const wall = Date.now() - started;
    expect(result.end).toBe('finished ok=true');
    const counts = await page.evaluate(() => {
      const model = (window as unknown as TestGlobals).view.trace;
      return {
        requests: model.messages.filter((message: { kind: string }) => message.kind === 'request')
          .length,
        responses: model.messages.filter((message: { kind: string }) => message.kind === 'response')
          .length,
        status: document.querySelector('#trace .tv-status')?.textContent,
        // After the run the diagram shows the start of the story, not its empty end.
        diagramTop: document.querySelector('#trace .tv-diagram-box')?.scrollTop,
        firstRowDrawn: document.querySelector('#trace .tv-lanes g[data-index="0"]') !== null,
      };
    });
    await page.getByRole('button', { name: 'Messages' }).click();
    await page.getByRole('listbox').focus();
    await page.keyboard.press('End');
    const list = await page.evaluate(() => ({
      setsize: document.querySelector('#trace [role="option"]')?.getAttribute('aria-setsize'),
      lastRow: document.querySelector('#trace [role="option"][aria-posinset="4000"]')?.textContent,
    }));
    const maxLongTask = Math.max(0, ...result.longTasks);
    console.log(
      `2,000 requests: ${result.events.length} events in ${wall} ms; long tasks ${result.longTasks.length}, max ${maxLongTask.toFixed(0)} ms; slowest view frame ${result.maxRenderMs.toFixed(1)} ms`,
    );
    expect(result.events.filter((event) => event.kind === 'request')).toHaveLength(2000);
    // The runner splits a flood into short messages, each validated and handed on in its own task.
    expect(result.maxBatch).toBeGreaterThan(0);
    expect(result.maxBatch).toBeLessThanOrEqual(POST_BATCH);
    expect(counts.requests).toBe(2000);
    expect(counts.responses).toBe(2000);
    expect(list.setsize).toBe('4000');
    expect(list.lastRow).toMatch(/server → client 200 OK/);
    expect(counts.diagramTop).toBe(0);
    expect(counts.firstRowDrawn).toBe(true);
    expect(counts.status).toMatch(/^Run ended: 4000 messages/);
    await page.screenshot({ path: join(shots, 'two-thousand-requests-1280.png') });
    await page.close();
  });

  it('draws 10,000 events fed in batches with a bounded DOM, and scrolls back to the start (task lengths: npm run bench)', async () => {
    const page = await openPage();
    const stats = await page.evaluate(async (all) => {
      const { TraceView } = (window as unknown as TestGlobals).SandboxRuntime;
      const longTasks: number[] = [];
      new PerformanceObserver((list) =>
        list.getEntries().forEach((entry) => longTasks.push(entry.duration)),
      ).observe({ type: 'longtask', buffered: true });
      const view = new TraceView(document.getElementById('trace') as HTMLElement, {
        hosts: ['client', 'proxy', 'server'],
      });
      const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
      const started = performance.now();
      for (let at = 0; at < all.length; at += 200) {
        view.add(all.slice(at, at + 200));
        await frame();
      }
      view.finish();
      await frame();
      await frame();
      const list = document.querySelector('#trace [role="listbox"]') as HTMLElement;
      list.focus();
      list.dispatchEvent(new KeyboardEvent('keydown', { key: 'Home', bubbles: true }));
      list.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
      await frame();
      return {
        ms: performance.now() - started,
        events: view.trace.events.length,
        messages: view.trace.messages.length,
        domNodes: document.querySelectorAll('#trace *').length,
        firstWire: document.querySelector('#trace .tv-wire tbody code')?.textContent,
        longTasks,
        maxRenderMs: view.maxRenderMs,
      };
    }, getExchanges(2500));
    const maxLongTask = Math.max(0, ...stats.longTasks);
    console.log(
      `10,000 events: ${stats.messages} messages drawn in ${stats.ms.toFixed(0)} ms; ${stats.domNodes} DOM nodes in the view; long tasks ${stats.longTasks.length}, max ${maxLongTask.toFixed(0)} ms; slowest frame ${stats.maxRenderMs.toFixed(1)} ms`,
    );
    expect(stats.events).toBe(10_000);
    expect(stats.messages).toBe(5000);
    expect(stats.firstWire).toBe('GET /items/h1 HTTP/1.1');
    expect(stats.domNodes).toBeLessThan(3000);
    await page.close();
  });

  it('folds a 10,000-event delivery over several frames, at most FOLD_PER_FRAME events each', async () => {
    const page = await openPage();
    const stats = await page.evaluate(
      async ({ all, most }) => {
        const { TraceView } = (window as unknown as TestGlobals).SandboxRuntime;
        const view = new TraceView(document.getElementById('trace') as HTMLElement, {
          hosts: ['client', 'proxy', 'server'],
        });
        const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
        view.add(all);
        view.finish();
        await frame();
        const afterOneFrame = { behind: view.behind, folded: view.maxFoldedPerFrame };
        let frames = 1;
        while (view.behind > 0 && frames < 200) {
          await frame();
          frames += 1;
        }
        await frame();
        return {
          afterOneFrame,
          frames,
          most,
          maxFolded: view.maxFoldedPerFrame,
          events: view.trace.events.length,
          status: document.querySelector('#trace .tv-status')?.textContent,
          replayShown: !(document.querySelector('#trace .tv-replay') as HTMLElement).hidden,
        };
      },
      { all: getExchanges(2500), most: FOLD_PER_FRAME },
    );
    expect(stats.afterOneFrame.behind).toBeGreaterThan(0);
    expect(stats.maxFolded).toBeGreaterThan(0);
    expect(stats.maxFolded).toBeLessThanOrEqual(stats.most);
    // finish() folds one share at once; every frame after it folds at most one more.
    expect(stats.frames).toBeGreaterThanOrEqual(Math.ceil(10_000 / FOLD_PER_FRAME) - 1);
    expect(stats.events).toBe(10_000);
    expect(stats.status).toMatch(/^Run ended: 5000 messages/);
    expect(stats.replayShown).toBe(true);
    await page.close();
  });

  it('draws only the rows in view of a 10,000-event trace, in the list and the diagram, wherever it is scrolled', async () => {
    const page = await openPage();
    await page.evaluate(async (events) => {
      const { TraceView } = (window as unknown as TestGlobals).SandboxRuntime;
      const view = new TraceView(document.getElementById('trace') as HTMLElement, {
        hosts: ['client', 'server'],
      });
      (window as unknown as TestGlobals).view = view;
      for (let at = 0; at < events.length; at += 500) {
        view.add(events.slice(at, at + 500));
        await new Promise((resolve) => requestAnimationFrame(resolve));
      }
      view.finish();
    }, getExchanges(2500));
    /** Scrolls a box of the view to `fraction` of its height and reports the rows it then holds. */
    const scrollAndCount = (box: string, rows: string, fraction: number) =>
      page.evaluate(
        async ({ box, rows, fraction }) => {
          const element = document.querySelector(`#trace ${box}`) as HTMLElement;
          element.scrollTop = fraction * (element.scrollHeight - element.clientHeight);
          const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
          await frame();
          await frame();
          const indexes = [...document.querySelectorAll(`#trace ${rows}`)].map((row) =>
            Number(row.getAttribute('data-index')),
          );
          return { count: indexes.length, first: Math.min(...indexes), last: Math.max(...indexes) };
        },
        { box, rows, fraction },
      );

    await page.getByRole('button', { name: 'Messages' }).click();
    const list = {
      start: await scrollAndCount('.tv-list', '[role="option"]', 0),
      middle: await scrollAndCount('.tv-list', '[role="option"]', 0.5),
      end: await scrollAndCount('.tv-list', '[role="option"]', 1),
    };
    await page.getByRole('button', { name: 'Diagram' }).click();
    const diagram = {
      start: await scrollAndCount('.tv-diagram-box', '.tv-lanes g[data-index]', 0),
      middle: await scrollAndCount('.tv-diagram-box', '.tv-lanes g[data-index]', 0.5),
      end: await scrollAndCount('.tv-diagram-box', '.tv-lanes g[data-index]', 1),
    };
    for (const rows of [list, diagram]) {
      // 5,000 messages, never more than a box of rows (plus a few around it) in the DOM.
      for (const place of [rows.start, rows.middle, rows.end]) {
        expect(place.count).toBeGreaterThan(5);
        expect(place.count).toBeLessThan(80);
      }
      expect(rows.start.first).toBe(0);
      expect(rows.middle.first).toBeGreaterThan(2300);
      expect(rows.middle.last).toBeLessThan(2700);
      expect(rows.end.last).toBe(4999);
    }
    await page.close();
  });
});
