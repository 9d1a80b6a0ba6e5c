import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../trace/events';
import { httpExchanges, pathOf } from './exercise';

const request = (exchange: string, t: number): TraceEvent => ({
  kind: 'request',
  exchange,
  t,
  from: 'client',
  to: 'server',
  method: 'POST',
  url: 'http://server/uploads?x=1',
  headers: [['Content-Type', 'application/json']],
  bodySize: 2,
  bodyPreview: '{}',
});
const answer = (exchange: string, t: number): TraceEvent[] => [
  {
    kind: 'response',
    exchange,
    t,
    from: 'server',
    to: 'client',
    status: 201,
    statusText: 'Created',
    headers: [['Location', '/uploads/1']],
  },
  { kind: 'body-chunk', exchange, t, from: 'server', to: 'client', size: 3, preview: '{"i' },
  { kind: 'body-chunk', exchange, t, from: 'server', to: 'client', size: 5, preview: 'd":1}' },
];

describe('httpExchanges', () => {
  it('pairs each request with its response, headers by lowercase name, body chunks joined', () => {
    const [exchange, ...rest] = httpExchanges([request('h1', 1), ...answer('h1', 4)]);
    expect(rest).toEqual([]);
    expect(exchange).toMatchObject({
      id: 'h1',
      method: 'POST',
      path: '/uploads',
      sent: 1,
      answered: 4,
      status: 201,
      requestBody: '{}',
      responseBody: '{"id":1}',
    });
    expect(exchange?.requestHeaders.get('content-type')).toBe('application/json');
    expect(exchange?.responseHeaders.get('location')).toBe('/uploads/1');
  });

  it('pairs a trace once for every check, and again once the trace has grown', () => {
    const trace = [request('h1', 1), ...answer('h1', 2)];
    const first = httpExchanges(trace);
    const second = httpExchanges(trace);
    expect(second).not.toBe(first);
    expect(second[0]).toBe(first[0]);
    trace.push(request('h2', 3));
    expect(httpExchanges(trace).map((exchange) => exchange.id)).toEqual(['h1', 'h2']);
  });

  it('keeps the URL and headers through a spread, as checks that add fields do', () => {
    const [exchange] = httpExchanges([request('h1', 1), ...answer('h1', 4)]);
    if (!exchange) throw new Error('no exchange paired');
    const copy = { ...exchange, after: 1 };
    expect(copy.url.searchParams.get('x')).toBe('1');
    expect(copy.requestHeaders.get('content-type')).toBe('application/json');
    expect(copy.responseHeaders.get('location')).toBe('/uploads/1');
  });
});

describe('pathOf', () => {
  it('reads the same path as URL does from serialized URLs', () => {
    for (const url of [
      'http://server/uploads?x=1',
      'http://server',
      'https://api.test:8443/a/b/c/#frag',
      'ws://broker/topics/%E2%9C%93?after=3',
      'http://[::1]:80/x;y',
    ]) {
      expect(pathOf(url), url).toBe(new URL(url).pathname);
    }
  });
});
