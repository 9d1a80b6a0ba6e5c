// One user logs in every round and asks "who am I?" twice: with the token just issued, and with the
// token from round 1, which stands for every token issued before a rotation and still in use.
import { encodePart, readToken } from './jws.ts';

const PAUSE_MS = 500; // between rounds, as between a user's visits

export default async function main(api: URL, env: SandboxEnv): Promise<void> {
  const auth = env.hosts.auth as URL;
  let first: string | undefined;
  for (let round = 1; round <= (env.params.rounds ?? 6); round++) {
    if (round > 1) await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
    const login = await fetch(new URL('/login', auth), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: 'alice' }),
    });
    const { token } = (await login.json()) as { token: string };
    first ??= token;
    const fresh = await whoAmI(api, token);
    const old = await whoAmI(api, first);
    console.log(`round ${round}: new token ${fresh} · round-1 token ${old}`);
  }

  // Anyone can write a kid: five tokens naming keys that never existed, each a new name.
  const [, payload, signature] = (first ?? '').split('.');
  const statuses: number[] = [];
  for (let n = 1; n <= 5; n++) {
    const header = encodePart({ alg: 'ES256', typ: 'JWT', kid: `made-up-${n}` });
    const forged = `${header}.${payload}.${signature}`;
    statuses.push((await fetch(new URL('/me', api), { headers: bearer(forged) })).status);
  }
  console.log(`tokens naming made-up-1 … made-up-5: ${statuses.join(', ')}`);
}

/** GET /me with a token; what the API said, and which key signed the token. */
async function whoAmI(api: URL, token: string): Promise<string> {
  const response = await fetch(new URL('/me', api), {
    headers: { authorization: `Bearer ${token}` },
  });
  const { user, error } = (await response.json()) as { user?: string; error?: string };
  return `(${readToken(token)?.header.kid}) ${response.status} ${user ?? error}`;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
