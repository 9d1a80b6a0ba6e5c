/**
 * The in-page runtime on its own (frame, worker, virtual network), in Chromium: plain HTTP, streamed
 * bodies, Server-Sent Events, WebSocket, cookies, WebCrypto, and a second run ending the first.
 * The fixtures are the same sandbox folders the Node harness tests run over real sockets.
 */
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { TraceEvent } from '../../src/sandbox/trace/events';
import { launchChromium } from './helpers';
import {
  inlineSandbox,
  readSandboxFolder,
  runInRuntimePage,
  startRuntimePage,
  type RuntimePageServer,
  type SandboxFolder,
} from './runtime-page';

const fixtures = resolve(import.meta.dirname, '../../src/sandbox/node/fixtures');

let browser: Browser;
let server: RuntimePageServer;
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

const runInPage = (sandbox: SandboxFolder) => runInRuntimePage(page, sandbox);

const fixture = (name: string) => readSandboxFolder(resolve(fixtures, name), name);
const kinds = (trace: TraceEvent[], kind: TraceEvent['kind']) =>
  trace.filter((event) => event.kind === kind);

describe('the in-page runtime', () => {
  test('plain HTTP: a proxy host calls another host; errors in a host become a 500 with its stack', async () => {
    const result = await runInPage(await fixture('proxy'));
    expect(result.end).toBe('finished ok=true');
    expect(result.lines).toContain('client log: 200 { items: [ 1, 2 ] }');
    expect(result.lines.join('\n')).toMatch(
      /api error: api\.ts:3:\d+ Error: the database is on fire/,
    );
    expect(result.lines).toContain('client warn: boom: 500');
    const requests = kinds(result.trace, 'request').map((event) => `${event.from}→${event.to}`);
    expect(requests).toEqual(['client→proxy', 'proxy→api', 'client→proxy', 'proxy→api']);
  });

  test('streamed bodies arrive chunk by chunk, and a client abort reaches the server', async () => {
    const result = await runInPage(await fixture('streaming'));
    expect(result.lines.filter((line) => line.startsWith('client log: chunk:'))).toEqual([
      'client log: chunk: one',
      'client log: chunk: two',
      'client log: chunk: three',
    ]);
    expect(result.lines).toContain('server log: the client went away');
    expect(kinds(result.trace, 'body-chunk').length).toBeGreaterThanOrEqual(4);
    expect(kinds(result.trace, 'abort')).toHaveLength(1);
  });

  test('a client abort mid-stream cancels the host stream at once; nothing more is traced', async () => {
    const result = await runInPage(await fixture('stream-abort'));
    expect(result.lines).toEqual([
      'client log: read ["a","b","c"]',
      'server log: stream cancelled',
    ]);
    const chunks = kinds(result.trace, 'body-chunk');
    const abort = kinds(result.trace, 'abort')[0];
    expect(abort).toBeDefined();
    expect(chunks.every((chunk) => chunk.t <= (abort?.t ?? 0))).toBe(true);
  });

  test('added latency delays a burst of chunks together, not one latency per chunk', async () => {
    const result = await page.evaluate(
      async (sandbox) => {
        const runtime = (
          window as unknown as {
            SandboxRuntime: {
              SandboxRunner: { connect(url: URL): Promise<{ run(...args: unknown[]): unknown }> };
            };
          }
        ).SandboxRuntime;
        const runner = await runtime.SandboxRunner.connect(new URL('/runner.html', location.href));
        const transpiler = await (await fetch('/transpiler.js')).text();
        const chunks: number[] = [];
        await new Promise<void>((done) => {
          runner.run(
            sandbox.manifest,
            sandbox.files,
            { latencyMs: 150, params: {} },
            {
              onTrace: (events: Array<{ kind: string; t: number }>) =>
                chunks.push(
                  ...events.filter((event) => event.kind === 'body-chunk').map((event) => event.t),
                ),
              onFinished: () => done(),
              onKilled: () => done(),
            },
            { transpiler },
          );
        });
        return chunks;
      },
      await fixture('stream-abort'),
    );
    // a, b and c were written at once: they arrive within one latency (150 ms) of each other, not
    // one latency apart each.
    expect(result.length).toBeGreaterThanOrEqual(3);
    expect((result[2] ?? 0) - (result[0] ?? 0)).toBeLessThan(150);
  });

  test('Server-Sent Events: EventSource reconnects with Last-Event-ID and the server resumes', async () => {
    const result = await runInPage(await fixture('sse'));
    expect(result.lines).toEqual(
      expect.arrayContaining([
        'server log: stream requested after event 0',
        'client log: message #1: first',
        'client log: tick #2: second',
        'server log: stream requested after event 2',
        'client log: message #3: third',
      ]),
    );
    const reconnect = kinds(result.trace, 'request')[1];
    expect(reconnect?.kind === 'request' && reconnect.headers).toContainEqual([
      'last-event-id',
      '2',
    ]);
    expect(
      kinds(result.trace, 'sse-event').filter((event) => 'comment' in event && event.comment),
    ).toHaveLength(1);
  });

  test('WebSocket: echo to the sender and broadcast to the other client', async () => {
    const result = await runInPage(await fixture('websocket'));
    expect(result.lines).toEqual(
      expect.arrayContaining([
        'alice log: alice got echo: hi',
        'bob log: bob got broadcast: hi',
        'server log: closed 1000',
      ]),
    );
    expect(kinds(result.trace, 'ws-open')).toHaveLength(2);
    expect(kinds(result.trace, 'ws-close')).toHaveLength(2);
  });

  test('WebSocket: a message sent just before the host closes still arrives, and the close hook runs', async () => {
    const result = await runInPage(await fixture('send-close'));
    expect(result.lines).toEqual([
      'client log: got hello from server',
      'client log: closed 1000 bye',
      'server log: close hook 1000',
    ]);
  });

  test('cookies: Set-Cookie comes back as Cookie to the same host only, across a redirect', async () => {
    const result = await runInPage(await fixture('cookies'));
    expect(result.lines).toEqual([
      'client log: before: 401 who are you?',
      'client log: login: 200 hello, session=abc123',
      'client log: other saw cookie: none',
    ]);
  });

  test('cookies through a proxy host: it forwards Cookie and sees Set-Cookie; clients cannot forge Cookie', async () => {
    const result = await runInPage(await fixture('cookie-proxy'));
    expect(result.lines).toEqual([
      'client log: before login: app saw cookie: none',
      'lb log: lb saw set-cookie: sid=abc; Path=/; HttpOnly',
      'client log: login: welcome',
      'client log: after login: app saw cookie: sid=abc',
    ]);
  });

  test('the worker is a secure context with WebCrypto, and reaches no real network', async () => {
    const result = await runInPage(
      inlineSandbox(
        'export default { fetch: () => new Response("ok") };',
        [
          'export default async function main() {',
          "  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode('abc'));",
          "  console.log([...new Uint8Array(digest)].slice(0, 4).map((b) => b.toString(16).padStart(2, '0')).join(''), typeof crypto.randomUUID());",
          "  await fetch('https://example.com/').catch((error) => console.log('blocked:', error.message));",
          '}',
        ].join('\n'),
      ),
    );
    expect(result.lines[0]).toBe('client log: ba7816bf string');
    expect(result.lines.join('\n')).toMatch(
      /blocked: Failed to fetch: GET https:\/\/example\.com\/ was blocked/,
    );
  });

  test('the drop-connections fault fails a request still waiting for its answer; the host sees it', async () => {
    const result = await page.evaluate(
      async (sandbox) => {
        interface Handle {
          control(action: { kind: 'drop-connections'; host: string }): void;
        }
        interface Runtime {
          SandboxRunner: {
            connect(url: URL): Promise<{ run(...args: unknown[]): Handle }>;
          };
        }
        const runtime = (window as unknown as { SandboxRuntime: Runtime }).SandboxRuntime;
        const runner = await runtime.SandboxRunner.connect(new URL('/runner.html', location.href));
        // No build-compiled code here: every file goes through the in-page transpiler.
        const transpiler = await (await fetch('/transpiler.js')).text();
        const lines: string[] = [];
        const kinds: string[] = [];
        let handle: Handle | undefined;
        await new Promise<void>((done) => {
          handle = runner.run(
            sandbox.manifest,
            sandbox.files,
            { latencyMs: 0, params: {} },
            {
              onConsole: (entries: Array<{ host: string; text: string }>) =>
                lines.push(...entries.map((entry) => `${entry.host}: ${entry.text}`)),
              // The reader presses the fault button while the upload waits for its answer.
              onTrace: (events: Array<{ kind: string }>) => {
                kinds.push(...events.map((event) => event.kind));
                if (events.some((event) => event.kind === 'request')) {
                  handle?.control({ kind: 'drop-connections', host: 'server' });
                }
              },
              onFinished: () => done(),
              onKilled: () => done(),
            },
            { transpiler },
          );
        });
        return { lines, kinds };
      },
      inlineSandbox(
        [
          'export default {',
          '  async fetch(request: Request) {',
          "    await new Promise((resolve) => request.signal.addEventListener('abort', resolve));",
          "    console.log('the upload was cut off');",
          '    return new Response(null, { status: 204 });',
          '  },',
          '};',
        ].join('\n'),
        [
          'export default async function main(server: URL) {',
          "  await fetch(server, { method: 'PUT', body: 'part' }).then(",
          "    (response) => console.log('answered', response.status),",
          "    (error) => console.log('failed:', error.message),",
          '  );',
          '  await new Promise((resolve) => setTimeout(resolve, 50));',
          '}',
        ].join('\n'),
      ),
    );
    expect(result.lines).toContain('client: failed: network error: connection dropped');
    expect(result.lines).toContain('server: the upload was cut off');
    expect(result.kinds).toEqual(['request', 'error']);
  });

  test('a second run starts clean: nothing from the first run (timers, output) reaches it', async () => {
    const ticking = inlineSandbox(
      'let hits = 0;\nexport default { fetch: () => new Response(String(++hits)) };',
      "export default async function main(server: URL) {\n  const hits = await (await fetch(server)).text();\n  console.log('server hits', hits);\n  const run = Math.random().toString(36).slice(2);\n  setInterval(() => console.log('tick from run', run), 5);\n}\n",
    );
    const first = await runInPage(ticking);
    const second = await runInPage(ticking);
    // A fresh worker per run: module state starts over, and timers of the first run never tick again.
    expect(first.lines[0]).toBe('client log: server hits 1');
    expect(second.lines[0]).toBe('client log: server hits 1');
    const runIds = (lines: string[]) =>
      new Set(
        lines
          .filter((line) => line.includes('tick from run'))
          .map((line) => line.split(' ').at(-1)),
      );
    expect(runIds(second.lines).size).toBeLessThanOrEqual(1);
    for (const id of runIds(first.lines)) expect(runIds(second.lines).has(id)).toBe(false);
  });
});
