// A push server. Subscribers open a WebSocket once and keep it open; when the newsroom POSTs a
// notification, the server writes it down every open socket at once. Nobody asked for it.
const HEARTBEAT_MS = 1000; // ping everyone this often; no pong before the next ping = gone

/** Who is online, and which ping each one still owes us a pong for. */
const subscribers = new Map<SandboxPeer, { name: string; unanswered?: number }>();
let seq = 0; // every notification gets the next number, so a client can spot a gap
let pings = 0;
let heartbeat: ReturnType<typeof setInterval> | undefined;
let signedOff = false;

export default {
  async fetch(request: Request): Promise<Response> {
    if (request.method !== 'POST' || new URL(request.url).pathname !== '/notify') {
      return new Response('POST /notify, or open a WebSocket to /notifications', { status: 404 });
    }
    // A body that is not the JSON we expect is the sender's mistake: 400 and why, not a crash.
    const body = (await request.json().catch(() => null)) as {
      text?: unknown;
      last?: unknown;
    } | null;
    if (typeof body?.text !== 'string') {
      return Response.json(
        { error: 'expected JSON like {"text": "…", "last": false}' },
        { status: 400 },
      );
    }
    const { text } = body;
    const last = body.last === true;
    seq += 1;
    const frame = JSON.stringify({ type: 'notification', seq, text, last, sentAt: Date.now() });
    // The broadcast: one write per open socket. Whoever is not connected right now gets nothing.
    const deliveredTo: string[] = [];
    for (const [peer, { name }] of subscribers) {
      peer.send(frame);
      deliveredTo.push(name);
    }
    signedOff = last; // after the last one, nothing more is coming: late subscribers are turned away
    return Response.json({ seq, deliveredTo });
  },

  websocket: {
    open(peer: SandboxPeer): void {
      if (signedOff) return peer.close(1000, 'the newsroom has signed off');
      const name = peer.url.searchParams.get('name') ?? peer.id;
      subscribers.set(peer, { name });
      console.log(`${name} subscribed (${subscribers.size} online)`);
      heartbeat ??= setInterval(beat, HEARTBEAT_MS);
    },
    message(peer: SandboxPeer, data: string | ArrayBuffer): void {
      // Subscribers only answer pings; anything but a JSON object is a broken client, closed with
      // 1007, "invalid payload data" (RFC 6455 §7.4.1), or 1003 for binary it never accepts.
      if (typeof data !== 'string') return peer.close(1003, 'text frames only');
      const message = jsonObject(data);
      if (!message) return peer.close(1007, 'expected JSON like {"type": "pong", "n": 1}');
      const subscriber = subscribers.get(peer);
      if (subscriber && message.type === 'pong' && subscriber.unanswered === message.n) {
        subscriber.unanswered = undefined;
      }
    },
    close(peer: SandboxPeer, code: number, reason: string): void {
      const subscriber = subscribers.get(peer);
      if (subscriber) console.log(`${subscriber.name} left (${code} ${reason})`);
      forget(peer);
    },
  },
};

// The heartbeat: an app-level ping each subscriber must answer before the next one. It keeps quiet
// connections from being cut as idle, and finds subscribers that vanished without a close frame
// or are too busy to answer, so the server stops pushing into a socket nobody reads.
function beat(): void {
  pings += 1;
  const pinged: string[] = [];
  for (const [peer, subscriber] of subscribers) {
    if (subscriber.unanswered !== undefined) {
      console.warn(`${subscriber.name} never answered ping ${subscriber.unanswered}: closing`);
      forget(peer, 4001, `no pong to ping ${subscriber.unanswered}`);
      continue;
    }
    subscriber.unanswered = pings;
    peer.send(JSON.stringify({ type: 'ping', n: pings }));
    pinged.push(subscriber.name);
  }
  if (pinged.length > 0) console.log(`ping ${pings} → ${pinged.join(', ')}`);
}

/** Drops a subscriber (closing its socket when a code is given); no subscribers, no heartbeat. */
function forget(peer: SandboxPeer, code?: number, reason?: string): void {
  if (code !== undefined) peer.close(code, reason);
  subscribers.delete(peer);
  if (subscribers.size > 0) return;
  clearInterval(heartbeat);
  heartbeat = undefined;
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
