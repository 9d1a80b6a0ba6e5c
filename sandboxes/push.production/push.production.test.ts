import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { runSandboxInNode, type HarnessResult } from '#harness';
import type { SandboxEnv, SandboxHostModule, SandboxPeer } from '#contract';
import type { TraceEvent } from '#trace/events';
import { traceSignature } from '#trace/signature';

const dir = fileURLToPath(new URL('./', import.meta.url));

type Of<K extends TraceEvent['kind']> = Extract<TraceEvent, { kind: K }>;
const kind =
  <K extends TraceEvent['kind']>(k: K) =>
  (event: TraceEvent): event is Of<K> =>
    event.kind === k;

describe('production push over real sockets', () => {
  let run: HarnessResult;
  const linesOf = (host: string) =>
    run.logs.filter((line) => line.host === host).map((line) => line.text);
  const socketsOf = (client: string) =>
    run.trace.filter(kind('ws-open')).filter((event) => event.from === client);
  /** The seqs of the prices written down one socket, in order. */
  const pricesOn = (exchange: string) =>
    run.trace
      .filter(kind('ws-message'))
      .filter((event) => event.exchange === exchange && event.from !== event.to)
      .map((event) => JSON.parse(event.preview) as { type: string; seq: number })
      .filter((message) => message.type === 'price')
      .map((message) => message.seq);
  const closeOf = (exchange: string) =>
    run.trace.filter(kind('ws-close')).find((event) => event.exchange === exchange);

  beforeAll(async () => {
    run = await runSandboxInNode(dir);
  }, 30_000);

  it('runs cleanly: no error-level output', () => {
    expect(run.logs.filter((line) => line.level === 'error')).toEqual([]);
  });

  it('refuses the cross-site page at the upgrade, before it gets a single message', () => {
    const [socket] = socketsOf('mallory');
    expect(socket?.to).toBe('edge-b');
    expect(closeOf(socket?.exchange ?? '')).toMatchObject({
      from: 'edge-b',
      code: 1008,
    });
    expect(pricesOn(socket?.exchange ?? '')).toEqual([]);
    expect(linesOf('mallory')).toEqual(['refused (1008 origin http://mallory.test not allowed)']);
  });

  it('authenticates by the session cookie the browser sends on the handshake', () => {
    // The login's answer; the socket handshakes' 101s are responses to the reader too.
    const login = run.trace
      .filter(kind('response'))
      .filter((event) => event.to === 'reader' && event.status !== 101);
    expect(login.map((event) => event.status)).toEqual([204]);
    expect(login[0]?.headers).toContainEqual([
      'set-cookie',
      expect.stringMatching(/^session=reader\.[\w-]{43}; Path=\/; HttpOnly/),
    ]);
    expect(linesOf('edge-b')).toContain('reader connected, resuming after #0');
  });

  it('reconnects with growing, jittered delays while edge-b is down, then resumes after #3', () => {
    const sockets = socketsOf('reader');
    expect(sockets.map((socket) => new URL(socket.url).search)).toEqual([
      '?after=0',
      '?after=3',
      '?after=3',
      '?after=3',
      '?after=3',
    ]);
    expect(sockets.map((socket) => closeOf(socket.exchange)?.code)).toEqual([
      1012, 1013, 1013, 1013, 1000,
    ]);
    const retries = linesOf('reader')
      .map((line) => /retry (\d+) in (\d+) ms \(of up to (\d+)\)/.exec(line))
      .filter((match) => match !== null)
      .map(([, attempt, delay, ceiling]) => [Number(attempt), Number(delay), Number(ceiling)]);
    expect(retries.map(([attempt, , ceiling]) => [attempt, ceiling])).toEqual([
      [1, 250],
      [2, 500],
      [3, 1000],
      [4, 2000],
    ]);
    for (const [, delay = 0, ceiling = 0] of retries) {
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(ceiling);
    }
    // Jitter: the delays are not simply the ceilings, nor a fixed fraction of them.
    expect(
      new Set(retries.map(([, delay = 0, ceiling = 1]) => (delay / ceiling).toFixed(2))).size,
    ).toBe(4);
  });

  it('gets every price exactly once and in order: the gap is replayed from the hub', () => {
    const sockets = socketsOf('reader');
    expect(pricesOn(sockets[0]?.exchange ?? '')).toEqual([1, 2, 3]);
    expect(pricesOn(sockets.at(-1)?.exchange ?? '')).toEqual([4, 5, 6, 7, 8]);
    const history = run.trace
      .filter(kind('request'))
      .filter((event) => event.to === 'hub' && event.method === 'GET');
    expect(history.map((event) => `${event.from} ${new URL(event.url).search}`).sort()).toEqual([
      'edge-a ?after=0',
      'edge-b ?after=0',
      'edge-b ?after=3',
    ]);
    const seen = linesOf('reader').filter((line) => line.startsWith('#'));
    expect(seen.map((line) => Number(/#(\d+)/.exec(line)?.[1]))).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    // What was published while edge-b was down is marked as replayed.
    expect(seen.slice(3, 5)).toEqual(['#4 ACME 101 (replayed)', '#5 ACME 101.25 (replayed)']);
    expect(linesOf('reader').at(-1)).toBe('closed (1000 market closed); not retrying');
  });

  it('carries a price published on edge-a to subscribers on both edges through the hub', () => {
    const [carol] = socketsOf('carol');
    const [reader] = socketsOf('reader');
    expect([carol?.to, reader?.to]).toEqual(['edge-a', 'edge-b']);
    expect(pricesOn(carol?.exchange ?? '').slice(0, 3)).toEqual([1, 2, 3]);
    expect(pricesOn(reader?.exchange ?? '')).toEqual([1, 2, 3]);
    const publishes = run.trace.filter(kind('request')).filter((event) => event.to !== 'hub');
    expect(
      publishes.filter((event) => event.from === 'newsroom' && event.url.endsWith('/publish')),
    ).toHaveLength(8);
    const fanOut = run.trace
      .filter(kind('request'))
      .filter((event) => event.from === 'hub')
      .map((event) => event.to);
    expect(fanOut).toEqual(Array(8).fill(['edge-a', 'edge-b']).flat());
    expect(linesOf('newsroom').slice(0, 3)).toEqual([
      '#1 published; edge-a: 1 socket, edge-b: 1 socket',
      '#2 published; edge-a: 1 socket, edge-b: 1 socket',
      '#3 published; edge-a: 1 socket, edge-b: 1 socket',
    ]);
    // While edge-b is down the hub keeps the price; the edge that missed it replays it later.
    expect(linesOf('newsroom')).toContain(
      '#4 published; edge-a: 1 socket, edge-b: unavailable (503)',
    );
  });

  it('cuts off the slow subscriber once it is 4 prices behind, rather than queue for it', () => {
    const [carol] = socketsOf('carol');
    expect(pricesOn(carol?.exchange ?? '')).toEqual([1, 2, 3, 4, 5]);
    expect(closeOf(carol?.exchange ?? '')).toMatchObject({
      from: 'edge-a',
      code: 4008,
    });
    expect(linesOf('carol')).toEqual([
      'handled #1 ACME 100.25',
      'closed (4008 too slow: 4 unacknowledged)',
    ]);
  });

  it('has the message counts per connection that the page must reproduce', () => {
    const signature = traceSignature(run.trace);
    expect(signature.filter((line) => line.includes('WebSocket'))).toEqual([
      'carol ⇄ edge-a WebSocket /live?after=0: 1 sent, 5 received',
      'mallory ⇄ edge-b WebSocket /live?after=0: 0 sent, 0 received',
      'reader ⇄ edge-b WebSocket /live?after=0: 3 sent, 3 received',
      'reader ⇄ edge-b WebSocket /live?after=3: 0 sent, 0 received',
      'reader ⇄ edge-b WebSocket /live?after=3: 0 sent, 0 received',
      'reader ⇄ edge-b WebSocket /live?after=3: 0 sent, 0 received',
      'reader ⇄ edge-b WebSocket /live?after=3: 5 sent, 5 received',
    ]);
  });
});

describe('an edge on its own', () => {
  let edge: SandboxHostModule;
  const env: SandboxEnv = { hosts: { hub: new URL('http://hub.test/') }, params: {} };
  const peer = (headers: Record<string, string>, search = '?after=0') => {
    const fake = {
      id: 'p1',
      url: new URL(`ws://edge.test/live${search}`),
      headers: new Headers(headers),
      sent: [] as unknown[],
      closed: undefined as undefined | { code?: number; reason?: string },
      send: (data: string | ArrayBuffer | Uint8Array) => fake.sent.push(JSON.parse(String(data))),
      close(code?: number, reason?: string) {
        fake.closed = { code, reason };
      },
    };
    return fake satisfies SandboxPeer;
  };
  const cookieFor = async (user: string) => {
    const response = await edge.fetch(
      new Request('http://edge.test/login', { method: 'POST', body: JSON.stringify({ user }) }),
      env,
    );
    return /^session=[^;]+/.exec(response.headers.get('set-cookie') ?? '')?.[0] ?? '';
  };

  beforeEach(async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    vi.resetModules();
    edge = (await import('./edge.ts')).default as SandboxHostModule;
    // The hub's history, as edge-b would fetch it on a resume.
    vi.stubGlobal('fetch', async (input: URL) =>
      Response.json(
        [4, 5]
          .filter((seq) => seq > Number(input.searchParams.get('after')))
          .map((seq) => ({
            seq,
            symbol: 'X',
            price: seq,
            last: false,
          })),
      ),
    );
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  it('refuses a handshake without an allowed Origin, even with a valid session', async () => {
    const cookie = await cookieFor('reader');
    for (const origin of [undefined, 'http://mallory.test', 'http://reader.test.evil.example']) {
      const socket = peer(origin ? { origin, cookie } : { cookie });
      await edge.websocket?.open?.(socket, env);
      expect(socket.closed).toEqual({
        code: 1008,
        reason: `origin ${origin ?? '(none)'} not allowed`,
      });
      expect(socket.sent).toEqual([]);
    }
  });

  it('refuses an allowed Origin without a session, or with a forged one', async () => {
    for (const cookie of [undefined, 'session=reader.forged', 'session=carol.' + 'A'.repeat(43)]) {
      const socket = peer({ origin: 'http://reader.test', ...(cookie && { cookie }) });
      await edge.websocket?.open?.(socket, env);
      expect(socket.closed).toEqual({ code: 1008, reason: 'log in first' });
    }
  });

  it('accepts a signed session from an allowed Origin and replays what came after its seq', async () => {
    const socket = peer(
      { origin: 'http://reader.test', cookie: await cookieFor('reader') },
      '?after=3',
    );
    await edge.websocket?.open?.(socket, env);
    expect(socket.closed).toBeUndefined();
    expect(socket.sent).toEqual([
      { type: 'price', seq: 4, symbol: 'X', price: 4, last: false, replayed: true },
      { type: 'price', seq: 5, symbol: 'X', price: 5, last: false, replayed: true },
    ]);
    // A live copy of a replayed price is not sent twice.
    await edge.fetch(
      new Request('http://edge.test/deliver', {
        method: 'POST',
        body: JSON.stringify({ seq: 5, symbol: 'X', price: 5, last: false }),
      }),
      env,
    );
    expect(socket.sent).toHaveLength(2);
  });
});
