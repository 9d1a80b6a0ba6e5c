import { describe, expect, it } from 'vitest';
import type { TraceEvent } from './events';
import { TraceModel } from './trace-model';
import { traceSignature } from './signature';
import { toHar, type HarEntry } from './har-export';
import { HarImportError, harToTrace } from './har-import';
import { harProblems } from './har-schema';

const START = '2026-12-06T06:00:00.000Z';
const PNG = '\u0089PNG\r\n\u001a\n\u0000\u0000';

/** A run with every kind of exchange the sandboxes produce: JSON, binary, SSE, WebSocket, an abort. */
const run: TraceEvent[] = [
  {
    kind: 'request',
    t: 1,
    exchange: 'h1',
    from: 'client',
    to: 'server',
    method: 'POST',
    url: 'http://server.test/uploads?draft=1',
    headers: [['content-type', 'application/json']],
    bodySize: 13,
    bodyPreview: '{"name":"a"}' + ' ',
  },
  {
    kind: 'response',
    t: 3,
    exchange: 'h1',
    from: 'server',
    to: 'client',
    status: 201,
    statusText: 'Created',
    headers: [
      ['content-type', 'application/json'],
      ['location', '/uploads/1'],
    ],
  },
  {
    kind: 'body-chunk',
    t: 3,
    exchange: 'h1',
    from: 'server',
    to: 'client',
    size: 8,
    preview: '{"id":1}',
  },
  { kind: 'body-end', t: 3.5, exchange: 'h1', from: 'server', to: 'client', size: 8 },
  {
    kind: 'request',
    t: 4,
    exchange: 'h2',
    from: 'client',
    to: 'server',
    method: 'GET',
    url: 'http://server.test/cat.png',
    headers: [],
    bodySize: 0,
    bodyPreview: '',
  },
  {
    kind: 'response',
    t: 5,
    exchange: 'h2',
    from: 'server',
    to: 'client',
    status: 200,
    statusText: 'OK',
    headers: [['content-type', 'image/png']],
  },
  {
    kind: 'body-chunk',
    t: 6,
    exchange: 'h2',
    from: 'server',
    to: 'client',
    size: 10,
    preview: PNG,
  },
  { kind: 'body-end', t: 6, exchange: 'h2', from: 'server', to: 'client', size: 10 },
  {
    kind: 'request',
    t: 7,
    exchange: 'h3',
    from: 'client',
    to: 'server',
    method: 'GET',
    url: 'http://server.test/events',
    headers: [['accept', 'text/event-stream']],
    bodySize: 0,
    bodyPreview: '',
  },
  {
    kind: 'response',
    t: 8,
    exchange: 'h3',
    from: 'server',
    to: 'client',
    status: 200,
    statusText: 'OK',
    headers: [
      ['content-type', 'text/event-stream'],
      ['transfer-encoding', 'chunked'],
    ],
  },
  {
    kind: 'body-chunk',
    t: 9,
    exchange: 'h3',
    from: 'server',
    to: 'client',
    size: 14,
    preview: 'id: 1\ndata: a\n\n',
  },
  { kind: 'sse-event', t: 9, exchange: 'h3', from: 'server', to: 'client', id: '1', data: 'a' },
  {
    kind: 'ws-open',
    t: 10,
    exchange: 'w1',
    from: 'client',
    to: 'server',
    url: 'ws://server.test/chat',
    headers: [
      ['upgrade', 'websocket'],
      ['sec-websocket-key', 'dGhlIHNhbXBsZSBub25jZQ=='],
    ],
  },
  {
    kind: 'response',
    t: 10,
    exchange: 'w1',
    from: 'server',
    to: 'client',
    status: 101,
    statusText: 'Switching Protocols',
    headers: [['Sec-WebSocket-Accept', 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=']],
  },
  {
    kind: 'ws-message',
    t: 11,
    exchange: 'w1',
    from: 'client',
    to: 'server',
    size: 5,
    preview: 'hello',
    binary: false,
  },
  {
    kind: 'ws-message',
    t: 12,
    exchange: 'w1',
    from: 'server',
    to: 'client',
    size: 3,
    preview: 'abc',
    binary: true,
  },
  {
    kind: 'ws-close',
    t: 13,
    exchange: 'w1',
    from: 'server',
    to: 'client',
    code: 1000,
    reason: 'bye',
  },
  {
    kind: 'request',
    t: 14,
    exchange: 'h4',
    from: 'client',
    to: 'server',
    method: 'GET',
    url: 'http://server.test/slow',
    headers: [],
    bodySize: 0,
    bodyPreview: '',
  },
  { kind: 'abort', t: 20, exchange: 'h4', from: 'client', to: 'server' },
  { kind: 'body-end', t: 21, exchange: 'h3', from: 'server', to: 'client', size: 14 },
];

function entry(entries: HarEntry[], url: string): HarEntry {
  const found = entries.find((each) => each.request.url === url);
  if (!found) throw new Error(`no entry for ${url}`);
  return found;
}

describe('toHar', () => {
  const har = toHar(run, { sandbox: 'test', startedAt: START });

  it('writes HAR 1.2 that passes every check of the specification', () => {
    expect(harProblems(JSON.parse(JSON.stringify(har)))).toEqual([]);
    expect(har.log.entries).toHaveLength(5);
  });

  it('gives each HTTP entry its headers, query, body and timings from the trace', () => {
    const upload = entry(har.log.entries, 'http://server.test/uploads?draft=1');
    expect(upload.startedDateTime).toBe('2026-12-06T06:00:00.001Z');
    expect(upload.request.queryString).toEqual([{ name: 'draft', value: '1' }]);
    expect(upload.request.postData).toEqual({
      mimeType: 'application/json',
      text: '{"name":"a"} ',
    });
    expect(upload.response.redirectURL).toBe('/uploads/1');
    expect(upload.response.content).toEqual({
      size: 8,
      mimeType: 'application/json',
      text: '{"id":1}',
    });
    expect(upload.timings).toMatchObject({ send: 0, wait: 2, receive: 0.5 });
    expect(upload.time).toBe(2.5);
  });

  it('writes binary bodies as base64 and says when the trace kept only a preview', () => {
    const image = entry(har.log.entries, 'http://server.test/cat.png').response.content;
    expect(image.encoding).toBe('base64');
    expect(
      new TextDecoder().decode(Uint8Array.from(atob(image.text ?? ''), (c) => c.charCodeAt(0))),
    ).toBe(PNG);
    const stream = entry(har.log.entries, 'http://server.test/events').response.content;
    expect(stream).toMatchObject({ mimeType: 'text/event-stream', text: 'id: 1\ndata: a\n\n' });
  });

  it('writes WebSocket messages as Chromium does, binary as base64', () => {
    const socket = entry(har.log.entries, 'ws://server.test/chat');
    expect(socket.response.status).toBe(101);
    // The handshake's headers, sized as HTTP/1.1 puts them on the wire.
    expect(socket.request.headers).toEqual([
      { name: 'upgrade', value: 'websocket' },
      { name: 'sec-websocket-key', value: 'dGhlIHNhbXBsZSBub25jZQ==' },
    ]);
    expect(socket.request.headersSize).toBe(20 + 20 + 45 + 2);
    expect(socket.response.headers).toEqual([
      { name: 'Sec-WebSocket-Accept', value: 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=' },
    ]);
    expect(socket.response.headersSize).toBe(34 + 52 + 2);
    expect(socket._resourceType).toBe('websocket');
    expect(socket._webSocketMessages).toEqual([
      { type: 'send', time: Date.parse(START) / 1000 + 0.011, opcode: 1, data: 'hello' },
      { type: 'receive', time: Date.parse(START) / 1000 + 0.012, opcode: 2, data: btoa('abc') },
    ]);
    expect(socket._webSocketClose).toMatchObject({ type: 'receive', code: 1000, reason: 'bye' });
  });

  it('records a request that got no answer with status 0 and the reason', () => {
    const slow = entry(har.log.entries, 'http://server.test/slow');
    expect(slow.response).toMatchObject({ status: 0, _error: 'The client aborted.', bodySize: -1 });
  });
});

describe('harProblems', () => {
  type Loose = Record<string, unknown>;
  const valid = () =>
    JSON.parse(JSON.stringify(toHar(run, { sandbox: 'test', startedAt: START }))) as {
      log: {
        entries: Array<{
          request: Loose;
          response: Loose;
          timings: Loose;
          startedDateTime: string;
        }>;
        [key: string]: unknown;
      };
    };

  it('names each field that breaks the specification', () => {
    const doc = valid();
    const [first] = doc.log.entries;
    if (!first) throw new Error('the export has no entries');
    delete first.request.httpVersion;
    first.timings.wait = -3;
    first.startedDateTime = 'yesterday';
    first.response.content = { size: 1 };
    first.request.postData = {
      mimeType: 'x',
      text: 'a',
      params: [{ name: 'a' }],
    };
    delete doc.log.creator;
    expect(harProblems(doc)).toEqual([
      'log.creator: required object is missing',
      'log.entries[0].startedDateTime: "yesterday" is not an ISO 8601 date-time',
      'log.entries[0].request.httpVersion: required string is missing',
      'log.entries[0].request.postData: text and params are mutually exclusive',
      'log.entries[0].response.content.mimeType: required string is missing',
      'log.entries[0].timings.wait: must not be negative (-3)',
      'log.entries[0].time: 2.5 is not the sum of its timings (-2.5)',
    ]);
  });

  it('rejects a document without a log and a version other than 1.2', () => {
    expect(harProblems([])).toEqual(['log: required object is missing']);
    const doc = valid();
    doc.log.version = '1.1';
    expect(harProblems(doc)).toEqual(['log.version: expected "1.2", found "1.1"']);
  });
});

describe('harToTrace', () => {
  /** This site's export with its own events removed: what another tool would write. */
  const entriesOnly = (): string => {
    const har: { log: Record<string, unknown> } = toHar(run, { sandbox: 'test', startedAt: START });
    delete har.log._bcpTrace;
    return JSON.stringify(har);
  };

  it('reopens this site’s export losslessly from the events it carries', () => {
    const imported = harToTrace(JSON.stringify(toHar(run, { sandbox: 'test', startedAt: START })));
    expect(imported.events).toEqual(run);
    expect(imported.hosts).toEqual(['client', 'server']);
    expect(imported.notes).toEqual([]);
  });

  it('draws the HAR entries, and says why, when the embedded events are malformed', () => {
    const har = toHar(run, { sandbox: 'test', startedAt: START });
    har.log._bcpTrace.events[1] = { ...run[1], status: 'two hundred' } as unknown as TraceEvent;
    const imported = harToTrace(JSON.stringify(har));
    expect(imported.events.some((event) => event.kind === 'sse-event')).toBe(false);
    expect(imported.notes).toEqual([
      expect.stringMatching(/^Event 2 of its embedded sandbox trace is malformed \(.+\)/),
    ]);
  });

  it('reads an exported run back into the same exchanges, hosts and messages', () => {
    const imported = harToTrace(entriesOnly());
    expect(imported.hosts).toEqual(['client', 'server']);
    // The WebSocket entry's headers come back as the handshake: ws-open and its 101 response.
    const open = imported.events.find((event) => event.kind === 'ws-open');
    const answer = imported.events.find(
      (event) => event.kind === 'response' && event.exchange === open?.exchange,
    );
    expect(open?.kind === 'ws-open' && open.headers).toHaveLength(2);
    expect(answer?.kind === 'response' && [answer.status, answer.headers.length]).toEqual([101, 1]);
    expect(imported.startedAt).toBe('2026-12-06T06:00:00.001Z');
    const withoutSse = run.filter((event) => event.kind !== 'sse-event');
    expect(traceSignature(imported.events)).toEqual(traceSignature(withoutSse));
    const model = new TraceModel(imported.hosts);
    model.add(imported.events);
    expect(model.messages.map((message) => message.label)).toEqual(
      expect.arrayContaining([
        'POST /uploads?draft=1',
        '201 Created',
        'hello',
        'binary, 3 B',
        'close 1000 bye',
      ]),
    );
    expect(imported.notes).toEqual([]);
  });

  it('reads a browser HAR: HTTP/2 pseudo-headers dropped, base64 bodies decoded, servers by host', () => {
    const chrome = {
      log: {
        version: '1.2',
        creator: { name: 'WebInspector', version: '537.36' },
        pages: [],
        entries: [
          {
            startedDateTime: '2026-12-06T06:00:00.100Z',
            time: 30,
            request: {
              method: 'GET',
              url: 'https://example.org/app.js',
              httpVersion: 'h2',
              headers: [
                { name: ':authority', value: 'example.org' },
                { name: 'accept', value: '*/*' },
              ],
              queryString: [],
              cookies: [],
              headersSize: -1,
              bodySize: 0,
            },
            response: {
              status: 200,
              statusText: '',
              httpVersion: 'h2',
              headers: [{ name: 'content-type', value: 'text/javascript' }],
              cookies: [],
              content: {
                size: 12,
                mimeType: 'text/javascript',
                text: btoa('console.log()'),
                encoding: 'base64',
              },
              redirectURL: '',
              headersSize: -1,
              bodySize: 40,
            },
            cache: {},
            timings: { blocked: 1, dns: -1, connect: -1, send: 1, wait: 20, receive: 8 },
          },
          {
            startedDateTime: '2026-12-06T06:00:00.000Z',
            time: 5,
            request: {
              method: 'GET',
              url: 'https://api.example.org/x',
              httpVersion: 'HTTP/1.1',
              headers: [],
              queryString: [],
              cookies: [],
              headersSize: -1,
              bodySize: 0,
            },
            response: {
              status: 0,
              statusText: '',
              httpVersion: '',
              headers: [],
              cookies: [],
              content: { size: 0, mimeType: '' },
              redirectURL: '',
              headersSize: -1,
              bodySize: -1,
              _error: 'net::ERR_NAME_NOT_RESOLVED',
            },
            cache: {},
            timings: { send: 0, wait: 0, receive: 0 },
          },
          { startedDateTime: 'not a date', request: { url: 'https://example.org/' } },
        ],
      },
    };
    const imported = harToTrace(JSON.stringify(chrome));
    expect(imported.hosts).toEqual(['browser', 'example.org', 'api.example.org']);
    expect(imported.notes).toEqual(['1 entry was skipped: no request URL or start time.']);
    expect(imported.events.map((event) => `${event.t} ${event.kind}`)).toEqual([
      '0 request',
      '5 error',
      '100 request',
      '122 response',
      '130 body-chunk',
      '130 body-end',
    ]);
    const request = imported.events.find(
      (event) => event.kind === 'request' && event.url.endsWith('app.js'),
    );
    expect(request?.kind === 'request' && request.headers).toEqual([['accept', '*/*']]);
    const chunk = imported.events.find((event) => event.kind === 'body-chunk');
    expect(chunk?.kind === 'body-chunk' && chunk.preview).toBe('console.log()');
    const error = imported.events.find((event) => event.kind === 'error');
    expect(error?.kind === 'error' && error.message).toBe('net::ERR_NAME_NOT_RESOLVED');
  });

  it('says in words why a file cannot be drawn', () => {
    const message = (source: string): string => {
      try {
        harToTrace(source);
      } catch (error) {
        expect(error).toBeInstanceOf(HarImportError);
        return (error as Error).message;
      }
      return 'no error';
    };
    expect(message('<html>')).toMatch(/^This file is not JSON/);
    expect(message('{"entries":[]}')).toMatch(/no "log" object/);
    expect(message('{"log":{}}')).toMatch(/no "log.entries" list/);
    expect(message('{"log":{"entries":[]}}')).toBe('This HAR file has no requests in it.');
    expect(message('{"log":{"entries":[{}]}}')).toMatch(/None of the 1 entries/);
  });
});
