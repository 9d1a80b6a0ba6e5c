import { createHmac } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { runSandboxInNode, type HarnessResult } from '#harness';
import type { TraceEvent } from '#trace/events';
import { traceSignature } from '#trace/signature';
import { createApp } from './app.ts';
import { decodePart, encodePart } from './token.ts';

const dir = fileURLToPath(new URL('./', import.meta.url));
/** The key app.ts signs with; the test checks signatures with node:crypto, not with token.ts. */
const SECRET = 'the key every instance shares';

type Request = Extract<TraceEvent, { kind: 'request' }>;
type Response = Extract<TraceEvent, { kind: 'response' }>;
const header = (list: Array<[string, string]> | undefined, name: string) =>
  list?.find(([key]) => key.toLowerCase() === name)?.[1];

/** Each request the client sent to the lb, with the hop the lb made for it and both answers. */
function hops(run: HarnessResult) {
  const requests = run.trace.filter((event): event is Request => event.kind === 'request');
  const responseTo = (request: Request | undefined) =>
    run.trace.find(
      (event): event is Response =>
        event.kind === 'response' && event.exchange === request?.exchange,
    );
  const outer = requests.filter((request) => request.from === 'client');
  const inner = requests.filter((request) => request.from === 'lb');
  expect(inner).toHaveLength(outer.length);
  return outer.map((request, i) => {
    const forwarded = inner[i];
    const credential = header(request.headers, 'session-id')
      ? 'session'
      : header(request.headers, 'authorization')
        ? 'token'
        : 'none';
    return {
      line: `${request.method} ${new URL(request.url).pathname} [${credential}] → ${forwarded?.to} → ${responseTo(request)?.status}`,
      request,
      response: responseTo(request),
      forwarded,
      upstream: responseTo(forwarded),
    };
  });
}

/** Runs a copy of the sandbox whose params default to `params` (the harness uses the defaults). */
async function runWithParams(params: Record<string, number>): Promise<HarnessResult> {
  const copy = await mkdtemp(join(tmpdir(), 'stateful-stateless-'));
  try {
    await cp(dir, copy, { recursive: true, filter: (file) => !file.endsWith('.test.ts') });
    const manifest = JSON.parse(await readFile(join(copy, 'sandbox.json'), 'utf8')) as {
      params: Record<string, { default: number }>;
    };
    for (const [name, value] of Object.entries(params)) {
      const param = manifest.params[name];
      if (param) param.default = value;
    }
    await writeFile(join(copy, 'sandbox.json'), JSON.stringify(manifest));
    return await runSandboxInNode(copy);
  } finally {
    await rm(copy, { recursive: true, force: true });
  }
}

const ROUND = [
  'GET /me [session] → app-2 → 401',
  'GET /me [session] → app-1 → 200',
  'GET /me [token] → app-2 → 200',
  'GET /me [token] → app-1 → 200',
];

