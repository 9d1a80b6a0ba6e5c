import { describe, expect, it } from 'vitest';
import type { TraceEvent } from './events';
import type { HostCounters, WireForm } from './model-types';
import { TraceModel } from './trace-model';
import { describeMessage, wireForm } from './wire-form';
import { traceSignature } from './signature';
import { utf8Length, wsFrameHeaderBytes } from './wire-bytes';

/** Element `i`, or a failed test that says which one was missing. */
function at<T>(list: readonly T[], i: number): T {
  const value = list[i];
  if (value === undefined)
    throw new Error(`expected an element at ${i}, but the list has ${list.length}`);
  return value;
}
function wireAt(model: TraceModel, i: number): WireForm {
  const wire = wireForm(model, i);
  if (!wire) throw new Error(`expected a wire form for message ${i}`);
  return wire;
}
function hostOf(model: TraceModel, host: string): HostCounters {
  const counters = model.counters.get(host);
  if (!counters) throw new Error(`expected counters for ${host}`);
  return counters;
}

const BODY = '{"fileName":"cat.png","sizeBytes":48213}';
const STORED = '{"id":1,"fileName":"cat.png","sizeBytes":48213}';

/** The request–response sandbox's first exchange, as the page records it. */
const upload: TraceEvent[] = [
  {
    kind: 'request',
    t: 12.3,
    exchange: 'h1',
    from: 'client',
    to: 'server',
    method: 'POST',
    url: 'http://server.test/uploads',
    headers: [
      ['host', 'server.test'],
      ['content-type', 'application/json'],
      ['content-length', '40'],
    ],
    bodySize: 40,
    bodyPreview: BODY,
  },
  {
    kind: 'response',
    t: 13,
    exchange: 'h1',
    from: 'server',
    to: 'client',
    status: 201,
    statusText: 'Created',
    headers: [
      ['content-type', 'application/json'],
      ['location', '/uploads/1'],
      ['content-length', '47'],
    ],
  },
  {
    kind: 'body-chunk',
    t: 13.5,
    exchange: 'h1',
    from: 'server',
    to: 'client',
    size: 47,
    preview: STORED,
  },
  { kind: 'body-end', t: 13.6, exchange: 'h1', from: 'server', to: 'client', size: 47 },
];

describe('wire form of an HTTP/1.1 request', () => {
  it('counts each part by hand: start line, headers, blank line, body (CRLF included)', () => {
    const model = new TraceModel(['client', 'server']);
    model.add(upload);
    const wire = wireAt(model, 0);
    // "POST /uploads HTTP/1.1" is 22 bytes + CRLF; "host: server.test" 17 + 2;
    // "content-type: application/json" 30 + 2; "content-length: 40" 18 + 2; blank line 2; body 40.
    expect(wire.parts.map((part) => [part.role, part.bytes])).toEqual([
      ['start-line', 24],
      ['header', 19],
      ['header', 32],
      ['header', 20],
      ['blank', 2],
      ['body', 40],
    ]);
    expect(at(wire.parts, 0).text).toBe('POST /uploads HTTP/1.1');
    expect(at(wire.parts, 5).text).toBe(BODY);
    expect(wire.total).toBe(137);
    expect(at(model.messages, 0).bytes).toBe(137);
  });

  it('counts header values in UTF-8 bytes, not characters', () => {
    const model = new TraceModel();
    model.add([
      {
        ...at(upload, 0),
        headers: [['x-name', 'café']],
        bodySize: 0,
        bodyPreview: '',
      } as TraceEvent,
    ]);
    // "x-name: café" is 12 characters but 13 bytes.
    expect(at(wireAt(model, 0).parts, 1).bytes).toBe(15);
    expect(utf8Length('café')).toBe(5);
  });

  it('keeps the query string in the request target', () => {
    const model = new TraceModel();
    model.add([
      {
        ...at(upload, 0),
        method: 'GET',
        url: 'http://server.test/poll?after=3',
        headers: [],
        bodySize: 0,
        bodyPreview: '',
      } as TraceEvent,
    ]);
    expect(at(wireAt(model, 0).parts, 0).text).toBe('GET /poll?after=3 HTTP/1.1');
    expect(at(model.messages, 0).label).toBe('GET /poll?after=3');
  });
});

