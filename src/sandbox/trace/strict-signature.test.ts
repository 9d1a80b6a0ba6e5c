import { describe, expect, it } from 'vitest';
import type { TraceEvent } from './events';
import { strictSignature } from './strict-signature';

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
      'client → server POST /uploads [content-type] with body error → 500 Internal Server Error [] content-length body as declared',
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
});
