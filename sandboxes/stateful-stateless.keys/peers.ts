// Extra checks for the peer suite (test/peers.test.ts): the key set as a JWKS client fetches it, and
// the API's refusals as curl sees them.
import type { PeerPlan } from '#peers';

export default {
  steps: [
    {
      name: 'the key set is JSON with public EC keys, each named by its kid',
      host: 'auth',
      curl: ['/.well-known/jwks.json'],
      expect: {
        status: 200,
        headers: { 'content-type': /^application\/json/ },
        body: /^\{"keys":\[\{"kty":"EC","crv":"P-256","x":"[\w-]+","y":"[\w-]+","kid":"key-1","alg":"ES256","use":"sig"\}\]\}$/,
      },
    },
    {
      name: 'a token naming a key nobody published: 401 invalid_token',
      host: 'api',
      curl: ['-H', 'authorization: Bearer eyJhbGciOiJFUzI1NiIsImtpZCI6Im5vcGUifQ.e30.AAAA', '/me'],
      expect: {
        status: 401,
        headers: {
          'www-authenticate': 'Bearer error="invalid_token", error_description="unknown key nope"',
        },
      },
    },
  ],
} satisfies PeerPlan;
