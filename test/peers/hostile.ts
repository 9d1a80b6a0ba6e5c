/**
 * Hostile input for the peer suite: what a careless or malicious client sends a route (a body that
 * is not the JSON expected, the wrong content type, a garbage bearer token, nonsense in a header
 * the code reads, a query it cannot parse) and a WebSocket (a message that is not the protocol's).
 * A correct server answers 4xx or closes the socket with a protocol error; it never answers 5xx or
 * logs an exception. Sent with Node's fetch and the `ws` client, neither written here.
 */
import WebSocket from 'ws';
import type { Route } from './routes.ts';

export interface Probe {
  /** What is hostile about it, in a few words. */
  what: string;
  method: string;
  target: string;
  headers: Record<string, string>;
  body?: string;
}

/** Where to aim probes: a host, a method and a path with its query. */
export type Aim = Pick<Route, 'host' | 'method' | 'target' | 'body'>;

/** Bodies that are not the object a JSON route expects, or not JSON at all. */
function hostileBodies(demo?: Route['body']): Array<[what: string, type: string, body: string]> {
  const bodies: Array<[string, string, string]> = [
    ['malformed JSON', 'application/json', '{"this is": not JSON'],
    ['JSON null', 'application/json', 'null'],
    ['a JSON array', 'application/json', '[]'],
    ['a JSON number', 'application/json', '42'],
    ['a JSON string', 'application/json', '"text"'],
    ['an empty JSON object', 'application/json', '{}'],
    ['an empty body said to be JSON', 'application/json', ''],
    ['a form where JSON is expected', 'application/x-www-form-urlencoded', 'a=1&b=2'],
    ['JSON sent as text/plain', 'text/plain', demo?.text ?? '{}'],
  ];
  const fields = demoFields(demo);
  if (fields) {
    const each = (value: unknown) =>
      JSON.stringify(Object.fromEntries(fields.map((k) => [k, value])));
    bodies.push(['the demo’s fields, each null', 'application/json', each(null)]);
    bodies.push(['the demo’s fields, each a string', 'application/json', each('x')]);
    bodies.push(['the demo’s fields, each an array', 'application/json', each([])]);
  }
  return bodies;
}

/** Credentials that are no credentials: not a JWT, a JWT of non-JSON or JSON null parts, … */
const HOSTILE_AUTHORIZATION = [
  'Bearer a.b.c',
  'Bearer bm90IGpzb24.x.y', // "not json" in the header part
  'Bearer bnVsbA.bnVsbA.bnVsbA', // every part decodes to JSON null
  'Bearer WzFd.WzFd.WzFd', // every part decodes to [1]
  'Bearer eyJhbGciOiJub25lIn0.e30.', // alg none, no signature
  'Bearer %%%.***.!!!',
  'Bearer',
  'Basic Og==',
];

/** Values no header a chapter reads should make it crash. */
const HOSTILE_HEADER_VALUES = ['garbage', '', '-1', '99999999999999999999', 'a.b.c', 'v1,%%%'];

/** Headers a client cannot set, or whose garbage would break the framing rather than the code. */
const NOT_PROBED = new Set(['connection', 'content-length', 'content-type', 'host', 'upgrade']);

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Gets a hostile body past a route's authentication to its parser: headers for that body. */
export type Authenticate = (
  body: string,
) => Record<string, string> | Promise<Record<string, string>>;

/**
 * Every hostile request for `aim`: bodies if its method carries one, garbage credentials, garbage
 * in each header in `readHeaders` (one at a time and all at once), and garbage for each query
 * parameter. `authenticate` adds what gets a body past the route's authentication (a signature).
 *
 * @example
 * (await hostileProbes({ host: 'server', method: 'POST', target: '/uploads' }, [])).length; // 18
 */
