// The upload service produces three events per image, in order: uploaded, resized, tagged, twelve in
// a burst. The image id is the record's key, so all of an image's events go to one partition, in order.
import { STAGES } from './group-member.ts';

const IMAGES = ['img-1', 'img-2', 'img-3', 'img-4'];

export default async function main(broker: URL): Promise<void> {
  for (const event of STAGES) {
    for (const key of IMAGES) {
      const response = await fetch(new URL('/topics/image-events', broker), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ key, event }),
      });
      const { partition, offset } = (await response.json()) as {
        partition: number;
        offset: number;
      };
      console.log(`${key} ${event} → p${partition}@${offset}`);
    }
  }
  // Only so that this demo ends: members stop once they have read everything.
  await fetch(new URL('/shutdown', broker), { method: 'POST' });
}
