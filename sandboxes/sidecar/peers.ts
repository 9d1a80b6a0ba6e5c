// The peer suite (test/peers.test.ts) serves this sandbox with payments-app well behaved: with the
// chapter's defaults it answers 503 twice and then hangs, which is the demo, not a bug to find.
// The sidecars wait up to 2 s per attempt, as dozens of hostile requests arrive at once.
import type { PeerPlan } from '#peers';

export default {
  params: { failures: 0, hangs: 0, timeoutMs: 2000 },
  steps: [
    {
      name: 'a charge through both sidecars, the first addressed as localhost as a reader might',
      host: 'orders-sidecar',
      hostname: 'localhost',
      curl: [
        '-H',
        'content-type: application/json',
        '--data-binary',
        '{"cents":2500}',
        '-X',
        'PUT',
        '/payments/charges/order-9',
      ],
      expect: { status: 200, body: /"chargeId":"ch_\d+"/ },
    },
    {
      name: 'a GET through the outbound path: the app’s own 404, relayed at once (no retries)',
      host: 'orders-sidecar',
      curl: ['/payments/charges/order-9'],
      expect: { status: 404, body: /PUT \/charges\/<order id>/ },
    },
    {
      name: 'HEAD the same way: the 404’s headers and length, and no body',
      host: 'orders-sidecar',
      curl: ['-I', '/payments/charges/order-9'],
      expect: { status: 404, headers: { 'content-length': /^[1-9]\d*$/ }, body: /^$/ },
    },
  ],
} satisfies PeerPlan;
