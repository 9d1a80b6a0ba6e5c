import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { runSandboxInNode, startSandboxInNode, type HarnessResult } from '#harness';
import type { TraceEvent } from '#trace/events';
import { childSpan, fromWire, toWire } from './mesh.ts';

const dir = fileURLToPath(new URL('./', import.meta.url));
const copies: string[] = [];
afterAll(() => Promise.all(copies.map((copy) => rm(copy, { recursive: true, force: true }))));

/** A copy of the sandbox whose params default to other values (Node runs use the defaults). */
async function folderWith(params: Record<string, number>): Promise<string> {
  if (Object.keys(params).length === 0) return dir;
  const folder = await mkdtemp(join(tmpdir(), 'sidecar-'));
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
  return folder;
}
const runWith = async (params: Record<string, number> = {}) =>
  runSandboxInNode(await folderWith(params), { timeoutMs: 15_000 });

type Request = Extract<TraceEvent, { kind: 'request' }>;
interface Hop {
  from: string;
  to: string;
  path: string;
  request: Request;
  status?: number;
  aborted: boolean;
  t: number;
  /** When the response (or the abort) came, in ms since the run started. */
  end?: number;
}
/** Every HTTP exchange in the trace: who called whom, for what, and how it ended. */
function hopsOf(trace: TraceEvent[]): Hop[] {
  const hops = new Map<string, Hop>();
  for (const event of trace) {
    if (event.kind === 'request') {
      hops.set(event.exchange, {
        from: event.from,
        to: event.to,
        path: new URL(event.url).pathname,
        request: event,
        aborted: false,
        t: event.t,
      });
    }
    const hop = hops.get(event.exchange);
    if (!hop) continue;
    if (event.kind === 'response') [hop.status, hop.end] = [event.status, event.t];
    if (event.kind === 'abort') [hop.aborted, hop.end] = [true, event.t];
  }
  return [...hops.values()];
}
const header = (hop: Hop | undefined, name: string) =>
  hop?.request.headers.find(([key]) => key.toLowerCase() === name)?.[1];
const between = (hops: Hop[], from: string, to: string) =>
  hops.filter((hop) => hop.from === from && hop.to === to);
const traceIdOf = (traceparent = '') => traceparent.split('-')[1];
const spanIdOf = (traceparent = '') => traceparent.split('-')[2];

