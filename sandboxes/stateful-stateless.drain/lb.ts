// A round-robin load balancer that passes each request to the next instance. It knows nothing of
// readiness: a draining instance's 503 goes straight back to the client (the exercise changes that).
let next = 0;

// Headers about one connection, not the message (RFC 9110 §7.6.1), and Host and Content-Length,
// which each hop writes for itself.
const HOP_BY_HOP = [
  ...['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding'],
  ...['upgrade', 'expect', 'host', 'content-length'],
];

export default {
  async fetch(request: Request, env: SandboxEnv): Promise<Response> {
    const instances = Object.keys(env.hosts).filter((name) => name.startsWith('app-'));
    const instance = instances[next++ % instances.length] ?? 'app-1';
    const url = new URL(request.url);
    const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
    const body = hasBody ? await request.arrayBuffer() : undefined;
    try {
      const upstream = await fetch(new URL(url.pathname + url.search, env.hosts[instance]), {
        method: request.method,
        headers: endToEnd(request.headers),
        body,
      });
      const headers = endToEnd(upstream.headers);
      // A HEAD answer has no body but tells the length GET's would have (RFC 9110 §9.3.2).
      const length = upstream.headers.get('content-length');
      if (request.method === 'HEAD' && length !== null) headers.set('content-length', length);
      return new Response(await upstream.arrayBuffer(), { status: upstream.status, headers });
    } catch {
      // The connection dropped mid-request: whether the work was done, nobody here can tell.
      console.warn(`${instance} dropped the connection: 502 to the client`);
      return Response.json({ error: `${instance} went away mid-request` }, { status: 502 });
    }
  },
};

/** The headers a proxy passes on: all but the hop-by-hop ones, and those that Connection names. */
function endToEnd(headers: Headers): Headers {
  const named = (headers.get('connection') ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase());
  const kept = new Headers(headers);
  for (const name of [...HOP_BY_HOP, ...named]) if (name) kept.delete(name);
  return kept;
}
