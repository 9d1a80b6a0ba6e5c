// A reverse proxy in front of the server, with an idle timeout like nginx's proxy_read_timeout or a
// load balancer's (60 s by default in both). If the upstream sends nothing for that long, the proxy
// gives up on it and answers 504 Gateway Timeout itself. A held poll is silent by design, so the
// server must end every hold before the shortest idle timeout on the path. An upstream it cannot
// reach at all is a different failure: 502 Bad Gateway, at once.

// Headers about one connection, not the message (RFC 9110 §7.6.1: Connection and the fields it
// names, Keep-Alive, TE, Upgrade …; an Expect: 100-continue is answered by each hop), and Host and
// Content-Length, which each hop writes for itself: a proxy does not pass them on.
const HOP_BY_HOP = [
  ...['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding'],
  ...['upgrade', 'expect', 'host', 'content-length'],
];

export default {
  async fetch(request: Request, env: SandboxEnv): Promise<Response> {
    const url = new URL(request.url);
    const idleMs = env.params.proxyIdleTimeoutMs ?? 10_000;
    const upstream = new AbortController();
    let silent = false; // the idle timeout, rather than a refused connection, ended the request
    const timer = setTimeout(() => {
      silent = true;
      upstream.abort();
    }, idleMs);
    // A client that hangs up also frees the upstream request.
    request.signal.addEventListener('abort', () => upstream.abort());
    const headers = endToEnd(request.headers);
    const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
    try {
      // The request as it came (method, path, headers, body), to the server.
      const response = await fetch(new URL(url.pathname + url.search, env.hosts.server), {
        method: request.method,
        headers,
        body: hasBody ? await request.arrayBuffer() : undefined,
        signal: upstream.signal,
      });
      const body = await response.arrayBuffer();
      // The answer as it came (status, headers such as Location or ETag, body), plus a Via line.
      const back = endToEnd(response.headers);
      back.append('via', '1.1 proxy');
      const length = response.headers.get('content-length');
      // A HEAD answer has no body but tells the length GET's would have (RFC 9110 §9.3.2).
      if (request.method === 'HEAD' && length !== null) back.set('content-length', length);
      const empty = [204, 304].includes(response.status) || request.method === 'HEAD';
      return new Response(empty ? null : body, { status: response.status, headers: back });
    } catch (error) {
      const plain = { 'content-type': 'text/plain', via: '1.1 proxy' };
      if (!silent) {
        console.warn(
          `${url.pathname}${url.search}: upstream failed (${String(error)}), answering 502`,
        );
        return new Response('upstream unreachable', { status: 502, headers: plain });
      }
      console.warn(`${url.pathname}${url.search}: upstream silent for ${idleMs} ms, answering 504`);
      return new Response('upstream idle timeout', { status: 504, headers: plain });
    } finally {
      clearTimeout(timer);
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
