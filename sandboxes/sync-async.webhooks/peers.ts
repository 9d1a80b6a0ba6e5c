// The peer suite (test/peers.test.ts) serves this sandbox with the receiver already deployed: with
// the chapter's defaults it answers 503 for its first moments, which is the demo, not a bug to find.
// Hostile bodies are signed as the provider signs, so they reach the receiver's parser.
import type { PeerPlan } from '#peers';
import { sign } from './signature.ts';

let deliveries = 0;

export default {
  params: { receiverDownMs: 0 },
  async authenticate(body) {
    const id = `msg_peer_${++deliveries}`;
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = await sign(id, timestamp, body);
    return { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': signature };
  },
} satisfies PeerPlan;
