import { createHmac } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { runSandboxInNode, type HarnessResult } from '#harness';
import { httpExchanges, type HttpExchange } from '#exercise';
import { SECRET } from './signature.ts';

const dir = fileURLToPath(new URL('./', import.meta.url));

/** The Standard Webhooks signature, computed independently of the sandbox's WebCrypto code. */
const expectedSignature = (id: string, timestamp: string, body: string) =>
  'v1,' +
  createHmac('sha256', Buffer.from(SECRET.slice('whsec_'.length), 'base64'))
    .update(`${id}.${timestamp}.${body}`)
    .digest('base64');

describe('sync-async.webhooks over real sockets', () => {
  let run: HarnessResult;
  let deliveries: HttpExchange[];
  const header = (exchange: HttpExchange, name: string) => exchange.requestHeaders.get(name) ?? '';
  const linesOf = (host: string) =>
    run.logs.filter((line) => line.host === host).map((line) => line.text);

  beforeAll(async () => {
    run = await runSandboxInNode(dir);
    deliveries = httpExchanges(run.trace).filter(
      (exchange) => exchange.from === 'provider' && exchange.path === '/webhooks',
    );
  }, 20_000);

  it('runs cleanly: no error-level output', () => {
    expect(run.logs.filter((line) => line.level === 'error')).toEqual([]);
  });

  it('signs every delivery over id.timestamp.body with the shared secret', () => {
    expect(deliveries.length).toBeGreaterThanOrEqual(3);
    for (const delivery of deliveries) {
      const [id, timestamp] = [
        header(delivery, 'webhook-id'),
        header(delivery, 'webhook-timestamp'),
      ];
      expect(header(delivery, 'webhook-signature')).toBe(
        expectedSignature(id, timestamp, delivery.requestBody),
      );
    }
  });

  it('retries a refused delivery under the same webhook-id with a fresh signed timestamp', () => {
    const intro = deliveries.filter((delivery) => header(delivery, 'webhook-id') === 'msg_1');
    expect(intro[0]?.status).toBe(503);
    expect(intro.at(-1)?.status).toBe(200);
    const stamps = intro.map((delivery) => Number(header(delivery, 'webhook-timestamp')));
    expect(stamps).toEqual([...stamps].sort((a, b) => a - b));
  });

  it('sends a webhook again when an attempt gets no answer in time: at least once', () => {
    const holiday = deliveries.filter((delivery) => header(delivery, 'webhook-id') === 'msg_2');
    expect(holiday.length).toBe(4); // every attempt outlasts the timeout, so the provider gives up
    expect(holiday.every((delivery) => delivery.status === undefined && delivery.aborted)).toBe(
      true,
    );
    expect(linesOf('app')).toContain('holiday.mp4: webhook failed after 4 attempt(s)');
  });

  it('the chapter receiver handles each repeat again: duplicate emails (what handle-once fixes)', () => {
    const summary = linesOf('app').find((line) => line.startsWith('emails sent: ')) ?? '';
    expect(summary.match(/holiday\.mp4 is ready/g)?.length).toBeGreaterThan(1);
    expect(summary.match(/intro\.mp4 is ready/g)?.length).toBe(1);
  });

  it('refuses a replayed capture, a refreshed timestamp and a forged body with 401', () => {
    const tries = httpExchanges(run.trace).filter((exchange) => exchange.from === 'attacker');
    expect(tries.map((exchange) => exchange.status)).toEqual([401, 401, 401]);
    expect(linesOf('attacker')).toEqual([
      'replay as captured: 401 (timestamp outside the 300 s tolerance)',
      'replay with a fresh timestamp: 401 (signature does not match)',
      'forged event, guessed signature: 401 (signature does not match)',
    ]);
  });
});