export async function hostileProbes(
  aim: Aim,
  readHeaders: string[],
  authenticate: Authenticate = () => ({}),
): Promise<Probe[]> {
  const { method, target } = aim;
  const probes: Probe[] = [];
  const demo: Record<string, string> = aim.body ? { 'content-type': aim.body.type } : {};
  const body = aim.body?.text;
  const add = async (what: string, headers: Record<string, string>, sent = body, garbage = {}) =>
    probes.push({
      what,
      method,
      target,
      body: sent,
      // The garbage replaces what authenticate() would have set for the same header.
      headers: { ...headers, ...(await authenticate(sent ?? '')), ...garbage },
    });
  if (BODY_METHODS.has(method)) {
    for (const [what, type, sent] of hostileBodies(aim.body)) {
      await add(what, { 'content-type': type }, sent);
    }
    const gzip = { 'content-type': 'application/json', 'content-encoding': 'gzip' };
    await add('a body said to be gzip that is not', gzip, 'not gzip');
  }
  for (const authorization of HOSTILE_AUTHORIZATION) {
    probes.push({
      what: `Authorization: ${authorization}`,
      method,
      target,
      body,
      headers: { ...demo, authorization },
    });
  }
  const names = readHeaders.filter((header) => !NOT_PROBED.has(header));
  for (const value of HOSTILE_HEADER_VALUES) {
    for (const name of names) await add(`${name}: ${value}`, demo, body, { [name]: value });
    const all = Object.fromEntries(names.map((name) => [name, value]));
    if (names.length > 1) await add(`every header it reads: ${value}`, demo, body, all);
  }
  const url = new URL(target, 'http://any');
  for (const value of url.search === '' ? [] : ['x', '-1', '1e999']) {
    for (const name of url.searchParams.keys()) url.searchParams.set(name, value);
    probes.push({
      what: `every query parameter ${value}`,
      method,
      target: url.pathname + url.search,
      body,
      headers: { ...demo },
    });
  }
  return probes;
}

/** The top-level keys of the demo's JSON object body, if it had one. */
function demoFields(demo?: Route['body']): string[] | undefined {
  if (!demo || !/json/i.test(demo.type)) return undefined;
  try {
    const value: unknown = JSON.parse(demo.text);
    if (value && typeof value === 'object' && !Array.isArray(value)) return Object.keys(value);
  } catch {
    // not JSON after all
  }
  return undefined;
}

export interface ProbeResult {
  probe: Probe;
  /** The status, 'no answer yet' when a held request outlived the wait, or why fetch failed. */
  outcome: number | 'no answer yet' | string;
}

/**
 * Sends each probe to `origin` with Node's fetch, all at once, and waits up to `waitMs` for each
 * status (a held poll or a stream counts from its first byte: the status is all that matters).
 */
export async function sendProbes(
  origin: URL,
  probes: Probe[],
  waitMs = 2000,
): Promise<ProbeResult[]> {
  return Promise.all(
    probes.map(async (probe): Promise<ProbeResult> => {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), waitMs);
      try {
        const response = await fetch(new URL(probe.target, origin), {
          method: probe.method,
          headers: probe.headers,
          body: probe.body,
          signal: controller.signal,
        });
        await response.body?.cancel();
        return { probe, outcome: response.status };
      } catch (error) {
        if (controller.signal.aborted) return { probe, outcome: 'no answer yet' };
        const cause = (error as { cause?: unknown }).cause;
        return { probe, outcome: `fetch failed: ${String(cause ?? error)}` };
      } finally {
        clearTimeout(timer);
      }
    }),
  );
}

/** Messages that are not a JSON object, the only thing any chapter's socket protocol accepts. */
export const HOSTILE_MESSAGES: Array<[what: string, data: string | Uint8Array]> = [
  ['text that is not JSON', 'not json'],
  ['JSON null', 'null'],
  ['a JSON array', '[]'],
  ['a JSON number', '42'],
  ['a JSON string', '"text"'],
  ['a binary frame', new Uint8Array([0xff, 0x00, 0xfe])],
];

/**
 * Opens a WebSocket (with `headers` for its handshake) and makes sure the host kept it (a ping
 * answered after its open hook had time to refuse it), then sends `data` and reports what the host
 * did: `closed <code> <reason>`, or 'still open' if a ping half a second later came back. A socket
 * the host refused reports `refused: closed <code> <reason>`.
 */
export function sendHostileMessage(
  target: string,
  data: string | Uint8Array,
  headers: Record<string, string> = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(target, { headers });
    let sent = false;
    const ping = () => {
      if (socket.readyState === WebSocket.OPEN) socket.ping();
    };
    socket.on('open', () => setTimeout(ping, 300));
    socket.on('pong', () => {
      if (sent) {
        resolve('still open');
        socket.close(1000, 'peer test done');
        return;
      }
      sent = true;
      socket.send(data, { binary: typeof data !== 'string' });
      setTimeout(ping, 500);
    });
    socket.on('close', (code, reason) =>
      resolve(`${sent ? '' : 'refused: '}closed ${code} ${reason.toString()}`),
    );
    socket.on('error', reject);
  });
}
