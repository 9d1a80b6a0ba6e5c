import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { runSandboxInNode, startSandboxInNode, type HarnessResult } from '#harness';
import type { SandboxPeer } from '#contract';
import type { TraceEvent } from '#trace/events';
import { Queue } from './queue.ts';

const dir = fileURLToPath(new URL('./', import.meta.url));
const copies: string[] = [];
afterAll(() => Promise.all(copies.map((copy) => rm(copy, { recursive: true, force: true }))));

/** Runs the sandbox over real sockets with some params changed (Node runs use the defaults). */
async function runWith(params: Record<string, number> = {}): Promise<HarnessResult> {
  let folder = dir;
  if (Object.keys(params).length > 0) {
    folder = await mkdtemp(join(tmpdir(), 'pub-sub-'));
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
  return runSandboxInNode(folder, { timeoutMs: 15_000 });
}

interface Delivery {
  t: number;
  exchange: string;
  to: string;
  tag: number;
  id: number;
  image: string;
  redelivered: boolean;
}
/** Every message the broker pushed down a consumer's WebSocket, in order. */
const deliveriesIn = (trace: TraceEvent[]): Delivery[] =>
  trace.flatMap((event) =>
    event.kind === 'ws-message' && event.from === 'broker'
      ? [{ t: event.t, exchange: event.exchange, to: event.to, ...JSON.parse(event.preview) }]
      : [],
  );
const acksIn = (trace: TraceEvent[]) =>
  trace.flatMap((event) =>
    event.kind === 'ws-message' && event.to === 'broker'
      ? [{ t: event.t, exchange: event.exchange, from: event.from, ...JSON.parse(event.preview) }]
      : [],
  ) as Array<{ t: number; exchange: string; from: string; ack: number }>;
const idsTo = (deliveries: Delivery[], consumer: string) =>
  deliveries.filter((delivery) => delivery.to === consumer).map((delivery) => delivery.id);

describe('pub/sub over real sockets, with the default params', () => {
  let run: HarnessResult;
  let deliveries: Delivery[];
  const said = (host: string) =>
    run.logs.filter((line) => line.host === host).map((line) => line.text);

  beforeAll(async () => {
    run = await runWith();
    deliveries = deliveriesIn(run.trace);
  }, 20_000);

  it('runs cleanly and every consumer stops when the broker says all queues are drained', () => {
    expect(run.logs.filter((line) => line.level === 'error')).toEqual([]);
    for (const consumer of ['thumbnails-1', 'thumbnails-2', 'notify', 'audit']) {
      expect(said(consumer).at(-1)).toBe('the broker says: all queues drained');
    }
    // The publisher only POSTs, gets 202 Accepted and moves on: it never waits for a consumer.
    const posts = run.trace.flatMap((event) =>
      event.kind === 'request' && event.from === 'publisher' ? [new URL(event.url).pathname] : [],
    );
    expect(posts).toEqual([...Array(8).fill('/topics/uploaded'), '/shutdown']);
    const statuses = run.trace.flatMap((event) =>
      event.kind === 'response' && event.to === 'publisher' ? [event.status] : [],
    );
    expect(statuses).toEqual(Array(9).fill(202));
    expect(said('publisher')[0]).toBe(
      'published #1 img-1.png: 202, copied into thumbnails, notify, audit',
    );
  });

  it('fans out: notify and audit each get every message, each on a socket of its own', () => {
    expect(idsTo(deliveries, 'notify')).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(idsTo(deliveries, 'audit')).toEqual([1, 2, 3, 4, 4, 5, 6, 7, 8]);
    const emailed = said('notify').flatMap((line) => /^#(\d+): emailed/.exec(line)?.[1] ?? []);
    expect(emailed.map(Number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('shares the work queue round robin: each thumbnail is written once, by one worker', () => {
    const thumbs = deliveries.filter((delivery) => delivery.to.startsWith('thumbnails-'));
    expect(thumbs.map((delivery) => `${delivery.id}→${delivery.to}`)).toEqual([
      '1→thumbnails-1',
      '2→thumbnails-2', // dropped without an ack
      '3→thumbnails-1',
      '4→thumbnails-1', // thumbnails-2 still holds #2 (prefetch 1), so it gets nothing new
      '2→thumbnails-1', // redelivered after the ack timeout
      '5→thumbnails-1', // thumbnails-2 is reconnecting
      '6→thumbnails-2',
      '7→thumbnails-1',
      '8→thumbnails-2',
    ]);
    const written = ['thumbnails-1', 'thumbnails-2'].flatMap((worker) =>
      said(worker).flatMap((line) => /^#(\d+): wrote/.exec(line)?.[1] ?? []),
    );
    expect(written.map(Number).sort()).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('redelivers a message that was never acked, after the ack timeout, to another consumer', () => {
    const first = deliveries.find((d) => d.id === 2 && d.to === 'thumbnails-2') as Delivery;
    expect(first.redelivered).toBe(false);
    expect(
      acksIn(run.trace).some((ack) => ack.exchange === first.exchange && ack.ack === first.tag),
    ).toBe(false);
    // The broker closes the silent consumer's socket (like RabbitMQ's consumer timeout)…
    const kicked = run.trace.find(
      (event) =>
        event.kind === 'ws-close' && event.exchange === first.exchange && event.from === 'broker',
    );
    expect(kicked?.kind === 'ws-close' && kicked.code).toBe(4008);
    // Only once the 1000 ms ack timeout ran out. No upper bound: a loaded machine makes it later.
    // The lower one leaves room for Node's timer clock, which is read once per loop turn and so
    // can lag the traced send by a few tens of ms on a busy machine (982 ms was seen).
    expect((kicked?.t ?? 0) - first.t).toBeGreaterThanOrEqual(900);
    // …and hands the message to thumbnails-1, marked as a redelivery.
    const again = deliveries.find((d) => d.id === 2 && d.to === 'thumbnails-1') as Delivery;
    expect(again.redelivered).toBe(true);
    expect(again.t - first.t).toBeGreaterThanOrEqual(900);
    expect(said('broker')).toContain('thumbnails-2 sent no ack for #2 in 1000 ms');
    expect(said('thumbnails-1')).toContain('#2: wrote thumbnails/img-2-256.png (a redelivery)');
    // thumbnails-2 reconnects and takes its turn again.
    const sockets = run.trace.filter((e) => e.kind === 'ws-open' && e.from === 'thumbnails-2');
    expect(sockets).toHaveLength(2);
  });

  it('delivers at least once: audit sees #4 twice and its idempotent log skips the duplicate', () => {
    const copies = deliveries.filter((delivery) => delivery.to === 'audit' && delivery.id === 4);
    expect(copies.map((copy) => copy.redelivered)).toEqual([false, true]);
    expect(copies[0]?.exchange).not.toBe(copies[1]?.exchange); // a new connection
    expect(said('audit').filter((line) => line.startsWith('#4'))).toEqual([
      '#4: logged img-4.raw', // the work was done once…
      '#4 done, but the connection is gone: no ack possible', // …but the ack could not be sent
      '#4 (redelivered): already in the log, skipped',
    ]);
    expect(said('audit').filter((line) => /^#\d+: logged/.test(line))).toHaveLength(8);
  });

  it('keeps messages for a consumer that is offline, and it catches up when back', () => {
    const notifySockets = run.trace.filter((e) => e.kind === 'ws-open' && e.from === 'notify');
    expect(notifySockets).toHaveLength(2);
    const away = run.trace.find(
      (event) => event.kind === 'ws-close' && event.from === 'notify',
    ) as Extract<TraceEvent, { kind: 'ws-close' }>;
    expect([away.code, away.reason]).toEqual([1000, 'going offline']);
    expect(said('broker').filter((line) => line.startsWith('queue notify:'))).toEqual([
      'queue notify: 1 waiting (nobody is consuming)',
      'queue notify: 2 waiting (nobody is consuming)',
      'queue notify: 3 waiting (nobody is consuming)',
      'queue notify: published 8, delivered 8, acked 8, redelivered 0',
    ]);
    expect(said('broker')).toContain('notify consumes queue notify (3 waiting)');
    // Back online, it gets the backlog in order on the new socket, one at a time (prefetch 1).
    const second = deliveries.filter((d) => d.exchange === notifySockets[1]?.exchange);
    expect(second.map((delivery) => delivery.id)).toEqual([4, 5, 6, 7, 8]);
    const acks = acksIn(run.trace).filter((ack) => ack.exchange === notifySockets[1]?.exchange);
    for (const [index, delivery] of second.slice(1).entries()) {
      expect(delivery.t).toBeGreaterThanOrEqual(acks[index]?.t ?? Infinity);
    }
  });

  it('prints published, delivered, acked and redelivered per queue at the end', () => {
    expect(said('broker').slice(-3)).toEqual([
      'queue thumbnails: published 8, delivered 9, acked 8, redelivered 1',
      'queue notify: published 8, delivered 8, acked 8, redelivered 0',
      'queue audit: published 8, delivered 9, acked 8, redelivered 1',
    ]);
  });
});

describe('the ack timeout, over real sockets', () => {
  it('longer than the slowest job: audit acks in time and sees no duplicate', async () => {
    const run = await runWith({ ackTimeoutMs: 2000 });
    expect(run.logs.filter((line) => line.level === 'error')).toEqual([]);
    const deliveries = deliveriesIn(run.trace);
    expect(idsTo(deliveries, 'audit')).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const broker = run.logs.filter((line) => line.host === 'broker').map((line) => line.text);
    expect(broker).toContain('queue audit: published 8, delivered 8, acked 8, redelivered 0');
    // The dropped thumbnail still comes back, only later: the timeout is a trade-off.
    const drop = deliveries.find((d) => d.id === 2 && !d.redelivered) as Delivery;
    const again = deliveries.find((d) => d.id === 2 && d.redelivered) as Delivery;
    expect(again.t - drop.t).toBeGreaterThanOrEqual(1990);
  }, 20_000);
});

describe('the broker over real sockets, with hand-made consumers', () => {
  /** A consumer as a bare WebSocket that records what it gets. */
  async function connect(url: URL, queue: string, name: string) {
    const socket = new WebSocket(
      new URL(
        `/consume?topic=uploaded&queue=${queue}&consumer=${name}`,
        url.href.replace(/^http/, 'ws'),
      ),
    );
    const got: Array<{ tag: number; id: number; redelivered: boolean }> = [];
    socket.addEventListener('message', (event) => got.push(JSON.parse(String(event.data))));
    await new Promise((resolve) => socket.addEventListener('open', resolve));
    return { socket, got };
  }
  const until = async (check: () => boolean, ms = 2000) => {
    const deadline = Date.now() + ms;
    while (!check()) {
      if (Date.now() > deadline) throw new Error('timed out');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };

  it('requeues a message at once when its consumer disconnects, and drops topics nobody reads', async () => {
    const sandbox = await startSandboxInNode(dir);
    try {
      const broker = sandbox.urls.broker as URL;
      const publish = (image: string, topic = 'uploaded') =>
        fetch(new URL(`/topics/${topic}`, broker), {
          method: 'POST',
          body: JSON.stringify({ image }),
        }).then((response) => response.json() as Promise<{ id: number; queues: string[] }>);

      // A topic no queue is bound to: accepted, copied into nothing.
      expect(await publish('lost.png', 'nobody-listens')).toEqual({ id: 1, queues: [] });

      const a = await connect(broker, 'work', 'a');
      const b = await connect(broker, 'work', 'b');
      await publish('one.png');
      await publish('two.png');
      await until(() => a.got.length === 1 && b.got.length === 1);
      // a closes its socket while it still holds its message: no ack timeout needed.
      const held = a.got[0] as { tag: number; id: number };
      a.socket.close(1000, 'bye');
      b.socket.send(JSON.stringify({ ack: b.got[0]?.tag }));
      await until(() => b.got.length === 2);
      expect(b.got[1]).toMatchObject({ id: held.id, redelivered: true });
      expect(sandbox.logs.map((line) => line.text)).toContain(
        `a left (1000 bye); #${held.id} goes back`,
      );
      b.socket.close();
    } finally {
      await sandbox.close();
    }
  });
});

describe('Queue on its own', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });
  const peer = (id: string) => {
    const sent: Array<{ tag: number; id: number; redelivered: boolean }> = [];
    const closed: Array<[number | undefined, string | undefined]> = [];
    const value: SandboxPeer = {
      id,
      url: new URL(`ws://broker.test/consume?consumer=${id}`),
      headers: new Headers(),
      send: (data) => sent.push(JSON.parse(String(data))),
      close: (code, reason) => closed.push([code, reason]),
    };
    return { peer: value, sent, closed };
  };

  it('gives each consumer one message at a time, in turns, and keeps the rest waiting', () => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    const queue = new Queue('work', { ackTimeoutMs: 1000 });
    const [a, b] = [peer('a'), peer('b')];
    queue.join(a.peer, 'a');
    queue.join(b.peer, 'b');
    for (let id = 1; id <= 5; id++) queue.publish({ id, image: `${id}.png` });
    expect(a.sent.map((m) => m.id)).toEqual([1]);
    expect(b.sent.map((m) => m.id)).toEqual([2]);
    expect(queue.drained).toBe(false);
    queue.ack(a.peer, a.sent[0]?.tag ?? 0);
    queue.ack(b.peer, b.sent[0]?.tag ?? 0);
    queue.ack(a.peer, 999); // an ack that matches nothing changes nothing
    expect(a.sent.map((m) => m.id)).toEqual([1, 3]);
    expect(b.sent.map((m) => m.id)).toEqual([2, 4]);
    expect(queue.counts).toEqual({ published: 5, delivered: 4, acked: 2, redelivered: 0 });
  });

  it('takes a message back after the ack timeout, closes that consumer, and redelivers it first', () => {
    vi.useFakeTimers();
    vi.spyOn(console, 'log').mockImplementation(() => {});
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const settings = { ackTimeoutMs: 500 };
    const queue = new Queue('work', settings);
    const [a, b] = [peer('a'), peer('b')];
    queue.join(a.peer, 'a');
    queue.publish({ id: 1, image: '1.png' });
    queue.publish({ id: 2, image: '2.png' });
    vi.advanceTimersByTime(499);
    expect(a.closed).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(warn).toHaveBeenCalledWith('a sent no ack for #1 in 500 ms');
    expect(a.closed).toEqual([[4008, 'no ack within 500 ms']]);
    queue.ack(a.peer, a.sent[0]?.tag ?? 0); // too late: a is no longer a consumer
    queue.join(b.peer, 'b');
    expect(b.sent.map((m) => [m.id, m.redelivered])).toEqual([[1, true]]);
    queue.ack(b.peer, b.sent[0]?.tag ?? 0);
    expect(b.sent.map((m) => [m.id, m.redelivered])).toEqual([
      [1, true],
      [2, false],
    ]);
    expect(queue.counts).toEqual({ published: 2, delivered: 3, acked: 1, redelivered: 1 });
  });
});
