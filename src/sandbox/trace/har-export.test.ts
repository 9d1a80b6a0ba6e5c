import { describe, expect, it } from 'vitest';
import { entry, PNG, run, START } from './har-fixtures';
import { BODY_BYTES, type TraceEvent } from './events';
import { createTraceRecorder } from './recorder';
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

  it('writes binary bodies as base64 of their bytes, text bodies as text', () => {
    const image = entry(har.log.entries, 'http://server.test/cat.png').response.content;
    expect(image.encoding).toBe('base64');
    expect(fromBase64(image.text ?? '')).toEqual(PNG);
    const stream = entry(har.log.entries, 'http://server.test/events').response.content;
    expect(stream).toEqual({
      size: 15,
      mimeType: 'text/event-stream',
      text: 'id: 1\ndata: a\n\n',
    });
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

const fromBase64 = (data: string): Uint8Array =>
  Uint8Array.from(atob(data), (char) => char.charCodeAt(0));

/** A run recorded by the recorder itself: a binary upload and answer, a binary and a text frame. */
function recordedRun(body: Uint8Array, answer: Uint8Array[], contentType?: string): TraceEvent[] {
  const events: TraceEvent[] = [];
  const recorder = createTraceRecorder({ now: () => 1, emit: (event) => events.push(event) });
  const up = { exchange: recorder.nextExchange('http'), from: 'client', to: 'server' };
  const down = { ...up, from: 'server', to: 'client' };
  recorder.request(up, { method: 'PUT', url: 'http://server.test/blob', headers: [], body });
  const headers: Array<[string, string]> = contentType ? [['content-type', contentType]] : [];
  recorder.response(down, { status: 200, statusText: 'OK', headers });
  for (const part of answer) recorder.bodyChunk(down, part);
  recorder.bodyEnd(
    down,
    answer.reduce((total, part) => total + part.byteLength, 0),
  );
  const socket = { exchange: recorder.nextExchange('ws'), from: 'client', to: 'server' };
  recorder.wsOpen(socket, { url: 'ws://server.test/socket', headers: [] });
  recorder.wsMessage(socket, body, true);
  recorder.wsMessage({ ...socket, from: 'server', to: 'client' }, 'héllo', false);
  return events;
}

describe('toHar with the bytes the recorder kept', () => {
  const every = Uint8Array.from({ length: 256 }, (_, index) => index);

  it('exports every byte 0x00–0xFF of a body with no type, and of a binary frame, exactly', () => {
    const har = toHar(recordedRun(every, [every.subarray(0, 100), every.subarray(100)]), {
      sandbox: 'test',
      startedAt: START,
    });
    expect(harProblems(JSON.parse(JSON.stringify(har)))).toEqual([]);
    const [http, socket] = har.log.entries;
    const content = http?.response.content;
    expect(content).toMatchObject({ size: 256, encoding: 'base64' });
    expect(content?.comment).toBeUndefined();
    expect(fromBase64(content?.text ?? '')).toEqual(every);
    expect(http?.request.postData?.comment).toBe('base64 of a binary body');
    expect(fromBase64(http?.request.postData?.text ?? '')).toEqual(every);
    const [binary, text] = socket?._webSocketMessages ?? [];
    expect(binary?.opcode).toBe(2);
    expect(fromBase64(binary?.data ?? '')).toEqual(every);
    expect(text).toMatchObject({ opcode: 1, data: 'héllo' });
  });

  it('keeps a UTF-8 body of no type, or of a text type, as text', () => {
    const bytes = new TextEncoder().encode('{"name":"é"}');
    for (const type of [undefined, 'application/json']) {
      const har = toHar(recordedRun(bytes, [bytes], type), { sandbox: 'test', startedAt: START });
      expect(har.log.entries[0]?.response.content).toEqual({
        size: bytes.byteLength,
        mimeType: type ?? '',
        text: '{"name":"é"}',
      });
    }
  });

  it('past a body’s cap, writes the first bytes and says the body was cut and how big it was', () => {
    const big = Uint8Array.from({ length: BODY_BYTES.body + 1000 }, (_, index) => index % 251);
    const parts = [big.subarray(0, 40_000), big.subarray(40_000)];
    const har = toHar(recordedRun(every, parts, 'application/octet-stream'), {
      sandbox: 'test',
      startedAt: START,
    });
    expect(harProblems(JSON.parse(JSON.stringify(har)))).toEqual([]);
    const content = har.log.entries[0]?.response.content;
    expect(content?.size).toBe(big.byteLength);
    expect(fromBase64(content?.text ?? '')).toEqual(big.subarray(0, BODY_BYTES.body));
    expect(content?.comment).toMatch(new RegExp(`Truncated.* ${big.byteLength} bytes`));
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