describe('the sidecar over real sockets, with the default params', () => {
  let run: HarnessResult;
  let hops: Hop[];
  const said = (host: string) =>
    run.logs.filter((line) => line.host === host).map((line) => line.text);

  beforeAll(async () => {
    run = await runWith();
    hops = hopsOf(run.trace);
  }, 20_000);

  it('runs cleanly: every order is paid, and the trace shows app → sidecar → sidecar → app', () => {
    expect(run.logs.filter((line) => line.level === 'error')).toEqual([]);
    expect(said('shop').map((line) => line.replace(/ in \d+ ms.*/, ''))).toEqual([
      'keyboard: 201 paid',
      'monitor: 201 paid',
      'cable: 201 paid',
    ]);
    const chain = hops
      .filter((hop) => hop.path.endsWith('order-1002') || hop.path === '/orders')
      .map((hop) => `${hop.from} → ${hop.to} ${hop.request.method} ${hop.path} ${hop.status}`);
    expect(chain).toEqual([
      'shop → orders-app POST /orders 201',
      'shop → orders-app POST /orders 201',
      'orders-app → orders-sidecar PUT /payments/charges/order-1002 200',
      'orders-sidecar → payments-sidecar PUT /charges/order-1002 200',
      'payments-sidecar → payments-app PUT /charges/order-1002 200',
      'shop → orders-app POST /orders 201',
    ]);
  });

  it('retries 503s and a hung attempt with exponential backoff, and the app sees one call', () => {
    // orders-app made exactly one request per order: the retries are invisible to it.
    expect(between(hops, 'orders-app', 'orders-sidecar').map((hop) => hop.status)).toEqual([
      200, 200, 200,
    ]);
    const attempts = between(hops, 'orders-sidecar', 'payments-sidecar').filter((hop) =>
      hop.path.endsWith('order-1001'),
    );
    expect(attempts.map((hop) => hop.status ?? (hop.aborted ? 'timed out' : '?'))).toEqual([
      503,
      503,
      'timed out',
      200,
    ]);
    expect(attempts.map((hop) => header(hop, 'x-mesh-attempt'))).toEqual(['1', '2', '3', '4']);
    // The waits between attempts double: 100, 200, then 400 ms after the 300 ms timeout. The
    // sidecar says which wait it chose, and the trace shows it waited: no upper bound, as a loaded
    // machine only makes waits longer; the lower ones leave 10% for Node's timer clock, which is
    // read once per loop turn and can lag on a busy machine.
    expect(said('orders-sidecar').filter((line) => line.includes('order-1001 attempt'))).toEqual([
      expect.stringMatching(
        /^PUT \/charges\/order-1001 attempt 1: 503 in \d+ ms; retrying in 100 ms$/,
      ),
      expect.stringMatching(
        /^PUT \/charges\/order-1001 attempt 2: 503 in \d+ ms; retrying in 200 ms$/,
      ),
      'PUT /charges/order-1001 attempt 3: no answer within 300 ms; retrying in 400 ms',
      expect.stringMatching(/^PUT \/charges\/order-1001 attempt 4: 200 in \d+ ms$/),
    ]);
    const gaps = attempts.slice(1).map((hop, index) => hop.t - (attempts[index]?.end ?? 0));
    expect(gaps[0]).toBeGreaterThanOrEqual(90);
    expect(gaps[1]).toBeGreaterThanOrEqual(180);
    expect(gaps[2]).toBeGreaterThanOrEqual(360);
    // The timeout: the sidecar gave up on attempt 3 (its abort, not an answer, ended it) while
    // payments-app was still hanging. Its 300 ms run from before the request reached the server,
    // so the traced span may be a little shorter.
    const hung = attempts[2] as Hop;
    expect(hung.status).toBeUndefined();
    expect((hung.end ?? 0) - hung.t).toBeGreaterThanOrEqual(250);
    expect(said('payments-app').filter((line) => /^request \d: (503|hanging)/.test(line))).toEqual([
      'request 1: 503 (overloaded, on purpose)',
      'request 2: 503 (overloaded, on purpose)',
      'request 3: hanging (a stuck database call, on purpose)',
    ]);
    expect(said('payments-app')).toContain('request 4: charged order-1001 49.00 EUR as ch_1');
  });

  it('carries one W3C trace through every hop, a new span per hop, logged by both apps', () => {
    for (const order of ['order-1001', 'order-1002', 'order-1003']) {
      const chain = hops.filter((hop) => hop.path.endsWith(order));
      const incoming = hops[hops.indexOf(chain[0] as Hop) - 1]; // the shop's POST before it
      const traceId = traceIdOf(header(incoming, 'traceparent'));
      expect(traceId).toMatch(/^[0-9a-f]{32}$/);
      for (const hop of chain) {
        expect(header(hop, 'traceparent')).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
      }
      // orders-app passes the shop's header on as it came; every sidecar hop has a span of its own.
      expect(header(chain[0], 'traceparent')).toBe(header(incoming, 'traceparent'));
      const spans = new Set(chain.map((hop) => spanIdOf(header(hop, 'traceparent'))));
      expect(spans.size).toBe(chain.length);
      expect(said('orders-app').some((line) => line.includes(traceId ?? '-'))).toBe(true);
      expect(said('payments-app').some((line) => line.includes(traceId ?? '-'))).toBe(true);
    }
    expect(said('orders-sidecar').some((line) => line.includes('started trace'))).toBe(false);
  });

  it('logs every hop with its time, each hop nested inside the one before', () => {
    const ms = (line: string | undefined) => Number(/ in (\d+) ms/.exec(line ?? '')?.[1]);
    const shop = ms(said('shop')[1]);
    const app = ms(said('orders-app').find((line) => line.startsWith('order-1002: payments')));
    const outer = ms(said('orders-sidecar').find((line) => line.includes('order-1002')));
    const inner = ms(said('payments-sidecar').find((line) => line.includes('order-1002')));
    expect([shop, app, outer, inner].every(Number.isFinite)).toBe(true);
    expect(shop).toBeGreaterThanOrEqual(app);
    expect(app).toBeGreaterThanOrEqual(outer);
    expect(outer).toBeGreaterThanOrEqual(inner);
  });

  it('sends plain JSON between the sidecars while the upgrade is off', () => {
    const hop = between(hops, 'orders-sidecar', 'payments-sidecar')[0];
    expect(header(hop, 'content-encoding')).toBeUndefined();
    expect(header(hop, 'x-mesh-identity')).toBeUndefined();
    expect(JSON.parse(hop?.request.bodyPreview ?? '')).toMatchObject({ cents: 4900 });
  });
});

