/**
 * Differential test: every sandbox runs twice, in headless Chromium (the in-page virtual network)
 * and in Node over real loopback sockets (the harness). Both traces must tell the same story, timings
 * aside: per exchange, method and target, header names, status and reason phrase, framing, body
 * byte counts (volatile text such as times and host origins aside), SSE fields with their id, event
 * and retry values, WebSocket frames with their sizes, close codes, errors and aborts
 * (strictSignature; its unit test proves a dropped error, a changed framing, another frame or body
 * size or another SSE id is caught). The Node harness's own fixtures run too, as extra shapes of
 * traffic (proxy, SSE, WebSocket, cookies…); a HAR export of the binary one keeps every byte. Last,
 * the diagrams a chapter page carries, recorded in Node when the site was built, are held against a
 * live Run of the same sandbox in that page.
 */
import { existsSync, globSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import type { TraceEvent } from '../../src/sandbox/trace/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSandboxInNode } from '../../src/sandbox/node/harness';
import { strictSignature } from '../../src/sandbox/trace/strict-signature';
import { traceSignature } from '../../src/sandbox/trace/signature';
import { toHar, type HarEntry } from '../../src/sandbox/trace/har-export';
import { harToTrace } from '../../src/sandbox/trace/har-import';
import { harProblems } from '../../src/sandbox/trace/har-schema';
import { launchChromium, pageUrl } from './helpers';
import {
  readSandboxFolder,
  runInRuntimePage,
  startRuntimePage,
  type RuntimePageServer,
} from './runtime-page';

const root = new URL('../../', import.meta.url).pathname;
/** Folders holding a sandbox.json, found by glob so a new sandbox is tested without editing this file. */
const folders = (dir: string): string[] =>
  readdirSync(join(root, dir), { withFileTypes: true })
    .filter(
      (entry) => entry.isDirectory() && existsSync(join(root, dir, entry.name, 'sandbox.json')),
    )
    .map((entry) => join(dir, entry.name))
    .sort();

const sandboxes = folders('sandboxes');
// "stuck" never finishes by design (it tests the harness's timeout), so it has no sequence to compare.
const fixtures = folders('src/sandbox/node/fixtures').filter((dir) => !dir.endsWith('/stuck'));

let server: RuntimePageServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  server = await startRuntimePage();
  browser = await launchChromium();
  page = await browser.newPage();
  await page.goto(server.url);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function compare(dir: string): Promise<void> {
  const inPage = await runInRuntimePage(page, await readSandboxFolder(join(root, dir)));
  // Time enough for the slowest sandbox on a loaded machine: a run cut short is not a difference.
  const inNode = await runSandboxInNode(join(root, dir), { timeoutMs: 30_000 });
  expect(inPage.end).toBe('finished ok=true');
  expect(inNode.logs.filter((line) => line.text.includes('did not finish'))).toEqual([]);
  const signature = traceSignature(inPage.trace);
  expect(signature.length, 'the sandbox sent no traffic').toBeGreaterThan(0);
  expect(signature).toEqual(traceSignature(inNode.trace));
  // Per message: header names, status and reason phrase, framing, body bytes, SSE fields, frames, errors.
  expect(strictSignature(inPage.trace)).toEqual(strictSignature(inNode.trace));
}

describe('in-page and real-socket traces agree, for every sandbox', () => {
  it('finds the sandboxes', () => expect(sandboxes.length).toBeGreaterThan(0));
  it.each(sandboxes)('%s', compare);
});

describe('in-page and real-socket traces agree, for the harness fixtures', () => {
  it.each(fixtures)('%s', compare);
});

const everyByte = Uint8Array.from({ length: 256 }, (_, index) => index);
const fromBase64 = (data: string): Uint8Array =>
  Uint8Array.from(atob(data), (char) => char.charCodeAt(0));
const byPath = (entries: HarEntry[], path: string): HarEntry => {
  const found = entries.find((entry) => new URL(entry.request.url).pathname === path);
  if (!found) throw new Error(`no entry for ${path}`);
  return found;
};

/**
 * The binary fixture uploads, downloads and echoes every byte value 0x00–0xFF; a HAR export of its
 * run must carry exactly those bytes, from the page's trace and from Node's alike, pass the HAR 1.2
 * checks and reopen in the trace viewer.
 */
describe('a HAR export keeps the bytes of binary bodies and frames, from the page and from Node', () => {
  const binary = join(root, 'src/sandbox/node/fixtures/binary');
  const runs: Record<string, () => Promise<TraceEvent[]>> = {
    page: async () => {
      const run = await runInRuntimePage(page, await readSandboxFolder(binary));
      expect(run.end).toBe('finished ok=true');
      return run.trace;
    },
    Node: async () => (await runSandboxInNode(binary, { timeoutMs: 30_000 })).trace,
  };
  it.each(Object.keys(runs))('%s', async (where) => {
    const trace = (await runs[where]?.()) ?? [];
    const json = JSON.stringify(
      toHar(trace, { sandbox: 'binary', startedAt: '2026-12-07T00:00:00Z' }),
    );
    const { log } = JSON.parse(json) as ReturnType<typeof toHar>;
    expect(harProblems(JSON.parse(json))).toEqual([]);
    const echo = byPath(log.entries, '/echo');
    expect(fromBase64(echo.request.postData?.text ?? '')).toEqual(everyByte);
    expect(echo.response.content).toMatchObject({ size: 256, encoding: 'base64' });
    expect(fromBase64(echo.response.content.text ?? '')).toEqual(everyByte);
    // No Content-Type, and bytes that are not UTF-8: base64, not text.
    const bytes = byPath(log.entries, '/bytes').response.content;
    expect(bytes).toMatchObject({ size: 256, encoding: 'base64' });
    expect(fromBase64(bytes.text ?? '')).toEqual(everyByte);
    const frames = byPath(log.entries, '/socket')._webSocketMessages ?? [];
    expect(frames.map(({ type, opcode }) => `${type} ${opcode}`)).toEqual(['send 2', 'receive 2']);
    for (const frame of frames) expect(fromBase64(frame.data)).toEqual(everyByte);
    expect(harToTrace(json).events).toHaveLength(trace.length);
  });
});

/** Built pages that carry a diagram recorded at build time (TraceDiagram.astro), found in dist/. */
const dist = join(root, 'dist');
const recordedPages = globSync('**/index.html', { cwd: dist })
  .filter((file) => readFileSync(join(dist, file), 'utf8').includes('data-recorded-sandbox'))
  .map((file) => file.replace(/index\.html$/, ''))
  .sort();

describe('a chapter’s recorded diagram and a live Run of its sandbox agree', () => {
  it('finds the pages with recorded diagrams', () =>
    expect(recordedPages).toContain('patterns/request-response/'));
  it.each(recordedPages)('%s', async (path) => {
    const chapter = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await chapter.goto(pageUrl(path));
    const figures = await chapter.locator('figure[data-recorded-sandbox]').evaluateAll((nodes) =>
      nodes.map((node) => ({
        id: node.getAttribute('data-recorded-sandbox') ?? '',
        signature: JSON.parse(node.getAttribute('data-strict-signature') ?? '[]') as string[],
      })),
    );
    expect(figures.length, 'diagrams recorded at build time').toBeGreaterThan(0);
    for (const { id, signature } of figures) {
      const live = await liveRun(chapter, id);
      expect(signature.length, `${id}: the build recorded no traffic`).toBeGreaterThan(0);
      expect(strictSignature(live), id).toEqual(signature);
    }
    await chapter.close();
  });
});

/** Runs the sandbox `id` of an open chapter page as a reader does, and returns its trace (Export HAR). */
async function liveRun(chapter: Page, id: string): Promise<TraceEvent[]> {
  const sandbox = chapter.locator(`bcp-sandbox[data-sandbox="${id}"]`);
  await sandbox.scrollIntoViewIfNeeded();
  await sandbox.getByRole('button', { name: 'Run', exact: true }).click();
  const status = sandbox.locator('[data-status]');
  await status.filter({ hasText: /Finished|Ended|Stopped/ }).waitFor({ timeout: 60_000 });
  expect(await status.innerText(), id).toMatch(/^Finished/);
  const [download] = await Promise.all([
    chapter.waitForEvent('download'),
    sandbox.getByRole('button', { name: 'Export HAR' }).click(),
  ]);
  const har = JSON.parse(await readFile(await download.path(), 'utf8')) as {
    log: { _bcpTrace: { events: TraceEvent[] } };
  };
  return har.log._bcpTrace.events;
}
