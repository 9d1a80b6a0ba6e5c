import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { runSandboxInNode, type HarnessLog, type HarnessResult } from '#harness';
import type { TraceEvent } from '#trace/events';
import type { Update } from './updates.ts';

const dir = fileURLToPath(new URL('./', import.meta.url));
const CLIENTS = ['short-poll', 'long-poll', 'sse', 'push'] as const;
const DELIVERED = /^update #(\d+) delivered after (\d+\.\d) ms \((.+)\)$/;

describe('the comparison over real sockets', () => {
  let run: HarnessResult;
  /** Log lines and trace events in the one order they happened, so tests can say what came first. */
  const timeline: Array<HarnessLog | TraceEvent> = [];
  beforeAll(async () => {
    run = await runSandboxInNode(dir, {
      timeoutMs: 15_000,
      log: (line) => timeline.push(line),
      onTrace: (event) => timeline.push(event),
    });
  }, 20_000);

  const isEvent = (item: HarnessLog | TraceEvent): item is TraceEvent => 'kind' in item;
  /** Where in the run the server published update #seq. */
  const published = (seq: number) =>
    timeline.findIndex(
      (item) => !isEvent(item) && item.host === 'server' && item.text.includes(`#${seq}`),
    );
  /** Where in the run each message carrying update #seq reached `client` (a body, an SSE event, a frame). */
  const arrivals = (client: string, seq: number) =>
    timeline.flatMap((item, index) => {
      if (!isEvent(item) || item.to !== client) return [];
      const text =
        item.kind === 'body-chunk' || item.kind === 'ws-message'
          ? item.preview
          : item.kind === 'sse-event'
            ? item.data
            : '';
      return text.includes(`"seq":${seq},`) ? [{ index, exchange: item.exchange }] : [];
    });
  /** Where in the run each short poll was received. */
  const shortPolls = () =>
    timeline.flatMap((item, index) =>
      isEvent(item) && item.kind === 'request' && item.from === 'short-poll' ? [index] : [],
    );
  /** Where in the run the request (or WebSocket handshake) of `exchange` was received. */
  const opened = (exchange: string) =>
    timeline.findIndex(
      (item) =>
        isEvent(item) &&
        item.exchange === exchange &&
        (item.kind === 'request' || item.kind === 'ws-open'),
    );

  const deliveries = (client: string) =>
    run.logs
      .filter((line) => line.host === client)
      .flatMap((line) => {
        const match = DELIVERED.exec(line.text);
        return match ? [{ seq: Number(match[1]), ms: Number(match[2]), how: match[3] }] : [];
      });
  const from = (client: string, kind: TraceEvent['kind']) =>
    run.trace.filter((event) => event.kind === kind && event.from === client);
  const to = (client: string, kind: TraceEvent['kind']) =>
    run.trace.filter((event) => event.kind === kind && event.to === client);

  it('delivers all 8 updates, in order, to every technique, with a latency line each and a summary', () => {
    expect(run.logs.filter((line) => line.level === 'error')).toEqual([]);
    for (const client of CLIENTS) {
      expect(
        deliveries(client).map((line) => line.seq),
        client,
      ).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      const summary = run.logs.filter(
        (line) => line.host === client && line.text.startsWith('done:'),
      );
      expect(summary.map((line) => line.text)).toEqual([
        expect.stringMatching(
          /^done: 8 updates, \d+ request\(s\), latency median \d+\.\d ms, max \d+\.\d ms$/,
        ),
      ]);
    }
    expect(run.logs.filter((line) => line.host === 'server').map((line) => line.text)).toEqual([
      'published #1',
      'published #2',
      'published #3',
      'published #4',
      'published #5',
      'published #6, #7, #8',
    ]);
  });

  it('short polling sends more requests than long polling', () => {
    const short = from('short-poll', 'request');
    const long = from('long-poll', 'request');
    expect(short.length).toBeGreaterThan(long.length);
    // Polls at 0, 1, 2 … 6 s against updates at 0.5 … 5.5 s: one empty answer, then one update each.
    expect(short.map((event) => event.kind === 'request' && new URL(event.url).search)).toEqual([
      '?after=0',
      '?after=0',
      '?after=1',
      '?after=2',
      '?after=3',
      '?after=4',
      '?after=5',
    ]);
    // Long polling asks again right after each answer; the burst of three comes back in one answer.
    expect(long.map((event) => event.kind === 'request' && new URL(event.url).search)).toEqual([
      '?after=0',
      '?after=1',
      '?after=2',
      '?after=3',
      '?after=4',
      '?after=5',
    ]);
  });

  it('short polling leaves every update waiting for the next poll; the others had a request waiting', () => {
    // Told by what happened first, not by how long it took, so a loaded machine changes nothing.
    for (let seq = 1; seq <= 8; seq++) {
      // Short polling: the poll that carried it was sent after it was published (it sat stale).
      const [short] = arrivals('short-poll', seq);
      expect(short, `#${seq} reached short-poll`).toBeDefined();
      expect(opened(short?.exchange ?? ''), `#${seq}`).toBeGreaterThan(published(seq));
      // Long polling, SSE and push: the request or socket that carried it was already open, and
      // it arrived before short polling's next poll even went out.
      for (const client of ['long-poll', 'sse', 'push']) {
        const [arrival] = arrivals(client, seq);
        expect(arrival, `#${seq} reached ${client}`).toBeDefined();
        expect(arrival?.index, `${client} #${seq}`).toBeGreaterThan(published(seq));
        expect(opened(arrival?.exchange ?? ''), `${client} #${seq}`).toBeLessThan(published(seq));
        const pollsBetween = shortPolls().filter(
          (index) => index > published(seq) && index < (arrival?.index ?? 0),
        );
        expect(pollsBetween, `short polls before ${client} got #${seq}`).toEqual([]);
      }
    }
    expect(deliveries('short-poll').every((line) => line.ms > 0)).toBe(true);
  });

  it('SSE and WebSocket push each use one connection for the whole run', () => {
    const sse = from('sse', 'request');
    expect(sse).toHaveLength(1);
    const stream = sse[0]?.exchange;
    const events = to('sse', 'sse-event');
    expect(events.map((event) => event.kind === 'sse-event' && event.id)).toEqual([
      '1',
      '2',
      '3',
      '4',
      '5',
      '6',
      '7',
      '8',
    ]);
    expect(events.every((event) => event.exchange === stream)).toBe(true);
    // The stream is never ended by the server: the client closes it after the last event.
    expect(to('sse', 'body-end')).toEqual([]);

    expect(from('push', 'request')).toEqual([]);
    expect(from('push', 'ws-open')).toHaveLength(1);
    const messages = to('push', 'ws-message');
    expect(messages).toHaveLength(8);
    expect(
      messages.map((event) => event.kind === 'ws-message' && JSON.parse(event.preview).seq),
    ).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(
      from('push', 'ws-close').map((event) => event.kind === 'ws-close' && event.code),
    ).toEqual([1000]);
  });
});

