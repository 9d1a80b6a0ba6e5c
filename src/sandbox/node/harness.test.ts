import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../trace/events.ts';
import { runSandboxInNode, startSandboxInNode } from './harness.ts';

const fixture = (name: string): string =>
  fileURLToPath(new URL(`./fixtures/${name}/`, import.meta.url));
const sandboxDir = (id: string): string =>
  fileURLToPath(new URL(`../../../sandboxes/${id}/`, import.meta.url));
const of = <K extends TraceEvent['kind']>(trace: TraceEvent[], kind: K) =>
  trace.filter((event): event is Extract<TraceEvent, { kind: K }> => event.kind === kind);
/** The first value of a header (name in lowercase) of a request or response event. */
const header = (event: { headers: Array<[string, string]> } | undefined, name: string) =>
  event?.headers.find(([key]) => key.toLowerCase() === name)?.[1];

/** True when nothing listens on the port any more. */
const refused = (port: number | undefined): Promise<boolean> =>
  new Promise((resolve) => {
    if (port === undefined) throw new Error('no port');
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(false)));
    socket.once('error', () => resolve(true));
  });

describe('runSandboxInNode', () => {
  it('serves hosts on real ports, labels console output by host and traces host-to-host calls', async () => {
    const { logs, trace, ports } = await runSandboxInNode(fixture('proxy'));
    expect(Object.keys(ports)).toEqual(['proxy', 'api']);
    expect(ports.proxy).toBeGreaterThan(0);
    expect(logs.map(({ host, level }) => `${host}:${level}`)).toEqual([
      'proxy:info',
      'api:log',
      'client:log',
      'proxy:info',
      'api:error',
      'client:warn',
    ]);
    expect(logs[1]?.text).toBe('serving data { items: 2 }');
    expect(logs[4]?.text).toContain('Error: the database is on fire');
    expect(logs[5]?.text).toBe('boom: 500');

    const requests = of(trace, 'request').map(
      (e) => `${e.exchange} ${e.from}→${e.to} ${e.method} ${new URL(e.url).pathname}`,
    );
    expect(requests).toEqual([
      'h1 client→proxy GET /data',
      'h2 proxy→api GET /data',
      'h3 client→proxy GET /boom',
      'h4 proxy→api GET /boom',
    ]);
    const responses = of(trace, 'response').map(
      (e) => `${e.exchange} ${e.from}→${e.to} ${e.status}`,
    );
    expect(responses).toEqual([
      'h2 api→proxy 200',
      'h1 proxy→client 200',
      'h4 api→proxy 500',
      'h3 proxy→client 500',
    ]);
    expect(of(trace, 'error')).toMatchObject([{ exchange: 'h4', from: 'api', to: 'proxy' }]);
    expect(of(trace, 'error')[0]?.message).toContain('the database is on fire');
    // The wiring's "which host" header never shows: not in the trace, not to the handler.
    expect(of(trace, 'request').every((e) => !header(e, 'x-sandbox-from'))).toBe(true);

    expect(await refused(ports.proxy)).toBe(true);
    expect(await refused(ports.api)).toBe(true);
  });

  it('records the trace in the shared schema, in order of arrival', async () => {
    const { trace } = await runSandboxInNode(sandboxDir('request-response'));
    for (const event of trace) {
      expect(typeof event.t).toBe('number');
      expect(event.exchange).toMatch(/^[hw]\d+$/);
      expect(event.from).toBeTruthy();
      expect(event.to).toBeTruthy();
    }
    expect(trace.map((e) => e.t)).toEqual([...trace.map((e) => e.t)].sort((a, b) => a - b));
    expect(trace.map((e) => `${e.exchange} ${e.kind}`)).toEqual([
      'h1 request',
      'h1 response',
      'h1 body-chunk',
      'h1 body-end',
      'h2 request',
      'h2 response',
      'h2 body-chunk',
      'h2 body-end',
    ]);
    const [request] = of(trace, 'request');
    expect(request).toMatchObject({ method: 'POST', from: 'client', to: 'server', bodySize: 40 });
    expect(request?.bodyPreview).toBe('{"fileName":"cat.png","sizeBytes":48213}');
    // Raw headers keep the order and the case they had on the wire.
    expect(request?.headers[0]?.[0]).toBe('host');
    expect(header(request, 'content-length')).toBe('40');
    const [response] = of(trace, 'response');
    expect(response).toMatchObject({ status: 201, statusText: 'Created' });
    expect(header(response, 'location')).toBe('/uploads/1');
    // Response.json is a fixed body: sent whole with a Content-Length, as the page frames it.
    expect(header(response, 'transfer-encoding')).toBeUndefined();
    const [chunk] = of(trace, 'body-chunk');
    const [end] = of(trace, 'body-end');
    expect(end?.size).toBe(chunk?.size);
    expect(header(response, 'content-length')).toBe(String(chunk?.size));
  });

  it('imports the sandbox fresh for every run, so module state does not leak between runs', async () => {
    const first = await runSandboxInNode(sandboxDir('request-response'));
    const second = await runSandboxInNode(sandboxDir('request-response'));
    expect(first.logs[0]?.text).toBe('stored upload 1: cat.png (48213 bytes)');
    expect(second.logs[0]?.text).toBe('stored upload 1: cat.png (48213 bytes)');
    expect(second.ports.server).not.toBe(first.ports.server);
  });

  it('streams a body chunk by chunk and turns a client abort into request.signal abort', async () => {
    const { logs, trace } = await runSandboxInNode(fixture('streaming'));
    expect(logs.map((l) => `${l.host}: ${l.text}`)).toEqual([
      'client: chunk: one',
      'client: chunk: two',
      'client: chunk: three',
      'client: hang: 200',
      'server: the client went away',
    ]);
    const h1 = trace.filter((e) => e.exchange === 'h1').map((e) => e.kind);
    expect(h1).toEqual([
      'request',
      'response',
      'body-chunk',
      'body-chunk',
      'body-chunk',
      'body-end',
    ]);
    expect(
      of(trace, 'body-chunk')
        .slice(0, 3)
        .map((e) => e.preview),
    ).toEqual(['one\n', 'two\n', 'three\n']);
    // Chunks really arrive apart: the server waits 20 ms between them.
    const times = of(trace, 'body-chunk')
      .slice(0, 3)
      .map((e) => e.t);
    expect((times[2] ?? 0) - (times[0] ?? 0)).toBeGreaterThanOrEqual(30);
    const h2 = trace.filter((e) => e.exchange === 'h2').map((e) => e.kind);
    expect(h2).toEqual(['request', 'response', 'body-chunk', 'abort']);
    expect(of(trace, 'abort')[0]).toMatchObject({ from: 'client', to: 'server' });
  });

  it('drops the connection when a host answers Response.error(): the fetch fails, nothing is answered', async () => {
    const { logs, trace } = await runSandboxInNode(fixture('drop'));
    expect(logs.map((line) => `${line.host}: ${line.text}`)).toEqual([
      'server: dropping the connection after 100 bytes',
      'client: attempt 1 failed: network error',
      'server: stored 100 bytes',
      'client: attempt 2: 204',
    ]);
    expect(trace.map((event) => `${event.kind} ${event.exchange}`)).toEqual([
      'request h1',
      'error h1',
      'request h2',
      'response h2',
      'body-end h2',
    ]);
    expect(of(trace, 'error')[0]).toMatchObject({ from: 'server', to: 'client' });
  });

  it('parses SSE events at the socket and resumes with Last-Event-ID after the server closes', async () => {
    const { logs, trace } = await runSandboxInNode(fixture('sse'));
    expect(logs.filter((l) => l.host === 'client').map((l) => l.text)).toEqual([
      'message #1: first',
      'tick #2: second',
      'message #3: third',
      'message #4: fourth\n(two lines)',
    ]);
    expect(logs.filter((l) => l.host === 'server').map((l) => l.text)).toEqual([
      'stream requested after event 0',
      'stream requested after event 2',
    ]);
    const requests = of(trace, 'request');
    expect(requests).toHaveLength(2);
    expect(header(requests[0], 'accept')).toBe('text/event-stream');
    expect(header(requests[0], 'last-event-id')).toBeUndefined();
    expect(header(requests[1], 'last-event-id')).toBe('2');
    expect(
      of(trace, 'sse-event').map(({ exchange, id, event, data, retry, comment }) => ({
        exchange,
        id,
        event,
        data,
        retry,
        comment,
      })),
    ).toEqual([
      {
        exchange: 'h1',
        id: undefined,
        event: undefined,
        data: '',
        retry: undefined,
        comment: 'keep-alive',
      },
      { exchange: 'h1', id: '1', event: undefined, data: 'first', retry: 50, comment: undefined },
      {
        exchange: 'h1',
        id: '2',
        event: 'tick',
        data: 'second',
        retry: undefined,
        comment: undefined,
      },
      {
        exchange: 'h2',
        id: '3',
        event: undefined,
        data: 'third',
        retry: undefined,
        comment: undefined,
      },
      {
        exchange: 'h2',
        id: '4',
        event: undefined,
        data: 'fourth\n(two lines)',
        retry: undefined,
        comment: undefined,
      },
    ]);
    expect(of(trace, 'body-end').map((e) => e.exchange)).toEqual(['h1', 'h2']);
  });

  it('runs WebSocket hooks on a real WebSocket server: echo to the sender, broadcast to the others', async () => {
    const { logs, trace } = await runSandboxInNode(fixture('websocket'));
    const lines = logs.map((l) => `${l.host}: ${l.text}`);
    expect(lines).toEqual(
      expect.arrayContaining([
        'alice: alice got ready',
        'alice: alice got echo: hi',
        'bob: bob got ready',
        'bob: bob got broadcast: hi',
        'server: closed 1000',
      ]),
    );
    expect(lines.filter((l) => l.includes('got')).length).toBe(4);
    // Each client's handshake carries the Origin of the page it plays, as the page's runtime sends.
    expect(lines.filter((l) => l.startsWith('server: open')).sort()).toEqual([
      expect.stringMatching(/^server: open [12] from http:\/\/alice\.test$/),
      expect.stringMatching(/^server: open [12] from http:\/\/bob\.test$/),
    ]);
    const opens = of(trace, 'ws-open');
    expect(opens.map((e) => e.exchange).sort()).toEqual(['w1', 'w2']);
    expect(new Set(opens.map((e) => e.from))).toEqual(new Set(['alice', 'bob']));
    expect(opens.every((e) => e.to === 'server' && new URL(e.url).pathname === '/chat')).toBe(true);
    const messages = of(trace, 'ws-message').map((e) => `${e.from}→${e.to} ${e.preview}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        'server→alice ready',
        'server→bob ready',
        'alice→server hi',
        'server→alice echo: hi',
        'server→bob broadcast: hi',
      ]),
    );
    expect(messages).toHaveLength(5);
    expect(of(trace, 'ws-message').find((e) => e.preview === 'hi')).toMatchObject({
      size: 2,
      binary: false,
    });
    const closes = of(trace, 'ws-close');
    expect(closes.map((e) => `${e.from}→${e.to} ${e.code} ${e.reason}`).sort()).toEqual([
      'alice→server 1000 done',
      'bob→server 1000 done',
    ]);
  });

  it('keeps a cookie jar per run: Set-Cookie (even on a redirect) comes back to the same host only', async () => {
    const { logs, trace } = await runSandboxInNode(fixture('cookies'));
    expect(logs.map((l) => l.text)).toEqual([
      'before: 401 who are you?',
      'login: 200 hello, session=abc123',
      'other saw cookie: none',
    ]);
    const requests = of(trace, 'request');
    expect(requests.map((e) => `${e.method} ${new URL(e.url).pathname} → ${e.to}`)).toEqual([
      'GET /me → server',
      'POST /login → server',
      'GET /me → server',
      'GET / → other',
    ]);
    expect(header(requests[0], 'cookie')).toBeUndefined();
    expect(header(requests[2], 'cookie')).toBe('session=abc123');
    expect(header(requests[3], 'cookie')).toBeUndefined();
    expect(header(of(trace, 'response')[1], 'set-cookie')).toContain('session=abc123');

    // A new run starts with an empty jar.
    const again = await runSandboxInNode(fixture('cookies'));
    expect(again.logs[0]?.text).toBe('before: 401 who are you?');
  });

  it('ends a run whose client never finishes: logs an error, closes streams and frees the ports', async () => {
    const { logs, trace, ports } = await runSandboxInNode(fixture('stuck'), { timeoutMs: 300 });
    expect(logs).toContainEqual({
      host: 'client',
      level: 'error',
      text: 'main() did not finish within 300 ms; the run was ended',
    });
    expect(logs).toContainEqual({ host: 'server', level: 'log', text: 'stream cancelled' });
    expect(of(trace, 'sse-event').length).toBeGreaterThan(3);
    expect(await refused(ports.server)).toBe(true);
  });

  it('can keep serving after the run, for curl', async () => {
    const sandbox = await startSandboxInNode(sandboxDir('request-response'));
    try {
      await sandbox.runClients();
      const response = await fetch(new URL('/uploads', sandbox.urls.server), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"fileName":"x.txt","sizeBytes":1}',
      });
      expect(response.status).toBe(201);
      expect(await response.json()).toEqual({ id: 2, fileName: 'x.txt', sizeBytes: 1 });
      expect(of(sandbox.trace, 'request').at(-1)).toMatchObject({ from: 'external', to: 'server' });
    } finally {
      await sandbox.close();
    }
  });

  it("gives host and client code the manifest's params at their defaults", async () => {
    const { logs } = await runSandboxInNode(fixture('params'));
    expect(logs.map((line) => line.text)).toEqual([
      'client sees {"delayMs":30}, server sees {"delayMs":30}',
    ]);
  });

  it('takes param values the way a reader sets them in the page', async () => {
    const { logs } = await runSandboxInNode(fixture('params'), { params: { delayMs: 75 } });
    expect(logs.map((line) => line.text)).toEqual([
      'client sees {"delayMs":75}, server sees {"delayMs":75}',
    ]);
  });
});
