import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { startSandboxInNode, type HarnessResult } from '#harness';
import type { TraceEvent } from '#trace/events';
import { readEvents, type StreamState } from './event-stream.ts';

const dir = fileURLToPath(new URL('./', import.meta.url));
type RequestEvent = Extract<TraceEvent, { kind: 'request' }>;
const header = (request: RequestEvent | undefined, name: string) =>
  request?.headers.find(([key]) => key.toLowerCase() === name)?.[1];

describe('a fetch() stream over real sockets: POST, Authorization, and its own reconnect', () => {
  let run: HarnessResult;
  let urls: Record<string, URL>;
  const peer: { status?: number; auth?: string | null; type?: string | null } = {};
  const requests = () =>
    run.trace.filter((e): e is RequestEvent => e.kind === 'request' && e.from === 'client');
  const ids = (exchange = '') =>
    run.trace.flatMap((e) => (e.kind === 'sse-event' && e.exchange === exchange ? [e.id] : []));
  const said = (host: string) =>
    run.logs.filter((line) => line.host === host).map((line) => line.text);

  beforeAll(async () => {
    const sandbox = await startSandboxInNode(dir, { timeoutMs: 15_000 });
    try {
      await sandbox.runClients();
      urls = sandbox.urls;
      // A peer without the token: refused before any stream starts.
      const refused = await fetch(new URL('/prices', urls.server), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"symbol":"ACME"}',
      });
      peer.status = refused.status;
      peer.auth = refused.headers.get('www-authenticate');
      const get = await fetch(new URL('/prices', urls.server));
      peer.type = `${get.status} ${get.headers.get('allow')}`;
    } finally {
      await sandbox.close();
    }
    run = sandbox;
  }, 20_000);

  it('POSTs its subscription as JSON with Authorization: Bearer, which EventSource cannot', () => {
    expect(run.logs.filter((line) => line.level === 'error')).toEqual([]);
    const [first] = requests();
    expect(first?.method).toBe('POST');
    expect(first?.bodyPreview).toBe('{"symbol":"ACME"}');
    expect(header(first, 'authorization')).toBe('Bearer reader-7f3c');
    expect(header(first, 'accept')).toBe('text/event-stream');
    expect(header(first, 'last-event-id')).toBeUndefined();
  });

  it('reconnects after the retry: delay with the Last-Event-ID it parsed, and gets the replay', () => {
    const [first, second] = requests();
    expect(ids(first?.exchange)).toEqual(['1', '2', '3']);
    expect(header(second, 'last-event-id')).toBe('3');
    expect(header(second, 'authorization')).toBe('Bearer reader-7f3c');
    expect(ids(second?.exchange)).toEqual(['4', '5', '6', '7', '8']);
    const ended = run.trace.find((e) => e.kind === 'body-end' && e.exchange === first?.exchange);
    // retry: 1000 came on the wire; the client waited at least that long (a lower bound only).
    expect((second?.t ?? 0) - (ended?.t ?? 0)).toBeGreaterThanOrEqual(1_000 - 20);
    expect(said('server')).toContain('connection 2: Last-Event-ID 3, 2 to replay');
    expect(said('client')).toContain('resumed after #3');
  });

  it('stops on 204 No Content, with every price once', () => {
    const all = requests();
    expect(all).toHaveLength(3);
    expect(header(all[2], 'last-event-id')).toBe('8');
    const statuses = run.trace.flatMap((e) => (e.kind === 'response' ? [e.status] : []));
    expect(statuses.slice(0, 3)).toEqual([200, 200, 204]);
    expect(said('client').at(-1)).toBe('204 No Content: done, 8 prices, none missed, none twice');
  });

  it('refuses a subscription without the token (401, WWW-Authenticate: Bearer), and GET (405)', () => {
    expect(peer).toEqual({ status: 401, auth: 'Bearer', type: '405 POST' });
  });
});

describe('readEvents, the parser the client carries instead of EventSource', () => {
  const streamOf = (...chunks: string[]) =>
    new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
        controller.close();
      },
    });
  const parse = async (state: StreamState, ...chunks: string[]) => {
    const events = [];
    for await (const event of readEvents(streamOf(...chunks), state)) events.push(event);
    return events;
  };

  it('joins data lines, names events, skips comments and reads across chunk and CRLF splits', async () => {
    const state: StreamState = { lastEventId: '' };
    const events = await parse(
      state,
      ': hello\n\nretry: 25',
      '00\nid: 7\r',
      '\nevent: stage\ndata: a\ndata:b\n\ndata: plain\n\n',
    );
    expect(events).toEqual([
      { type: 'stage', data: 'a\nb', lastEventId: '7' },
      { type: 'message', data: 'plain', lastEventId: '7' },
    ]);
    expect(state).toEqual({ lastEventId: '7', retryMs: 2500 });
  });

  it('ignores retry: that is not all digits, takes an id with no data, drops an unfinished event', async () => {
    const state: StreamState = { lastEventId: '1', retryMs: 100 };
    const events = await parse(state, 'retry: 5s\nid: 9\n\ndata: half');
    expect(events).toEqual([]);
    expect(state).toEqual({ lastEventId: '9', retryMs: 100 });
  });
});
