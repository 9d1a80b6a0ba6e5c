// Extra checks for the peer suite (test/peers.test.ts): the key set as a JWKS client fetches it, and
// the API's refusals as curl sees them.
import type { PeerPlan } from '#peers';

/** base64url of an ASCII JSON text, as a token part (web APIs only: sandboxes/tsconfig.json). */
const part = (json: string) =>
  btoa(json).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');

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
    {
      name: 'a token naming the published key, with a signature that is not base64url: 401',
      host: 'api',
      curl: ['-H', `authorization: Bearer ${part('{"alg":"ES256","kid":"key-1"}')}.e30.%%%`, '/me'],
      expect: { status: 401, headers: { 'www-authenticate': /signature does not match/ } },
    },
    {
      name: 'a kid with a line break: 401, and the reason cannot break the header',
      host: 'api',
      curl: [
        '-H',
        `authorization: Bearer ${part('{"alg":"ES256","kid":"a\\r\\nb"}')}.e30.AAAA`,
        '/me',
      ],
      expect: { status: 401, headers: { 'www-authenticate': /unknown key a\?\?b/ } },
    },
  ],
} satisfies PeerPlan;
