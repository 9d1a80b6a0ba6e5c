// Extra checks for the peer suite (test/peers.test.ts): producing with curl after the demo, then
// reading the group's lag, as a reader does after `npm run sandbox -- pub-sub.partitions --serve`.
import type { PeerPlan } from '#peers';

const json = ['-H', 'content-type: application/json'];

export default {
  steps: [
    {
      name: 'produce a keyed record: the partition its key maps to, and its offset there',
      host: 'broker',
      curl: [
        ...json,
        '--data-binary',
        '{"key":"img-1","event":"uploaded"}',
        '/topics/image-events',
      ],
      expect: { status: 200, body: /^\{"partition":\d,"offset":0\}$/ },
    },
    {
      name: 'the group’s lag: the record just produced is not committed by anyone yet',
      host: 'broker',
      curl: ['/groups/thumbnails/lag'],
      expect: { status: 200, body: /"lag":1/ },
    },
    {
      name: 'a commit that names no partition: 400, saying what was expected',
      host: 'broker',
      curl: [...json, '--data-binary', '{"offset":1}', '/groups/thumbnails/commit'],
      expect: { status: 400, body: /expected JSON like/ },
    },
  ],
} satisfies PeerPlan;
