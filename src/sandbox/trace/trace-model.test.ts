import { describe, expect, it } from 'vitest';
import type { TraceEvent } from './events';
import { at, hostOf, upload } from './trace-fixtures';
import { TraceModel } from './trace-model';
import { describeMessage } from './wire-form';
import { traceSignature } from './signature';

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
