// The sandbox emulates connections and streams (the page has no TCP). This test runs it over real
// sockets through the harness, then shows the real thing the emulation stands for: a node:http2
// server carrying 30 streams on one TCP connection, a node:http Agent opening 6 sockets and queueing
// the rest, and TCP head-of-line blocking, made real by a proxy that holds back one socket's bytes.
import http from 'node:http';
import http2 from 'node:http2';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runSandboxInNode } from '#harness';
import type { TraceEvent } from '#trace/events';
import server, { costOf } from './server.ts';

const dir = fileURLToPath(new URL('./', import.meta.url));
const env = { hosts: {}, params: { workMs: 150 } };
const copies: string[] = [];
const closers: Array<() => unknown> = [];

afterAll(async () => {
  for (const close of closers.reverse()) await close();
  await Promise.all(copies.map((copy) => rm(copy, { recursive: true, force: true })));
});

// ---------------------------------------------------------------------------------------------
// The sandbox through the harness.

/** Runs the sandbox over real sockets with some params changed (Node runs use the defaults). */
async function runWith(params: Record<string, number> = {}) {
  let folder = dir;
  if (Object.keys(params).length > 0) {
    folder = await mkdtemp(join(tmpdir(), 'multiplexing-'));
    copies.push(folder);
    await cp(dir, folder, { recursive: true, filter: (file) => !file.endsWith('.test.ts') });
    const manifest = JSON.parse(await readFile(join(dir, 'sandbox.json'), 'utf8')) as {
      params: Record<string, { default: number }>;
    };
    for (const [name, value] of Object.entries(params)) {
      const param = manifest.params[name];
      if (!param) throw new Error(`no param ${name}`);
      param.default = value;
    }
    await writeFile(join(folder, 'sandbox.json'), JSON.stringify(manifest));
  }
  const { logs, trace } = await runSandboxInNode(folder, { timeoutMs: 15_000 });
  expect(logs.filter((line) => line.level === 'error')).toEqual([]);
  const said = (host: string) => logs.filter((line) => line.host === host).map((line) => line.text);
  return { logs, said, exchanges: exchangesOf(trace) };
}

interface Line {
  n: number;
  via: string;
  waitMs: number;
  doneMs: number;
  stalled: boolean;
}

/** The waterfall lines a client printed: "░░░░██████ #07 conn 5: waited 111, done at 312 ms". */
function waterfall(lines: string[]): Line[] {
  return lines.flatMap((text) => {
    const match = /^(\S+) #(\d+) (\S+ \d+): waited (\d+), done at (\d+) ms$/.exec(text);
    if (!match) return [];
    const [, bar, n, via, waitMs, doneMs] = match;
    return [
      {
        n: Number(n),
        via: via ?? '',
        waitMs: Number(waitMs),
        doneMs: Number(doneMs),
        stalled: bar?.includes('▒') ?? false,
      },
    ];
  });
}

interface Exchange {
  from: string;
  header: (name: string) => string | undefined;
  target: string;
  sentAt: number;
  answeredAt?: number;
  status?: number;
}

/** Each HTTP exchange seen at the server's socket: who asked, with which headers, and when. */
function exchangesOf(trace: TraceEvent[]): Exchange[] {
  const byId = new Map<string, Exchange>();
  for (const event of trace) {
    if (event.kind === 'request') {
      const url = new URL(event.url);
      const headers = event.headers;
      byId.set(event.exchange, {
        from: event.from,
        header: (name) => headers.find(([key]) => key.toLowerCase() === name)?.[1],
        target: url.pathname + url.search,
        sentAt: event.t,
      });
    }
    const exchange = byId.get(event.exchange);
    if (exchange && event.kind === 'response') {
      exchange.status = event.status;
      exchange.answeredAt = event.t;
    }
  }
  return [...byId.values()];
}

/** The most exchanges of `list` open at the same moment, at the server's socket. */
function peakOpen(list: Exchange[]): number {
  const edges = list.flatMap((exchange) => [
    { t: exchange.sentAt, step: 1 },
    { t: exchange.answeredAt ?? Number.POSITIVE_INFINITY, step: -1 },
  ]);
  edges.sort((a, b) => a.t - b.t || a.step - b.step);
  let open = 0;
  let peak = 0;
  for (const edge of edges) peak = Math.max(peak, (open += edge.step));
  return peak;
}

