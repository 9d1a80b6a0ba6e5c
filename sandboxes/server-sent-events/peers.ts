// Extra checks for the peer suite (test/peers.test.ts, test/e2e/peers.test.ts). A retry above
// EventSource's default (3 s in Chromium) proves the browser honours the stream's retry: line.
import type { PeerPlan } from '#peers';

export default {
  params: { retryMs: 4000, intervalMs: 200 },
  browser: { resumableStream: '/prices' },
  steps: [
    {
      name: 'curl -N reads the stream as it comes: retry, then each price with its id',
      host: 'server',
      curl: ['-N', '/prices'],
      until: /id: 2\n/,
      expect: {
        status: 200,
        headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' },
        body: /^retry: 4000\n[\s\S]*id: 1\nevent: price\ndata: \{/,
      },
    },
    {
      name: 'Last-Event-ID past the last price: 204, which tells EventSource to stop',
      host: 'server',
      curl: ['-H', 'last-event-id: 12', '/prices'],
      expect: { status: 204 },
    },
  ],
} satisfies PeerPlan;
