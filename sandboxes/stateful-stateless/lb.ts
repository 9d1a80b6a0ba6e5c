// A round-robin load balancer: each request goes to the next instance in turn. With sticky
// sessions on (param sticky = 1) it pins each client to one instance with a cookie of its own.
let next = 0;

// Headers about one connection, not the message (RFC 9110 §7.6.1: Connection and the fields it
// names, Keep-Alive, TE, Upgrade …; an Expect: 100-continue is answered by each hop), and Host and
// Content-Length, which each hop writes for itself: a proxy does not pass them on.
const HOP_BY_HOP = [
  ...['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding'],
  ...['upgrade', 'expect', 'host', 'content-length'],
];

export default {
  async fetch(request: Request, env: SandboxEnv): Promise<Response> {
    const instances = Object.keys(env.hosts).filter((name) => name.startsWith('app-'));
    const sticky = env.params.sticky === 1;
    const cookie = request.headers.get('cookie') ?? '';
    const pinned = /(?:^|;\s*)lb-pin=([\w-]+)/.exec(cookie)?.[1];
    let instance = sticky && pinned && instances.includes(pinned) ? pinned : undefined;
    if (!instance) {
      instance = instances[next % instances.length] ?? 'app-1';
      next += 1;
    }

    // Forward the request as it came (method, path, headers, body) to the chosen instance.
    const url = new URL(request.url);
    const headers = endToEnd(request.headers);
    headers.delete('cookie'); // lb-pin is ours alone
    const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
    const upstream = await fetch(new URL(url.pathname + url.search, env.hosts[instance]), {
      method: request.method,
      headers,
      body: hasBody ? await request.arrayBuffer() : undefined,
    });

    const back = endToEnd(upstream.headers);
    // A HEAD answer has no body but tells the length GET's would have (RFC 9110 §9.3.2).
    const length = upstream.headers.get('content-length');
    if (request.method === 'HEAD' && length !== null) back.set('content-length', length);
    if (sticky && instance !== pinned) {
      console.log(`pinned this client to ${instance} (Set-Cookie: lb-pin=${instance})`);
      back.append('set-cookie', `lb-pin=${instance}; Path=/; HttpOnly`);
    }
    return new Response(await upstream.arrayBuffer(), { status: upstream.status, headers: back });
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
