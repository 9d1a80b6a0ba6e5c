// The sandbox writes real HTTP/2 frames but carries them over a WebSocket (the page has no TCP).
// This test runs it over real sockets through the harness, then sends the same frames.ts bytes
// over plain TCP to Node's own HTTP/2 server (nghttp2) to show that a real stack behaves as the
// emulation says: windows of 65,535 octets, a connection window SETTINGS cannot raise, GOAWAY
// draining, and the reset counting that answers Rapid Reset (CVE-2023-44487).
import http2 from 'node:http2';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runSandboxInNode } from '#harness';
import type { TraceEvent } from '#trace/events';
import * as h2 from './frames.ts';

const dir = fileURLToPath(new URL('./', import.meta.url));
const closers: Array<() => unknown> = [];
afterAll(async () => {
  for (const close of closers.reverse()) await close();
});

type WsMessage = Extract<TraceEvent, { kind: 'ws-message' }>;

/** Runs the sandbox over real sockets, with some knobs turned as a reader would in the page. */
async function runWith(params: Record<string, number> = {}) {
  const { logs, trace } = await runSandboxInNode(dir, { timeoutMs: 15_000, params });
  expect(logs.filter((line) => line.level === 'error')).toEqual([]);
  const said = (host: string) => logs.filter((line) => line.host === host).map((line) => line.text);
  const connections = (client: string) =>
    trace
      .filter((event) => event.kind === 'ws-open' && event.from === client)
      .map((open) =>
        trace.filter(
          (event): event is WsMessage | Extract<TraceEvent, { kind: 'ws-close' }> =>
            (event.kind === 'ws-message' || event.kind === 'ws-close') &&
            event.exchange === open.exchange,
        ),
      );
  return { said, connections };
}

/** DATA payload bytes the server sent between two client messages: one window's worth each. */
function bursts(messages: Array<{ kind: string; from: string; size?: number }>): number[] {
  const out: number[] = [];
  let current = 0;
  let started = false; // from the first DATA frame (the first big message) on
  for (const message of messages) {
    if (message.kind !== 'ws-message') continue;
    started ||= message.from === 'server' && (message.size ?? 0) > 1000;
    if (started && message.from === 'server') current += (message.size ?? 0) - 9;
    else if (message.from !== 'server' && current > 0) {
      out.push(current);
      current = 0;
    }
  }
  if (current > 0) out.push(current);
  return out;
}

