/**
 * An HTTP/2 endpoint beside a host's HTTP/1.1 one, for serve mode: cleartext HTTP/2 with prior
 * knowledge (`curl --http2-prior-knowledge`, Node's http2 client), on a port of its own. Every
 * stream is handed to the host's node:http request handler, so both endpoints run the same wiring
 * and the trace shows both.
 */
import http2 from 'node:http2';
import type { Server } from 'node:http';

export interface Http2Endpoint {
  url: URL;
  /** Ends every HTTP/2 connection and stops listening. */
  close(): Promise<void>;
}

/**
 * Listens with node:http2 on a free loopback port and serves each request with `server`'s handler.
 *
 * @example
 * const h2 = await offerHttp2(sandbox.servers.server); // curl --http2-prior-knowledge h2.url
 */
export async function offerHttp2(server: Server, port = 0): Promise<Http2Endpoint> {
  const h2 = http2.createServer();
  const sessions = new Set<http2.ServerHttp2Session>();
  h2.on('session', (session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
  });
  h2.on('request', (request, response) => {
    // The HTTP/1.1 wiring reads the Host header; HTTP/2 calls it :authority.
    request.headers.host ??= request.authority;
    // HTTP/2 has no reason phrase (RFC 9113 §8.3.2); keep Node from warning when one is set.
    Object.defineProperty(response, 'statusMessage', { value: '', writable: true });
    server.emit('request', request, response);
  });
  await new Promise<void>((resolve, reject) => {
    h2.once('error', reject);
    h2.listen(port, '127.0.0.1', () => resolve());
  });
  const address = h2.address();
  const url = new URL(
    `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`,
  );
  return {
    url,
    async close() {
      for (const session of sessions) session.destroy();
      await new Promise<void>((resolve) => h2.close(() => resolve()));
    },
  };
}
