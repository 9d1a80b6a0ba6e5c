// The upload service: publishes one message per upload to the queue `thumbnails`, six in a burst,
// and moves on.
// img-3.tiff is a file the resizer cannot decode: it will fail on every delivery.
const UPLOADS = ['img-1.png', 'img-2.jpg', 'img-3.tiff', 'img-4.png', 'img-5.png', 'img-6.jpg'];

export default async function main(broker: URL): Promise<void> {
  for (const image of UPLOADS) {
    const response = await fetch(new URL('/queues/thumbnails', broker), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ image }),
    });
    const { id } = (await response.json()) as { id: number };
    console.log(`published #${id} ${image}: ${response.status}`);
  }
  // Only so that this demo ends: the broker stops once every queue is empty and settled.
  await fetch(new URL('/shutdown', broker), { method: 'POST' });
}
