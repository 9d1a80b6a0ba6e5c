import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { httpExchanges, type HttpExchange } from '#exercise';
import { runSandboxInNode, type HarnessResult } from '#harness';
import server from './server.ts';

const dir = fileURLToPath(new URL('./', import.meta.url));
const said = (run: HarnessResult, host: string) =>
  run.logs.filter((line) => line.host === host).map((line) => line.text);
const from = (run: HarnessResult, client: string) =>
  httpExchanges(run.trace).filter((exchange) => exchange.from === client);
const cors = (exchange: HttpExchange | undefined) =>
  Object.fromEntries(
    [...(exchange?.responseHeaders ?? [])].filter(
      ([name]) => name.startsWith('access-control-') || name === 'vary',
    ),
  );

describe('pages on two origins open the feed, over real sockets (browser checks emulated)', () => {
  let run: HarnessResult;
  beforeAll(async () => {
    run = await runSandboxInNode(dir, { timeoutMs: 15_000 });
  }, 20_000);

  it('answers the allowed page with its own origin and credentials, and no preflight for a plain GET', () => {
    expect(run.logs.filter((line) => line.level === 'error')).toEqual([]);
    const [first] = from(run, 'dashboard');
    expect(first?.method).toBe('GET');
    expect(first?.requestHeaders.get('x-emulated-origin')).toBe('http://dashboard.test');
    expect(first?.status).toBe(200);
    expect(cors(first)).toEqual({
      'access-control-allow-origin': 'http://dashboard.test',
      'access-control-allow-credentials': 'true',
      vary: 'Origin',
    });
    expect(said(run, 'dashboard').slice(0, 4)).toEqual([
      'stream open',
      expect.stringMatching(/^#1 ACME \d+\.\d\d$/),
      expect.stringMatching(/^#2 ACME /),
      expect.stringMatching(/^#3 ACME /),
    ]);
  });

  it('preflights the reconnect that adds Last-Event-ID once, and reuses it for the next', () => {
    const exchanges = from(run, 'dashboard');
    expect(exchanges.map((exchange) => `${exchange.method} ${exchange.status}`)).toEqual([
      'GET 200',
      'OPTIONS 204',
      'GET 200',
      'GET 204',
    ]);
    const [, preflight, resumed, last] = exchanges;
    expect(preflight?.requestHeaders.get('x-emulated-access-control-request-method')).toBe('GET');
    expect(preflight?.requestHeaders.get('x-emulated-access-control-request-headers')).toBe(
      'last-event-id',
    );
    expect(cors(preflight)).toEqual({
      'access-control-allow-origin': 'http://dashboard.test',
      'access-control-allow-credentials': 'true',
      'access-control-allow-methods': 'GET',
      'access-control-allow-headers': 'last-event-id',
      'access-control-max-age': '600',
      vary: 'Origin',
    });
    expect(resumed?.requestHeaders.get('last-event-id')).toBe('3');
    expect(last?.requestHeaders.get('last-event-id')).toBe('6');
    const lines = said(run, 'dashboard');
    expect(lines).toContain('browser: the cached preflight covers GET with last-event-id');
    expect(lines.at(-1)).toBe('the feed is over: 6 prices read from another origin');
  });

  it('streams to a page that is not on the list, without CORS headers; its browser blocks the read', () => {
    const [only, ...more] = from(run, 'stranger');
    expect(more).toEqual([]);
    expect(only?.requestHeaders.get('x-emulated-origin')).toBe('http://stranger.test');
    expect(only?.status).toBe(200); // the server answered and started the stream
    expect(cors(only)).toEqual({ vary: 'Origin' });
    expect(only?.aborted).toBeGreaterThan(0); // the browser dropped it unread
    expect(said(run, 'stranger')).toEqual([
      expect.stringMatching(
        /^browser: Access to fetch at '.*\/prices' from origin 'http:\/\/stranger\.test' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present/,
      ),
      'fetch rejected with TypeError: Failed to fetch: the page cannot read the stream',
    ]);
    // Whichever page's request came first, the stranger's stream was closed unread (after no price
    // unless the machine is so busy that the first, 300 ms later, went out before the close).
    expect(said(run, 'api')).toContainEqual(
      expect.stringMatching(
        /^stream \d for http:\/\/stranger\.test: closed by the client after \d+ price\(s\)$/,
      ),
    );
  });
});

describe('with Access-Control-Allow-Origin: * (the wildcard param)', () => {
  let run: HarnessResult;
  beforeAll(async () => {
    run = await runSandboxInNode(dir, { timeoutMs: 15_000, params: { wildcard: 1 } });
  }, 20_000);

  it('blocks the page that sends credentials, and lets any page read without them', () => {
    const dashboard = said(run, 'dashboard');
    expect(dashboard[0]).toMatch(
      /blocked by CORS policy: The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '\*' when the request's credentials mode is 'include'\.$/,
    );
    expect(dashboard.at(-1)).toBe(
      'the stream failed: TypeError: Failed to fetch; nothing more to learn here',
    );
    expect(said(run, 'stranger')).toEqual([expect.stringMatching(/^read the stream: id: 1 …$/)]);
    expect(cors(from(run, 'stranger')[0])).toEqual({ 'access-control-allow-origin': '*' });
  });
});

describe('the server on its own, as a real browser would call it', () => {
  const env = { hosts: {}, params: { wildcard: 0 } };
  const ask = (method: string, headers: Record<string, string>) =>
    server.fetch(new Request('http://api.test/prices', { method, headers }), env);

  it('reads a real Origin header, and answers a preflight only for an allowed origin', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    const allowed = await ask('OPTIONS', {
      origin: 'http://dashboard.test',
      'access-control-request-method': 'GET',
      'access-control-request-headers': 'last-event-id',
    });
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://dashboard.test');
    expect(allowed.headers.get('access-control-allow-headers')).toBe('last-event-id');
    const refused = await ask('OPTIONS', {
      origin: 'http://stranger.test',
      'access-control-request-method': 'GET',
      'access-control-request-headers': 'last-event-id',
    });
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    expect(refused.headers.get('access-control-allow-headers')).toBeNull();
    vi.restoreAllMocks();
  });

  it('answers a request past the last price with 204, CORS headers included', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    const done = await ask('GET', { origin: 'http://dashboard.test', 'last-event-id': '6' });
    expect(done.status).toBe(204);
    expect(done.headers.get('access-control-allow-origin')).toBe('http://dashboard.test');
    vi.restoreAllMocks();
  });
});
