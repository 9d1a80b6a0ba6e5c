// The application, run as two instances (app-1.ts and app-2.ts). POST /login returns two kinds of
// credential; GET /me answers "who am I?" with whichever one the request carries.
import { sign, verify } from './token.ts';

// Every instance is configured with the same signing key, so any of them can check any token.
const SECRET = 'the key every instance shares';
const PASSWORDS: Record<string, string> = { alice: 'wonderland' };

export function createApp(name: string) {
  // Stateful: session id → user, in this instance's memory. A restart or another instance: gone.
  const sessions = new Map<string, string>();
  const answer = (status: number, body: object) =>
    Response.json({ servedBy: name, ...body }, status === 401 ? unauthorized : { status });

  return {
    async fetch(request: Request): Promise<Response> {
      const { pathname } = new URL(request.url);
      if (pathname === '/login' && request.method === 'POST') {
        const body = (await request.json().catch(() => null)) as Record<string, unknown> | null;
        const { user, password } = body ?? {};
        if (typeof user !== 'string' || typeof password !== 'string') {
          return answer(400, { error: 'expected JSON like {"user": "alice", "password": "…"}' });
        }
        if (PASSWORDS[user] !== password) return answer(401, { error: 'wrong password' });
        const sessionId = crypto.randomUUID();
        sessions.set(sessionId, user);
        console.log(`session ${sessionId.slice(0, 8)}… for ${user}, kept in ${name}'s memory`);
        // Stateless: the token carries who the user is and until when, signed so it cannot be forged.
        const iat = Math.floor(Date.now() / 1000);
        const token = await sign({ sub: user, role: 'customer', iat, exp: iat + 900 }, SECRET);
        return answer(200, { sessionId, token });
      }
      if (pathname !== '/me') return answer(404, { error: 'not found' });

      const sessionId = request.headers.get('session-id');
      if (sessionId !== null) {
        const user = sessions.get(sessionId);
        if (user) return answer(200, { user, by: 'session' });
        console.warn(`session ${sessionId.slice(0, 8)}…? not in ${name}'s memory`);
        return answer(401, { error: 'who are you?' });
      }
      const bearer = /^Bearer (.+)$/.exec(request.headers.get('authorization') ?? '')?.[1];
      const claims = bearer ? await verify(bearer, SECRET) : 'no credentials';
      if (typeof claims === 'string') return answer(401, { error: claims });
      return answer(200, { user: claims.sub, by: 'token' }); // no lookup: the request says it all
    },
  };
}

// A 401 names the way to authenticate (RFC 9110).
const unauthorized = { status: 401, headers: { 'www-authenticate': 'Bearer' } };