describe('the sandbox over real sockets', () => {
  it('download: the server sends 65,535 octets, then waits for WINDOW_UPDATE, four times over', async () => {
    const { said, connections } = await runWith();
    const [download] = connections('download');
    expect(bursts(download ?? [])).toEqual([65_535, 65_535, 65_535, 65_535, 4]);
    // Each grant is one write of two WINDOW_UPDATE frames (13 bytes each): stream 0 and stream 1.
    const grants = said('download').filter((line) => line.startsWith('→ WINDOW_UPDATE'));
    expect(grants).toEqual(
      Array.from({ length: 4 }, () => [
        '→ WINDOW_UPDATE stream 0  +65535',
        '→ WINDOW_UPDATE stream 1  +65535',
      ]).flat(),
    );
    expect(said('server').filter((line) => /waiting for WINDOW_UPDATE/.test(line))).toHaveLength(4);
    expect(said('download').at(-2)).toMatch(/^stream 1: 200, 262144 bytes in \d+ ms$/);
  });

  it('batch: GOAWAY names stream 7; streams 1–7 finish, 9 and 11 go again on a new connection', async () => {
    const { said, connections } = await runWith();
    const [first, second] = connections('batch');
    expect(said('batch')).toContain('← GOAWAY        stream 0  last stream 7  NO_ERROR');
    expect(said('server')).toContain('stream 9 came after GOAWAY: ignored, never processed');
    // The server closes the drained connection itself, after the last of its four streams.
    expect(first?.at(-1)).toMatchObject({ kind: 'ws-close', from: 'server', code: 1000 });
    expect(second?.at(-1)).toMatchObject({ kind: 'ws-close', from: 'batch', code: 1000 });
    const reports = said('batch').filter((line) => line.startsWith('report '));
    expect(reports).toEqual([
      'report 1: 200 on connection 1, stream 1',
      'report 2: 200 on connection 1, stream 3',
      'report 3: 200 on connection 1, stream 5',
      'report 4: 200 on connection 1, stream 7',
      'report 5: 200 on connection 2, stream 1',
      'report 6: 200 on connection 2, stream 3',
    ]);
  });

  it('a bigger SETTINGS_INITIAL_WINDOW_SIZE alone still stops at 65,535: the connection window', async () => {
    const { said, connections } = await runWith({ initialWindow: 1_048_576 });
    const [download] = connections('download');
    expect(bursts(download ?? [])).toEqual([65_535, 65_535, 65_535, 65_535, 4]);
    expect(said('server')).toContain(
      'stream 1: 65535 of 262144 bytes sent, the connection window is 0: waiting for WINDOW_UPDATE',
    );
    expect(said('download').filter((line) => line.startsWith('→ WINDOW_UPDATE stream 1'))).toEqual(
      [],
    );
  });

  it('with maxRequests 0 the server never sends GOAWAY: all six on one connection', async () => {
    const { said, connections } = await runWith({ maxRequests: 0 });
    expect(connections('batch')).toHaveLength(1);
    expect(said('batch').filter((line) => /on connection 1, stream/.test(line))).toHaveLength(6);
  });

  it('attacker, defaults: the per-connection request limit drains it after four streams', async () => {
    const { said, connections } = await runWith();
    expect(said('attacker')).toEqual([
      '→ 300 × (HEADERS + RST_STREAM CANCEL) in one write',
      '← GOAWAY last stream 7, error code 0x0',
      'the server closed the connection',
    ]);
    expect(connections('attacker')[0]?.at(-1)).toMatchObject({ from: 'server', code: 1000 });
  });

  it('attacker, no request limit: the 101st reset gets GOAWAY ENHANCE_YOUR_CALM, the cap of 100 never tripped', async () => {
    const { said, connections } = await runWith({ maxRequests: 0 });
    expect(said('server')).toContain(
      '101 resets on one connection (at most 1 stream open at once, the cap is 100): GOAWAY ENHANCE_YOUR_CALM',
    );
    expect(said('attacker')).toContain('← GOAWAY last stream 201, error code 0xb');
    expect(said('server')).toContain(
      'connection closed: the client reset 101 streams, 101 of which had started a handler',
    );
    expect(connections('attacker')[0]?.at(-1)).toMatchObject({ from: 'server', code: 1008 });
  });

  it('attacker, no limits at all: the server starts 300 handlers for streams nobody wants', async () => {
    const { said } = await runWith({ maxRequests: 0, maxResets: 0 });
    expect(said('attacker')).toContain('← PING ACK: the server took every stream and every reset');
    expect(said('server')).toContain(
      'connection closed: the client reset 300 streams, 300 of which had started a handler',
    );
  });
});

// ---------------------------------------------------------------------------------------------
// The same frames against a real HTTP/2 stack.

async function listen(server: http2.Http2Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((resolve) => server.close(resolve)));
  return (server.address() as AddressInfo).port;
}

