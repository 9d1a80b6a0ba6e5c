import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { runSandboxInNode, type HarnessResult } from '#harness';
import type { SandboxEnv, SandboxHostModule, SandboxPeer } from '#contract';
import { httpExchanges } from '#exercise';
import {
  TCP_RECEIVE_BUFFER,
  TCP_SEND_BUFFER,
  ZLIB_PER_SOCKET,
  overLimit,
  row,
  type Bill,
} from './costs.ts';

const dir = fileURLToPath(new URL('./', import.meta.url));

/** The bodies of the server's answers to GET /stats, in order. */
const bills = (run: HarnessResult): Bill[] =>
  httpExchanges(run.trace)
    .filter((exchange) => exchange.path === '/stats')
    .map((exchange) => JSON.parse(exchange.responseBody) as Bill);
/** Every WebSocket message of the run. */
const messages = (run: HarnessResult) =>
  run.trace.flatMap((event) => (event.kind === 'ws-message' ? [event] : []));
const said = (run: HarnessResult, host: string) =>
  run.logs.filter((line) => line.host === host).map((line) => line.text);

describe('what a thousand sockets cost, over real sockets', () => {
  let run: HarnessResult;

  beforeAll(async () => {
    run = await runSandboxInNode(dir, { timeoutMs: 30_000 });
  }, 40_000);

  it('runs cleanly: no error-level output', () => {
    expect(run.logs.filter((line) => line.level === 'error')).toEqual([]);
  });

  it('opens 10, then 100, then 1,000 real sockets, one descriptor each, plus the listener', () => {
    expect(run.trace.filter((event) => event.kind === 'ws-open')).toHaveLength(1000);
    const [ten, hundred, thousand] = bills(run);
    expect([ten, hundred, thousand].map((bill) => bill?.sockets)).toEqual([10, 100, 1000]);
    expect([ten, hundred, thousand].map((bill) => bill?.descriptors)).toEqual([11, 101, 1001]);
    expect(thousand?.fileLimit).toBe(1024);
    expect(said(run, 'crowd')).toEqual([
      '10 wanted: 10 connected; price #1 went down 10 sockets; 1 stopped reading',
      '100 wanted: 100 connected; price #2 went down 100 sockets; 10 stopped reading',
      '1,000 wanted: 1,000 connected; price #3 went down 1,000 sockets; 100 stopped reading',
    ]);
  });

  it('keeps a constant, small state per socket: the bill grows with the count, not the traffic', () => {
    for (const bill of bills(run)) {
      const perSocket = bill.stateBytes / bill.sockets;
      expect(perSocket).toBeGreaterThan(25);
      expect(perSocket).toBeLessThan(60);
    }
  });

  it('counts what the stalled readers left unacknowledged, and only theirs', () => {
    // Every price frame the server wrote, by seq: its payload size.
    const frames = new Map<number, number>();
    for (const event of messages(run)) {
      const message = JSON.parse(event.preview) as { type: string; seq?: number };
      if (event.from === 'server' && message.type === 'price' && message.seq !== undefined)
        frames.set(message.seq, event.size);
    }
    const [p1 = 0, p2 = 0, p3 = 0] = [1, 2, 3].map((seq) => frames.get(seq));
    const [ten, hundred, thousand] = bills(run);
    // Reader 10 stopped reading at the first step, 20 to 100 at the second, 110 to 1,000 at the third.
    expect([ten?.behind, hundred?.behind, thousand?.behind]).toEqual([1, 10, 100]);
    expect(ten?.unackedBytes).toBe(p1);
    expect(hundred?.mostUnacked).toBe(p1 + p2);
    expect(hundred?.unackedBytes).toBe(p1 + p2 + 9 * p2);
    expect(thousand?.mostUnacked).toBe(p1 + p2 + p3);
    expect(thousand?.unackedBytes).toBe(p1 + p2 + p3 + 9 * (p2 + p3) + 90 * p3);
    // The readers that read acknowledged every price: 9 + 90 + 900 readers, 3, 2 and 1 prices each.
    const acks = messages(run).filter(
      (event) => event.from === 'crowd' && event.preview.includes('"ack"'),
    );
    expect(acks).toHaveLength(9 * 3 + 81 * 2 + 810);
  });

  it('prints a table narrow enough for the console, its estimate the sourced defaults times the sockets', () => {
    const lines = said(run, 'server');
    expect(lines.slice(0, 5)).toEqual([
      'unacked: sent, not acknowledged (most on one socket)',
      '* estimates, not measured (sources in costs.ts):',
      "  kernel: the sockets' buffers, full at Linux's",
      '  starting sizes; zlib would add 288 KiB a socket',
      'sockets descriptors    state   unacked (most)  kernel*',
    ]);
    expect(lines.at(-1)).toMatch(
      /^\s+1,000 1,001\/1,024\s+[\d.]+ KiB\s+[\d.]+ KiB \(\d+ B\)\s+141 MiB$/,
    );
    expect(Math.max(...lines.map((line) => line.length))).toBeLessThanOrEqual(55);
    // Linux tcp_rmem and tcp_wmem defaults; Node's zlib: 256K to deflate, 32K to inflate.
    expect(TCP_RECEIVE_BUFFER + TCP_SEND_BUFFER).toBe(147_456);
    expect(ZLIB_PER_SOCKET).toBe(294_912);
  });
});