describe('wire form of a response', () => {
  it('folds a fixed-length body into the response message', () => {
    const model = new TraceModel(['client', 'server']);
    model.add(upload);
    expect(model.messages.map((message) => message.label)).toEqual([
      'POST /uploads',
      '201 Created',
    ]);
    const wire = wireAt(model, 1);
    // "HTTP/1.1 201 Created" 20 + 2; headers 32 + 22 + 20; blank 2; body 47.
    expect(wire.parts.map((part) => part.bytes)).toEqual([22, 32, 22, 20, 2, 47]);
    expect(wire.total).toBe(145);
    expect(at(model.messages, 1).bytes).toBe(145);
  });

  it('adds chunk-size lines, CRLFs and the last chunk for Transfer-Encoding: chunked', () => {
    const model = new TraceModel();
    model.add([
      at(upload, 0),
      { ...at(upload, 1), headers: [['transfer-encoding', 'chunked']] } as TraceEvent,
      {
        kind: 'body-chunk',
        t: 14,
        exchange: 'h1',
        from: 'server',
        to: 'client',
        size: 14,
        preview: 'x'.repeat(14),
      },
      {
        kind: 'body-chunk',
        t: 200,
        exchange: 'h1',
        from: 'server',
        to: 'client',
        size: 300,
        preview: 'y'.repeat(300),
      },
      { kind: 'body-end', t: 201, exchange: 'h1', from: 'server', to: 'client', size: 314 },
    ]);
    // "e\r\n" + 14 + "\r\n" = 19; "12c\r\n" + 300 + "\r\n" = 307; "0\r\n\r\n" = 5.
    const response = wireAt(model, 1);
    const head = 22 + 28 + 2; // status line, "transfer-encoding: chunked\r\n", blank line
    // The first chunk follows its response directly and joins it; the one 186 ms later is its own arrow.
    expect(model.messages.map((message) => message.label)).toEqual([
      'POST /uploads',
      '201 Created',
      'chunk, 300 B',
    ]);
    expect(response.total).toBe(head + 19);
    expect(wireAt(model, 2).parts.map((part) => [part.role, part.bytes])).toEqual([
      ['chunk-size', 5],
      ['body', 302],
      ['chunk-end', 3],
      ['blank', 2],
    ]);
    expect(hostOf(model, 'server').sent).toEqual({ headers: head + 5 + 7 + 5, body: 314 });
  });
});

