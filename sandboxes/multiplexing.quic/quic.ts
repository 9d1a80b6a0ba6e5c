// HTTP/3 over QUIC: the same four requests on QUIC streams 0, 4, 8 and 12 (client-initiated,
// bidirectional). Every STREAM frame names its stream and offset, so QUIC puts bytes in order per
// stream: a gap holds back only the stream it is in, and the others go to HTTP/3 as they arrive.
import { openLink } from './link.ts';
import type { Packet, StreamFrame } from './model.ts';
import { Progress } from './report.ts';

const paths = { 0: '/app.js', 4: '/app.css', 8: '/logo.png', 12: '/data.json' };

export default async function main(server: URL): Promise<void> {
  // A browser speaks HTTP/3 to a server only after an answer over TCP advertised it.
  const altSvc = (await fetch(server)).headers.get('alt-svc');
  console.log(`GET / over TCP answered alt-svc: ${altSvc}; now the requests go over QUIC`);
  const progress = new Progress('QUIC (HTTP/3)', paths);
  const buffers = new Map<number, Map<number, StreamFrame>>(); // per stream, by offset
  const next = new Map<number, number>(); // per stream: the next byte QUIC may hand to HTTP/3
  const requests = Object.entries(paths).map(([stream, path]) => ({ stream: +stream, path }));
  await openLink<Packet>(
    server,
    'quic',
    requests,
    (packet) => {
      for (const frame of packet.frames) {
        progress.arrived(frame.id);
        const buffer = buffers.get(frame.id) ?? new Map<number, StreamFrame>();
        buffers.set(frame.id, buffer.set(frame.offset, frame));
        let offset = next.get(frame.id) ?? 0;
        for (let ready = buffer.get(offset); ready; ready = buffer.get(offset)) {
          buffer.delete(offset);
          offset += ready.len;
          if (ready.fin) progress.finished(frame.id, packet.resent === true);
        }
        next.set(frame.id, offset);
      }
      return progress.allDone;
    },
    () => progress.sent(),
  );
  progress.print();
}
