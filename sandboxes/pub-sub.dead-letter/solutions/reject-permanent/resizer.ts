// resizer: makes a thumbnail of each upload. Two things go wrong. Writing img-5's thumbnail times
// out once: a transient error, and the retry succeeds. img-3.tiff is a format it cannot decode: a
// permanent error, the same on every delivery, so that message is poison. This solution tells the
// two apart: a permanent error is rejected without requeue, and the broker dead-letters it at once.
import { consume, sleep, type Delivery } from './consumer.ts';

/** An input this code can never handle, however often it is retried. */
class UnsupportedImage extends Error {}
/** A failure of something outside (the storage), which may well work a moment later. */
class StorageTimeout extends Error {}

let storageHiccups = 1; // the storage times out on the first write of img-5

async function makeThumbnail({ image }: Delivery): Promise<string> {
  const format = /\.(\w+)$/.exec(image)?.[1] ?? '';
  await sleep(20); // decode
  if (!['png', 'jpg'].includes(format)) throw new UnsupportedImage(`cannot decode ${format}`);
  await sleep(60); // resize and write
  if (image === 'img-5.png' && storageHiccups-- > 0) throw new StorageTimeout('storage timed out');
  return `thumbnails/${image.replace(/\.\w+$/, '-256.png')}`;
}

export default async function main(broker: URL): Promise<void> {
  await consume(broker, { queue: 'thumbnails', name: 'resizer' }, async (delivery) => {
    const { id, image, failedDeliveries } = delivery;
    const attempt = failedDeliveries > 0 ? ` (delivery ${failedDeliveries + 1})` : '';
    try {
      const file = await makeThumbnail(delivery);
      console.log(`#${id}: wrote ${file}${attempt}`);
      return 'ack';
    } catch (error) {
      if (error instanceof UnsupportedImage) {
        console.warn(`#${id} ${image}${attempt}: ${String(error)}; reject for good`);
        return 'dead-letter';
      }
      console.warn(`#${id} ${image}${attempt}: ${String(error)}; reject, requeue`);
      return 'requeue';
    }
  });
}