describe('SSE and WebSocket wire forms', () => {
  it('shows an SSE event as its lines; the byte count equals the chunk that carried it', () => {
    const model = new TraceModel();
    model.add([
      {
        ...at(upload, 0),
        method: 'GET',
        url: 'http://server.test/events',
        headers: [],
        bodySize: 0,
        bodyPreview: '',
      } as TraceEvent,
      {
        ...at(upload, 1),
        status: 200,
        statusText: 'OK',
        headers: [
          ['content-type', 'text/event-stream'],
          ['transfer-encoding', 'chunked'],
        ],
      } as TraceEvent,
      {
        kind: 'body-chunk',
        t: 14,
        exchange: 'h1',
        from: 'server',
        to: 'client',
        size: 32,
        preview: 'id: 2\nevent: tick\ndata: second\n\n',
      },
      {
        kind: 'sse-event',
        t: 14,
        exchange: 'h1',
        from: 'server',
        to: 'client',
        id: '2',
        event: 'tick',
        data: 'second',
      },
    ]);
    expect(model.messages.map((message) => message.kind)).toEqual(['request', 'response', 'sse']);
    const wire = wireAt(model, 2);
    expect(wire.parts.map((part) => part.text)).toEqual([
      'id: 2',
      'event: tick',
      'data: second',
      '',
    ]);
    expect(wire.total).toBe(32);
    expect(at(model.messages, 2).label).toBe('tick: second');
  });

  it('sizes frame headers per RFC 6455: 2/4/10 bytes, plus a 4-byte mask from the client', () => {
    expect([
      wsFrameHeaderBytes(125, false),
      wsFrameHeaderBytes(126, false),
      wsFrameHeaderBytes(65535, false),
      wsFrameHeaderBytes(65536, false),
    ]).toEqual([2, 4, 4, 10]);
    expect(wsFrameHeaderBytes(2, true)).toBe(6);
    const model = new TraceModel(['alice', 'server']);
    model.add([
      {
        kind: 'ws-open',
        t: 1,
        exchange: 'w1',
        from: 'alice',
        to: 'server',
        url: 'ws://server.test/chat',
        headers: [
          ['host', 'server.test'],
          ['upgrade', 'websocket'],
          ['sec-websocket-key', 'dGhlIHNhbXBsZSBub25jZQ=='],
        ],
      },
      {
        kind: 'response',
        t: 1,
        exchange: 'w1',
        from: 'server',
        to: 'alice',
        status: 101,
        statusText: 'Switching Protocols',
        headers: [['Sec-WebSocket-Accept', 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=']],
      },
      {
        kind: 'ws-message',
        t: 2,
        exchange: 'w1',
        from: 'alice',
        to: 'server',
        size: 2,
        preview: 'hi',
        binary: false,
      },
      {
        kind: 'ws-message',
        t: 3,
        exchange: 'w1',
        from: 'server',
        to: 'alice',
        size: 200,
        preview: 'z'.repeat(200),
        binary: true,
      },
      {
        kind: 'ws-close',
        t: 4,
        exchange: 'w1',
        from: 'alice',
        to: 'server',
        code: 1000,
        reason: 'done',
      },
    ]);
    // The opening handshake, header by header: "GET /chat HTTP/1.1\r\n" (20), "host: server.test\r\n"
    // (19), "upgrade: websocket\r\n" (20), "sec-websocket-key: …\r\n" (45), "\r\n".
    const upgrade = wireAt(model, 0);
    expect(upgrade.parts.map((part) => part.text)).toEqual([
      'GET /chat HTTP/1.1',
      'host: server.test',
      'upgrade: websocket',
      'sec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==',
      '',
    ]);
    expect(upgrade.total).toBe(20 + 19 + 20 + 45 + 2);
    expect(model.messages[0]?.bytes).toBe(upgrade.total);
    // The 101: "HTTP/1.1 101 Switching Protocols\r\n" (34), the accept line (52), "\r\n"; the socket stays open.
    expect(model.messages[1]?.label).toBe('101 Switching Protocols');
    expect(wireAt(model, 1).total).toBe(34 + 52 + 2);
    expect(model.exchanges.get('w1')?.state).toBe('done');
    expect(wireAt(model, 2).parts.map((part) => part.bytes)).toEqual([6, 2]);
    expect(at(wireAt(model, 2).parts, 0).text).toContain('opcode=0x1 text MASK=1');
    expect(wireAt(model, 3).parts.map((part) => part.bytes)).toEqual([4, 200]);
    // Close: 2-byte code + "done", masked: 2 + 4 header, 6 payload.
    expect(wireAt(model, 4).total).toBe(12);
    const alice = hostOf(model, 'alice');
    expect(alice.sent).toEqual({ headers: 106 + 6 + 6, body: 2 + 6 });
    expect(alice.received).toEqual({ headers: 88 + 4, body: 200 });
    expect(alice.requestsSent).toBe(1);
    expect(alice.responsesReceived).toEqual([1, 0, 0, 0, 0]);
    expect(alice.openNow).toBe(0);
    expect(alice.openPeak).toBe(1);
  });
});

describe('counters', () => {
  it('count requests, responses by class, bytes each way and open connections per host', () => {
    const model = new TraceModel(['client', 'server']);
    model.add(upload.slice(0, 1));
    expect(hostOf(model, 'server').openNow).toBe(1);
    model.add(upload.slice(1));
    const second = upload.map(
      (event) => ({ ...event, exchange: 'h2', t: event.t + 10 }) as TraceEvent,
    );
    model.add(
      second.map((event) =>
        event.kind === 'response' ? { ...event, status: 400, statusText: 'Bad Request' } : event,
      ),
    );
    const client = hostOf(model, 'client');
    const server = hostOf(model, 'server');
    expect(client.requestsSent).toBe(2);
    expect(server.requestsReceived).toBe(2);
    expect(server.responsesSent).toEqual([0, 1, 0, 1, 0]);
    expect(client.responsesReceived).toEqual([0, 1, 0, 1, 0]);
    // 201: 22 + 74 + 2 head; 400 Bad Request: "HTTP/1.1 400 Bad Request" is 24 + 2.
    expect(client.sent).toEqual({ headers: 97 * 2, body: 80 });
    expect(server.sent).toEqual({ headers: 98 + 102, body: 94 });
    expect(client.received).toEqual(server.sent);
    expect(server.openNow).toBe(0);
    expect(server.openPeak).toBe(1);
    expect(model.elapsed).toBe(23.6);
    expect(describeMessage(at(model.messages, 0))).toBe(
      '12.3 ms client → server POST /uploads 137 B',
    );
  });
});

describe('traceSignature', () => {
  it('keeps method, path, status, SSE counts and WebSocket counts, and drops timings and hosts ports', () => {
    const events: TraceEvent[] = [
      ...upload,
      {
        kind: 'ws-open',
        t: 1,
        exchange: 'w1',
        from: 'alice',
        to: 'server',
        url: 'ws://127.0.0.1:4000/chat',
        headers: [],
      },
      {
        kind: 'ws-message',
        t: 2,
        exchange: 'w1',
        from: 'alice',
        to: 'server',
        size: 2,
        preview: 'hi',
        binary: false,
      },
      {
        kind: 'ws-message',
        t: 3,
        exchange: 'w1',
        from: 'server',
        to: 'alice',
        size: 2,
        preview: 'hi',
        binary: false,
      },
      {
        kind: 'ws-message',
        t: 3,
        exchange: 'w1',
        from: 'server',
        to: 'alice',
        size: 2,
        preview: 'hi',
        binary: false,
      },
    ];
    expect(traceSignature(events)).toEqual([
      'alice ⇄ server WebSocket /chat: 1 sent, 2 received',
      'client → server POST /uploads → 201',
    ]);
  });
});
