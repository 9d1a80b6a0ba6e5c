// HTTP/2: ONE connection. Every request is a stream with an odd
// number (1, 3, 5 …) and the frames of all streams interleave,
// so all 30 requests are in flight at once.
// EMULATED in the page: its virtual network has no TCP and no
// frames, so the "connection" is this file's bookkeeping and a
// stream is one concurrent fetch. The Node test beside this
// sandbox runs a real node:http2 server to show the real thing.
import { createPool } from './pool.ts';
import { ms, printWaterfall, type Timing } from './waterfall.ts';

// The server's SETTINGS_MAX_CONCURRENT_STREAMS: how many streams
// may be open at once (RFC 9113 recommends at least 100).
const MAX_CONCURRENT_STREAMS = 100;

export default async function main(server: URL, env: SandboxEnv) {
  const { lossMs = 0, workMs = 150 } = env.params;
  const streams = createPool(MAX_CONCURRENT_STREAMS);
  let nextStreamId = 1; // streams the client opens are odd
  // The transport. TCP delivers ONE ordered byte stream: after a
  // lost packet, the receiver holds back every byte behind it
  // until the resend, whatever stream the bytes belong to. That
  // is TCP head-of-line blocking. HTTP/3 runs over QUIC, which
  // keeps order per stream, so a loss stalls only its stream.
  let packetLost = lossMs > 0;
  let stalledUntil = 0;
  const start = performance.now();
  const since = () => performance.now() - start;

  const one = async (n: number): Promise<Timing> => {
    const { slot, waitedMs } = await streams.acquire();
    const streamId = nextStreamId;
    nextStreamId += 2;
    const response = await fetch(new URL('/report', server), {
      headers: { 'x-request': `${n}`, 'x-stream-id': `${streamId}` },
    });
    await response.json();
    const arrivedMs = since();
    if (packetLost) {
      packetLost = false;
      stalledUntil = arrivedMs + lossMs;
      console.warn(`a packet was lost at ${ms(arrivedMs)}: all streams wait`);
    }
    let doneMs = arrivedMs;
    if (arrivedMs < stalledUntil) {
      await new Promise((resolve) => setTimeout(resolve, stalledUntil - arrivedMs));
      doneMs = since();
    }
    streams.release(slot);
    return { n, via: `stream ${streamId}`, waitMs: waitedMs, arrivedMs, doneMs };
  };

  const numbers = Array.from({ length: 30 }, (_, i) => i + 1);
  const timings = await Promise.all(numbers.map(one));
  const result = printWaterfall(timings, workMs / 4);
  const stalled = timings.filter((t) => t.doneMs > t.arrivedMs);
  console.log(
    `30 requests as 30 streams on 1 connection: half done by ` +
      `${ms(result.halfMs)}, all by ${ms(result.totalMs)}; ` +
      `${result.waited} waited for a stream slot` +
      (stalled.length > 0 ? `, ${stalled.length} stalled behind the lost packet` : ''),
  );
}