describe('the server handler on its own', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  /** A fresh server module (its workload starts anew) with fake timers driving the schedule. */
  async function freshServer() {
    vi.useFakeTimers();
    vi.spyOn(console, 'log').mockImplementation(() => {});
    vi.resetModules();
    return (await import('./server.ts')).default;
  }
  const get = (server: Awaited<ReturnType<typeof freshServer>>, path: string, init?: RequestInit) =>
    server.fetch(new Request(`http://server.test${path}`, init));
  const seqs = async (response: Response) =>
    ((await response.json()) as Update[]).map((update) => update.seq);

  it('answers a short poll at once, empty until the first update is published', async () => {
    const server = await freshServer();
    expect(await seqs(await get(server, '/poll?after=0'))).toEqual([]);
    await vi.advanceTimersByTimeAsync(2_600);
    expect(await seqs(await get(server, '/poll?after=1'))).toEqual([2, 3]);
  });

  it('holds a long poll until the next update, and answers the burst in one response', async () => {
    const server = await freshServer();
    let answered: Response | undefined;
    void get(server, '/long-poll?after=0').then((response) => (answered = response));
    await vi.advanceTimersByTimeAsync(499);
    expect(answered).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(await seqs(answered as Response)).toEqual([1]);

    await vi.advanceTimersByTimeAsync(4_500); // #5 is out; the burst comes at 5.5 s
    const burst = get(server, '/long-poll?after=5');
    await vi.advanceTimersByTimeAsync(500);
    expect(await seqs(await burst)).toEqual([6, 7, 8]);
  });

  it('releases a held long poll when the client goes away', async () => {
    const server = await freshServer();
    const controller = new AbortController();
    const held = get(server, '/long-poll?after=0', { signal: controller.signal });
    controller.abort();
    expect(await seqs(await held)).toEqual([]);
  });

  it('replays the updates after Last-Event-ID when an SSE client reconnects', async () => {
    const server = await freshServer();
    await get(server, '/poll?after=0');
    await vi.advanceTimersByTimeAsync(3_000);
    const response = await get(server, '/events', { headers: { 'last-event-id': '1' } });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const reader = response.body?.getReader();
    const { value } = (await reader?.read()) ?? {};
    const text = new TextDecoder().decode(value);
    expect(text).toMatch(/^id: 2\ndata: \{"seq":2,/);
    await reader?.cancel();
  });

  it('answers unknown paths with 404', async () => {
    const server = await freshServer();
    expect((await get(server, '/nope')).status).toBe(404);
  });
});
