import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { runSandboxInNode, type HarnessResult } from '#harness';
import type { SandboxPeer } from '#contract';
import type { TraceEvent } from '#trace/events';
import { Queue, type Message } from './queue.ts';

const dir = fileURLToPath(new URL('./', import.meta.url));

/** Runs the sandbox over real sockets, with the delivery limit a reader may set in the page. */
const runWithLimit = (deliveryLimit?: number): Promise<HarnessResult> =>
  runSandboxInNode(dir, {
    timeoutMs: 15_000,
    params: deliveryLimit === undefined ? {} : { deliveryLimit },
  });

type Delivered = Message & { t: number; to: string; tag: number };
const deliveriesIn = (trace: TraceEvent[]): Delivered[] =>
  trace.flatMap((event) =>
    event.kind === 'ws-message' && event.from === 'broker'
      ? [{ t: event.t, to: event.to, ...JSON.parse(event.preview) }]
      : [],
  );
const said = (run: HarnessResult, host: string) =>
  run.logs.filter((line) => line.host === host).map((line) => line.text);

describe('a poison message over real sockets, with the default delivery limit (3)', () => {
  let run: HarnessResult;
  let deliveries: Delivered[];
  beforeAll(async () => {
    run = await runWithLimit();
    deliveries = deliveriesIn(run.trace);
  }, 20_000);

  it('runs cleanly to the end, every consumer told the queues are drained', () => {
    expect(run.logs.filter((line) => line.level === 'error')).toEqual([]);
    expect(said(run, 'resizer').at(-1)).toBe('the broker says: all queues drained');
    expect(said(run, 'dead-letters').at(-1)).toBe('the broker says: all queues drained');
  });

  it('redelivers the poison message at the head of the queue until it has failed 4 times', () => {
    const toResizer = deliveries.filter((delivery) => delivery.to === 'resizer');
    expect(toResizer.map((delivery) => `${delivery.id}:${delivery.failedDeliveries}`)).toEqual([
      '1:0',
      '2:0',
      '3:0', // img-3.tiff fails…
      '3:1', // …and comes straight back, ahead of #4, #5 and #6
      '3:2',
      '3:3',
      '4:0', // over the limit, it is gone: the queue moves again
      '5:0', // a transient failure…
      '5:1', // …that the next delivery survives
      '6:0',
    ]);
    expect(said(run, 'broker')).toContain(
      'queue thumbnails: #3 failed (x-delivery-count 1, limit 3), back at the head with 3 behind it',
    );
    expect(said(run, 'broker')).toContain(
      'queue thumbnails: #3 dead-lettered (delivery_limit, 4 failed deliveries): moved to thumbnails.dlq',
    );
  });

  it('delivers the dead letter to the DLQ consumer with the reason and the count', () => {
    const dead = deliveries.filter((delivery) => delivery.to === 'dead-letters');
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({
      id: 3,
      image: 'img-3.tiff',
      death: { reason: 'delivery_limit', queue: 'thumbnails', deliveries: 4 },
    });
    expect(said(run, 'dead-letters')).toContain(
      'dead letter #3 img-3.tiff: delivery_limit in queue thumbnails after 4 failed deliveries',
    );
  });

  it('writes every other thumbnail, and prints what each queue did', () => {
    const written = said(run, 'resizer').flatMap((line) => /^#(\d+): wrote/.exec(line)?.[1] ?? []);
    expect(written.map(Number)).toEqual([1, 2, 4, 5, 6]);
    expect(said(run, 'broker').slice(-2)).toEqual([
      'queue thumbnails: published 6, delivered 10, acked 5, returned 4, dead-lettered 1',
      'queue thumbnails.dlq: published 1, delivered 1, acked 1, returned 0, dead-lettered 0',
    ]);
  });
});

describe('the delivery limit is a trade-off, over real sockets', () => {
  it('at 0, a transient failure is dead-lettered too: nothing gets a second chance', async () => {
    const run = await runWithLimit(0);
    const dead = deliveriesIn(run.trace).filter((delivery) => delivery.to === 'dead-letters');
    expect(dead.map((delivery) => `${delivery.image} ${delivery.death?.reason}`)).toEqual([
      'img-3.tiff delivery_limit',
      'img-5.png delivery_limit',
    ]);
  }, 20_000);

  it('at 10, the poison message takes 11 deliveries while the images behind it wait', async () => {
    const run = await runWithLimit(10);
    const toResizer = deliveriesIn(run.trace).filter((delivery) => delivery.to === 'resizer');
    const poison = toResizer.filter((delivery) => delivery.id === 3);
    expect(poison).toHaveLength(11);
    const firstAfter = toResizer.findIndex((delivery) => delivery.id === 4);
    expect(firstAfter).toBe(toResizer.lastIndexOf(poison.at(-1) as Delivered) + 1);
  }, 20_000);
});

describe('Queue on its own', () => {
  const peer = (id: string) => {
    const sent: Array<Message & { tag: number }> = [];
    const value: SandboxPeer = {
      id,
      url: new URL(`ws://broker.test/consume?consumer=${id}`),
      headers: new Headers(),
      send: (data) => sent.push(JSON.parse(String(data))),
      close: () => {},
    };
    return { peer: value, sent };
  };
  const quiet = () => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    vi.spyOn(console, 'warn').mockImplementation(() => {});
  };

  it('counts a consumer that leaves holding a message as a failed delivery', () => {
    quiet();
    const dlq = new Queue('work.dlq', { deliveryLimit: 1 });
    const queue = new Queue('work', { deliveryLimit: 1 }, dlq);
    const reader = peer('reader');
    dlq.join(reader.peer, 'reader');
    queue.publish({ id: 1, image: '1.png', failedDeliveries: 0 });
    const [a, b] = [peer('a'), peer('b')];
    queue.join(a.peer, 'a');
    queue.leave(a.peer); // crashed mid-work: one failed delivery, still under the limit
    expect(queue.counts).toMatchObject({ delivered: 1, returned: 1, deadLettered: 0 });
    queue.join(b.peer, 'b');
    expect(b.sent[0]?.failedDeliveries).toBe(1);
    queue.leave(b.peer); // a second crash: over the limit of 1
    expect(queue.counts.deadLettered).toBe(1);
    expect(reader.sent[0]?.death).toEqual({
      reason: 'delivery_limit',
      queue: 'work',
      deliveries: 2,
    });
    vi.restoreAllMocks();
  });

  it('dead-letters a reject without requeue at once, and drops it where no DLQ is set', () => {
    quiet();
    const dlq = new Queue('work.dlq', { deliveryLimit: 5 });
    const queue = new Queue('work', { deliveryLimit: 5 }, dlq);
    const [worker, reader] = [peer('worker'), peer('reader')];
    queue.join(worker.peer, 'worker');
    dlq.join(reader.peer, 'reader');
    queue.publish({ id: 7, image: '7.png', failedDeliveries: 0 });
    queue.reject(worker.peer, worker.sent[0]?.tag ?? 0, false);
    expect(reader.sent[0]).toMatchObject({ id: 7, death: { reason: 'rejected', deliveries: 1 } });
    dlq.reject(reader.peer, reader.sent[0]?.tag ?? 0, false);
    expect(dlq.counts.deadLettered).toBe(1);
    expect(dlq.drained && queue.drained).toBe(true);
    queue.reject(worker.peer, 999, true); // a reject that names no held delivery changes nothing
    expect(queue.counts).toMatchObject({ delivered: 1, returned: 0, deadLettered: 1 });
    vi.restoreAllMocks();
  });
});
