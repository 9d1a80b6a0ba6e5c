import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../sandbox/trace/events';
import {
  ComparisonRun,
  DELIVERY_LINE,
  TECHNIQUES,
  cellTexts,
  formatBytes,
  formatDuration,
  formatMs,
  median,
  unionLength,
} from './comparison-metrics';

// A hand-made run: one short poll answered empty then one with an update, one SSE stream with an
// event, and one WebSocket with a message and a close. Numbers chosen so every byte is checkable.
const trace: TraceEvent[] = [
  // short-poll: GET /poll?after=0 → 200 [] (2 B), then GET /poll?after=0 → 200 [..] (10 B)
  {
    kind: 'request',
    t: 0,
    exchange: 'h1',
    from: 'short-poll',
    to: 'server',
    method: 'GET',
    url: 'http://server.test/poll?after=0',
    headers: [['accept', '*/*']],
    bodySize: 0,
    bodyPreview: '',
  },
  {
    kind: 'response',
    t: 1,
    exchange: 'h1',
    from: 'server',
    to: 'short-poll',
    status: 200,
    statusText: 'OK',
    headers: [['content-length', '2']],
  },
  {
    kind: 'body-chunk',
    t: 1,
    exchange: 'h1',
    from: 'server',
    to: 'short-poll',
    size: 2,
    preview: '[]',
  },
  { kind: 'body-end', t: 2, exchange: 'h1', from: 'server', to: 'short-poll', size: 2 },
  // sse: one stream opened at 3 ms, still open at the end
  {
    kind: 'request',
    t: 3,
    exchange: 'h2',
    from: 'sse',
    to: 'server',
    method: 'GET',
    url: 'http://server.test/events',
    headers: [],
    bodySize: 0,
    bodyPreview: '',
  },
  {
    kind: 'response',
    t: 4,
    exchange: 'h2',
    from: 'server',
    to: 'sse',
    status: 200,
    statusText: 'OK',
    headers: [
      ['content-type', 'text/event-stream'],
      ['transfer-encoding', 'chunked'],
    ],
  },
  // push: handshake at 5 ms, the server's 101 at the same moment
  {
    kind: 'ws-open',
    t: 5,
    exchange: 'w1',
    from: 'push',
    to: 'server',
    url: 'ws://server.test/ws',
    headers: [
      ['upgrade', 'websocket'],
      ['sec-websocket-key', 'dGhlIHNhbXBsZSBub25jZQ=='],
    ],
  },
  {
    kind: 'response',
    t: 5,
    exchange: 'w1',
    from: 'server',
    to: 'push',
    status: 101,
    statusText: 'Switching Protocols',
    headers: [['Sec-WebSocket-Accept', 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=']],
  },
  {
    kind: 'request',
    t: 1000,
    exchange: 'h3',
    from: 'short-poll',
    to: 'server',
    method: 'GET',
    url: 'http://server.test/poll?after=0',
    headers: [['accept', '*/*']],
    bodySize: 0,
    bodyPreview: '',
  },
  {
    kind: 'response',
    t: 1001,
    exchange: 'h3',
    from: 'server',
    to: 'short-poll',
    status: 200,
    statusText: 'OK',
    headers: [['content-length', '10']],
  },
  {
    kind: 'body-chunk',
    t: 1001,
    exchange: 'h3',
    from: 'server',
    to: 'short-poll',
    size: 10,
    preview: '[{"seq":1}',
  },
  { kind: 'body-end', t: 1002, exchange: 'h3', from: 'server', to: 'short-poll', size: 10 },
  {
    kind: 'body-chunk',
    t: 500,
    exchange: 'h2',
    from: 'server',
    to: 'sse',
    size: 20,
    preview: 'id: 1\ndata: {"a":1}\n\n',
  },
  {
    kind: 'sse-event',
    t: 500,
    exchange: 'h2',
    from: 'server',
    to: 'sse',
    id: '1',
    data: '{"a":1}',
  },
  {
    kind: 'ws-message',
    t: 500,
    exchange: 'w1',
    from: 'server',
    to: 'push',
    size: 30,
    preview: '{"seq":1}',
    binary: false,
  },
  {
    kind: 'ws-close',
    t: 600,
    exchange: 'w1',
    from: 'push',
    to: 'server',
    code: 1000,
    reason: 'ok',
  },
  // an unrelated host's traffic is not counted in any row
  {
    kind: 'request',
    t: 700,
    exchange: 'h4',
    from: 'other',
    to: 'server',
    method: 'GET',
    url: 'http://server.test/poll?after=0',
    headers: [],
    bodySize: 0,
    bodyPreview: '',
  },
];

const consoleLines = [
  { host: 'short-poll', text: 'poll 1: nothing new' },
  { host: 'short-poll', text: 'update #1 delivered after 500.4 ms (poll 2)' },
  { host: 'sse', text: 'update #1 delivered after 0.6 ms (event id 1)' },
  { host: 'push', text: 'update #1 delivered after 0.2 ms (message)' },
  { host: 'push', text: 'update #2 delivered after 0.4 ms (message)' },
  // A repeated line for the same update replaces the first one instead of counting twice.
  { host: 'push', text: 'update #2 delivered after 0.8 ms (message)' },
  { host: 'server', text: 'update #9 delivered after 1 ms (not a client)' },
  { host: 'push', text: 'done: 2 updates, 1 request(s), latency median 0.5 ms, max 0.8 ms' },
];

function rowsOf(events = trace, lines = consoleLines) {
  const run = new ComparisonRun(['short-poll', 'long-poll', 'sse', 'push']);
  run.addTrace(events);
  run.addConsole(lines);
  return Object.fromEntries(run.rows().map((row) => [row.client, row]));
}

describe('ComparisonRun', () => {
  it('counts requests per client, a WebSocket handshake as one', () => {
    const rows = rowsOf();
    expect(rows['short-poll']?.requests).toBe(2);
    expect(rows.sse?.requests).toBe(1);
    expect(rows.push?.requests).toBe(1);
    expect(rows['long-poll']?.requests).toBe(0);
  });

  it('splits bytes both ways into headers and payload, as HTTP/1.1 and RFC 6455 frame them', () => {
    const rows = rowsOf();
    // "GET /poll?after=0 HTTP/1.1\r\n" (28) + "accept: */*\r\n" (13) + "\r\n" (2) = 43, twice;
    // "HTTP/1.1 200 OK\r\n" (17) + "content-length: 2\r\n" (19) + "\r\n" = 38, and 39 with "10".
    expect(rows['short-poll']?.headerBytes).toBe(43 + 38 + 43 + 39);
    expect(rows['short-poll']?.payloadBytes).toBe(2 + 10);
    // SSE: request head 24, response head 17 + 33 + 28 + 2 = 80, and the chunk's "14\r\n…\r\n" framing (6).
    expect(rows.sse?.headerBytes).toBe(24 + 80 + 6);
    expect(rows.sse?.payloadBytes).toBe(20);
    // WebSocket: the handshake, "GET /ws HTTP/1.1\r\n" (18) + "upgrade: websocket\r\n" (20) +
    // "sec-websocket-key: …\r\n" (45) + "\r\n" = 85, and "HTTP/1.1 101 Switching Protocols\r\n" (34) +
    // "Sec-WebSocket-Accept: …\r\n" (52) + "\r\n" = 88; a 2-byte server frame header; the client's
    // close frame: 2 + 4 (mask), payload 2 + 2.
    expect(rows.push?.headerBytes).toBe(85 + 88 + 2 + 6);
    expect(rows.push?.payloadBytes).toBe(30 + 4);
  });

  it('reads latencies from the clients’ delivery lines: median, max and distinct updates', () => {
    const rows = rowsOf();
    expect(rows['short-poll']).toMatchObject({
      delivered: 1,
      latencyMedian: 500.4,
      latencyMax: 500.4,
    });
    expect(rows.push).toMatchObject({ delivered: 2, latencyMedian: 0.5, latencyMax: 0.8 });
    expect(rows['long-poll']).toMatchObject({ delivered: 0 });
    expect(rows['long-poll']?.latencyMedian).toBeUndefined();
  });

  it('measures open connections: the peak at once, and the time with any open', () => {
    const rows = rowsOf();
    expect(rows['short-poll']).toMatchObject({ openPeak: 1, openMs: 2 + 2 });
    // The stream is still open: it counts up to the latest event of the run (1002 ms).
    expect(rows.sse).toMatchObject({ openPeak: 1, openMs: 1002 - 3 });
    expect(rows.push).toMatchObject({ openPeak: 1, openMs: 600 - 5 });
  });

  it('starts from zero and ignores events from other runs it was not given', () => {
    const rows = rowsOf([], []);
    expect(rows.push).toEqual({
      client: 'push',
      delivered: 0,
      requests: 0,
      headerBytes: 0,
      payloadBytes: 0,
      latencyMedian: undefined,
      latencyMax: undefined,
      openPeak: 0,
      openMs: 0,
    });
  });

  it('accepts trace events in several batches, as the page receives them', () => {
    const run = new ComparisonRun(['short-poll']);
    run.addTrace(trace.slice(0, 5));
    run.addTrace(trace.slice(5));
    run.addConsole(consoleLines);
    expect(run.rows()[0]).toEqual(rowsOf()['short-poll']);
  });
});

describe('helpers', () => {
  it('median: middle value, or the mean of the two middle values', () => {
    expect(median([])).toBeUndefined();
    expect(median([3])).toBe(3);
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('unionLength: overlapping intervals count once', () => {
    expect(unionLength([])).toBe(0);
    expect(
      unionLength([
        [0, 10],
        [5, 15],
        [20, 25],
        [30, 30],
      ]),
    ).toBe(20);
  });

  it('DELIVERY_LINE matches what sandboxes/comparison/updates.ts prints', () => {
    const source = readFileSync(
      new URL('../../sandboxes/comparison/updates.ts', import.meta.url),
      'utf8',
    );
    expect(source).toContain(
      '`update #${update.seq} delivered after ${ms.toFixed(1)} ms (${how})`',
    );
    expect(DELIVERY_LINE.exec('update #12 delivered after 3.5 ms (poll 4)')?.slice(1)).toEqual([
      '12',
      '3.5',
    ]);
  });

  it('the table rows are the comparison sandbox’s clients', () => {
    const manifest = JSON.parse(
      readFileSync(new URL('../../sandboxes/comparison/sandbox.json', import.meta.url), 'utf8'),
    ) as { clients: Record<string, string> };
    expect(TECHNIQUES.map((technique) => technique.client)).toEqual(Object.keys(manifest.clients));
  });

  it('formats cells: grouped bytes, ms with one decimal below 10, dashes before data', () => {
    expect(formatBytes(12345)).toBe('12,345 B');
    expect(formatMs(undefined)).toBe('—');
    expect(formatMs(0.44)).toBe('0.4 ms');
    expect(formatMs(1003.4)).toBe('1,003 ms');
    expect(formatDuration(4)).toBe('4.0 ms');
    expect(formatDuration(5512)).toBe('5.5 s');
    const row = rowsOf().push;
    expect(row && cellTexts(row, 8)).toEqual([
      '2 of 8',
      '1',
      '181 B',
      '34 B',
      '0.5 ms',
      '0.8 ms',
      '1',
      '595 ms',
    ]);
  });
});
