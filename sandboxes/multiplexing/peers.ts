// Extra checks for the peer suite (test/peers.test.ts): the server over real HTTP/2, as the reader
// tries it with curl --http2-prior-knowledge after `npm run sandbox -- multiplexing --serve`.
import type { PeerPlan } from '#peers';

export default {
  steps: [
    {
      name: 'GET /report over HTTP/2 with prior knowledge',
      host: 'server',
      http2: true,
      curl: ['--http2-prior-knowledge', '-H', 'x-request: 3', '/report'],
      expect: { status: 200, http: '2', body: /^\{"n":3,"workMs":\d+\}$/ },
    },
    {
      name: 'the same over HTTP/1.1 (curl --http2 asks to upgrade; the server stays on 1.1)',
      host: 'server',
      curl: ['--http2', '-H', 'x-request: 3', '/report'],
      expect: { status: 200, http: '1.1', body: /^\{"n":3,"workMs":\d+\}$/ },
    },
  ],
} satisfies PeerPlan;