describe('the knobs, over real sockets', () => {
  it('warns when the descriptors pass the open-file limit: accept() would fail with EMFILE', async () => {
    const run = await runSandboxInNode(dir, { timeoutMs: 30_000, params: { fileLimit: 512 } });
    const warnings = run.logs.filter((line) => line.host === 'server' && line.level === 'warn');
    expect(warnings.map((line) => line.text)).toEqual([
      '1,001 descriptors, over the limit of 512: accept() fails with EMFILE',
    ]);
  }, 40_000);

  it('with no stalled readers, nothing is left unacknowledged', async () => {
    const run = await runSandboxInNode(dir, { timeoutMs: 30_000, params: { stalledEvery: 0 } });
    expect(bills(run).map((bill) => [bill.unackedBytes, bill.behind])).toEqual([
      [0, 0],
      [0, 0],
      [0, 0],
    ]);
  }, 40_000);
});

describe('the server on its own', () => {
  const env: SandboxEnv = { hosts: {}, params: {} };
  const peer = (): SandboxPeer & { sent: string[]; closed?: [number?, string?] } => {
    const sent: string[] = [];
    const fake: SandboxPeer & { sent: string[]; closed?: [number?, string?] } = {
      id: 'p1',
      url: new URL('ws://server.test/live'),
      headers: new Headers(),
      sent,
      send: (data) => void sent.push(String(data)),
      close: (code, reason) => void (fake.closed = [code, reason]),
    };
    return fake;
  };

  it('closes a socket that sends something other than JSON with 1007', async () => {
    const { default: server } = (await import('./server.ts')) as { default: SandboxHostModule };
    const socket = peer();
    await server.websocket?.open?.(socket, env);
    expect(JSON.parse(socket.sent[0] ?? '')).toMatchObject({ type: 'hello' });
    await server.websocket?.message?.(socket, '{oops', env);
    expect(socket.closed?.[0]).toBe(1007);
  });

  it('answers a publish without a price with 400, saying what it expected', async () => {
    const { default: server } = (await import('./server.ts')) as { default: SandboxHostModule };
    const response = await server.fetch(
      new Request('http://server.test/publish', { method: 'POST', body: '{"symbol":"X"}' }),
      env,
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'expected {"symbol": "ACME", "price": 1.5}' });
  });

  it('formats a row in KiB and MiB, and says when descriptors pass the limit', () => {
    const bill: Bill = {
      sockets: 2000,
      descriptors: 2001,
      fileLimit: 1024,
      stateBytes: 120_000,
      unackedBytes: 300,
      mostUnacked: 161,
      behind: 2,
    };
    expect(row(bill)).toBe('  2,000 2,001/1,024  117 KiB    300 B (161 B)  281 MiB');
    expect(overLimit(bill)).toBe(
      '2,001 descriptors, over the limit of 1,024: accept() fails with EMFILE',
    );
    expect(overLimit({ ...bill, fileLimit: 4096 })).toBeUndefined();
  });
});
