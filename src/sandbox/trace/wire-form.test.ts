import { describe, expect, it } from 'vitest';
import type { TraceEvent } from './events';
import { at, BODY, hostOf, upload, wireAt } from './trace-fixtures';
import { TraceModel } from './trace-model';
import { CLIPPED_NOTE } from './wire-form';
import { utf8Length, wsFrameHeaderBytes } from './wire-bytes';

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

describe('a message the recorder had to cut', () => {
  it('says so under its wire form', () => {
    const model = new TraceModel();
    model.add([{ ...at(upload, 0), clipped: true }, ...upload.slice(1)]);
    expect(wireAt(model, 0).note).toBe(CLIPPED_NOTE);
    expect(wireAt(model, 1).note).toBeUndefined();
  });
});