describe('the upgrade, toggled in the sidecars alone, over real sockets', () => {
  let plainRun: HarnessResult;
  let run: HarnessResult;
  let plain: Hop[];
  let upgraded: Hop[];

  beforeAll(async () => {
    [plainRun, run] = [await runWith(), await runWith({ upgrade: 1 })];
    [plain, upgraded] = [hopsOf(plainRun.trace), hopsOf(run.trace)];
  }, 30_000);

  it('gzips, marks and signs the sidecar-to-sidecar hop', () => {
    const hops = between(upgraded, 'orders-sidecar', 'payments-sidecar');
    expect(hops).toHaveLength(6);
    for (const hop of hops) {
      expect(header(hop, 'content-encoding')).toBe('gzip');
      expect(header(hop, 'x-mesh-protocol')).toBe('h2');
      expect(header(hop, 'x-mesh-identity')).toBe('spiffe://shop/sa/orders');
      expect(header(hop, 'x-mesh-signature')).toMatch(/^[A-Za-z0-9+/]{43}=$/);
      expect(hop.request.bodyPreview.charCodeAt(0)).toBe(0x1f); // gzip's magic bytes: 1f 8b
    }
    // Every answered call names its caller. (The hung call is cut when the run ends; its line says so.)
    const answered = run.logs.filter(
      (line) => line.host === 'payments-sidecar' && /: \d{3} in \d+ ms$/.test(line.text),
    );
    expect(answered.length).toBeGreaterThanOrEqual(5);
    expect(answered.every((line) => line.text.includes(' from spiffe://shop/sa/orders: '))).toBe(
      true,
    );
    expect(run.logs.filter((line) => line.level === 'error')).toEqual([]);
  });

  it('leaves both apps untouched: they send and receive exactly what they did before', () => {
    for (const [from, to] of [
      ['orders-app', 'orders-sidecar'],
      ['payments-sidecar', 'payments-app'],
    ] as const) {
      const shape = (hops: Hop[]) =>
        between(hops, from, to).map((hop) => ({
          path: hop.path,
          status: hop.status,
          headers: hop.request.headers.map(([name]) => name).sort(),
          body: hop.request.bodyPreview,
        }));
      expect(shape(upgraded)).toEqual(shape(plain));
    }
    // The apps print the same lines, trace ids and timings aside.
    const appLines = (logs: HarnessResult['logs']) =>
      logs
        .filter((line) => line.host.endsWith('-app'))
        .map((line) =>
          line.text.replace(/[0-9a-f]{32}-[0-9a-f]{16}/g, '…').replace(/\d+ ms/, 'N ms'),
        );
    expect(appLines(run.logs)).toEqual(appLines(plainRun.logs));
    expect(appLines(run.logs)).toHaveLength(18);
  });
});

