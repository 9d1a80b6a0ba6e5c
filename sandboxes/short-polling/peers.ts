// Extra checks for the peer suite (test/peers.test.ts): HEAD and conditional requests with curl.
// The job's ETag moves from "v1" to "v3" as it runs, so the lists below name every version.
import type { PeerPlan } from '#peers';

const json = ['-H', 'content-type: application/json'];

export default {
  steps: [
    {
      name: 'POST /videos: 202 Accepted and the handle in Location',
      host: 'server',
      curl: ['-X', 'POST', ...json, '--data-binary', '{}', '/videos'],
      expect: { status: 202, headers: { location: '/jobs/42' } },
    },
    {
      name: 'HEAD on the handle: the headers of GET, the ETag included, and no body',
      host: 'server',
      curl: ['-I', '/jobs/42'],
      expect: { status: 200, headers: { etag: /^"v[123]"$/ }, body: /^$/ },
    },
    {
      name: 'If-None-Match with a list of weak tags: compared weakly, any match is 304',
      host: 'server',
      curl: ['-H', 'if-none-match: W/"v1", W/"v2", W/"v3"', '/jobs/42'],
      expect: { status: 304, body: /^$/ },
    },
    {
      name: 'If-None-Match: * matches any current version',
      host: 'server',
      curl: ['-H', 'if-none-match: *', '/jobs/42'],
      expect: { status: 304 },
    },
    {
      name: 'a tag of no version: the full answer',
      host: 'server',
      curl: ['-H', 'if-none-match: W/"v9"', '/jobs/42'],
      expect: { status: 200, body: /"id":42/ },
    },
  ],
} satisfies PeerPlan;
