// The hub: the backplane between the push servers (Redis pub/sub or NATS in production). It gives
// each published price the next sequence number, keeps the recent ones for replay, and hands every
// message to every edge, whichever edge it was published on.
const HISTORY = 100; // how many recent messages a reconnecting client can resume from

interface Message {
  seq: number;
  symbol: string;
  price: number;
  last: boolean;
}

const history: Message[] = []; // oldest first
let seq = 0;

export default {
  async fetch(request: Request, env: SandboxEnv): Promise<Response> {
    const url = new URL(request.url);
    if (request.method === 'POST' && url.pathname === '/publish') return publish(request, env);
    const reads = request.method === 'GET' || request.method === 'HEAD';
    if (reads && url.pathname === '/history') {
      // Replay lives here, not in an edge: a client may come back to another edge, or to a new one.
      const after = Number(url.searchParams.get('after') ?? 0);
      const oldest = history[0]?.seq ?? seq + 1;
      if (after < oldest - 1) {
        return Response.json({ error: `history starts at #${oldest}` }, { status: 410 });
      }
      return Response.json(history.filter((message) => message.seq > after));
    }
    return new Response('POST /publish or GET /history?after=<seq>', { status: 404 });
  },
};

/** Numbers a message, keeps it, and fans it out to every edge; answers with what each edge said. */
async function publish(request: Request, env: SandboxEnv): Promise<Response> {
  const body = (await request.json().catch(() => null)) as Partial<Message> | null;
  if (typeof body?.symbol !== 'string' || typeof body.price !== 'number') {
    return Response.json({ error: 'expected {"symbol": "…", "price": 1.5}' }, { status: 400 });
  }
  seq += 1;
  const message: Message = {
    seq,
    symbol: body.symbol,
    price: body.price,
    last: body.last === true,
  };
  history.push(message);
  if (history.length > HISTORY) history.shift();
  const edges = Object.keys(env.hosts).filter((name) => name.startsWith('edge'));
  const answers = await Promise.all(
    edges.map(async (name) => {
      const response = await fetch(new URL('/deliver', env.hosts[name]), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(message),
      }).catch(() => undefined);
      // An edge that is down misses the live copy; its clients resume from the history above.
      if (!response?.ok) return [name, `unavailable (${response?.status ?? 'no answer'})`];
      const { sockets } = (await response.json()) as { sockets: number };
      return [name, `${sockets} socket${sockets === 1 ? '' : 's'}`];
    }),
  );
  return Response.json({ seq, edges: Object.fromEntries(answers) });
}
