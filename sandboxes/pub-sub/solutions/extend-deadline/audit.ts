// audit: writes every upload into an audit log (fan-out: a queue of its own). Delivery is at least
// once, so a message can arrive twice; the log is keyed by message id, so a repeat is detected and
// skipped. (A real log would be a table with a unique key on the id, written with the work.)
import { consume, sleep } from './consumer.ts';

export default async function main(broker: URL): Promise<void> {
  const log = new Map<number, string>();
  const options = { queue: 'audit', name: 'audit', reconnectMs: 400 };
  await consume(broker, options, async ({ id, image, redelivered }, extend) => {
    if (log.has(id)) {
      console.warn(`#${id}${redelivered ? ' (redelivered)' : ''}: already in the log, skipped`);
      return 'ack'; // ack the duplicate too, or it comes back again
    }
    // Scanning a camera RAW file takes 1.5 s: longer than the broker's ack timeout. So while it
    // works, audit tells the broker every 400 ms that it is still on it.
    const stillWorking = setInterval(extend, 400);
    await sleep(image.endsWith('.raw') ? 1500 : 50);
    clearInterval(stillWorking);
    log.set(id, image);
    console.log(`#${id}: logged ${image}`);
    return 'ack';
  });
}
