// Extra checks for the peer suite (test/peers.test.ts): the proxy passes bodies and headers on.
import type { PeerPlan } from '#peers';

export default {
  steps: [
    {
      name: 'POST /messages through the proxy: the body reaches the server, the answer comes back',
      host: 'proxy',
      curl: ['-H', 'content-type: application/json', '--data-binary', '{"text":"hi"}', '/messages'],
      expect: {
        status: 201,
        headers: { 'content-type': 'application/json', via: '1.1 proxy' },
        body: /^\{"id":1\}$/,
      },
    },
    {
      name: 'a poll through the proxy: the message, with the server’s Cache-Control',
      host: 'proxy',
      curl: ['/poll?after=0'],
      expect: { status: 200, headers: { 'cache-control': 'no-store' }, body: /"text":"hi"/ },
    },
  ],
} satisfies PeerPlan;