const summaryMs = (lines: string[]) => Number(/, all by (\d+) ms;/.exec(lines.at(-1) ?? '')?.[1]);
const halfMs = (lines: string[]) =>
  Number(/: half done by (\d+) ms,/.exec(lines.at(-1) ?? '')?.[1]);

describe('the sandbox over real sockets, with the default params', () => {
  it('pools 30 requests over 6 HTTP/1.1 connections, one at a time each, and sends them as 30 HTTP/2 streams at once', async () => {
    const { said, exchanges } = await runWith();
    const http1 = exchanges.filter((exchange) => exchange.from === 'http1');
    const http2 = exchanges.filter((exchange) => exchange.from === 'http2');
    for (const list of [http1, http2]) {
      expect(list).toHaveLength(30);
      expect(list.every((e) => e.target === '/report' && e.status === 200)).toBe(true);
      const numbers = list.map((exchange) => Number(exchange.header('x-request')));
      expect(numbers.sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    }

    // HTTP/1.1: six connections; on each, a request goes out only after the previous answer came back.
    const byConnection = Map.groupBy(http1, (exchange) => exchange.header('x-connection'));
    expect([...byConnection.keys()].sort()).toEqual(['1', '2', '3', '4', '5', '6']);
    for (const onOne of byConnection.values()) expect(peakOpen(onOne)).toBe(1);
    expect(peakOpen(http1)).toBe(6);
    const lines1 = waterfall(said('http1'));
    expect(lines1).toHaveLength(30);
    expect(lines1.filter((line) => line.waitMs > 0).map((line) => line.n)).toEqual(
      Array.from({ length: 24 }, (_, i) => i + 7),
    );
    expect(Math.min(...lines1.slice(6).map((line) => line.waitMs))).toBeGreaterThanOrEqual(90);
    expect(said('http1').at(-1)).toMatch(
      /^30 requests over 6 connections, one at a time each: half done by \d+ ms, all by \d+ ms; 24 waited in line, the longest \d+ ms$/,
    );

    // HTTP/2: streams 1, 3 … 59, all sent at once, none waiting.
    const ids = http2.map((exchange) => Number(exchange.header('x-stream-id')));
    expect(ids.sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => 2 * i + 1));
    // All 30 at once on an idle machine; on a busy one the first answers can come back before the
    // last requests are in, but never is the count capped at the pool's six.
    expect(peakOpen(http2)).toBeGreaterThan(12);
    const lines2 = waterfall(said('http2'));
    expect(lines2.map((line) => line.waitMs)).toEqual(Array<number>(30).fill(0));
    expect(lines2.map((line) => line.via)).toEqual(
      lines2.map((line) => `stream ${2 * line.n - 1}`),
    );
    expect(said('http2').at(-1)).toMatch(
      /^30 requests as 30 streams on 1 connection: half done by \d+ ms, all by \d+ ms; 0 waited for a stream slot$/,
    );

    // Five rounds of 100–200 ms against one round: the pool takes at least the sum of work / 6.
    const total1 = summaryMs(said('http1'));
    const total2 = summaryMs(said('http2'));
    const work = Array.from({ length: 30 }, (_, i) => costOf(i + 1, 150));
    expect(total1).toBeGreaterThanOrEqual(work.reduce((a, b) => a + b) / 6);
    expect(total2).toBeGreaterThanOrEqual(Math.max(...work));
    expect(total2).toBeLessThan(total1);
    expect(halfMs(said('http2'))).toBeLessThan(halfMs(said('http1')));
    console.log(
      `sandbox, default params: HTTP/1.1 pool of 6 half done by ${halfMs(said('http1'))} ms, ` +
        `all by ${total1} ms; HTTP/2 half done by ${halfMs(said('http2'))} ms, all by ${total2} ms`,
    );
  });
});

