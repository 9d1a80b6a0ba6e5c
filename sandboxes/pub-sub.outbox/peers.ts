// Extra checks for the peer suite (test/peers.test.ts), served with no crash so that every order a
// reader places with curl after `npm run sandbox -- pub-sub.outbox --serve` gets an answer.
import type { PeerPlan } from '#peers';

export default {
  params: { crashAfterCommitOf: 0 },
  steps: [
    {
      name: 'POST /orders: 201 Created and the stored order',
      host: 'orders',
      curl: [
        '-H',
        'content-type: application/json',
        '--data-binary',
        '{"item":"print","cents":1200}',
        '/orders',
      ],
      expect: { status: 201, body: /^\{"id":1,"item":"print","cents":1200\}$/ },
    },
    {
      name: 'GET /orders: the database holds it',
      host: 'orders',
      curl: ['/orders'],
      expect: { status: 200, body: /"item":"print"/ },
    },
    {
      name: 'an order without a price: 400, saying what was expected',
      host: 'orders',
      curl: ['-H', 'content-type: application/json', '--data-binary', '{"item":"x"}', '/orders'],
      expect: { status: 400, body: /expected JSON like/ },
    },
  ],
} satisfies PeerPlan;