describe('stateful vs stateless over real sockets (round robin)', () => {
  let run: HarnessResult;
  const linesOf = (host: string) =>
    run.logs.filter((line) => line.host === host).map((line) => line.text);

  beforeAll(async () => {
    run = await runSandboxInNode(dir);
  }, 20_000);

  it('runs cleanly: no error-level output', () => {
    expect(run.logs.filter((line) => line.level === 'error')).toEqual([]);
  });

  it('the lb sends each request to the next instance in turn, and the session works only where it was made', () => {
    expect(hops(run).map((hop) => hop.line)).toEqual([
      'POST /login [none] → app-1 → 200',
      ...ROUND,
      ...ROUND,
      ...ROUND,
      ...ROUND,
      'GET /me [token] → app-2 → 401',
    ]);
  });

  it('forwards the credential unchanged: app-2 got the session id and still did not know it', () => {
    const sessionHops = hops(run).filter((hop) => hop.line.includes('[session]'));
    const sessionId = header(sessionHops[0]?.request.headers, 'session-id');
    expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);
    for (const hop of sessionHops) {
      expect(header(hop.forwarded?.headers, 'session-id')).toBe(sessionId);
    }
    expect(linesOf('app-2')).toEqual(
      Array(4).fill(`session ${sessionId?.slice(0, 8)}…? not in app-2's memory`),
    );
    const refused = sessionHops.find((hop) => hop.response?.status === 401);
    expect(header(refused?.response?.headers, 'www-authenticate')).toBe('Bearer');
  });

  it('issues a real HS256 JWT: base64url header.payload.signature, verified here with node:crypto', () => {
    const tokenHop = hops(run).find((hop) => hop.line.includes('[token]'));
    const token = /^Bearer (.+)$/.exec(
      header(tokenHop?.request.headers, 'authorization') ?? '',
    )?.[1];
    const [head = '', payload = '', signature = ''] = (token ?? '').split('.');
    for (const part of [head, payload, signature]) expect(part).toMatch(/^[A-Za-z0-9_-]+$/);
    const json = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    expect(json(head)).toEqual({ alg: 'HS256', typ: 'JWT' });
    const claims = json(payload) as { sub: string; role: string; iat: number; exp: number };
    expect(claims).toMatchObject({ sub: 'alice', role: 'customer' });
    expect(claims.exp - claims.iat).toBe(900);
    expect(Math.abs(claims.iat - Date.now() / 1000)).toBeLessThan(60);
    const expected = createHmac('sha256', SECRET).update(`${head}.${payload}`).digest('base64url');
    expect(signature).toBe(expected);
    // The client prints what the token carries: the decoded header and payload.
    expect(linesOf('client').slice(1, 3)).toEqual([
      'token header:  {"alg":"HS256","typ":"JWT"}',
      `token payload: ${JSON.stringify(claims)}`,
    ]);
  });

  it('tells the story in the console: login, "who are you?" on app-2, the token everywhere, a forgery refused', () => {
    expect(linesOf('client')).toEqual([
      expect.stringMatching(/^logged in on app-1: session id [0-9a-f]{8}… and a signed token$/),
      expect.stringMatching(/^token header: /),
      expect.stringMatching(/^token payload: /),
      ...[1, 2, 3, 4].flatMap((round) => [
        `round ${round} session: app-2: 401 who are you? · app-1: 200 alice`,
        `round ${round} token:   app-2: 200 alice · app-1: 200 alice`,
      ]),
      'answered: session 4 of 8, token 8 of 8',
      'a forged token (role "admin", old signature): app-2: 401 the signature does not match',
    ]);
    expect(linesOf('app-1')).toEqual([
      expect.stringMatching(/^session [0-9a-f]{8}… for alice, kept in app-1's memory$/),
    ]);
  });

  it('the client idles between rounds (the moment for the restart test)', () => {
    const logins = hops(run);
    const roundStarts = [1, 5, 9, 13].map((i) => logins[i]?.request.t ?? 0);
    for (let i = 1; i < roundStarts.length; i++) {
      expect((roundStarts[i] ?? 0) - (roundStarts[i - 1] ?? 0)).toBeGreaterThanOrEqual(999);
    }
  });

  it('has the exchanges per client that the page must reproduce', () => {
    const round = [
      'client → lb GET /me → 401',
      'client → lb GET /me → 200',
      'client → lb GET /me → 200',
      'client → lb GET /me → 200',
    ];
    const hop = (to: string, status: number) => `lb → ${to} GET /me → ${status}`;
    const upstream = [hop('app-2', 401), hop('app-1', 200), hop('app-2', 200), hop('app-1', 200)];
    expect(traceSignature(run.trace)).toEqual([
      'client → lb POST /login → 200',
      ...round,
      ...round,
      ...round,
      ...round,
      'client → lb GET /me → 401',
      'lb → app-1 POST /login → 200',
      ...upstream,
      ...upstream,
      ...upstream,
      ...upstream,
      hop('app-2', 401),
    ]);
  });
});

