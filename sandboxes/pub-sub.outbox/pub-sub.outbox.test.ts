import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runSandboxInNode, type HarnessResult } from '#harness';
import { Database } from './database.ts';

const dir = fileURLToPath(new URL('./', import.meta.url));
/** Runs the sandbox over real sockets, with params set as a reader sets them in the page. */
const runWith = (params: Record<string, number> = {}): Promise<HarnessResult> =>
  runSandboxInNode(dir, { timeoutMs: 15_000, params });
const said = (run: HarnessResult, host: string) =>
  run.logs.filter((line) => line.host === host).map((line) => line.text);
/** The event ids the broker received, in order. */
const published = (run: HarnessResult) =>
  said(run, 'broker').flatMap((line) => /^event (\d+) on order-placed/.exec(line)?.[1] ?? []);

describe('the dual write over real sockets (the defaults: no outbox, a crash after order 3)', () => {
  it('commits all four orders, but the crash loses order 3’s event: billing never hears of it', async () => {
    const run = await runWith();
    expect(run.logs.filter((line) => line.level === 'error')).toEqual([]);
    expect(said(run, 'checkout')).toContain('order 3 (canvas): no answer, the connection dropped');
    expect(said(run, 'checkout')).toContain('the database holds orders 1, 2, 3, 4');
    expect(said(run, 'orders')).toContain(
      'order 3: the process crashes right after COMMIT: the event was never published',
    );
    expect(published(run)).toEqual(['1', '2', '4']);
    expect(said(run, 'billing').at(-1)).toBe('billed orders 1, 2, 4');
    // The order service published itself, from inside POST /orders; the relay had nothing to do.
    const fromOrders = run.trace.filter(
      (event) =>
        event.kind === 'request' && event.from === 'orders' && event.url.includes('/topics/'),
    );
    expect(fromOrders).toHaveLength(3);
    expect(said(run, 'relay')).toEqual([
      'no outbox in this design: nothing to relay',
      'outbox empty and the service closed',
    ]);
  }, 20_000);

  it('without the crash, the dual write looks fine: every order billed', async () => {
    const run = await runWith({ crashAfterCommitOf: 0 });
    expect(said(run, 'billing').at(-1)).toBe('billed orders 1, 2, 3, 4');
  }, 20_000);
});

describe('the transactional outbox over real sockets', () => {
  it('survives the same crash: the relay publishes order 3’s event from the outbox', async () => {
    const run = await runWith({ useOutbox: 1 });
    expect(run.logs.filter((line) => line.level === 'error')).toEqual([]);
    expect(said(run, 'orders')).toContain(
      'order 3: the process crashes right after COMMIT: the event is safe in the outbox',
    );
    expect(said(run, 'checkout')).toContain('order 3 (canvas): no answer, the connection dropped');
    expect(published(run)).toEqual(['1', '2', '3', '4']);
    expect(said(run, 'relay')).toEqual([
      'event 1 published, row marked sent',
      'event 2 published, row marked sent',
      'event 3 published, row marked sent',
      'event 4 published, row marked sent',
      'outbox empty and the service closed',
    ]);
    expect(said(run, 'billing').at(-1)).toBe('billed orders 1, 2, 3, 4');
    // The order service itself never calls the broker: only the relay does.
    const publishers = run.trace.flatMap((event) =>
      event.kind === 'request' &&
      event.url.includes('/topics/order-placed') &&
      event.method === 'POST'
        ? [event.from]
        : [],
    );
    expect(new Set(publishers)).toEqual(new Set(['relay']));
  }, 20_000);
});

describe('the relay delivers at least once, over real sockets', () => {
  it('publishes a row again after crashing before marking it sent; billing skips the repeat', async () => {
    const run = await runWith({ useOutbox: 1, relayCrashAfterPublishOf: 2 });
    expect(run.logs.filter((line) => line.level === 'error')).toEqual([]);
    expect(said(run, 'relay')).toContain(
      'crashed after publishing event 2, before marking it sent; restarted',
    );
    expect(published(run)).toEqual(['1', '2', '2', '3', '4']);
    expect(said(run, 'billing')).toContain('event 2 again: order 2 already billed, skipped');
    expect(said(run, 'billing').filter((line) => line.startsWith('billed order 2:'))).toHaveLength(
      1,
    );
    expect(said(run, 'billing').at(-1)).toBe('billed orders 1, 2, 3, 4');
  }, 20_000);
});

describe('Database on its own', () => {
  it('commits every write of a transaction, or none when the work throws', () => {
    const db = new Database();
    db.transaction((tables) => {
      tables.orders.push({ id: 1, item: 'print', cents: 1200 });
      tables.outbox.push({
        id: 1,
        orderId: 1,
        payload: { id: 1, item: 'print', cents: 1200 },
        sent: false,
      });
    });
    expect(() =>
      db.transaction((tables) => {
        tables.orders.push({ id: 2, item: 'mug', cents: 1500 });
        throw new Error('constraint violated');
      }),
    ).toThrow('constraint violated');
    expect(db.orders.map((order) => order.id)).toEqual([1]);
    expect(db.nextUnsent()?.id).toBe(1);
    expect(db.markSent(1)).toBe(true);
    expect(db.markSent(9)).toBe(false);
    expect(db.nextUnsent()).toBeUndefined();
  });
});
