import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runSandboxInNode, type HarnessResult } from '#harness';
import { httpExchanges } from '#exercise';
import type { SandboxEnv, SandboxHostModule } from '#contract';

const dir = fileURLToPath(new URL('./', import.meta.url));
/** Runs the sandbox over real sockets, with params set as a reader sets them in the page. */
const runWith = (params: Record<string, number> = {}): Promise<HarnessResult> =>
  runSandboxInNode(dir, { timeoutMs: 15_000, params });
const said = (run: HarnessResult, host: string) =>
  run.logs.filter((line) => line.host === host).map((line) => line.text);
/** The broker's last line: the event ids in the log, in order. */
const logged = (run: HarnessResult) => said(run, 'broker').at(-1);

describe('exactly once, precisely, over real sockets (the defaults)', () => {
  it('drops the retry of a lost acknowledgement, but not the resend of a new session', async () => {
    const run = await runWith();
    expect(run.logs.filter((line) => line.level === 'error')).toEqual([]);
    // The retry of event 2 carries the same producer id and sequence: the broker writes it once.
    const posts = httpExchanges(run.trace).filter(
      (exchange) =>
        exchange.path === '/topics/order-placed' && exchange.requestBody.includes('"id":2'),
    );
    expect(posts.map((post) => [post.requestBody, post.status])).toEqual([
      [posts[0]?.requestBody, undefined],
      [posts[0]?.requestBody, 200],
    ]);
    expect(JSON.parse(posts[1]?.responseBody ?? '')).toEqual({ offset: 1, duplicate: true });
    expect(said(run, 'broker')).toContain(
      'producer 1, sequence 1: already at offset 1, not written again',
    );
    // After the crash, a new session: producer id 2 sends event 3 again, and it is written.
    expect(said(run, 'producer')).toEqual([
      'session started: producer id 1',
      'event 1 at offset 0, row marked sent',
      'event 2: no acknowledgement; sending the same record, producer id 1, sequence 1 again',
      'event 2: the broker had it already',
      'event 2 at offset 1, row marked sent',
      'crashed after event 3 was written, before marking it sent',
      'session started: producer id 2',
      'event 3 at offset 3, row marked sent',
      'event 4 at offset 4, row marked sent',
    ]);
    expect(logged(run)).toBe('log: events 1, 2, 3, 3, 4');
  }, 20_000);

  it('billing, idempotent, charges each order once; the mailer emails order 3 twice', async () => {
    const run = await runWith();
    expect(said(run, 'billing')).toContain(
      'event 3 again at offset 3: order 3 already charged, skipped',
    );
    expect(said(run, 'billing').at(-1)).toBe('charged orders 1, 2, 3, 4, each once');
    expect(said(run, 'mailer').at(-1)).toBe('5 receipts emailed, for orders 1, 2, 3, 3, 4');
  }, 20_000);
});

describe('the knobs, over real sockets', () => {
  it('without the idempotent producer, the retry is written too: events 2 and 3 twice', async () => {
    const run = await runWith({ idempotentProducer: 0 });
    expect(logged(run)).toBe('log: events 1, 2, 2, 3, 3, 4');
    expect(said(run, 'producer')).toContain(
      'event 2: no acknowledgement; sending the same event again',
    );
    expect(httpExchanges(run.trace).some((exchange) => exchange.path === '/producers')).toBe(false);
    expect(said(run, 'billing').at(-1)).toBe('charged orders 1, 2, 3, 4, each once');
    expect(said(run, 'mailer').at(-1)).toBe('6 receipts emailed, for orders 1, 2, 2, 3, 3, 4');
  }, 20_000);

  it('with no lost acknowledgement and no crash, every event is written once', async () => {
    const run = await runWith({ ackLostFor: 0, crashAfterWriting: 0 });
    expect(logged(run)).toBe('log: events 1, 2, 3, 4');
    expect(said(run, 'mailer').at(-1)).toBe('4 receipts emailed, for orders 1, 2, 3, 4');
  }, 20_000);
});

describe('the broker on its own', () => {
  const env: SandboxEnv = { hosts: {}, params: {} };
  const post = (server: SandboxHostModule, body: unknown) =>
    server.fetch(
      new Request('http://broker.test/topics/order-placed', {
        method: 'POST',
        body: JSON.stringify(body),
      }),
      env,
    );

  it('deduplicates by producer id and sequence, never by content', async () => {
    const { default: broker } = (await import('./broker.ts')) as { default: SandboxHostModule };
    const event = { id: 7, orderId: 7, cents: 100 };
    const first = await post(broker, { producerId: 9, sequence: 0, event });
    expect(first.status).toBe(201);
    const { offset } = (await first.json()) as { offset: number };
    // The same producer and sequence: a retry, not written again.
    const retry = await post(broker, { producerId: 9, sequence: 0, event });
    expect(await retry.json()).toEqual({ offset, duplicate: true });
    // The same event from another producer id, or with no id at all: a new record.
    const other = await post(broker, { producerId: 10, sequence: 0, event });
    expect(((await other.json()) as { offset: number }).offset).toBe(offset + 1);
    const plain = await post(broker, { event });
    expect(((await plain.json()) as { offset: number }).offset).toBe(offset + 2);
  });

  it('answers a record without an event with 400, saying what it expected', async () => {
    const { default: broker } = (await import('./broker.ts')) as { default: SandboxHostModule };
    const answer = await post(broker, { producerId: 1, sequence: 0 });
    expect(answer.status).toBe(400);
    expect(await answer.json()).toEqual({
      error: 'expected {"event": {"id": 1, "orderId": 1, "cents": 1200}}',
    });
  });
});
