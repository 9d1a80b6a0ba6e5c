// The sandbox is a model of two transports (a WebSocket message stands for a packet). Over real
// sockets it must tell the story the chapter tells: one lost packet holds back every HTTP/2 stream
// behind it on TCP, and only its own stream on QUIC.
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { runSandboxInNode } from '#harness';
import type { Packet, Segment } from './model.ts';

const dir = fileURLToPath(new URL('./', import.meta.url));

async function runWith(params: Record<string, number> = {}) {
  const { logs, trace } = await runSandboxInNode(dir, { timeoutMs: 15_000, params });
  expect(logs.filter((line) => line.level === 'error')).toEqual([]);
  const said = (host: string) => logs.filter((line) => line.host === host).map((line) => line.text);
  /** What the server sent on a client's link, in order, with when it was sent. */
  const packets = <T>(client: string) => {
    const open = trace.find((event) => event.kind === 'ws-open' && event.from === client);
    return trace.flatMap((event) =>
      event.kind === 'ws-message' && event.exchange === open?.exchange && event.from === 'server'
        ? [{ t: event.t, ...(JSON.parse(event.preview) as T) }]
        : [],
    );
  };
  /** "stream 5 /logo.png: done at 453 ms…" → { 5: 453 } */
  const doneAt = (client: string) =>
    Object.fromEntries(
      said(client).flatMap((line) => {
        const match = /^stream (\d+) \S+: done at (\d+) ms/.exec(line);
        return match ? [[Number(match[1]), Number(match[2])]] : [];
      }),
    ) as Record<number, number>;
  return { said, packets, doneAt };
}

describe('one lost packet, resent 400 ms later (the defaults)', () => {
  let run: Awaited<ReturnType<typeof runWith>>;
  beforeAll(async () => {
    run = await runWith();
  }, 20_000);

  it('TCP: the lost segment is sent again with the same sequence numbers', () => {
    const segments = run.packets<Segment>('tcp');
    expect(segments.map((segment) => segment.seq)).toEqual([
      0, 2400, 3600, 4800, 6000, 7200, 8400, 9600, 10800, 12000, 13200, 1200,
    ]);
    expect(segments.at(-1)).toMatchObject({ seq: 1200, h2: { stream: 3 }, resent: true });
    expect(run.said('server')).toContain(
      "tcp: packet 2 lost on the way (seq 1200, stream 3's bytes)",
    );
  });

  it('TCP: every HTTP/2 stream waits for it, though their own bytes had all arrived', () => {
    const tcp = run.said('tcp');
    expect(tcp.at(-1)).toMatch(
      /^TCP \(HTTP\/2\): 4 of 4 streams finished only when the lost packet was resent/,
    );
    for (const stream of [1, 5, 7]) {
      expect(tcp).toContainEqual(
        expect.stringMatching(
          new RegExp(`^stream ${stream} .*its own bytes were all here at \\d+ ms, held \\d+ ms$`),
        ),
      );
    }
    const done = Object.values(run.doneAt('tcp'));
    expect(Math.max(...done) - Math.min(...done)).toBeLessThan(40); // all at the resend
    expect(Math.min(...done)).toBeGreaterThanOrEqual(400);
  });

  it('QUIC: the lost frames go out again in a new packet, 13; only stream 4 waits for them', () => {
    const packets = run.packets<Packet>('quic');
    expect(packets.map((packet) => packet.pn)).toEqual([1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    expect(packets.at(-1)).toMatchObject({
      pn: 13,
      resent: true,
      frames: [{ type: 'STREAM', id: 4, offset: 0, len: 1200, fin: false }],
    });
    expect(run.said('quic').at(-1)).toMatch(
      /^QUIC \(HTTP\/3\): 1 of 4 streams finished only when the lost packet was resent/,
    );
    const done = run.doneAt('quic');
    expect(done[4]).toBeGreaterThanOrEqual(400);
    for (const stream of [0, 8, 12]) expect(done[stream]).toBeLessThanOrEqual(done[4] ?? 0);
  });
});

describe('other losses', () => {
  it('without a loss both finish together, and nothing waits', async () => {
    const run = await runWith({ lostPacket: 0 });
    expect(run.said('tcp').at(-1)).toMatch(/^TCP \(HTTP\/2\): 0 of 4 streams/);
    expect(run.said('quic').at(-1)).toMatch(/^QUIC \(HTTP\/3\): 0 of 4 streams/);
    expect(run.packets<Segment>('tcp')).toHaveLength(12);
  });

  it('losing the last packet holds back only its own stream, on TCP too: nothing is behind it', async () => {
    const run = await runWith({ lostPacket: 12, lossMs: 200 });
    expect(run.said('tcp').at(-1)).toMatch(/^TCP \(HTTP\/2\): 1 of 4 streams/);
    expect(run.said('quic').at(-1)).toMatch(/^QUIC \(HTTP\/3\): 1 of 4 streams/);
  });
});
