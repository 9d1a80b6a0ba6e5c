// The peer suite (test/peers.test.ts) serves this sandbox with the receiver already deployed: with
// the chapter's defaults it answers 503 for its first moments, which is the demo, not a bug to find.
import type { PeerPlan } from '#peers';

export default {
  params: { receiverDownMs: 0 },
} satisfies PeerPlan;