/** A client that writes frames.ts bytes to a TCP socket and reads the frames coming back. */
async function rawClient(port: number) {
  const socket = net.connect(port, '127.0.0.1');
  closers.push(() => socket.destroy());
  const frames: h2.Frame[] = [];
  const waiters: Array<() => void> = [];
  let pending = new Uint8Array(0);
  socket.on('data', (chunk: Buffer) => {
    pending = h2.concat([pending, chunk]);
    for (;;) {
      const length =
        pending.byteLength >= 9
          ? new DataView(pending.buffer, pending.byteOffset).getUint32(0) >>> 8
          : -1;
      if (length < 0 || pending.byteLength < 9 + length) break;
      frames.push(...h2.decode(pending.subarray(0, 9 + length)));
      pending = pending.subarray(9 + length);
    }
    waiters.splice(0).forEach((wake) => wake());
  });
  await new Promise((resolve) => socket.once('connect', resolve));
  const until = async (done: () => boolean) => {
    while (!done()) await new Promise<void>((resolve) => waiters.push(resolve));
  };
  let pings = 0;
  const client = {
    frames,
    write(...out: h2.Frame[]) {
      socket.write(h2.concat(out.map(h2.encode)));
    },
    /** Waits for the server's SETTINGS, then sends the preface, our SETTINGS and its ACK. */
    async start(values: Record<number, number> = {}) {
      await until(() =>
        frames.some((f) => f.type === h2.TYPE.SETTINGS && !(f.flags & h2.FLAG.ACK)),
      );
      socket.write(new TextEncoder().encode(h2.PREFACE));
      client.write(h2.settings(values), h2.settings({}, true));
    },
    /** A PING round trip: the server has handled every frame we sent before it. */
    async sync() {
      const payload = new Uint8Array(8);
      new DataView(payload.buffer).setUint32(4, ++pings);
      client.write({ type: h2.TYPE.PING, flags: 0, streamId: 0, payload });
      const n = pings;
      await until(() =>
        frames.some(
          (f) => f.type === h2.TYPE.PING && f.flags & h2.FLAG.ACK && f.payload[7] === n % 256,
        ),
      );
    },
    until,
    dataOn: (streamId: number) =>
      frames
        .filter((f) => f.type === h2.TYPE.DATA && f.streamId === streamId)
        .reduce((sum, f) => sum + f.payload.byteLength, 0),
  };
  return client;
}

const get = (streamId: number, path: string) =>
  h2.headers(
    streamId,
    [
      [':method', 'GET'],
      [':scheme', 'http'],
      [':authority', 'localhost'],
      [':path', path],
    ],
    true,
  );

// Node's server writes the whole answer at once; nghttp2 sends what the windows allow.
async function exportServer(size: number) {
  const paths: string[] = [];
  const server = http2.createServer();
  server.on('stream', (stream, headers) => {
    paths.push(String(headers[':path']));
    stream.respond({ ':status': 200 });
    stream.end(Buffer.alloc(size, 'x'));
  });
  return { port: await listen(server), paths };
}

describe('frames.ts against Node’s HTTP/2 server (nghttp2)', () => {
  it('reads our literal-only HPACK header block, and stops at 65,535 octets until WINDOW_UPDATE', async () => {
    const { port, paths } = await exportServer(256 * 1024);
    const client = await rawClient(port);
    await client.start();
    client.write(get(1, '/export'));
    await client.until(() => client.dataOn(1) >= 65_535);
    await client.sync();
    expect(paths).toEqual(['/export']);
    expect(client.dataOn(1)).toBe(65_535);

    client.write(h2.windowUpdate(0, 65_535), h2.windowUpdate(1, 65_535));
    await client.until(() => client.dataOn(1) >= 131_070);
    await client.sync();
    expect(client.dataOn(1)).toBe(131_070);

    client.write(h2.windowUpdate(0, 1 << 20), h2.windowUpdate(1, 1 << 20));
    await client.until(() =>
      client.frames.some((f) => f.type === h2.TYPE.DATA && f.flags & h2.FLAG.END_STREAM),
    );
    expect(client.dataOn(1)).toBe(256 * 1024);
  });

  it('a 1 MiB SETTINGS_INITIAL_WINDOW_SIZE still stops at 65,535: only stream 0 WINDOW_UPDATE moves the connection window', async () => {
    const { port } = await exportServer(256 * 1024);
    const client = await rawClient(port);
    await client.start({ [h2.SETTING.INITIAL_WINDOW_SIZE]: 1 << 20 });
    client.write(get(1, '/export'));
    await client.until(() => client.dataOn(1) >= 65_535);
    await client.sync();
    expect(client.dataOn(1)).toBe(65_535);
    client.write(h2.windowUpdate(0, 1 << 20));
    await client.until(() =>
      client.frames.some((f) => f.type === h2.TYPE.DATA && f.flags & h2.FLAG.END_STREAM),
    );
    expect(client.dataOn(1)).toBe(256 * 1024);
  });

  it('Rapid Reset: 1,000 HEADERS + RST_STREAM pairs start 1,000 handlers; the next reset gets GOAWAY', async () => {
    let handlers = 0;
    const server = http2.createServer();
    server.on('stream', (stream) => {
      handlers += 1; // the application's work starts, for a stream already cancelled
      stream.on('error', () => undefined);
    });
    server.on('sessionError', () => undefined);
    const client = await rawClient(await listen(server));
    await client.start();
    const pairs = (from: number, count: number) =>
      Array.from({ length: count }, (_, i) => from + 2 * i).flatMap((id) => [
        get(id, '/'),
        h2.rstStream(id, h2.ERROR.CANCEL),
      ]);
    client.write(...pairs(1, 1000));
    await client.sync();
    // Each stream was closed by its reset at once, so never more than one was open: no REFUSED_STREAM.
    expect(handlers).toBe(1000);
    expect(
      client.frames.filter(
        (f) => f.type === h2.TYPE.RST_STREAM && h2.word(f.payload) === h2.ERROR.REFUSED_STREAM,
      ),
    ).toEqual([]);
    expect(client.frames.some((f) => f.type === h2.TYPE.GOAWAY)).toBe(false);

    // nghttp2 (1.57 and later) counts incoming resets in a token bucket of 1,000 that refills at 33
    // per second: with it spent, 200 more resets are too many unless six seconds have passed.
    client.write(...pairs(2001, 200));
    await client.until(() => client.frames.some((f) => f.type === h2.TYPE.GOAWAY));
    const goaway = client.frames.find((f) => f.type === h2.TYPE.GOAWAY);
    expect(goaway && h2.word(goaway.payload, 1)).toBe(h2.ERROR.INTERNAL_ERROR);
    expect(goaway && h2.word(goaway.payload)).toBeGreaterThanOrEqual(2001);
  }, 20_000);
});

