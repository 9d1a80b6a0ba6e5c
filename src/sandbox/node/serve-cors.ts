/**
 * CORS for serve mode: a page on another origin (the reader's own, say) may use fetch and
 * EventSource against `npm run sandbox -- <id> --serve`. The harness adds the headers around each
 * host, so the chapters' code stays free of them (decision 0013).
 */
import type { SandboxHostModule } from '../contract/sandbox.ts';
import { isStreamed } from './send-response.ts';

/** Headers every answer gets: any origin may read it, and all of its headers (Location, ETag …). */
export const CORS_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-expose-headers': '*',
} as const;

/**
 * The host module with CORS: preflights are answered here with 204, and every other answer of the
 * host gets CORS_HEADERS. `*` rather than the caller's origin: no page may send credentials, so a
 * site the reader visits cannot act with the demo's cookies.
 *
 * @example
 * const served = withCors(module); // (await served.fetch(request, env)).headers.get('access-control-allow-origin') === '*'
 */
export function withCors(module: SandboxHostModule): SandboxHostModule {
  return {
    ...module,
    async fetch(request, env) {
      const method = request.headers.get('access-control-request-method');
      if (request.method === 'OPTIONS' && request.headers.has('origin') && method !== null) {
        const headers = new Headers({
          ...CORS_HEADERS,
          'access-control-allow-methods': method,
          'access-control-max-age': '600',
        });
        const asked = request.headers.get('access-control-request-headers');
        if (asked) headers.set('access-control-allow-headers', asked);
        return new Response(null, { status: 204, headers });
      }
      const response = await module.fetch(request, env);
      // Response.error() drops the connection; there is nothing to add headers to.
      if (response.type === 'error') return response;
      const headers = new Headers(response.headers);
      for (const [name, value] of Object.entries(CORS_HEADERS)) headers.set(name, value);
      // A fixed body stays fixed (Content-Length, as in the page and the demo); a stream stays a stream.
      const body =
        response.body === null || isStreamed(response)
          ? response.body
          : await response.arrayBuffer();
      return new Response(body, {
        status: response.status,
        statusText: response.statusText,
        headers,
      });
    },
  };
}