describe('the sandbox with its knobs turned', () => {
  it('a pool of 30 connections waits for nothing; a pool of 1 sends the 30 requests one after another', async () => {
    const wide = await runWith({ poolSize: 30 });
    const lines = waterfall(wide.said('http1'));
    expect(lines.every((line) => line.waitMs === 0)).toBe(true);
    expect(new Set(lines.map((line) => line.via)).size).toBe(30);
    expect(wide.said('http1').at(-1)).toMatch(
      /^30 requests over 30 connections,.*; 0 waited in line$/,
    );

    const single = await runWith({ poolSize: 1, workMs: 30 });
    const http1 = single.exchanges.filter((exchange) => exchange.from === 'http1');
    expect(peakOpen(http1)).toBe(1);
    expect(single.said('http1').at(-1)).toMatch(/^30 requests over 1 connection,.*; 29 waited/);
    const work = Array.from({ length: 30 }, (_, i) => costOf(i + 1, 30));
    expect(summaryMs(single.said('http1'))).toBeGreaterThanOrEqual(work.reduce((a, b) => a + b));
  });

  it('one lost packet stalls every HTTP/2 stream, but only one request of the HTTP/1.1 pool', async () => {
    const lossMs = 1000;
    const { said } = await runWith({ lossMs });
    const lines2 = waterfall(said('http2'));
    expect(lines2.every((line) => line.stalled)).toBe(true);
    // The loss came with the first response (after ≥ 100 ms): no stream was done before +1000 ms.
    const firstDone2 = Math.min(...lines2.map((line) => line.doneMs));
    expect(firstDone2).toBeGreaterThanOrEqual(100 + lossMs - 1);
    expect(said('http2')[0]).toMatch(/^a packet was lost at \d+ ms: all streams wait$/);
    expect(said('http2').at(-1)).toMatch(/30 stalled behind the lost packet$/);

    const lines1 = waterfall(said('http1'));
    const stalled = lines1.filter((line) => line.stalled);
    expect(stalled).toHaveLength(1);
    expect(said('http1')[0]).toMatch(/^a packet on conn \d was lost: #\d+ waits 1000 ms$/);
    // The other five connections carried the other requests while one waited for the resend
    // (all 29 of them, on an idle machine), so half the pool's answers came long before HTTP/2's.
    const stallEnd = stalled[0]?.doneMs ?? 0;
    const others = lines1.filter((line) => !line.stalled && line.doneMs < stallEnd);
    expect(others.length).toBeGreaterThanOrEqual(20);
    expect(halfMs(said('http1'))).toBeLessThan(halfMs(said('http2')));
    console.log(
      `sandbox, lossMs ${lossMs}: HTTP/1.1 pool half done by ${halfMs(said('http1'))} ms, all by ` +
        `${summaryMs(said('http1'))} ms (1 request stalled); HTTP/2 half done by ` +
        `${halfMs(said('http2'))} ms, all by ${summaryMs(said('http2'))} ms (30 streams stalled)`,
    );
  });
});

describe('the server handler on its own', () => {
  it('gives request #n the same cost every time, 100–200 ms by default', () => {
    const costs = Array.from({ length: 30 }, (_, i) => costOf(i + 1, 150));
    expect(new Set(costs)).toEqual(new Set([100, 125, 150, 175, 200]));
    expect(costs.filter((cost) => cost === 150)).toHaveLength(6);
  });

  it('answers /report with the request number and its cost, anything else with 404', async () => {
    const response = await server.fetch(
      new Request('http://server.test/report', { headers: { 'x-request': '3' } }),
      { hosts: {}, params: { workMs: 30 } },
    );
    expect(await response.json()).toEqual({ n: 3, workMs: costOf(3, 30) });
    expect((await server.fetch(new Request('http://server.test/nope'), env)).status).toBe(404);
  });
});

// ---------------------------------------------------------------------------------------------
// The real protocols: the same server.ts handler behind node:http2 and node:http.

/** Adapts a node request to server.ts's web handler; counts open requests and requests per connection. */
function adapter() {
  const stats = { open: 0, peak: 0, sockets: new Map<object, number>(), sentAt: [] as number[] };
  const handle = async (
    req: http.IncomingMessage | http2.Http2ServerRequest,
    res: {
      writeHead(status: number, headers: Record<string, string>): unknown;
      end(body: Buffer): unknown;
    },
  ) => {
    stats.open += 1;
    stats.peak = Math.max(stats.peak, stats.open);
    // An HTTP/2 request's `socket` is a per-request proxy object; its session is the connection.
    const connection = 'stream' in req ? req.stream.session : req.socket;
    stats.sockets.set(connection ?? req, (stats.sockets.get(connection ?? req) ?? 0) + 1);
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (!name.startsWith(':') && typeof value === 'string') headers.set(name, value);
    }
    const response = await server.fetch(
      new Request(`http://localhost${req.url}`, { method: req.method, headers }),
      env,
    );
    const body = Buffer.from(await response.arrayBuffer());
    stats.open -= 1;
    stats.sentAt.push(performance.now());
    res.writeHead(response.status, { 'content-type': 'application/json' });
    res.end(body);
  };
  return { stats, handle };
}