describe('the sidecar with other params, over real sockets', () => {
  it('gives up after 4 attempts, and the app gets the last answer', async () => {
    const run = await runWith({ failures: 4, hangs: 0 });
    const hops = hopsOf(run.trace);
    const first = between(hops, 'orders-sidecar', 'payments-sidecar').filter((hop) =>
      hop.path.endsWith('order-1001'),
    );
    expect(first.map((hop) => hop.status)).toEqual([503, 503, 503, 503]);
    const said = run.logs.filter((line) => line.host === 'shop').map((line) => line.text);
    expect(said[0]).toMatch(/^keyboard: 502 payment failed in \d+ ms/);
    expect(said[1]).toMatch(/^monitor: 201 paid/);
  }, 20_000);

  it('times out every attempt of a hung call and answers 504', async () => {
    const run = await runWith({ failures: 0, hangs: 4, timeoutMs: 100 });
    const hops = hopsOf(run.trace);
    const first = between(hops, 'orders-sidecar', 'payments-sidecar').slice(0, 4);
    expect(first.every((hop) => hop.aborted && hop.status === undefined)).toBe(true);
    expect(between(hops, 'orders-app', 'orders-sidecar')[0]?.status).toBe(504);
    const sidecar = run.logs.filter((line) => line.host === 'orders-sidecar');
    expect(sidecar.at(3)?.text).toBe(
      'PUT /charges/order-1001 attempt 4: no answer within 100 ms; giving up',
    );
  }, 20_000);

  it('does not retry a method that is not idempotent', async () => {
    const sandbox = await startSandboxInNode(dir);
    try {
      const url = new URL('/payments/charges/order-9', sandbox.urls['orders-sidecar']);
      const response = await fetch(url, { method: 'POST', body: '{}' });
      expect(response.status).toBe(503);
      const hops = hopsOf(sandbox.trace);
      expect(between(hops, 'orders-sidecar', 'payments-sidecar')).toHaveLength(1);
      expect(sandbox.logs.map((line) => line.text)).toContain(
        'no traceparent from the app: started trace ' +
          traceIdOf(header(between(hops, 'payments-sidecar', 'payments-app')[0], 'traceparent')),
      );
    } finally {
      await sandbox.close();
    }
  });

  it('refuses a caller that cannot prove its identity once the upgrade is on', async () => {
    const sandbox = await startSandboxInNode(
      await folderWith({ upgrade: 1, failures: 0, hangs: 0 }),
    );
    try {
      const url = new URL('/charges/order-7', sandbox.urls['payments-sidecar']);
      const put = (headers: Record<string, string>) =>
        fetch(url, { method: 'PUT', headers, body: '{"cents":100}' });
      expect((await put({ 'content-type': 'application/json' })).status).toBe(403);
      const forged = {
        'x-mesh-identity': 'spiffe://shop/sa/orders',
        'x-mesh-signature': 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
      };
      expect((await put(forged)).status).toBe(403);
      // Signed properly, the same request gets through to payments-app.
      vi.spyOn(console, 'log').mockImplementation(() => {});
      const headers = new Headers({ traceparent: childSpan(null).header });
      const body = await toWire(
        'orders-sidecar',
        headers,
        new TextEncoder().encode('{"cents":100}').buffer,
      );
      const signed = await fetch(url, { method: 'PUT', headers, body });
      expect(signed.status).toBe(200);
      expect(await signed.json()).toEqual({ chargeId: 'ch_1', cents: 100 });
      expect(hopsOf(sandbox.trace).filter((hop) => hop.to === 'payments-app')).toHaveLength(1);
    } finally {
      vi.restoreAllMocks();
      await sandbox.close();
    }
  });
});

describe('mesh.ts on its own', () => {
  afterEach(() => vi.restoreAllMocks());

  it('keeps the trace id and the flags, and makes a new span id', () => {
    const parent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const child = childSpan(parent);
    expect(child.started).toBe(false);
    expect(child.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(child.header).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/);
    expect(spanIdOf(child.header)).not.toBe('00f067aa0ba902b7');
  });

  it('starts a new trace when the header is missing or malformed', () => {
    for (const value of [null, '', 'garbage', '00-xyz-00f067aa0ba902b7-01']) {
      const span = childSpan(value);
      expect(span.started).toBe(true);
      expect(span.header).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    }
  });

  it('round-trips a body through the upgraded wire format', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    const text = JSON.stringify({ cents: 4900, currency: 'EUR', card: 'tok_visa_4242' });
    const headers = new Headers({ traceparent: childSpan(null).header });
    const wire = await toWire('orders-sidecar', headers, new TextEncoder().encode(text).buffer);
    expect(gunzipSync(new Uint8Array(wire)).toString()).toBe(text);
    const request = new Request('http://payments-sidecar.test/charges/1', {
      method: 'PUT',
      headers,
      body: wire,
    });
    const { body, caller } = await fromWire(request);
    expect(new TextDecoder().decode(body)).toBe(text);
    expect(caller).toBe('spiffe://shop/sa/orders');
    // Change the trace context and the signature no longer holds.
    headers.set('traceparent', childSpan(null).header);
    const replayed = new Request(request.url, { method: 'PUT', headers, body: wire });
    expect((await fromWire(replayed)).caller).toBeUndefined();
  });
});
