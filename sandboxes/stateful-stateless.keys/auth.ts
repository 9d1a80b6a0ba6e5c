// The issuer. POST /login signs a token with the current private key and names that key in the
// header's kid. GET /.well-known/jwks.json publishes the public keys (RFC 7517 §5): the current one,
// and old ones for a while after they stop signing, so tokens they signed still verify.
import { ES256, sign, type PublicJwk } from './jws.ts';

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: PublicJwk;
  /** Logins since this key stopped signing; undefined while it signs. */
  retiredAt?: number;
}
const keys: SigningKey[] = []; // newest last: it signs
let logins = 0;
let rotations = 0;

export default {
  async fetch(request: Request, env: SandboxEnv): Promise<Response> {
    const { pathname } = new URL(request.url);
    if (pathname === '/.well-known/jwks.json') {
      if (keys.length === 0) await rotate(env);
      // Every key a verifier may still meet; never a private one.
      return Response.json({ keys: keys.map((key) => key.publicJwk) });
    }
    if (pathname !== '/login' || request.method !== 'POST') {
      return Response.json({ error: 'not found' }, { status: 404 });
    }
    const body = (await request.json().catch(() => null)) as { user?: unknown } | null;
    if (typeof body?.user !== 'string') {
      return Response.json({ error: 'expected JSON like {"user": "alice"}' }, { status: 400 });
    }
    const every = env.params.rotateEvery ?? 2;
    if (keys.length === 0 || (every > 0 && logins > 0 && logins % every === 0)) await rotate(env);
    logins += 1;
    const current = keys.at(-1) as SigningKey;
    const iat = Math.floor(Date.now() / 1000);
    const claims = { sub: body.user, iat, exp: iat + 3600 };
    return Response.json({ token: await sign(claims, current.kid, current.privateKey) });
  },
};

/** A new key signs from now on; the old one stays published for `keepOld` rotations, then goes. */
async function rotate(env: SandboxEnv): Promise<void> {
  const pair = (await crypto.subtle.generateKey(ES256, true, ['sign', 'verify'])) as CryptoKeyPair;
  const kid = `key-${++rotations}`;
  const { kty, crv, x, y } = await crypto.subtle.exportKey('jwk', pair.publicKey);
  const publicJwk: PublicJwk = { kty, crv, x, y, kid, alg: 'ES256', use: 'sig' };
  const previous = keys.at(-1);
  if (previous) previous.retiredAt = rotations;
  keys.push({ kid, privateKey: pair.privateKey, publicJwk });
  const keep = env.params.keepOld ?? 1;
  for (const key of [...keys]) {
    if (key.retiredAt !== undefined && rotations - key.retiredAt >= keep) {
      keys.splice(keys.indexOf(key), 1);
      console.log(`${key.kid} removed from the key set: tokens it signed no longer verify`);
    }
  }
  console.log(`${kid} signs from now on; published: ${keys.map((key) => key.kid).join(', ')}`);
}