async function listen(target: net.Server): Promise<number> {
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((resolve) => target.close(resolve)));
  return (target.address() as AddressInfo).port;
}

/** An h2c server (HTTP/2 without TLS) that counts TCP connections, sessions and stream ids. */
async function startHttp2(settings: http2.Settings = {}) {
  const { stats, handle } = adapter();
  const seen = { connections: 0, sessions: 0, streamIds: [] as number[] };
  const h2 = http2.createServer({ settings }, (req, res) => {
    seen.streamIds.push(req.stream.id ?? -1);
    void handle(req, res);
  });
  h2.on('connection', () => (seen.connections += 1));
  h2.on('session', (session) => {
    seen.sessions += 1;
    closers.push(() => session.destroy());
  });
  return { port: await listen(h2), stats, seen };
}

/** Sends `count` GET /report requests at once on one session; resolves with each stream's timing. */
async function sendStreams(
  session: http2.ClientHttp2Session,
  count: number,
  t0 = performance.now(),
) {
  return Promise.all(
    Array.from(
      { length: count },
      (_, i) =>
        new Promise<{ id: number; doneMs: number }>((resolve, reject) => {
          const stream = session.request({ ':path': '/report', 'x-request': String(i + 1) });
          stream.on('response', () => stream.resume());
          stream.on('end', () => resolve({ id: stream.id ?? -1, doneMs: performance.now() - t0 }));
          stream.on('error', reject);
          stream.end();
        }),
    ),
  );
}

async function connect(port: number) {
  const session = http2.connect(`http://127.0.0.1:${port}`);
  closers.push(() => session.destroy());
  // Wait for the server's SETTINGS: streams opened before them may exceed its stream limit.
  await new Promise((resolve) => session.once('remoteSettings', resolve));
  return session;
}

/** Sends `count` GET /report requests at once through `agent`; notes queue waits and sockets. */
async function sendThroughAgent(port: number, agent: http.Agent, count: number) {
  const t0 = performance.now();
  const all = Array.from(
    { length: count },
    (_, i) =>
      new Promise<{ waitMs: number; doneMs: number; localPort: number }>((resolve, reject) => {
        let waitMs = 0;
        let localPort = 0;
        const req = http.get(
          { port, host: '127.0.0.1', path: '/report', agent, headers: { 'x-request': i + 1 } },
          (res) => {
            res.resume();
            res.on('end', () => resolve({ waitMs, localPort, doneMs: performance.now() - t0 }));
          },
        );
        req.on('socket', (socket) => {
          waitMs = performance.now() - t0;
          localPort = socket.localPort ?? 0;
          if (!localPort) socket.once('connect', () => (localPort = socket.localPort ?? 0));
        });
        req.on('error', reject);
      }),
  );
  // Every request is made; the agent opened sockets for the first maxSockets and queued the rest.
  const queued = Object.values(agent.requests).reduce((sum, list) => sum + (list?.length ?? 0), 0);
  return { queued, results: await Promise.all(all), totalMs: () => performance.now() - t0 };
}

