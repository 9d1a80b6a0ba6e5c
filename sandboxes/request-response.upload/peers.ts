// The peer suite (test/peers.test.ts) serves this sandbox with a link that never drops: with the
// chapter's defaults the first upload's connection is cut on purpose, which is the demo, not a bug
// to find (`--param dropAtPercent=0` does the same for a reader).
import type { PeerPlan } from '#peers';

export default {
  params: { dropAtPercent: 0 },
} satisfies PeerPlan;
