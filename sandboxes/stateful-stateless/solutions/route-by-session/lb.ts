// A round-robin load balancer: each request goes to the next instance in turn, except a request
// with a session id, which goes to the instance named at the end of that id (like Tomcat's
// jvmRoute). With sticky sessions on (param sticky = 1) it pins each client with a cookie.
let next = 0;

// Headers about one connection, not the message (RFC 9110 calls them hop-by-hop), and Host and
// Content-Length, which each hop writes for itself: a proxy does not pass them on.
const HOP_BY_HOP = ['connection', 'keep-alive', 'transfer-encoding', 'host', 'content-length'];

export default {
  async fetch(request: Request, env: SandboxEnv): Promise<Response> {
    const instances = Object.keys(env.hosts).filter((name) => name.startsWith('app-'));
    const sticky = env.params.sticky === 1;
    const cookie = request.headers.get('cookie') ?? '';
    const pinned = /(?:^|;\s*)lb-pin=([\w-]+)/.exec(cookie)?.[1];
    const route = request.headers.get('session-id')?.split('.').pop();
    let instance = route && instances.includes(route) ? route : undefined;
    if (!instance && sticky && pinned && instances.includes(pinned)) instance = pinned;
    if (!instance) {
      instance = instances[next % instances.length] ?? 'app-1';
      next += 1;
    }

    // Forward the request as it came (method, path, headers, body) to the chosen instance.
    const url = new URL(request.url);
    const headers = new Headers(request.headers);
    for (const name of [...HOP_BY_HOP, 'cookie']) headers.delete(name); // lb-pin is ours alone
    const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
    const upstream = await fetch(new URL(url.pathname + url.search, env.hosts[instance]), {
      method: request.method,
      headers,
      body: hasBody ? await request.arrayBuffer() : undefined,
    });

    const back = new Headers(upstream.headers);
    for (const name of HOP_BY_HOP) back.delete(name);
    if (sticky && instance !== pinned) {
      console.log(`pinned this client to ${instance} (Set-Cookie: lb-pin=${instance})`);
      back.append('set-cookie', `lb-pin=${instance}; Path=/; HttpOnly`);
    }
    return new Response(await upstream.arrayBuffer(), { status: upstream.status, headers: back });
  },
};
