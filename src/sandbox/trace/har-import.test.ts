import { describe, expect, it } from 'vitest';
import type { TraceEvent } from './events';
import { run, START } from './har-fixtures';
import { toHar } from './har-export';
import { HarImportError, harToTrace } from './har-import';
import { TraceModel } from './trace-model';
import { traceSignature } from './signature';

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
