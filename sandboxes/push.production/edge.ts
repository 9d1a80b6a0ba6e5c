// A push server ("edge"). Two run from this file, edge-a and edge-b, as two instances behind a load
// balancer would. Each holds its own sockets; the hub carries every message to both.
const ALLOWED_ORIGINS = new Set(['http://reader.test', 'http://carol.test']); // our own pages
const MAX_UNACKED = 4; // a socket this far behind is cut off: the drop policy
const SECRET = 'same-on-every-edge'; // in production, from a secret store shared by all instances

interface Message {
  seq: number;
  symbol: string;
  price: number;
  last: boolean;
}

/** One authenticated socket: who it is and how far behind its acknowledgements are. */
interface Subscriber {
  user: string;
  unacked: number;
  lastSent: number;
  /** Live messages that arrive while the history is being replayed wait here. */
  held?: Message[];
}

const subscribers = new Map<SandboxPeer, Subscriber>();
let downUntil = 0; // during a redeploy this edge refuses sockets and deliveries

export default {
  async fetch(request: Request, env: SandboxEnv): Promise<Response> {
    const { pathname } = new URL(request.url);
    if (request.method !== 'POST') return new Response('POST only', { status: 405 });
    if (pathname === '/login') return login(request);
    if (pathname === '/publish') {
      // Publishing goes through the hub, so subscribers on every edge get it, this one's included.
      return fetch(new URL('/publish', env.hosts.hub), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: await request.text(),
      });
    }
    if (pathname === '/deliver') {
      if (Date.now() < downUntil) return new Response('redeploying', { status: 503 });
      const message = (await request.json().catch(() => null)) as Message | null;
      if (typeof message?.seq !== 'number') {
        return Response.json({ error: 'expected a message from the hub' }, { status: 400 });
      }
      for (const [peer, subscriber] of subscribers) push(peer, subscriber, message);
      return Response.json({ sockets: subscribers.size });
    }
    if (pathname === '/redeploy') {
      // The old process goes away: every socket is closed with 1012, Service Restart.
      const downMs = env.params.redeployMs ?? 1250;
      downUntil = Date.now() + downMs;
      for (const peer of subscribers.keys()) peer.close(1012, 'redeploying');
      subscribers.clear();
      console.warn(`redeploying: down for ${downMs} ms`);
      return new Response(null, { status: 202 });
    }
    return new Response('not found', { status: 404 });
  },

  websocket: {
    // Authentication happens at the upgrade, before the socket gets a single message.
    async open(peer: SandboxPeer, env: SandboxEnv): Promise<void> {
      const origin = peer.headers.get('origin') ?? '(none)';
      if (!ALLOWED_ORIGINS.has(origin)) {
        console.warn(`refused a socket from ${origin}`);
        return peer.close(1008, `origin ${origin} not allowed`);
      }
      if (Date.now() < downUntil) return peer.close(1013, 'redeploying, try again later');
      const user = await verifySession(peer.headers.get('cookie'));
      if (!user) return peer.close(1008, 'log in first');
      const after = Number(peer.url.searchParams.get('after') ?? 0);
      const subscriber: Subscriber = { user, unacked: 0, lastSent: after, held: [] };
      subscribers.set(peer, subscriber);
      console.log(`${user} connected, resuming after #${after}`);
      await replay(peer, subscriber, env);
    },
    message(peer: SandboxPeer, data: string | ArrayBuffer): void {
      // Subscribers only ack; anything but a JSON object is a broken client, closed with 1007,
      // "invalid payload data" (RFC 6455 §7.4.1), or 1003 for binary the edge never accepts.
      if (typeof data !== 'string') return peer.close(1003, 'text frames only');
      const ack = jsonObject(data);
      if (!ack) return peer.close(1007, 'expected JSON like {"type": "ack", "seq": 1}');
      const subscriber = subscribers.get(peer);
      if (subscriber && ack.type === 'ack') subscriber.unacked -= 1;
    },
    close(peer: SandboxPeer): void {
      subscribers.delete(peer);
    },
  },
};

/** Sends what the subscriber missed from the hub's history, then what arrived meanwhile. */
async function replay(peer: SandboxPeer, subscriber: Subscriber, env: SandboxEnv): Promise<void> {
  const after = subscriber.lastSent;
  const response = await fetch(new URL(`/history?after=${after}`, env.hosts.hub));
  if (!response.ok) {
    // The gap is older than the history: the client must reload its state, not trust a stream with a hole.
    subscribers.delete(peer);
    return peer.close(4410, 'history lost: reload');
  }
  const missed = (await response.json()) as Message[];
  const held = subscriber.held ?? [];
  subscriber.held = undefined;
  if (missed.length > 0) console.log(`replaying ${missed.length} to ${subscriber.user}`);
  for (const message of missed) push(peer, subscriber, message, true);
  for (const message of held) push(peer, subscriber, message);
}

/** Writes one message down one socket, unless it was sent already or the socket is too far behind. */
function push(peer: SandboxPeer, subscriber: Subscriber, message: Message, replayed = false): void {
  if (subscriber.held) return void subscriber.held.push(message);
  if (message.seq <= subscriber.lastSent) return; // replay and live copies overlap: send each once
  // A replay is sent whole: the client asked for it, and the history bounds it.
  if (!replayed && subscriber.unacked >= MAX_UNACKED) {
    // Back pressure: nothing here knows how full the socket is, so unacknowledged messages stand in.
    console.warn(`${subscriber.user} has ${subscriber.unacked} unacknowledged: cutting it off`);
    subscribers.delete(peer);
    return peer.close(4008, `too slow: ${subscriber.unacked} unacknowledged`);
  }
  subscriber.unacked += 1;
  subscriber.lastSent = message.seq;
  peer.send(JSON.stringify({ type: 'price', ...message, ...(replayed && { replayed }) }));
}

/** POST /login {"user": "…"}: a signed session cookie any edge can check without shared state. */
async function login(request: Request): Promise<Response> {
  const body = (await request.json().catch(() => null)) as { user?: unknown } | null;
  if (typeof body?.user !== 'string' || !/^[a-z]+$/.test(body.user)) {
    return Response.json({ error: 'expected {"user": "<lowercase name>"}' }, { status: 400 });
  }
  // A real login checks a password; the sandbox trusts the name.
  const value = `${body.user}.${await sign(body.user)}`;
  return new Response(null, {
    status: 204,
    headers: { 'set-cookie': `session=${value}; Path=/; HttpOnly; Max-Age=3600` },
  });
}

async function verifySession(cookie: string | null): Promise<string | undefined> {
  const value = /(?:^|;\s*)session=([a-z]+)\.([\w-]+)/.exec(cookie ?? '');
  if (!value?.[1] || !value[2]) return undefined;
  return (await sign(value[1])) === value[2] ? value[1] : undefined;
}

/** HMAC-SHA-256 of the user name under the shared secret, base64url. */
async function sign(user: string): Promise<string> {
  const encode = (text: string) => new TextEncoder().encode(text);
  const key = await crypto.subtle.importKey(
    'raw',
    encode(SECRET),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, encode(user)));
  return btoa(String.fromCharCode(...mac))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

/** The JSON object a text message holds, or undefined if it is not JSON or not an object. */
function jsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
    return isObject ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
