// HTTP/2 over TCP: four requests as streams 1, 3, 5 and 7 of one connection. TCP numbers bytes,
// not streams, and hands them to HTTP/2 strictly in order: a segment that arrives after a gap
// waits in the receiver's buffer until the gap is filled, whatever stream its bytes belong to.
import { openLink } from './link.ts';
import type { Segment } from './model.ts';
import { Progress } from './report.ts';

const paths = { 1: '/app.js', 3: '/app.css', 5: '/logo.png', 7: '/data.json' };

export default async function main(server: URL): Promise<void> {
  const progress = new Progress('TCP (HTTP/2)', paths);
  const buffer = new Map<number, Segment>(); // arrived out of order, by seq
  let next = 0; // the next byte TCP may hand to HTTP/2
  const requests = Object.entries(paths).map(([stream, path]) => ({ stream: +stream, path }));
  await openLink<Segment>(
    server,
    'tcp',
    requests,
    (segment) => {
      progress.arrived(segment.h2.stream);
      buffer.set(segment.seq, segment);
      // Hand over every byte that is now in order; stop at the first gap.
      for (let ready = buffer.get(next); ready; ready = buffer.get(next)) {
        buffer.delete(next);
        next += ready.len;
        if (ready.h2.end) progress.finished(ready.h2.stream, segment.resent === true);
      }
      return progress.allDone;
    },
    () => progress.sent(),
  );
  progress.print();
}
