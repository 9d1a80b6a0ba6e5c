// Extra checks for the peer suite. The edges authenticate every WebSocket handshake (an allowed
// Origin and a session cookie, see edge.ts): a peer that brings neither is closed with 1008. The
// hostile-message check logs in as the reader's page would, to reach the edge's message handler.
import type { PeerPlan } from '#peers';

export default {
  refusesUnauthenticatedSockets: { code: 1008 },
  async socketHeaders(hosts) {
    const login = await fetch(new URL('/login', hosts['edge-a']), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"user":"peer"}',
    });
    const cookie = login.headers.get('set-cookie')?.split(';')[0] ?? '';
    return { origin: 'http://reader.test', cookie };
  },
  steps: [
    {
      name: 'login answers with a signed, HttpOnly session cookie',
      host: 'edge-b',
      curl: ['-H', 'content-type: application/json', '--data-binary', '{"user":"dave"}', '/login'],
      expect: {
        status: 204,
        headers: { 'set-cookie': /^session=dave\.[\w-]+; Path=\/; HttpOnly; Max-Age=3600$/ },
      },
    },
    {
      name: 'a publish on edge-a is numbered by the hub and reaches both edges',
      host: 'edge-a',
      curl: [
        '-H',
        'content-type: application/json',
        '--data-binary',
        '{"symbol":"X","price":1}',
        '/publish',
      ],
      expect: {
        status: 200,
        body: /"seq":1,"edges":\{"edge-a":"0 sockets","edge-b":"0 sockets"\}/,
      },
    },
    {
      name: 'the hub replays from its history',
      host: 'hub',
      curl: ['/history?after=0'],
      expect: { status: 200, body: /^\[\{"seq":1,"symbol":"X","price":1,"last":false\}\]$/ },
    },
  ],
} satisfies PeerPlan;
