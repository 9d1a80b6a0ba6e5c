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

describe('what sockets cost, over real sockets', () => {
  let run: HarnessResult;

  beforeAll(async () => {
    run = await runSandboxInNode(dir, { timeoutMs: 30_000 });
  }, 40_000);

  it('runs cleanly: no error-level output', () => {
    expect(run.logs.filter((line) => line.level === 'error')).toEqual([]);
  });

  it('opens 10, then 100, then 250 real sockets, one descriptor each, plus the listener', () => {
    expect(run.trace.filter((event) => event.kind === 'ws-open')).toHaveLength(250);
    const measured = bills(run);
    expect(measured.map((bill) => bill.sockets)).toEqual([10, 100, 250]);
    expect(measured.map((bill) => bill.descriptors)).toEqual([11, 101, 251]);
    expect(measured.map((bill) => bill.fileLimit)).toEqual([1024, 1024, 1024]);
    expect(said(run, 'crowd')).toEqual([
      '10 wanted: 10 connected; price #1 went down 10 sockets; 1 stopped reading',
      '100 wanted: 100 connected; price #2 went down 100 sockets; 10 stopped reading',
      '250 wanted: 250 connected; price #3 went down 250 sockets; 25 stopped reading',
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
    const [ten, hundred, last] = bills(run);
    // Reader 10 stopped reading at the first step, 20 to 100 at the second, 110 to 250 at the third.
    expect([ten?.behind, hundred?.behind, last?.behind]).toEqual([1, 10, 25]);
    expect(ten?.unackedBytes).toBe(p1);
    expect(hundred?.mostUnacked).toBe(p1 + p2);
    expect(hundred?.unackedBytes).toBe(p1 + p2 + 9 * p2);
    expect(last?.mostUnacked).toBe(p1 + p2 + p3);
    expect(last?.unackedBytes).toBe(p1 + p2 + p3 + 9 * (p2 + p3) + 15 * p3);
    // The readers that read acknowledged every price: 9, 81 and 135 readers, 3, 2 and 1 prices each.
    const acks = messages(run).filter(
      (event) => event.from === 'crowd' && event.preview.includes('"ack"'),
    );
    expect(acks).toHaveLength(9 * 3 + 81 * 2 + 135);
  });

  it('projects 1,000 and 10,000 sockets in proportion from the last measured row', () => {
    const last = bills(run).at(-1);
    const projected = (last as Bill & { projected?: Bill[] }).projected ?? [];
    expect(projected.map((bill) => [bill.sockets, bill.descriptors, bill.projected])).toEqual([
      [1000, 1001, true],
      [10000, 10001, true],
    ]);
    expect(projected[0]?.stateBytes).toBe(Math.round(((last?.stateBytes ?? 0) / 250) * 1000));
  });

  it('prints a table narrow enough for the console, its estimate the sourced defaults times the sockets', () => {
    const lines = said(run, 'server');
    expect(lines.slice(0, 6)).toEqual([
      'unacked: sent, not acknowledged (most on one socket)',
      '* estimates, not measured (sources in costs.ts):',
      "  kernel: the sockets' buffers, full at Linux's",
      '  starting sizes; zlib would add 288 KiB a socket',
      '≈ projected in proportion from the last measured row',
      'sockets  descriptors    state   unacked (most)  kernel*',
    ]);
    expect(lines).toContainEqual(expect.stringMatching(/^\s+250\s+251\/1,024 .* 35\.2 MiB$/));
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^ ≈1,000\s+1,001\/1,024\s+[\d.]+ KiB\s+[\d.]+ KiB \(\d+ B\)\s+141 MiB$/,
      ),
    );
    expect(lines).toContainEqual(expect.stringMatching(/^≈10,000 10,001\/1,024 .* 1\.4 GiB$/));
    expect(Math.max(...lines.slice(0, -1).map((line) => line.length))).toBeLessThanOrEqual(55);
    // The projection past the limit is the one warning: a real process would fail to accept.
    expect(run.logs.filter((line) => line.level === 'warn').map((line) => line.text)).toEqual([
      '≈10,001 descriptors would be over the limit of 1,024: accept() fails with EMFILE',
    ]);
    // Linux tcp_rmem and tcp_wmem defaults; Node's zlib: 256K to deflate, 32K to inflate.
    expect(TCP_RECEIVE_BUFFER + TCP_SEND_BUFFER).toBe(147_456);
    expect(ZLIB_PER_SOCKET).toBe(294_912);
  });
});

describe('the knobs, over real sockets', () => {
  it('warns for each row whose descriptors pass the open-file limit', async () => {
    const run = await runSandboxInNode(dir, { timeoutMs: 30_000, params: { fileLimit: 128 } });
    const warnings = run.logs.filter((line) => line.host === 'server' && line.level === 'warn');
    expect(warnings.map((line) => line.text)).toEqual([
      '251 descriptors, over the limit of 128: accept() fails with EMFILE',
      '≈1,001 descriptors would be over the limit of 128: accept() fails with EMFILE',
      '≈10,001 descriptors would be over the limit of 128: accept() fails with EMFILE',
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
    expect(row(bill)).toBe('  2,000  2,001/1,024  117 KiB    300 B (161 B)  281 MiB');
    expect(overLimit(bill)).toBe(
      '2,001 descriptors, over the limit of 1,024: accept() fails with EMFILE',
    );
    expect(overLimit({ ...bill, fileLimit: 4096 })).toBeUndefined();
  });
});
