// A resumable upload: start it, PUT numbered parts, and after a dropped connection ask the server
// which parts it has and send only the rest. Then ask it to assemble and check the image.
import { contentDigest, sha256 } from './digest.ts';

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
  const parts = upload.missing.length === 1 ? '1 part' : `${upload.missing.length} parts`;
  console.log(`upload ${upload.id}: ${parts} of up to ${partSize} bytes`);

  let missing = upload.missing;
  for (let drops = 0; missing.length > 0;) {
    const part = missing[0] as number;
    const bytes = image.subarray((part - 1) * partSize, part * partSize);
    try {
      const response = await fetch(at(`/parts/${part}`), {
        method: 'PUT',
        headers: { 'content-digest': contentDigest(await sha256(bytes)) },
        body: bytes,
      });
      if (!response.ok)
        return console.error(`part ${part}: ${response.status}`, await response.json());
      missing = missing.slice(1);
    } catch {
      if (++drops > 3) return console.error('gave up after 3 dropped connections');
      // The part may or may not have arrived: the server's list of parts is the truth.
      const state = (await (await fetch(at(''))).json()) as {
        received: number[];
        missing: number[];
      };
      missing = state.missing;
      console.log(
        `part ${part}: connection lost; the server has parts [${state.received.join(', ')}], resuming at part ${missing[0]}`,
      );
    }
  }
  const done = await fetch(at('/complete'), { method: 'POST' });
  console.log(`complete: ${done.status}`, await done.json());
}
