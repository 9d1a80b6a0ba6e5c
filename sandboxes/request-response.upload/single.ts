// The whole image in one POST: simple, but after a dropped connection every byte goes again.
import { contentDigest } from './digest.ts';

export async function uploadWhole(
  server: URL,
  image: Uint8Array<ArrayBuffer>,
  digest: string,
): Promise<void> {
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      const response = await fetch(new URL('/images', server), {
        method: 'POST',
        headers: { 'content-type': 'image/png', 'content-digest': contentDigest(digest) },
        body: image,
      });
      console.log(`attempt ${attempt}: ${response.status}`, await response.json());
      return;
    } catch {
      console.log(
        `attempt ${attempt}: connection lost; the server kept nothing, so all ${image.byteLength} bytes go again`,
      );
    }
  }
  console.error('gave up after 3 attempts');
}
