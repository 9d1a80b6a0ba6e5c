// Extra checks for the peer suite: a subscriber that never answers the heartbeat is closed with
// 4001 (see server.ts), and a browser's WebSocket must report that code.
import type { PeerPlan } from '#peers';

export default {
  browser: { closesSilentSocket: { path: '/notifications?name=silent', code: 4001 } },
  steps: [
    {
      name: 'a notification from curl is accepted after the demo signed off',
      host: 'server',
      curl: ['-H', 'content-type: application/json', '--data-binary', '{"text":"hi"}', '/notify'],
      expect: { status: 200, body: /"seq":1/ },
    },
  ],
} satisfies PeerPlan;
