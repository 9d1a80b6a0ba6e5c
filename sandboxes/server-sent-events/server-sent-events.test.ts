import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { runSandboxInNode, startSandboxInNode } from '#harness';
import type { HarnessResult } from '#harness';
import type { TraceEvent } from '#trace/events';
import server from './server.ts';

const dir = fileURLToPath(new URL('./', import.meta.url));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type RequestEvent = Extract<TraceEvent, { kind: 'request' }>;
type SseEvent = Extract<TraceEvent, { kind: 'sse-event' }>;
const header = (request: RequestEvent | undefined, name: string) =>
  request?.headers.find(([key]) => key.toLowerCase() === name)?.[1];

describe('server-sent events over real sockets, with a real EventSource', () => {
  let run: HarnessResult;
  let requestsAfterClose = 0;
  const said = (host: string) =>
    run.logs.filter((line) => line.host === host).map((line) => line.text);
  const requests = (from: string) =>
    run.trace.filter((e): e is RequestEvent => e.kind === 'request' && e.from === from);
  const events = (exchange = '') =>
    run.trace.filter((e): e is SseEvent => e.kind === 'sse-event' && e.exchange === exchange);

  beforeAll(async () => {
    const sandbox = await startSandboxInNode(dir, { timeoutMs: 15_000 });
    try {
      await sandbox.runClients();
      // The run would close every EventSource now; wait longer than retry: first, to see that the
      // 204 alone stopped the reconnecting.
      const before = sandbox.trace.length;
      await sleep(1_500);
      requestsAfterClose = sandbox.trace.slice(before).filter((e) => e.kind === 'request').length;
    } finally {
      await sandbox.close();
    }
    run = sandbox;
  }, 20_000);

  it('streams text/event-stream with retry:, id:, event:, data: and comment lines', () => {
    expect(run.logs.filter((line) => line.level === 'error')).toEqual([]);
    const [first] = requests('client');
    expect(header(first, 'accept')).toBe('text/event-stream');
    const response = run.trace.find((e) => e.kind === 'response' && e.exchange === first?.exchange);
    expect(response?.kind === 'response' && response.headers).toContainEqual([
      'content-type',
      'text/event-stream',
    ]);
    const raw = run.trace
      .filter((e) => e.kind === 'body-chunk' && e.exchange === first?.exchange)
      .map((e) => (e.kind === 'body-chunk' ? e.preview : ''))
      .join('');
    expect(raw).toMatch(/^retry: 1200\n: connection 1\n\nid: 1\nevent: price\ndata: \{"id":1,/);
    expect(events(first?.exchange ?? '')[1]).toMatchObject({
      id: '1',
      event: 'price',
      retry: 1200,
    });
  });

  it('sends comment keep-alives that carry no event', () => {
    const comments = run.trace.filter((e): e is SseEvent => e.kind === 'sse-event' && !!e.comment);
    expect(comments.map((e) => e.comment)).toContain('keep-alive');
    expect(comments.every((e) => e.data === '' && e.id === undefined)).toBe(true);
  });

  it('reconnects by itself with Last-Event-ID, and the server replays what was missed', () => {
    const [first, second] = requests('client');
    expect(header(first, 'last-event-id')).toBeUndefined();
    expect(header(second, 'last-event-id')).toBe('3');
    const ids = (exchange = '') => events(exchange).flatMap((e) => e.id ?? []);
    // The server ended the first stream after 3 events; #4 and #5 came while nobody listened.
    expect(ids(first?.exchange)).toEqual(['1', '2', '3']);
    expect(ids(second?.exchange)).toEqual(['4', '5', '6', '7', '8', '9', '10', '11', '12']);
    expect((second?.t ?? 0) - (events(first?.exchange).at(-1)?.t ?? 0)).toBeGreaterThan(1_100);
    // The replay comes first on the new stream, before any price published after the reconnect;
    // that it does not wait for one is shown by the handler test below (the clock stands still).
    expect(events(second?.exchange)[0]).toMatchObject({ comment: 'connection 2', data: '' });
    expect(
      events(second?.exchange)
        .slice(1, 3)
        .map((e) => e.id),
    ).toEqual(['4', '5']);
    expect(said('server')).toContain('connection 2: Last-Event-ID 3, 2 to replay');
    const client = said('client');
    expect(client).toContain('stream open again, resuming after #3');
    expect(
      client.filter((line) => line.endsWith(': replayed, it was published while we were away')),
    ).toHaveLength(2);
  });

  it('stops reconnecting after a 204 No Content', () => {
    const prices = requests('client');
    expect(prices).toHaveLength(3);
    expect(header(prices[2], 'last-event-id')).toBe('12');
    const statuses = run.trace.flatMap((e) =>
      e.kind === 'response' && e.to === 'client' ? [e.status] : [],
    );
    expect(statuses).toEqual([200, 200, 204]);
    expect(requestsAfterClose).toBe(0);
    expect(said('server')).toContain('connection 3: Last-Event-ID 12, the feed is over: 204');
    expect(said('client').at(-1)).toBe(
      'EventSource closed for good: 12 prices received, none missed',
    );
  });

  it('over HTTP/1.1 (emulated), six tab streams hold the six connections and tab 7 waits', () => {
    const tabs = requests('tabs');
    expect(tabs.map((e) => new URL(e.url).pathname)).toEqual(Array(7).fill('/clock'));
    for (const tab of tabs) {
      expect(events(tab.exchange).map((e) => `${e.event}:${e.data}`)).toEqual([
        'tick:1',
        'tick:2',
        'tick:3',
      ]);
      expect(run.trace.some((e) => e.kind === 'abort' && e.exchange === tab.exchange)).toBe(true);
    }
    // The seventh request leaves only when a tab has had its third tick and closed its stream.
    const firstDone = Math.min(
      ...tabs.slice(0, 6).map((tab) => events(tab.exchange).at(-1)?.t ?? Infinity),
    );
    expect(tabs[6]?.t).toBeGreaterThanOrEqual(firstDone);
    expect((tabs[6]?.t ?? 0) - (tabs[0]?.t ?? 0)).toBeGreaterThan(1_000);
    const lines = said('tabs');
    expect(
      lines.filter((line) =>
        /^tab [1-6]: stream open after \d+ ms on connection [1-6]$/.test(line),
      ),
    ).toHaveLength(6);
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^tab 7: stream open after \d+ ms on connection [1-6]: it waited for a free connection$/,
      ),
    );
    expect(lines.at(-1)).toMatch(
      /^7 tabs got 3 ticks each in \d+ ms over HTTP\/1\.1: 7 streams on 6 connections, at most 6 open at once$/,
    );
  });
});

