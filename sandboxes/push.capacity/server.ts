// A push server that counts what its sockets cost it. On a real server each open WebSocket is a
// file descriptor, two kernel buffers and whatever the server keeps about it; this one counts the
// sockets and its own state, and GET /stats prints the bill as one row of a table.
import { HEADER, overLimit, project, row, type Bill } from './costs.ts';

/** What the server keeps per socket: who it is and how far its acknowledgements have come. */
interface Subscriber {
  n: number; // the order it was admitted in
  lastSent: number;
  lastAcked: number;
}

const subscribers = new Map<SandboxPeer, Subscriber>();
const frameBytes = new Map<number, number>(); // seq → bytes of that message's frame payload
let admitted = 0;
let seq = 0;
let acks = 0;
let printedHeader = false;

export default {
  async fetch(request: Request, env: SandboxEnv): Promise<Response> {
    const url = new URL(request.url);
    if (request.method === 'POST' && url.pathname === '/publish') return publish(request);
    if ((request.method === 'GET' || request.method === 'HEAD') && url.pathname === '/stats') {
      // The caller says how many acknowledgements it sent; wait until they have all arrived.
      await settled(Number(url.searchParams.get('acks') ?? 0));
      const bill = measure(env.params.fileLimit ?? 1024);
      // ?project=1000,10000: the same bill for more sockets, in proportion, marked as projected.
      const projected = (url.searchParams.get('project') ?? '')
        .split(',')
        .map(Number)
        .filter((sockets) => Number.isInteger(sockets) && sockets > 0)
        .map((sockets) => project(bill, sockets));
      if (!printedHeader) HEADER.forEach((line) => console.log(line));
      printedHeader = true;
      for (const each of [bill, ...projected]) {
        console.log(row(each));
        const over = overLimit(each);
        if (over) console.warn(over);
      }
      return Response.json({ ...bill, projected });
    }
    return new Response('POST /publish, GET /stats, or a WebSocket to /live', { status: 404 });
  },

  websocket: {
    open(peer: SandboxPeer): void {
      admitted += 1;
      // A new socket owes nothing: it starts at the current seq.
      subscribers.set(peer, { n: admitted, lastSent: seq, lastAcked: seq });
      peer.send(JSON.stringify({ type: 'hello', n: admitted }));
    },
    message(peer: SandboxPeer, data: string | ArrayBuffer): void {
      const subscriber = subscribers.get(peer);
      let ack: unknown;
      try {
        ack = JSON.parse(String(data));
      } catch {
        // Not JSON: handled below with anything else that is not an object.
      }
      // 1007, "invalid payload data" (RFC 6455 §7.4.1): not an ack this protocol knows.
      if (typeof ack !== 'object' || ack === null || Array.isArray(ack)) {
        return peer.close(1007, 'expected JSON like {"type":"ack","seq":1}');
      }
      const { type, seq } = ack as { type?: unknown; seq?: unknown };
      if (!subscriber || type !== 'ack' || typeof seq !== 'number') return;
      subscriber.lastAcked = Math.max(subscriber.lastAcked, Math.min(seq, subscriber.lastSent));
      acks += 1;
    },
    close(peer: SandboxPeer): void {
      subscribers.delete(peer);
    },
  },
};

/** POST /publish {"symbol": "…", "price": 1.5}: one frame down every open socket. */
async function publish(request: Request): Promise<Response> {
  const body = (await request.json().catch(() => null)) as { symbol?: unknown; price?: unknown };
  if (typeof body?.symbol !== 'string' || typeof body.price !== 'number') {
    return Response.json({ error: 'expected {"symbol": "ACME", "price": 1.5}' }, { status: 400 });
  }
  seq += 1;
  const frame = JSON.stringify({ type: 'price', seq, symbol: body.symbol, price: body.price });
  frameBytes.set(seq, new TextEncoder().encode(frame).byteLength);
  for (const [peer, subscriber] of subscribers) {
    peer.send(frame);
    subscriber.lastSent = seq;
  }
  return Response.json({ seq, sockets: subscribers.size });
}

/** Counts what the sockets cost right now. */
function measure(fileLimit: number): Bill {
  let stateBytes = 0;
  let unackedBytes = 0;
  let mostUnacked = 0;
  let behind = 0;
  for (const subscriber of subscribers.values()) {
    // The state, counted as the bytes of its fields; the JavaScript heap adds object overhead.
    stateBytes += JSON.stringify(subscriber).length;
    let unacked = 0;
    for (let n = subscriber.lastAcked + 1; n <= subscriber.lastSent; n++) {
      unacked += frameBytes.get(n) ?? 0;
    }
    unackedBytes += unacked;
    mostUnacked = Math.max(mostUnacked, unacked);
    if (unacked > 0) behind += 1;
  }
  return {
    sockets: subscribers.size,
    // One per socket, and the listening socket; a real process holds more of its own.
    descriptors: subscribers.size + 1,
    fileLimit,
    stateBytes,
    unackedBytes,
    mostUnacked,
    behind,
  };
}

/** Resolves once `expected` acknowledgements have arrived, or after two seconds. */
async function settled(expected: number): Promise<void> {
  for (let waited = 0; acks < expected && waited < 2000; waited += 10) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
