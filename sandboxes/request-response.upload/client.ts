// Uploads one image twice: whole, in one request, then in parts that survive a dropped connection.
import { sha256 } from './digest.ts';
import { makePng } from './png.ts';
import { uploadInParts } from './resumable.ts';
import { uploadWhole } from './single.ts';

export default async function main(server: URL, env: SandboxEnv): Promise<void> {
  const width = env.params.widthPx ?? 320;
  const height = Math.round((width * 5) / 8);
  const image = makePng(width, height);
  const digest = await sha256(image);
  console.log(
    `a ${width}×${height} PNG made in code: ${image.byteLength} bytes, sha-256 ${digest}`,
  );

  console.log('— one request —');
  await uploadWhole(server, image, digest);

  console.log('— in parts —');
  await uploadInParts(server, image, digest, (env.params.partKB ?? 32) * 1024);
}