describe('real node:http2: one TCP connection carries the 30 requests as streams', () => {
  it('opens 1 connection and 1 session, streams 1, 3 … 59, all 30 at the server at once', async () => {
    const { port, stats, seen } = await startHttp2();
    const session = await connect(port);
    const t0 = performance.now();
    const streams = await sendStreams(session, 30, t0);
    const totalMs = Math.max(...streams.map((stream) => stream.doneMs));

    expect(seen.connections).toBe(1);
    expect(seen.sessions).toBe(1);
    expect(stats.sockets.size).toBe(1);
    const odd = Array.from({ length: 30 }, (_, i) => 2 * i + 1);
    expect(seen.streamIds.sort((a, b) => a - b)).toEqual(odd);
    expect(streams.map((stream) => stream.id).sort((a, b) => a - b)).toEqual(odd);
    expect(stats.peak).toBe(30); // all 30 at the server at once: one round, not five
    console.log(
      `node:http2: 30 requests on ${seen.connections} TCP connection as ${seen.streamIds.length} streams in ${Math.round(totalMs)} ms, ${stats.peak} at the server at once`,
    );
  });

  it('with SETTINGS_MAX_CONCURRENT_STREAMS = 10, the client holds streams back: 10 at a time', async () => {
    const { port, stats, seen } = await startHttp2({ maxConcurrentStreams: 10 });
    const session = await connect(port);
    expect(session.remoteSettings.maxConcurrentStreams).toBe(10);
    const t0 = performance.now();
    const streams = await sendStreams(session, 30, t0);
    const totalMs = Math.max(...streams.map((stream) => stream.doneMs));
    expect(seen.connections).toBe(1);
    expect(streams).toHaveLength(30);
    expect(stats.peak).toBe(10);
    expect(totalMs).toBeGreaterThanOrEqual(3 * 100); // three rounds of at least 100 ms
    console.log(
      `node:http2, max 10 streams: 30 requests in ${Math.round(totalMs)} ms, ${stats.peak} at once`,
    );
  });
  it('refuses, with REFUSED_STREAM, streams opened before the client had those settings', async () => {
    const { port, stats } = await startHttp2({ maxConcurrentStreams: 10 });
    const session = http2.connect(`http://127.0.0.1:${port}`);
    closers.push(() => session.destroy());
    // No wait for 'remoteSettings': all 30 streams go out under the default limit (unlimited).
    const outcomes = await Promise.all(
      Array.from(
        { length: 30 },
        () =>
          new Promise<string>((resolve) => {
            const stream = session.request({ ':path': '/report', 'x-request': '1' });
            stream.on('response', () => stream.resume());
            stream.on('end', () => resolve('answered'));
            stream.on('error', (error: Error & { code?: string }) => resolve(error.message));
            stream.end();
          }),
      ),
    );
    const refused = outcomes.filter((outcome) => /NGHTTP2_REFUSED_STREAM/.test(outcome));
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.length + outcomes.filter((outcome) => outcome === 'answered').length).toBe(30);
    expect(stats.peak).toBeLessThanOrEqual(10);
    // A refused stream never reached the handler, which is why a client may safely retry it.
    const handled = [...stats.sockets.values()].reduce((a, b) => a + b, 0);
    expect(handled).toBe(30 - refused.length);
    console.log(
      `node:http2, max 10 streams, no wait for SETTINGS: ${30 - refused.length} answered, ` +
        `${refused.length} refused with REFUSED_STREAM`,
    );
  });
});

describe('real node:http: an Agent with keepAlive and maxSockets 6', () => {
  it('opens exactly 6 sockets, queues the other 24 requests and reuses the sockets for them', async () => {
    const { stats, handle } = adapter();
    const h1 = http.createServer((req, res) => void handle(req, res));
    let connections = 0;
    h1.on('connection', () => (connections += 1));
    const port = await listen(h1);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 6 });
    closers.push(() => agent.destroy());

    const { queued, results, totalMs } = await sendThroughAgent(port, agent, 30);
    const total = totalMs();
    expect(queued).toBe(24);
    expect(connections).toBe(6);
    expect(stats.sockets.size).toBe(6);
    expect([...stats.sockets.values()].reduce((a, b) => a + b)).toBe(30);
    expect(new Set(results.map((result) => result.localPort)).size).toBe(6);
    expect(stats.peak).toBe(6);
    const waits = results.map((result) => result.waitMs).sort((a, b) => a - b);
    expect(waits.slice(6).every((wait) => wait >= 90)).toBe(true); // waited for a response
    const work = Array.from({ length: 30 }, (_, i) => costOf(i + 1, 150));
    expect(total).toBeGreaterThanOrEqual(work.reduce((a, b) => a + b) / 6);
    console.log(
      `node:http Agent(maxSockets 6): 30 requests on ${connections} sockets in ${Math.round(total)} ms; ` +
        `${queued} queued, the longest wait ${Math.round(waits.at(-1) ?? 0)} ms`,
    );
  });
});