describe('the seven tabs over HTTP/2 (emulated): one connection, seven streams', () => {
  let run: HarnessResult;
  beforeAll(async () => {
    run = await runSandboxInNode(dir, { timeoutMs: 15_000, params: { http2: 1, intervalMs: 200 } });
  }, 20_000);

  it('opens all seven streams at once, numbered 1 to 13 on connection 1', () => {
    expect(run.logs.filter((line) => line.level === 'error')).toEqual([]);
    const tabs = run.trace.filter(
      (e): e is RequestEvent => e.kind === 'request' && e.from === 'tabs',
    );
    expect(tabs).toHaveLength(7);
    expect((tabs[6]?.t ?? 0) - (tabs[0]?.t ?? 0)).toBeLessThan(200); // no tick had come yet
    const lines = run.logs.filter((line) => line.host === 'tabs').map((line) => line.text);
    const streams = lines.flatMap((line) => /on connection 1, stream (\d+)$/.exec(line)?.[1] ?? []);
    expect(streams.map(Number).sort((a, b) => a - b)).toEqual([1, 3, 5, 7, 9, 11, 13]);
    expect(lines.some((line) => line.includes('waited'))).toBe(false);
    expect(lines.at(-1)).toMatch(
      /^7 tabs got 3 ticks each in \d+ ms over HTTP\/2: 7 streams on 1 connection, at most 7 open at once$/,
    );
  });
});

describe('the server handler on its own', () => {
  afterEach(() => vi.restoreAllMocks());
  afterAll(() => vi.useRealTimers());
  const env = { hosts: {}, params: { intervalMs: 10, retryMs: 300, cutAfter: 0 } };
  const get = (path: string, lastEventId?: string) =>
    server.fetch(
      new Request(`http://server.test${path}`, {
        headers: lastEventId ? { 'last-event-id': lastEventId } : {},
      }),
      env,
    );

  it('refuses other methods than GET and HEAD on its streams with 405 and Allow, opening none', async () => {
    for (const path of ['/prices', '/clock']) {
      const response = await server.fetch(
        new Request(`http://server.test${path}`, { method: 'POST', body: '{}' }),
        env,
      );
      expect([path, response.status, response.headers.get('allow')]).toEqual([
        path,
        405,
        'GET, HEAD',
      ]);
    }
  });

  it('answers 204 to a client that already has the last price', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    // Fake timers: the feed this first request starts publishes when the next test says so.
    vi.useFakeTimers();
    const response = await get('/prices', '12');
    expect(response.status).toBe(204);
    expect(response.body).toBeNull();
  });

  it('replays every price after Last-Event-ID at once, then ends the finished feed', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    vi.advanceTimersByTime(120); // the feed (started above) publishes 12 prices, 10 ms apart
    // The clock stays stopped: the replay cannot wait for a timer or a new price.
    const response = await get('/prices', '9');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    const text = await response.text(); // ends: #12 is the last price
    vi.useRealTimers();
    const blocks = text.split('\n\n').filter(Boolean);
    expect(blocks[0]).toBe('retry: 300\n: connection 2');
    expect(blocks.slice(1).map((block) => block.split('\n').slice(0, 2).join(' '))).toEqual([
      'id: 10 event: price',
      'id: 11 event: price',
      'id: 12 event: price',
    ]);
    expect(JSON.parse(blocks[1]?.split('\ndata: ')[1] ?? '')).toMatchObject({ id: 10 });
  });

  it('streams ticks on /clock and stops when the client goes away', async () => {
    const tab = new AbortController();
    const response = await server.fetch(
      new Request('http://server.test/clock', { signal: tab.signal }),
      env,
    );
    const reader = response.body?.getReader();
    const { value } = (await reader?.read()) ?? {};
    expect(new TextDecoder().decode(value)).toBe('event: tick\ndata: 1\n\n');
    tab.abort();
    // No tick comes after the abort: the server stopped its timer.
    const next = await Promise.race([reader?.read(), sleep(60).then(() => 'silent')]);
    expect(next).toBe('silent');
    await reader?.cancel();
  });

  it('answers other paths with 404', async () => {
    expect((await get('/nope')).status).toBe(404);
  });
});
