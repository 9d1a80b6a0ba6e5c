// thumbnails-2: the same worker with a bug. Its first image throws; the error handler logs it and
// rejects the message, so the broker puts it back in the queue at once for another worker.
import { consume, sleep } from './consumer.ts';

export default async function main(broker: URL): Promise<void> {
  const options = { queue: 'thumbnails', name: 'thumbnails-2', reconnectMs: 400 };
  let failedOnce = false;
  await consume(broker, options, async ({ id, image, redelivered }) => {
    if (!failedOnce) {
      failedOnce = true;
      console.warn(`#${id}: resize failed: Error: corrupt image (rejected, to be requeued)`);
      return 'reject';
    }
    await sleep(100); // resize
    const file = `thumbnails/${image.replace(/\.\w+$/, '-256.png')}`;
    console.log(`#${id}: wrote ${file}${redelivered ? ' (a redelivery)' : ''}`);
    return 'ack';
  });
}
