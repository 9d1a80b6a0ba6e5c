// The sending side of both connections. Each response is cut into pieces of 1,200 bytes, sent
// round robin (a piece of each response in turn), one packet every 25 ms. One packet is lost on
// the way (param lostPacket): the model does not deliver it, and sends its data again lossMs
// later, as a sender does once acknowledgements tell it the packet is missing.
import { PACING_MS, PIECE_BYTES, PIECES_PER_RESPONSE } from './model.ts';
import type { Packet, Segment, StreamFrame } from './model.ts';

type Wire = Segment | Packet;
const closed = new Set<string>(); // links the client has closed: stop sending

export default {
  fetch(request: Request): Response {
    if (new URL(request.url).pathname !== '/') {
      return new Response('open a WebSocket to /link?transport=tcp or ?transport=quic', {
        status: 404,
      });
    }
    // An ordinary HTTP answer that advertises HTTP/3 on the same port (RFC 9114 §3.1.1): how a
    // browser learns it may try QUIC next time; until then it speaks HTTP/2 over TCP.
    return new Response('ok', { headers: { 'alt-svc': 'h3=":443"; ma=86400' } });
  },
  websocket: {
    message(peer: SandboxPeer, data: string | ArrayBuffer, env: SandboxEnv): void {
      if (typeof data !== 'string') return peer.close(1003, 'JSON text only');
      const requests = streamsAsked(data);
      // 1007, "invalid payload data" (RFC 6455 §7.4.1): not a request this protocol knows.
      if (!requests) return peer.close(1007, 'expected JSON like {"requests": [{"stream": 1}]}');
      const quic = peer.url.searchParams.get('transport') === 'quic';
      // Round robin: piece 1 of every response, then piece 2 of every response, then piece 3.
      const pieces: StreamFrame[] = [];
      for (let i = 0; i < PIECES_PER_RESPONSE; i++) {
        for (const { stream } of requests) {
          const fin = i === PIECES_PER_RESPONSE - 1;
          pieces.push({
            type: 'STREAM',
            id: stream,
            offset: i * PIECE_BYTES,
            len: PIECE_BYTES,
            fin,
          });
        }
      }
      void send(peer, quic ? quicPackets(pieces) : tcpSegments(pieces), env);
    },
    close(peer: SandboxPeer): void {
      closed.add(peer.id);
    },
  },
};

/** The streams a message asks for, or undefined when it is not `{"requests": [{"stream": n}, …]}`. */
function streamsAsked(data: string): Array<{ stream: number }> | undefined {
  let message: unknown;
  try {
    message = JSON.parse(data);
  } catch {
    return undefined;
  }
  const requests = (message as { requests?: unknown } | null)?.requests;
  if (!Array.isArray(requests)) return undefined;
  const valid = requests.every(
    (request: unknown) => typeof (request as { stream?: unknown } | null)?.stream === 'number',
  );
  return valid ? (requests as Array<{ stream: number }>) : undefined;
}

/** HTTP/2 over TCP: every piece is the next 1,200 bytes of the connection's one byte stream. */
function tcpSegments(pieces: StreamFrame[]): Segment[] {
  return pieces.map((piece, i) => ({
    seq: i * PIECE_BYTES,
    len: piece.len,
    h2: { stream: piece.id, end: piece.fin },
  }));
}

/** HTTP/3 over QUIC: a packet per piece, its STREAM frame naming the stream and the offset. */
function quicPackets(pieces: StreamFrame[]): Packet[] {
  return pieces.map((piece, i) => ({ pn: i + 1, frames: [piece] }));
}

/** Sends the packets on their schedule, one every 25 ms, and the lost one's data lossMs later. */
async function send(peer: SandboxPeer, wire: Wire[], env: SandboxEnv): Promise<void> {
  const lost = env.params.lostPacket ?? 2; // 1-based; 0: nothing is lost
  const lossMs = env.params.lossMs ?? 400;
  const kind = 'pn' in (wire[0] ?? {}) ? 'quic' : 'tcp';
  // TCP sends the same bytes again; QUIC sends the same frames in a new packet (a new number).
  const resend = (item: Wire): Wire =>
    'pn' in item ? { ...item, pn: wire.length + 1, resent: true } : { ...item, resent: true };
  const plan = wire
    .flatMap((item, i) =>
      i + 1 === lost
        ? [
            { at: i * PACING_MS, item, lost: true },
            { at: i * PACING_MS + lossMs, item: resend(item), lost: false },
          ]
        : [{ at: i * PACING_MS, item, lost: false }],
    )
    .sort((a, b) => a.at - b.at); // one schedule, so packets leave in order however busy the machine
  const started = Date.now();
  for (const { at, item, lost: dropped } of plan) {
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, at - (Date.now() - started))));
    if (closed.has(peer.id)) return;
    if (dropped) {
      console.log(`${kind}: packet ${wire.indexOf(item) + 1} lost on the way (${what(item)})`);
    } else {
      peer.send(JSON.stringify(item));
      if (item.resent) {
        const as = 'pn' in item ? `as packet ${item.pn}` : `as the same segment, seq ${item.seq}`;
        console.log(`${kind}: resent at ${at} ms ${as}`);
      }
    }
  }
}

const what = (item: Wire) =>
  'pn' in item
    ? item.frames
        .map((frame) => `stream ${frame.id}, bytes ${frame.offset}–${frame.offset + frame.len - 1}`)
        .join('; ')
    : `seq ${item.seq}, stream ${item.h2.stream}'s bytes`;
