// One way to pass "Send up to three parts at once": three workers share the list of missing parts.
import { contentDigest, sha256 } from './digest.ts';

const AT_ONCE = 3;

export async function uploadInParts(
  server: URL,
  image: Uint8Array<ArrayBuffer>,
  digest: string,
  partSize: number,
): Promise<void> {
  const started = await fetch(new URL('/uploads', server), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ size: image.byteLength, partSize, digest }),
  });
  const upload = (await started.json()) as { id: string; missing: number[]; error?: string };
  if (!started.ok) return console.error(`${started.status}: ${upload.error}`);
  const at = (path: string) => new URL(`/uploads/${upload.id}${path}`, server);

  for (let round = 1, missing = upload.missing; missing.length > 0; round++) {
    if (round > 4) return console.error('gave up after 3 rounds with dropped connections');
    const queue = [...missing];
    const worker = async () => {
      for (let part = queue.shift(); part !== undefined; part = queue.shift()) {
        const bytes = image.subarray((part - 1) * partSize, part * partSize);
        try {
          await fetch(at(`/parts/${part}`), {
            method: 'PUT',
            headers: { 'content-digest': contentDigest(await sha256(bytes)) },
            body: bytes,
          });
        } catch {
          console.log(`part ${part}: connection lost`);
        }
      }
    };
    await Promise.all(Array.from({ length: AT_ONCE }, worker));
    // Whatever happened to each part, the server's list is the truth.
    const state = (await (await fetch(at(''))).json()) as { missing: number[] };
    missing = state.missing;
    if (missing.length > 0) console.log(`resuming with parts [${missing.join(', ')}]`);
  }
  const done = await fetch(at('/complete'), { method: 'POST' });
  console.log(`complete: ${done.status}`, await done.json());
}
