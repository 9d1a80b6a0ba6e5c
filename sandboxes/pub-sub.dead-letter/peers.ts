// Extra checks for the peer suite (test/peers.test.ts): publishing with curl after the demo, as a
// reader does after `npm run sandbox -- pub-sub.dead-letter --serve`, to a queue of their own.
import type { PeerPlan } from '#peers';

const json = ['-H', 'content-type: application/json'];

export default {
  steps: [
    {
      name: 'POST /queues/<name>: 202 Accepted, the message id and its queue',
      host: 'broker',
      curl: [...json, '--data-binary', '{"image":"img-9.heic"}', '/queues/orders'],
      expect: { status: 202, body: /^\{"id":\d+,"queue":"orders"\}$/ },
    },
    {
      name: 'a body without an image: 400, saying what was expected',
      host: 'broker',
      curl: [...json, '--data-binary', '{"picture":"img-9.heic"}', '/queues/orders'],
      expect: { status: 400, body: /expected JSON like/ },
    },
  ],
} satisfies PeerPlan;
