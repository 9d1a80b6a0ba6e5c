// Extra checks for the peer suite (test/peers.test.ts): readiness and a drain as curl sees them.
// app-1 is asked to restart (as in the demo); a restart takes 2 s here, so the next steps land inside it.
import type { PeerPlan } from '#peers';

export default {
  params: { restartMs: 2000 },
  steps: [
    {
      name: 'a ready instance says so on GET /ready',
      host: 'app-1',
      curl: ['/ready'],
      expect: { status: 200, body: /"state":"ready"/ },
    },
    {
      name: 'POST /drain is accepted at once (202); the restart follows',
      host: 'app-1',
      curl: ['-X', 'POST', '/drain'],
      expect: { status: 202 },
    },
    {
      name: 'during the restart GET /ready says 503, for the balancer to read',
      host: 'app-1',
      curl: ['/ready'],
      expect: { status: 503, body: /"state":"restarting"/ },
    },
    {
      name: 'and new work is refused with 503, Retry-After and Connection: close',
      host: 'app-1',
      curl: ['-X', 'POST', '-H', 'content-type: application/json', '--data', '{"job":1}', '/work'],
      expect: { status: 503, headers: { 'retry-after': '1', connection: 'close' } },
    },
  ],
} satisfies PeerPlan;