describe('sticky sessions over real sockets (sticky = 1)', () => {
  let run: HarnessResult;

  beforeAll(async () => {
    run = await runWithParams({ sticky: 1, rounds: 2, pauseMs: 250 });
  }, 20_000);

  it('pins the client to app-1 with a cookie of the lb: now the session works on every request', () => {
    expect(run.logs.filter((line) => line.level === 'error')).toEqual([]);
    const all = hops(run);
    expect(all.map((hop) => hop.line)).toEqual([
      'POST /login [none] → app-1 → 200',
      'GET /me [session] → app-1 → 200',
      'GET /me [session] → app-1 → 200',
      'GET /me [token] → app-1 → 200',
      'GET /me [token] → app-1 → 200',
      'GET /me [session] → app-1 → 200',
      'GET /me [session] → app-1 → 200',
      'GET /me [token] → app-1 → 200',
      'GET /me [token] → app-1 → 200',
      'GET /me [token] → app-1 → 401',
    ]);
    // The lb sets its cookie once; the client's cookie jar sends it back on every later request.
    expect(header(all[0]?.response?.headers, 'set-cookie')).toBe('lb-pin=app-1; Path=/; HttpOnly');
    for (const hop of all.slice(1)) {
      expect(header(hop.request.headers, 'cookie')).toBe('lb-pin=app-1');
      expect(header(hop.response?.headers, 'set-cookie')).toBeUndefined();
    }
    // The pin is the lb's business: it is not forwarded to the instances.
    for (const hop of all) expect(header(hop.forwarded?.headers, 'cookie')).toBeUndefined();
    const client = run.logs.filter((line) => line.host === 'client').map((line) => line.text);
    expect(client).toContain('answered: session 4 of 4, token 4 of 4');
    expect(run.logs.filter((line) => line.host === 'lb').map((line) => line.text)).toEqual([
      'pinned this client to app-1 (Set-Cookie: lb-pin=app-1)',
    ]);
  });
});

describe('one instance on its own: the restart test', () => {
  const login = (app: ReturnType<typeof createApp>) =>
    app.fetch(
      new Request('http://app-1.test/login', {
        method: 'POST',
        body: JSON.stringify({ user: 'alice', password: 'wonderland' }),
      }),
    );
  const me = (app: ReturnType<typeof createApp>, headers: Record<string, string>) =>
    app.fetch(new Request('http://app-1.test/me', { headers }));

  beforeEach(() => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    vi.spyOn(console, 'warn').mockImplementation(() => {});
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('after a restart (a fresh instance, as "Restart app-1" makes), the session is gone and the token still works', async () => {
    const before = createApp('app-1');
    const { sessionId, token } = (await (await login(before)).json()) as Record<string, string>;
    expect((await me(before, { 'session-id': sessionId ?? '' })).status).toBe(200);

    const restarted = createApp('app-1');
    const session = await me(restarted, { 'session-id': sessionId ?? '' });
    expect(session.status).toBe(401);
    expect(await session.json()).toEqual({ servedBy: 'app-1', error: 'who are you?' });
    const signed = await me(restarted, { authorization: `Bearer ${token}` });
    expect(await signed.json()).toEqual({ servedBy: 'app-1', user: 'alice', by: 'token' });
  });

  it('refuses a wrong password, no credentials, forged, unsigned and expired tokens', async () => {
    vi.useFakeTimers();
    const app = createApp('app-2');
    const wrong = await app.fetch(
      new Request('http://app-2.test/login', {
        method: 'POST',
        body: JSON.stringify({ user: 'alice', password: 'guess' }),
      }),
    );
    expect(wrong.status).toBe(401);
    const { token = '' } = (await (await login(app)).json()) as Record<string, string>;
    const [head = '', payload = '', signature = ''] = token.split('.');
    const error = async (headers: Record<string, string>) => {
      const response = await me(app, headers);
      expect(response.status).toBe(401);
      return ((await response.json()) as { error: string }).error;
    };
    expect(await error({})).toBe('no credentials');
    expect(await error({ authorization: 'Bearer nonsense' })).toBe('not a token');
    const admin = encodePart({ ...(decodePart(payload) as object), role: 'admin' });
    expect(await error({ authorization: `Bearer ${head}.${admin}.${signature}` })).toBe(
      'the signature does not match',
    );
    const none = encodePart({ alg: 'none', typ: 'JWT' });
    expect(await error({ authorization: `Bearer ${none}.${payload}.${signature}` })).toBe(
      'unexpected algorithm',
    );
    vi.advanceTimersByTime(901_000);
    expect(await error({ authorization: `Bearer ${token}` })).toBe('the token has expired');
  });

  it('answers other paths with 404', async () => {
    const response = await createApp('app-1').fetch(new Request('http://app-1.test/cart'));
    expect(response.status).toBe(404);
  });
});
