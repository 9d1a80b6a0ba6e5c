// One way to pass "Take a draining instance out of rotation": a 503 takes the instance out and the
// request goes to the next one (the 503 says the work was never started, so a retry is safe);
// before an instance gets traffic again, its GET /ready must say 200.
let next = 0;
const out = new Set<string>(); // instances that said 503, until /ready says otherwise

// Headers about one connection, not the message (RFC 9110 §7.6.1), and Host and Content-Length,
// which each hop writes for itself.
const HOP_BY_HOP = [
  ...['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding'],
  ...['upgrade', 'expect', 'host', 'content-length'],
];

export default {
  async fetch(request: Request, env: SandboxEnv): Promise<Response> {
    const instances = Object.keys(env.hosts).filter((name) => name.startsWith('app-'));
    const url = new URL(request.url);
    const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
    const body = hasBody ? await request.arrayBuffer() : undefined;
    for (let tries = 0; tries < instances.length; tries++) {
      const instance = instances[next++ % instances.length] ?? 'app-1';
      if (out.has(instance)) {
        const ready = await fetch(new URL('/ready', env.hosts[instance])).catch(() => undefined);
        if (ready?.status !== 200) continue;
        out.delete(instance);
        console.log(`${instance} is ready again: back in rotation`);
      }
      try {
        const upstream = await fetch(new URL(url.pathname + url.search, env.hosts[instance]), {
          method: request.method,
          headers: endToEnd(request.headers),
          body,
        });
        if (upstream.status === 503) {
          out.add(instance);
          console.log(`${instance} answered 503: out of rotation, trying the next instance`);
          continue;
        }
        const headers = endToEnd(upstream.headers);
        return new Response(await upstream.arrayBuffer(), { status: upstream.status, headers });
      } catch {
        console.warn(`${instance} dropped the connection: 502 to the client`);
        return Response.json({ error: `${instance} went away mid-request` }, { status: 502 });
      }
    }
    return Response.json({ error: 'no instance is ready' }, { status: 503 });
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
