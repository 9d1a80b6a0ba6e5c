// thumbnails-1: a worker on the shared queue `thumbnails`. thumbnails-2 reads the same queue, so
// each upload goes to one of the two (a work queue). Writing img-7-256.png twice leaves one correct
// file, so a duplicate would do no harm here: this work is idempotent by nature.
import { consume, sleep } from './consumer.ts';

export default async function main(broker: URL): Promise<void> {
  const options = { queue: 'thumbnails', name: 'thumbnails-1', reconnectMs: 400 };
  await consume(broker, options, async ({ id, image, redelivered }) => {
    await sleep(100); // resize
    const file = `thumbnails/${image.replace(/\.\w+$/, '-256.png')}`;
    console.log(`#${id}: wrote ${file}${redelivered ? ' (a redelivery)' : ''}`);
    return 'ack';
  });
}
