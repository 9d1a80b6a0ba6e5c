// An API that trusts the issuer's tokens without calling it per request: it keeps the issuer's
// public keys (a JWKS) in memory and picks one by the token's kid. A kid it has not seen sends it
// back to the issuer for the current set, which is how it learns of new keys and of removed ones.
import { ES256, readToken, signedBy, type PublicJwk } from './jws.ts';

let known = new Map<string, CryptoKey>();

export default {
  async fetch(request: Request, env: SandboxEnv): Promise<Response> {
    if (new URL(request.url).pathname !== '/me')
      return Response.json({ error: 'not found' }, { status: 404 });
    const token = /^Bearer (.+)$/.exec(request.headers.get('authorization') ?? '')?.[1] ?? '';
    const read = readToken(token);
    if (!read) return refuse('no token');
    const { header, claims } = read;
    // Only the algorithm we expect, and a kid to choose the key by.
    if (header.alg !== 'ES256' || typeof header.kid !== 'string' || !header.kid)
      return refuse('expected an ES256 token with a kid');
    if (!known.has(header.kid)) await refreshKeys(env.hosts.auth as URL, header.kid);
    const key = known.get(header.kid);
    if (!key) return refuse(`unknown key ${header.kid}`);
    if (!(await signedBy(token, key))) return refuse('the signature does not match');
    if (claims.exp * 1000 < Date.now()) return refuse('the token has expired');
    return Response.json({ user: claims.sub, kid: header.kid });
  },
};

/** Replaces the cached key set with the issuer's current one (a removed key is forgotten here). */
async function refreshKeys(auth: URL, kid: string): Promise<void> {
  const response = await fetch(new URL('/.well-known/jwks.json', auth));
  const { keys } = (await response.json()) as { keys: PublicJwk[] };
  const imported = await Promise.all(
    keys.map(
      async (jwk) =>
        [jwk.kid, await crypto.subtle.importKey('jwk', jwk, ES256, false, ['verify'])] as const,
    ),
  );
  known = new Map(imported);
  console.log(`kid ${kid} not cached: fetched the key set, now ${[...known.keys()].join(', ')}`);
}

/** 401 with the reason in the error_description of WWW-Authenticate (RFC 6750 §3). */
function refuse(reason: string): Response {
  // The reason may quote the token (its kid): only the characters RFC 6750 allows there go in.
  const description = reason.replace(/[^\x20\x21\x23-\x5b\x5d-\x7e]/g, '?');
  const headers = {
    'www-authenticate': `Bearer error="invalid_token", error_description="${description}"`,
  };
  return Response.json({ error: reason }, { status: 401, headers });
}
