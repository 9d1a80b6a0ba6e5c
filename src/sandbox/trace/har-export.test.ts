import { describe, expect, it } from 'vitest';
import { entry, PNG, run, START } from './har-fixtures';
import { toHar } from './har-export';
import { harProblems } from './har-schema';

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
