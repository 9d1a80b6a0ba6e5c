// Extra checks for the peer suite (test/peers.test.ts): the feed with the token, as curl sends it,
// over HTTP/1.1 and over HTTP/2, where the stream is one of many on a single connection.
import type { PeerPlan } from '#peers';

const bearer = 'Bearer reader-7f3c';
const subscribe = [
  '-X',
  'POST',
  '-H',
  'content-type: application/json',
  '--data',
  '{"symbol":"ACME"}',
];

export default {
  params: { retryMs: 300 },
  // The feed's token, so hostile subscriptions reach the body's parser, not the 401.
  authenticate: () => ({ authorization: bearer }),
  steps: [
    {
      name: 'no token: 401 with WWW-Authenticate: Bearer, and no stream',
      host: 'server',
      curl: [...subscribe, '/prices'],
      expect: { status: 401, headers: { 'www-authenticate': 'Bearer' } },
    },
    {
      name: 'with the token: the feed opens, retry: first, then each price with its id',
      host: 'server',
      curl: ['-N', ...subscribe, '-H', `authorization: ${bearer}`, '/prices'],
      until: /id: 2\n/,
      expect: {
        status: 200,
        headers: { 'content-type': 'text/event-stream' },
        body: /^retry: 300\n\nid: 1\nevent: price\ndata: \{"id":1,"symbol":"ACME"/,
      },
    },
    {
      name: 'with Last-Event-ID 1: the replay starts at #2, at once',
      host: 'server',
      curl: [
        '-N',
        ...subscribe,
        '-H',
        `authorization: ${bearer}`,
        '-H',
        'last-event-id: 1',
        '/prices',
      ],
      until: /id: 2\n/,
      expect: { status: 200, body: /^retry: 300\n\nid: 2\nevent: price\n/ },
    },
    {
      name: 'over HTTP/2 the same stream is one DATA-framed stream of a connection',
      host: 'server',
      http2: true,
      curl: [
        '-N',
        '--http2-prior-knowledge',
        ...subscribe,
        '-H',
        `authorization: ${bearer}`,
        '-H',
        'last-event-id: 2',
        '/prices',
      ],
      until: /id: 3\n/,
      expect: { status: 200, http: '2', body: /id: 3\nevent: price/ },
    },
    {
      name: 'Last-Event-ID past the last price: 204, which the client must treat as "stop"',
      host: 'server',
      curl: [...subscribe, '-H', `authorization: ${bearer}`, '-H', 'last-event-id: 8', '/prices'],
      expect: { status: 204 },
    },
  ],
} satisfies PeerPlan;
