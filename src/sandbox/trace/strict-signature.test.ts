import { describe, expect, it } from 'vitest';
import type { HeaderList, TraceEvent } from './events';
import { stableBytes, strictSignature } from './strict-signature';

const base = { from: 'client', to: 'server', exchange: 'h1', t: 0 };
const reply = { ...base, from: 'server', to: 'client' };
const trace: TraceEvent[] = [
  {
    ...base,
    kind: 'request',
    method: 'POST',
    url: 'http://server/uploads',
    headers: [
      ['content-type', 'application/json'],
      ['user-agent', 'x'],
    ],
    bodySize: 2,
    bodyPreview: '{}',
  },
  { ...reply, kind: 'error', message: 'boom' },
  {
    ...reply,
    kind: 'response',
    status: 500,
    statusText: 'Internal Server Error',
    headers: [
      ['content-length', '5'],
      ['date', 'now'],
    ],
  },
  { ...reply, kind: 'body-chunk', size: 5, preview: 'boom!' },
  { ...reply, kind: 'body-end', size: 5 },
];

describe('strictSignature', () => {
  it('names method, target, header names, status and phrase, framing, body bytes and errors', () => {
    expect(strictSignature(trace)).toEqual([
      'client → server POST /uploads [content-type] with body 2 B error → 500 Internal Server Error [] content-length body 5 B as declared',
    ]);
  });

  it('tells the runs apart when one side drops the error event', () => {
    const withoutError = trace.filter((event) => event.kind !== 'error');
    expect(strictSignature(withoutError)).not.toEqual(strictSignature(trace));
  });

  it('tells the runs apart when one side changes the framing', () => {
    const chunked = trace.map((event) =>
      event.kind === 'response'
        ? { ...event, headers: [['transfer-encoding', 'chunked']] as Array<[string, string]> }
        : event,
    );
    expect(strictSignature(chunked)).not.toEqual(strictSignature(trace));
  });

  it('tells apart a different reason phrase and a different WebSocket close code', () => {
    const phrase = trace.map((event) =>
      event.kind === 'response' ? { ...event, statusText: 'Server Error' } : event,
    );
    expect(strictSignature(phrase)).not.toEqual(strictSignature(trace));
    const ws = (code: number): TraceEvent[] => [
      { ...base, exchange: 'w1', kind: 'ws-open', url: 'ws://server/feed', headers: [] },
      { ...reply, exchange: 'w1', kind: 'ws-close', code, reason: '' },
    ];
    expect(strictSignature(ws(1000))).not.toEqual(strictSignature(ws(4001)));
  });

  it('compares a WebSocket handshake by header names, not by its random key', () => {
    const handshake = (key: string, extra: Array<[string, string]> = []): TraceEvent[] => [
      {
        ...base,
        exchange: 'w1',
        kind: 'ws-open',
        url: 'ws://server/feed',
        headers: [['upgrade', 'websocket'], ['sec-websocket-key', key], ...extra],
      },
      {
        ...reply,
        exchange: 'w1',
        kind: 'response',
        status: 101,
        statusText: 'Switching Protocols',
        headers: [['Sec-WebSocket-Accept', `${key}=`]],
      },
    ];
    expect(strictSignature(handshake('a'))).toEqual(strictSignature(handshake('b')));
    expect(strictSignature(handshake('a', [['sec-websocket-protocol', 'chat']]))).not.toEqual(
      strictSignature(handshake('a')),
    );
  });

  /** A WebSocket exchange: the client sends `up`, the server sends `down`, then closes. */
  const socket = (up: string[], down: string[], order: 'up-first' | 'down-first' = 'up-first') => {
    const frame = (from: string, to: string, text: string): TraceEvent => ({
      ...base,
      exchange: 'w1',
      from,
      to,
      kind: 'ws-message',
      size: new TextEncoder().encode(text).byteLength,
      preview: text,
      binary: false,
    });
    const sent = up.map((text) => frame('client', 'server', text));
    const received = down.map((text) => frame('server', 'client', text));
    return [
      { ...base, exchange: 'w1', kind: 'ws-open', url: 'ws://server/feed', headers: [] },
      ...(order === 'up-first' ? [...sent, ...received] : [...received, ...sent]),
      { ...reply, exchange: 'w1', kind: 'ws-close', code: 1000, reason: '' },
    ] as TraceEvent[];
  };

  it('tells apart a WebSocket frame of another size, but not frames interleaved differently', () => {
    const signature = strictSignature(socket(['subscribe ACME'], ['price ACME up']));
    expect(signature).toEqual([
      'client ⇄ server WebSocket /feed [] ↑[text 14 B] ↓[text 13 B] ↓close 1000',
    ]);
    expect(strictSignature(socket(['subscribe ACME, INIT'], ['price ACME up']))).not.toEqual(
      signature,
    );
    // Which direction's frame crossed first is timing: each direction keeps its own order.
    expect(strictSignature(socket(['subscribe ACME'], ['price ACME up'], 'down-first'))).toEqual(
      signature,
    );
  });

  it('tells apart a body of another size, not one whose numbers or host origins differ', () => {
    const withBody = (request: string, response: string): TraceEvent[] =>
      trace.map((event) =>
        event.kind === 'request'
          ? { ...event, bodyPreview: request, bodySize: request.length }
          : event.kind === 'body-chunk'
            ? { ...event, preview: response, size: response.length }
            : event.kind === 'response'
              ? { ...event, headers: [['content-length', `${response.length}`]] as HeaderList }
              : event,
      );
    const page = strictSignature(
      withBody('{"callback":"http://app.test/hooks"}', '{"at":1733461200123,"ms":3.5}'),
    );
    const node = strictSignature(
      withBody('{"callback":"http://127.0.0.1:40123/hooks"}', '{"at":1733461200999,"ms":12.25}'),
    );
    expect(node).toEqual(page);
    expect(
      strictSignature(withBody('{"callback":"http://app.test/hooks"}', '{"at":1,"ms":1,"x":1}')),
    ).not.toEqual(page);
    expect(stableBytes('{"at":1733461200123}', 20)).toBe(8);
    // A body the trace kept only part of counts at its real size.
    expect(stableBytes('{"at":17…', 5000)).toBe(5000);
  });

  it('tells apart SSE events by their id, event and retry values', () => {
    const stream = (fields: { id?: string; event?: string; retry?: number }): TraceEvent[] => [
      ...trace.slice(0, 1),
      {
        ...reply,
        kind: 'response',
        status: 200,
        statusText: 'OK',
        headers: [['content-type', 'text/event-stream']],
      },
      { ...reply, kind: 'sse-event', data: 'hello', ...fields },
    ];
    const signature = strictSignature(stream({ id: '1', event: 'price', retry: 1200 }));
    expect(signature[0]).toContain('sse(event=price id=1 retry=1200 data 5 B)');
    expect(strictSignature(stream({ id: '2', event: 'price', retry: 1200 }))).not.toEqual(
      signature,
    );
    expect(strictSignature(stream({ id: '1', event: 'tick', retry: 1200 }))).not.toEqual(signature);
    expect(strictSignature(stream({ id: '1', event: 'price', retry: 3000 }))).not.toEqual(
      signature,
    );
  });
});
