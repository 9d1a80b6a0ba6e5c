// Extra checks for the peer suite (test/peers.test.ts): the server's counters, as a reader reads
// them with curl after `npm run sandbox -- multiplexing.frames --serve`. Its frames travel over the
// WebSocket at /h2, which the suite's generic ws and browser checks already open.
import type { PeerPlan } from '#peers';

export default {
  steps: [
    {
      name: 'GET /stats: connections, streams, GOAWAYs, window waits and resets so far',
      host: 'server',
      curl: ['/stats'],
      expect: {
        status: 200,
        http: '1.1',
        body: /^\{"connections":\d+,"streams":\d+,"goaways":\d+,"windowWaits":\d+,"resets":\d+,"work":\{"started":\d+,"finished":\d+,"cancelled":\d+\}\}$/,
      },
    },
    {
      name: 'any other path says where the frames go',
      host: 'server',
      curl: ['/'],
      expect: { status: 404, body: /WebSocket to \/h2/ },
    },
  ],
} satisfies PeerPlan;
