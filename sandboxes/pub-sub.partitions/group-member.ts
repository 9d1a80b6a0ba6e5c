// What every member of the consumer group does: join, learn its partitions, then loop: fetch,
// handle each record, commit its offset. It also checks the order of each image's events, which
// the partitioning promises: uploaded, then resized, then tagged.
import type { StoredRecord } from './log.ts';

export const STAGES = ['uploaded', 'resized', 'tagged'];

export async function member(broker: URL, name: string, msPerEvent: number): Promise<void> {
  const group = (path: string) => new URL(`/groups/thumbnails/${path}`, broker);
  const post = (path: string, json: unknown) =>
    fetch(group(path), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(json),
    }).then((response) => response.json() as Promise<{ partitions: number[] }>);

  const { partitions } = await post('join', { member: name });
  const mine = partitions.map((p) => `p${p}`).join(', ');
  console.log(mine ? `assigned ${mine}` : 'no partition left for me: idle');
  const seen = new Map<string, string>(); // image → its last event
  for (;;) {
    const answer = await fetch(group(`fetch?member=${name}`));
    const { records, done } = (await answer.json()) as { records: StoredRecord[]; done: boolean };
    if (done) return console.log('the group has caught up and the topic is closed');
    for (const { partition, offset, key, event } of records) {
      await new Promise((resolve) => setTimeout(resolve, msPerEvent)); // the work
      const expected = STAGES[STAGES.indexOf(seen.get(key) ?? '') + 1];
      const order = event === expected ? '' : ` (out of order: expected ${expected})`;
      seen.set(key, event);
      console.log(`p${partition}@${offset} ${key} ${event}${order}`);
      await post('commit', { partition, offset: offset + 1 });
    }
  }
}
