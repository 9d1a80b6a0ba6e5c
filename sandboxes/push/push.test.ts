import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { runSandboxInNode, type HarnessResult } from '#harness';
import type { SandboxEnv, SandboxHostModule, SandboxPeer } from '#contract';
import type { TraceEvent } from '#trace/events';
import { traceSignature } from '#trace/signature';

const dir = fileURLToPath(new URL('./', import.meta.url));

type WsMessage = Extract<TraceEvent, { kind: 'ws-message' }>;
type Frame = { type: 'notification'; seq: number } | { type: 'ping' | 'pong'; n: number };

describe('push over real sockets', () => {
  let run: HarnessResult;
  let messages: Array<WsMessage & { frame: Frame }>;
  const linesOf = (host: string) =>
    run.logs.filter((line) => line.host === host).map((line) => line.text);
  /** Which socket (exchange) belongs to which client: every ws-open is sent by the client. */
  const owner = (exchange: string) =>
    run.trace.find((event) => event.kind === 'ws-open' && event.exchange === exchange)?.from;

  beforeAll(async () => {
    run = await runSandboxInNode(dir);
    messages = run.trace
      .filter((event): event is WsMessage => event.kind === 'ws-message')
      .map((event) => ({ ...event, frame: JSON.parse(event.preview) as Frame }));
  }, 20_000);

  it('runs cleanly: no error-level output', () => {
    expect(run.logs.filter((line) => line.level === 'error')).toEqual([]);
  });

  it('broadcasts each notification to every subscriber connected at that moment', () => {
    const reached = new Map<number, string[]>();
    for (const { frame, exchange } of messages) {
      if (frame.type !== 'notification') continue;
      reached.set(frame.seq, [...(reached.get(frame.seq) ?? []), owner(exchange) ?? '?']);
    }
    expect(Object.fromEntries(reached)).toEqual({
      1: ['alice', 'bob', 'carol'],
      2: ['alice', 'bob', 'carol'],
      3: ['alice', 'carol'],
      4: ['alice', 'carol'],
      5: ['alice'],
      6: ['alice', 'bob'],
      7: ['alice', 'bob'],
      8: ['alice', 'bob'],
    });
    // The newsroom sees the same counts in the POST responses.
    expect(linesOf('newsroom').filter((line) => line.includes('pushed to'))).toEqual([
      '#1 pushed to 3: alice, bob, carol',
      '#2 pushed to 3: alice, bob, carol',
      '#3 pushed to 2: alice, carol',
      '#4 pushed to 2: alice, carol',
      '#5 pushed to 1: alice',
      '#6 pushed to 2: alice, bob',
      '#7 pushed to 2: alice, bob',
      '#8 pushed to 2: alice, bob',
    ]);
    // The newsroom's POSTs; each socket's handshake answer (101) is a response too.
    const posts = run.trace.filter((event) => event.kind === 'response' && event.status !== 101);
    expect(posts.map((event) => event.kind === 'response' && event.status)).toEqual(
      Array(8).fill(200),
    );
    expect(linesOf('alice').at(-1)).toBe(
      'connection closed (1000 that was the last one); got 8 notifications',
    );
  });

  it('a subscriber that goes away misses what was pushed meanwhile, and counts it by seq', () => {
    const bobSockets = run.trace.filter(
      (event) => event.kind === 'ws-open' && event.from === 'bob',
    );
    expect(bobSockets).toHaveLength(2);
    const [first, second] = bobSockets.map((socket) =>
      messages
        .filter((m) => m.exchange === socket.exchange && m.frame.type === 'notification')
        .map((m) => (m.frame.type === 'notification' ? m.frame.seq : 0)),
    );
    expect(first).toEqual([1, 2]);
    expect(second).toEqual([6, 7, 8]);
    expect(run.trace).toContainEqual(
      expect.objectContaining({
        kind: 'ws-close',
        exchange: bobSockets[0]?.exchange,
        from: 'bob',
        code: 1000,
        reason: 'going offline for a while',
      }),
    );
    expect(linesOf('bob').slice(0, 5)).toEqual([
      'connected',
      '#1 order 1001 shipped',
      '#2 order 1002 shipped',
      'connection closed (1000 going offline for a while)',
      'offline for 1750 ms…',
    ]);
    // Searched in every client's output: the Node harness can label a socket's event output with
    // the client that opened the pooled keep-alive connection it rode on (see the report).
    const missed = run.logs.filter((line) => line.text.startsWith('missed'));
    expect(missed).toEqual([
      expect.objectContaining({
        level: 'warn',
        text: 'missed 3: #3–#5 were pushed while I was away',
      }),
    ]);
  });

  it("a slow consumer's inbox grows until its queued pong is too late and the server closes it", () => {
    expect(linesOf('carol').filter((line) => line.includes('arrived'))).toEqual([
      '#1 arrived; 1 in my inbox',
      '#2 arrived; 2 in my inbox',
      'ping 1 arrived; 3 in my inbox',
      '#3 arrived; 4 in my inbox',
      '#4 arrived; 4 in my inbox',
    ]);
    // Handling takes carolWorkMs (1200 ms by default), so even #1 is old news when she finishes.
    const handled = linesOf('carol').filter((line) => line.startsWith('handled'));
    expect(handled).toEqual([expect.stringMatching(/^handled #1, \d+ ms after it was pushed$/)]);
    expect(Number(/(\d+) ms/.exec(handled[0] ?? '')?.[1])).toBeGreaterThanOrEqual(1200);
    const carol = run.trace.find((event) => event.kind === 'ws-open' && event.from === 'carol');
    expect(messages.filter((m) => m.exchange === carol?.exchange && m.from === 'carol')).toEqual(
      [],
    );
    expect(run.trace).toContainEqual(
      expect.objectContaining({
        kind: 'ws-close',
        exchange: carol?.exchange,
        from: 'server',
        to: 'carol',
        code: 4001,
      }),
    );
    expect(linesOf('server')).toContain('carol never answered ping 1: closing');
    expect(linesOf('carol').at(-1)).toBe(
      'connection closed (4001 no pong to ping 1); never handled: #2, #3, #4',
    );
  });

  it('heartbeats: the server pings every second and prompt subscribers answer each ping', () => {
    const alice = run.trace.find((event) => event.kind === 'ws-open' && event.from === 'alice');
    const heartbeat = messages
      .filter((m) => m.exchange === alice?.exchange && m.frame.type !== 'notification')
      .map((m) => `${m.from}: ${m.frame.type} ${m.frame.type === 'notification' ? '' : m.frame.n}`);
    expect(heartbeat).toEqual([
      'server: ping 1',
      'alice: pong 1',
      'server: ping 2',
      'alice: pong 2',
      'server: ping 3',
      'alice: pong 3',
    ]);
    const pings = messages.filter((m) => m.frame.type === 'ping');
    const gaps = pings
      .filter((m) => m.exchange === alice?.exchange)
      .map((m, i, all) => (i === 0 ? undefined : m.t - (all[i - 1]?.t ?? 0)))
      .slice(1);
    for (const gap of gaps) expect(gap).toBeGreaterThan(900);
  });

  it('has the message counts per connection that the page must reproduce', () => {
    expect(traceSignature(run.trace)).toEqual([
      'alice ⇄ server WebSocket /notifications?name=alice: 3 sent, 11 received',
      'bob ⇄ server WebSocket /notifications?name=bob: 0 sent, 2 received',
      'bob ⇄ server WebSocket /notifications?name=bob: 1 sent, 4 received',
      'carol ⇄ server WebSocket /notifications?name=carol: 0 sent, 5 received',
      ...Array(8).fill('newsroom → server POST /notify → 200'),
    ]);
  });
});

describe('the server on its own', () => {
  let server: SandboxHostModule;
  const env: SandboxEnv = { hosts: {}, params: {} };
  const peer = (name: string) => {
    const sent: Frame[] = [];
    const fake = {
      id: name,
      url: new URL(`ws://server.test/notifications?name=${name}`),
      headers: new Headers({ origin: `http://${name}.test` }),
      sent,
      closed: undefined as undefined | { code?: number; reason?: string },
      send: (data: string | ArrayBuffer | Uint8Array) => sent.push(JSON.parse(String(data))),
      close(code?: number, reason?: string) {
        fake.closed = { code, reason };
      },
    };
    return fake satisfies SandboxPeer;
  };
  const notify = (body: object) =>
    server.fetch(
      new Request('http://server.test/notify', { method: 'POST', body: JSON.stringify(body) }),
      env,
    );

  beforeEach(async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    vi.useFakeTimers();
    vi.resetModules();
    server = (await import('./server.ts')).default as SandboxHostModule;
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('closes a subscriber that has not answered by the next ping, and keeps one that did', async () => {
    const [alice, dave] = [peer('alice'), peer('dave')];
    await server.websocket?.open?.(alice, env);
    await server.websocket?.open?.(dave, env);
    vi.advanceTimersByTime(1000);
    expect(alice.sent).toEqual([{ type: 'ping', n: 1 }]);
    expect(dave.sent).toEqual([{ type: 'ping', n: 1 }]);
    await server.websocket?.message?.(alice, JSON.stringify({ type: 'pong', n: 1 }), env);
    await server.websocket?.message?.(dave, JSON.stringify({ type: 'pong', n: 7 }), env); // wrong ping
    vi.advanceTimersByTime(1000);
    expect(alice.closed).toBeUndefined();
    expect(alice.sent.at(-1)).toEqual({ type: 'ping', n: 2 });
    expect(dave.closed).toEqual({ code: 4001, reason: 'no pong to ping 1' });
    expect(dave.sent).toHaveLength(1);
    const response = await notify({ text: 'hello' });
    expect(await response.json()).toEqual({ seq: 1, deliveredTo: ['alice'] });
  });

  it('answers each POST with who it reached; after the last one, turns late subscribers away', async () => {
    const [alice, bob] = [peer('alice'), peer('bob')];
    await server.websocket?.open?.(alice, env);
    await server.websocket?.open?.(bob, env);
    expect(await (await notify({ text: 'one' })).json()).toEqual({
      seq: 1,
      deliveredTo: ['alice', 'bob'],
    });
    await server.websocket?.close?.(bob, 1000, 'bye', env);
    expect(await (await notify({ text: 'two', last: true })).json()).toEqual({
      seq: 2,
      deliveredTo: ['alice'],
    });
    expect(bob.sent).toEqual([
      expect.objectContaining({ type: 'notification', seq: 1, last: false }),
    ]);
    expect(alice.sent.at(-1)).toEqual(expect.objectContaining({ seq: 2, text: 'two', last: true }));
    const late = peer('late');
    await server.websocket?.open?.(late, env);
    expect(late.closed).toEqual({ code: 1000, reason: 'the newsroom has signed off' });
    expect(late.sent).toEqual([]);
  });

  it('runs the heartbeat only while someone is subscribed', async () => {
    const alice = peer('alice');
    await server.websocket?.open?.(alice, env);
    expect(vi.getTimerCount()).toBe(1);
    await server.websocket?.close?.(alice, 1000, 'bye', env);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('answers anything but POST /notify with 404', async () => {
    expect((await server.fetch(new Request('http://server.test/notify'), env)).status).toBe(404);
    expect(
      (await server.fetch(new Request('http://server.test/x', { method: 'POST' }), env)).status,
    ).toBe(404);
  });
});