describe('GOAWAY with Node’s own HTTP/2 client and server', () => {
  it('in-flight streams finish, a new request needs a new connection', async () => {
    const sessions: http2.ServerHttp2Session[] = [];
    const streams: http2.ServerHttp2Stream[] = [];
    const server = http2.createServer();
    server.on('session', (session) => sessions.push(session));
    server.on('stream', (stream) => streams.push(stream));
    const url = `http://127.0.0.1:${await listen(server)}`;
    const client = http2.connect(url);
    closers.push(() => client.destroy());
    const goaway = new Promise<[number, number]>((resolve) =>
      client.once('goaway', (code, lastStreamId) => resolve([code, lastStreamId])),
    );
    const answers = [1, 2, 3].map(() => {
      const request = client.request({ ':path': '/report' });
      return new Promise<number>((resolve, reject) => {
        request.on('response', (headers) => resolve(Number(headers[':status'])));
        request.on('error', reject);
        request.resume();
      });
    });
    while (streams.length < 3) await new Promise((resolve) => setTimeout(resolve, 5));
    sessions[0]?.close(); // graceful: GOAWAY with the last stream id, then wait for open streams
    expect(await goaway).toEqual([http2.constants.NGHTTP2_NO_ERROR, 5]);
    const late = client.request({ ':path': '/report' });
    const refused = await new Promise<string>((resolve) =>
      late.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? '')),
    );
    expect(refused).toBe('ERR_HTTP2_GOAWAY_SESSION');
    for (const stream of streams) {
      stream.respond({ ':status': 200 });
      stream.end('done');
    }
    expect(await Promise.all(answers)).toEqual([200, 200, 200]);

    const fresh = http2.connect(url);
    closers.push(() => fresh.destroy());
    server.removeAllListeners('stream');
    server.on('stream', (stream) => {
      stream.respond({ ':status': 200 });
      stream.end('done');
    });
    const status = await new Promise<number>((resolve) => {
      const request = fresh.request({ ':path': '/report' });
      request.on('response', (headers) => resolve(Number(headers[':status'])));
      request.resume();
    });
    expect(status).toBe(200);
    expect(sessions).toHaveLength(2);
  });
});
