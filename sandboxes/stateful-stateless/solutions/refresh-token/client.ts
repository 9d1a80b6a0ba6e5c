// Log in once through the load balancer, then ask "who am I?" round after round, with the
// session id (a key into one instance's memory) and with the signed token (which carries it all).
import { decodePart, encodePart } from './token.ts';

export default async function main(lb: URL, env: SandboxEnv): Promise<void> {
  const login = await fetch(new URL('/login', lb), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user: 'alice', password: 'wonderland' }),
  });
  const { servedBy, sessionId, token, refreshToken } = (await login.json()) as Record<
    string,
    string
  >;
  console.log(`logged in on ${servedBy}: session id ${sessionId?.slice(0, 8)}… and a signed token`);
  const [header = '', payload = '', signature = ''] = (token ?? '').split('.');
  console.log('token header: ', JSON.stringify(decodePart(header)));
  console.log('token payload:', JSON.stringify(decodePart(payload)));

  const withSession = { 'session-id': sessionId ?? '' };
  let access = token;
  // Ask with the access token; if it has expired, swap the refresh token for a new one and ask again.
  const whoAmIWithToken = async () => {
    const answer = await whoAmI(lb, { authorization: `Bearer ${access}` });
    if (!answer.text.endsWith('the token has expired')) return answer;
    const renewed = await fetch(new URL('/refresh', lb), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken }),
    });
    access = ((await renewed.json()) as Record<string, string>).token;
    console.log(`access token expired: refreshed (${renewed.status})`);
    return whoAmI(lb, { authorization: `Bearer ${access}` });
  };
  const worked = { session: 0, token: 0 };
  const rounds = env.params.rounds ?? 4;
  for (let round = 1; round <= rounds; round++) {
    // Idle between rounds: the moment to press "Restart app-1" (the restart test).
    if (round > 1) await new Promise((resolve) => setTimeout(resolve, env.params.pauseMs ?? 1000));
    // Two requests with each credential, so round robin sends one to each instance.
    const session = [await whoAmI(lb, withSession), await whoAmI(lb, withSession)];
    const signed = [await whoAmIWithToken(), await whoAmIWithToken()];
    worked.session += session.filter((answer) => answer.ok).length;
    worked.token += signed.filter((answer) => answer.ok).length;
    console.log(`round ${round} session: ${session.map((answer) => answer.text).join(' · ')}`);
    console.log(`round ${round} token:   ${signed.map((answer) => answer.text).join(' · ')}`);
  }
  const asked = rounds * 2;
  console.log(`answered: session ${worked.session} of ${asked}, token ${worked.token} of ${asked}`);

  // The payload is readable but not writable: change it and the signature no longer matches.
  const claims = { ...(decodePart(payload) as object), role: 'admin' };
  const forged = `${header}.${encodePart(claims)}.${signature}`;
  const answer = await whoAmI(lb, { authorization: `Bearer ${forged}` });
  console.log(`a forged token (role "admin", old signature): ${answer.text}`);
}

/** GET /me with one credential; says which instance answered and what it said. */
async function whoAmI(lb: URL, credential: Record<string, string>) {
  const response = await fetch(new URL('/me', lb), { headers: credential });
  const { servedBy, user, error } = (await response.json()) as Record<string, string>;
  return { ok: response.ok, text: `${servedBy}: ${response.status} ${user ?? error}` };
}