// ---------------------------------------------------------------------------------------------
// TCP head-of-line blocking, for real: a proxy between client and server that, on command, holds
// back every byte one TCP connection carries toward the client, as a receiver's kernel holds
// everything behind a lost segment until the resend arrives.

async function startStallingProxy(targetPort: number) {
  const links: Array<{ clientPort: number; stall(ms: number): void }> = [];
  const proxy = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    client.pipe(upstream);
    let held: Buffer[] | undefined;
    upstream.on('data', (chunk: Buffer) => (held ? held.push(chunk) : client.write(chunk)));
    upstream.on('end', () => client.end());
    for (const socket of [client, upstream]) socket.on('error', () => undefined);
    client.on('close', () => upstream.destroy());
    links.push({
      clientPort: client.remotePort ?? 0,
      stall(ms) {
        held = [];
        setTimeout(() => {
          for (const chunk of held ?? []) client.write(chunk);
          held = undefined;
        }, ms);
      },
    });
  });
  closers.push(() => {
    for (const link of links) link.stall(0);
  });
  return { port: await listen(proxy), links };
}

describe('real TCP head-of-line blocking: one stalled connection', () => {
  const stallAt = 50;
  const stallMs = 400;

  it('stalls all 30 HTTP/2 streams, though the server answered them all before it ended', async () => {
    const { port: h2Port, stats } = await startHttp2();
    const proxy = await startStallingProxy(h2Port);
    const session = await connect(proxy.port);
    expect(proxy.links).toHaveLength(1);
    const t0 = performance.now();
    setTimeout(() => proxy.links[0]?.stall(stallMs), stallAt);
    const streams = await sendStreams(session, 30, t0);
    const answered = Math.max(...stats.sentAt.map((t) => t - t0));
    const first = Math.min(...streams.map((stream) => stream.doneMs));
    // Every answer had left the server before the first stream got its end through the stall.
    expect(answered).toBeLessThan(first);
    expect(first).toBeGreaterThanOrEqual(stallAt + stallMs - 1);
    console.log(
      `node:http2 through a stalled connection: the server answered all 30 by ${Math.round(answered)} ms; ` +
        `the first stream finished at ${Math.round(first)} ms`,
    );
  });

  it('stalls only the HTTP/1.1 requests on that one socket; the other five keep answering', async () => {
    const { handle } = adapter();
    const h1 = http.createServer((req, res) => void handle(req, res));
    const proxy = await startStallingProxy(await listen(h1));
    const agent = new http.Agent({ keepAlive: true, maxSockets: 6 });
    closers.push(() => agent.destroy());
    setTimeout(() => proxy.links[0]?.stall(stallMs), stallAt);
    const { results } = await sendThroughAgent(proxy.port, agent, 30);
    expect(proxy.links).toHaveLength(6);

    const stalledPort = proxy.links[0]?.clientPort;
    const onStalled = results.filter((result) => result.localPort === stalledPort);
    const elsewhere = results.filter((result) => result.localPort !== stalledPort);
    expect(onStalled.length).toBeGreaterThan(0);
    expect(Math.min(...onStalled.map((result) => result.doneMs))).toBeGreaterThanOrEqual(
      stallAt + stallMs - 1,
    );
    const duringStall = elsewhere.filter((result) => result.doneMs < stallAt + stallMs);
    expect(duringStall.length).toBeGreaterThanOrEqual(5);
    console.log(
      `node:http through one stalled socket of 6: ${duringStall.length} requests finished on the ` +
        `other sockets during the ${stallMs} ms stall; ${onStalled.length} rode the stalled one`,
    );
  });
});
