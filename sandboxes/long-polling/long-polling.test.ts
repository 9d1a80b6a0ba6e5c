import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { runSandboxInNode } from '#harness';
import type { TraceEvent } from '#trace/events';
import server from './server.ts';

const dir = fileURLToPath(new URL('./', import.meta.url));
const copies: string[] = [];

afterAll(async () => {
  await Promise.all(copies.map((copy) => rm(copy, { recursive: true, force: true })));
});

/** Runs the sandbox over real sockets with some params changed (Node runs use sandbox.json's defaults). */
async function runWith(params: Record<string, number> = {}) {
  let folder = dir;
  if (Object.keys(params).length > 0) {
    folder = await mkdtemp(join(tmpdir(), 'long-polling-'));
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
  const said = (host: string) => logs.filter((line) => line.host === host).map((line) => line.text);
  return { logs, trace, said, exchanges: exchangesOf(trace) };
}

interface Exchange {
  exchange: string;
  from: string;
  to: string;
  target: string;
  status?: number;
  heldMs?: number;
  aborted: boolean;
}

/** Each HTTP exchange: who asked whom for what, the status, and how long the answer took. */
function exchangesOf(trace: TraceEvent[]): Exchange[] {
  const byId = new Map<string, Exchange & { t: number }>();
  for (const event of trace) {
    if (event.kind === 'request') {
      const url = new URL(event.url);
      byId.set(event.exchange, {
        exchange: event.exchange,
        from: event.from,
        to: event.to,
        target: url.pathname + url.search,
        t: event.t,
        aborted: false,
      });
    }
    const exchange = byId.get(event.exchange);
    if (!exchange) continue;
    if (event.kind === 'response') {
      exchange.status = event.status;
      exchange.heldMs = event.t - exchange.t;
    }
    if (event.kind === 'abort') exchange.aborted = true;
  }
  return [...byId.values()];
}

const polls = (exchanges: Exchange[]) =>
  exchanges.filter((exchange) => exchange.from === 'dashboard');
const received = (lines: string[]) =>
  lines.flatMap((line) => /→ #(\d+) /.exec(line)?.[1] ?? []).map(Number);

describe('long polling over real sockets, with the default params', () => {
  it('holds each poll until a message arrives, and loses nothing in the reconnect gap', async () => {
    const { logs, said, exchanges, trace } = await runWith();
    expect(logs.filter((line) => line.level !== 'log')).toEqual([]);

    // Every message reached the dashboard exactly once, in order.
    expect(received(said('dashboard'))).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(said('dashboard').at(-1)).toBe('build finished after 6 polls: 7 messages, 0 lost');
    expect(said('builder')).toHaveLength(7);

    // The dashboard asks through the proxy, the proxy asks the server; the builder posts directly.
    const dashboard = polls(exchanges);
    expect(dashboard.map((poll) => `${poll.target} → ${poll.status}`)).toEqual([
      '/poll?after=0 → 200',
      '/poll?after=1 → 200',
      '/poll?after=2 → 200',
      '/poll?after=3 → 200',
      '/poll?after=5 → 200',
      '/poll?after=6 → 200',
    ]);
    expect(exchanges.filter((e) => e.from === 'proxy').map((e) => e.target)).toEqual(
      dashboard.map((poll) => poll.target),
    );
    expect(exchanges.filter((e) => e.from === 'builder').map((e) => e.status)).toEqual(
      Array(7).fill(201),
    );

    // Held: the first poll waits for the first message (~700 ms), the next ones for ~300 ms.
    const held = dashboard.map((poll) => poll.heldMs ?? 0);
    expect(held[0]).toBeGreaterThan(600);
    expect(held[1]).toBeGreaterThan(200);
    // #4 and #5 were published while no poll was held: the poll after=3 got both at once, without
    // waiting for a new message (no builder POST came between its request and its answer).
    const posts = trace.flatMap((event, index) =>
      event.kind === 'request' && event.from === 'builder' ? [index] : [],
    );
    const at = (kind: TraceEvent['kind']) =>
      trace.findIndex(
        (event) =>
          event.kind === kind &&
          event.exchange === dashboard[3]?.exchange &&
          event.from === (kind === 'request' ? 'dashboard' : 'proxy'),
      );
    expect(posts.filter((index) => index > at('request') && index < at('response'))).toEqual([]);
    expect(posts.filter((index) => index < at('request'))).toHaveLength(5);
    expect(said('server')).toContain('stored #4; no poll is held right now: it waits in the log');
    expect(said('server')).toContain('stored #5; no poll is held right now: it waits in the log');
    expect(said('dashboard')).toContain('poll 4: 2 in one answer');
  }, 20_000);
});

describe('timeouts over real sockets', () => {
  it('answers a held poll with 204 when the hold timeout runs out, and the client asks again at once', async () => {
    const { said, exchanges, logs } = await runWith({ holdTimeoutMs: 250 });
    expect(logs.filter((line) => line.level !== 'log')).toEqual([]);
    const empty = polls(exchanges).filter((poll) => poll.status === 204);
    expect(empty.length).toBeGreaterThanOrEqual(3);
    for (const poll of empty) expect(poll.heldMs).toBeGreaterThanOrEqual(240);
    // A timed-out poll does not move the cursor: the next poll asks for the same position.
    const targets = polls(exchanges).map((poll) => poll.target);
    const index = polls(exchanges).indexOf(empty[0] as Exchange);
    expect(targets[index + 1]).toBe(targets[index]);
    const timedOut = said('server').filter((line) => /held \d+ ms, nothing new: 204$/.test(line));
    expect(timedOut).toHaveLength(empty.length);
    expect(
      said('dashboard').filter((line) => /nothing new; asking again at once$/.test(line)),
    ).toHaveLength(empty.length);
    // The hold (250 ms) is under the proxy's idle timeout (10 s): no 504.
    expect(polls(exchanges).some((poll) => poll.status === 504)).toBe(false);
    expect(received(said('dashboard'))).toEqual([1, 2, 3, 4, 5, 6, 7]);
  }, 20_000);

  it('gets 504 from the proxy when the hold outlasts its idle timeout, and still loses nothing', async () => {
    const { said, exchanges, logs } = await runWith({ proxyIdleTimeoutMs: 250 });
    const cut = polls(exchanges).filter((poll) => poll.status === 504);
    expect(cut.length).toBeGreaterThanOrEqual(2);
    for (const poll of cut) expect(poll.heldMs).toBeGreaterThanOrEqual(240);
    // The proxy gave up on the server's held request: that upstream exchange never got an answer.
    const abandoned = exchanges.filter((e) => e.from === 'proxy' && e.status === undefined);
    expect(abandoned.length).toBe(cut.length);
    expect(abandoned.every((e) => e.aborted)).toBe(true);
    expect(
      said('proxy').every((line) => /upstream silent for 250 ms, answering 504$/.test(line)),
    ).toBe(true);
    expect(
      said('server').filter((line) => /the caller hung up after \d+ ms$/.test(line)),
    ).toHaveLength(cut.length);
    // Only warnings, never errors; and thanks to the cursor every message still arrives once.
    expect(logs.filter((line) => line.level === 'error')).toEqual([]);
    expect(said('dashboard').filter((line) => /^poll \d+: 504 after/.test(line))).toHaveLength(
      cut.length,
    );
    expect(received(said('dashboard'))).toEqual([1, 2, 3, 4, 5, 6, 7]);
  }, 20_000);
});

describe('the server handler on its own', () => {
  afterEach(() => vi.restoreAllMocks());
  const env = (holdTimeoutMs: number) => ({ hosts: {}, params: { holdTimeoutMs } });
  const get = (after: number, holdMs: number, signal?: AbortSignal) =>
    server.fetch(new Request(`http://server.test/poll?after=${after}`, { signal }), env(holdMs));
  const publish = (text: string) =>
    server.fetch(
      new Request('http://server.test/messages', {
        method: 'POST',
        body: JSON.stringify({ text }),
      }),
      env(0),
    );

  it('holds a poll until a message arrives, then answers with it and the new cursor', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    let answered = false;
    const pending = get(0, 5_000).then((response) => ((answered = true), response));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(answered).toBe(false);
    expect((await publish('hello')).status).toBe(201);
    const response = await pending;
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toMatchObject({
      messages: [{ id: 1, text: 'hello' }],
      cursor: 1,
    });
  });

  it('answers at once with everything after the cursor', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    await publish('two');
    await publish('three');
    const response = await get(1, 5_000);
    const body = (await response.json()) as { messages: Array<{ id: number }>; cursor: number };
    expect(body.messages.map((message) => message.id)).toEqual([2, 3]);
    expect(body.cursor).toBe(3);
  });

  it('answers 204 with no body when the hold timeout runs out', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    const started = Date.now();
    const response = await get(3, 60);
    expect(response.status).toBe(204);
    expect(response.body).toBeNull();
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
  });

  it('forgets a held poll when the caller hangs up, and never answers it', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const caller = new AbortController();
    let answered = false;
    void get(3, 60_000, caller.signal).then(() => (answered = true));
    setTimeout(() => caller.abort(), 20);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/^poll after=3: the caller hung up/));
    await publish('four');
    expect(log).toHaveBeenCalledWith('stored #4; no poll is held right now: it waits in the log');
    expect(answered).toBe(false);
  });

  it('answers other paths with 404', async () => {
    expect((await server.fetch(new Request('http://server.test/nope'), env(0))).status).toBe(404);
  });
});
