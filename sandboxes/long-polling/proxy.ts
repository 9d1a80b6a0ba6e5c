// A reverse proxy in front of the server, with an idle timeout like nginx's proxy_read_timeout or a
// load balancer's (60 s by default in both). If the upstream sends nothing for that long, the proxy
// gives up on it and answers 504 Gateway Timeout itself. A held poll is silent by design, so the
// server must end every hold before the shortest idle timeout on the path.
export default {
  async fetch(request: Request, env: SandboxEnv): Promise<Response> {
    const url = new URL(request.url);
    const idleMs = env.params.proxyIdleTimeoutMs ?? 10_000;
    const upstream = new AbortController();
    const timer = setTimeout(() => upstream.abort(), idleMs);
    // A client that hangs up also frees the upstream request.
    request.signal.addEventListener('abort', () => upstream.abort());
    try {
      const response = await fetch(new URL(url.pathname + url.search, env.hosts.server), {
        method: request.method,
        headers: { accept: request.headers.get('accept') ?? '*/*' },
        signal: upstream.signal,
      });
      const body = response.status === 204 ? null : await response.text();
      return new Response(body, {
        status: response.status,
        headers: {
          'content-type': response.headers.get('content-type') ?? 'text/plain',
          'cache-control': response.headers.get('cache-control') ?? 'no-store',
          via: '1.1 proxy',
        },
      });
    } catch {
      console.warn(`${url.pathname}${url.search}: upstream silent for ${idleMs} ms, answering 504`);
      return new Response('upstream idle timeout', {
        status: 504,
        headers: { 'content-type': 'text/plain', via: '1.1 proxy' },
      });
    } finally {
      clearTimeout(timer);
    }
  },
};
