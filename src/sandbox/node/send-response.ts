/**
 * Writing a host's web Response to a node:http response with the framing the page uses: a body the
 * host built from a ReadableStream goes out chunked with its headers flushed at once (so a stream's
 * first event is not held back), any other body goes out whole with a Content-Length. The status
 * line carries the RFC 9110 reason phrase. Part of the StackBlitz project (send-response.ts).
 */
import type { ServerResponse } from 'node:http';
import { reasonPhrase } from '../http/reason-phrases.ts';
import type { ExchangeObserver } from './run-types.ts';

const NativeResponse = globalThis.Response;
/** Responses host code built, and whether each body was a ReadableStream. */
const builtFromStream = new WeakMap<Response, boolean>();
const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);

/**
 * Replaces the global Response with one that remembers whether its body was a stream (what a
 * server decides framing by), as the page's virtual network does. `instanceof Response` still holds
 * for every Response, fetched ones included. Safe to call more than once.
 */
export function installResponseClass(): void {
  if (globalThis.Response !== NativeResponse) return;
  class RunResponse extends NativeResponse {
    constructor(body?: ConstructorParameters<typeof Response>[0], init?: ResponseInit) {
      super(body, init);
      builtFromStream.set(this, body instanceof ReadableStream);
    }
    static override json(data: unknown, init?: ResponseInit): Response {
      const headers = new Headers(init?.headers);
      if (!headers.has('content-type')) headers.set('content-type', 'application/json');
      return new RunResponse(JSON.stringify(data), { ...init, headers });
    }
    static override redirect(url: string | URL, status = 302): Response {
      return new RunResponse(null, { status, headers: { location: String(url) } });
    }
    static override [Symbol.hasInstance](value: unknown): boolean {
      return value instanceof NativeResponse;
    }
  }
  Object.defineProperty(globalThis, 'Response', {
    value: RunResponse,
    writable: true,
    configurable: true,
  });
}

/**
 * True when the response goes out chunked: a body built from a stream, or, for a Response from
 * elsewhere (a proxied fetch), a body without a Content-Length.
 */
export function isStreamed(response: Response): boolean {
  if (response.body === null || NULL_BODY_STATUS.has(response.status)) return false;
  return builtFromStream.get(response) ?? !response.headers.has('content-length');
}

/** The response header lines exactly as node:http wrote them to the socket. */
function writtenHeaders(res: ServerResponse): Array<[string, string]> {
  const block = (res as unknown as { _header?: unknown })._header;
  if (typeof block !== 'string') {
    return Object.entries(res.getHeaders()).flatMap(([name, value]) =>
      (Array.isArray(value) ? value : [String(value)]).map((item): [string, string] => [
        name,
        item,
      ]),
    );
  }
  return block
    .split('\r\n')
    .slice(1)
    .filter((line) => line !== '')
    .map((line): [string, string] => {
      const colon = line.indexOf(':');
      return [line.slice(0, colon), line.slice(colon + 1).trim()];
    });
}

/** Status line and headers; node:http writes them with the first body bytes or a flush. */
function writeHead(res: ServerResponse, response: Response, contentLength?: number): void {
  for (const [name, value] of response.headers) {
    if (name !== 'set-cookie') res.setHeader(name, value);
  }
  const setCookies = response.headers.getSetCookie();
  if (setCookies.length > 0) res.setHeader('set-cookie', setCookies);
  if (contentLength !== undefined && !response.headers.has('content-length'))
    res.setHeader('content-length', contentLength);
  res.writeHead(response.status, response.statusText || reasonPhrase(response.status));
}

/**
 * Sends `response` on `res` and reports it to `exchange`. `stream.reader` is set while a streamed
 * body is read, so the caller can cancel it when the client goes away. Resolves when the body is
 * written, the client left, or the body failed (then `onBodyError` is called and the socket dropped).
 *
 * @example
 * await sendResponse(res, Response.json({ ok: true }), { method: 'GET', stream: {}, onBodyError });
 */
export async function sendResponse(
  res: ServerResponse,
  response: Response,
  options: {
    method: string;
    exchange?: ExchangeObserver;
    stream: { reader?: ReadableStreamDefaultReader<Uint8Array> };
    onBodyError(error: unknown): void;
  },
): Promise<void> {
  const { exchange, method } = options;
  if (!isStreamed(response)) {
    const hasBody = response.body !== null && !NULL_BODY_STATUS.has(response.status);
    const bytes = hasBody ? new Uint8Array(await response.arrayBuffer()) : undefined;
    if (res.destroyed) return;
    // A null body (a redirect, say) is an empty fixed body: Content-Length: 0, as the page sends.
    const length = NULL_BODY_STATUS.has(response.status) ? undefined : (bytes?.byteLength ?? 0);
    writeHead(res, response, length);
    exchange?.response(res.statusCode, res.statusMessage, writtenHeaders(res));
    // A HEAD answer announces the body's length but sends no body.
    const sent = method === 'HEAD' ? undefined : bytes;
    if (sent && sent.byteLength > 0) exchange?.chunk(sent);
    res.end(sent);
    exchange?.end(sent?.byteLength ?? 0);
    return;
  }
  writeHead(res, response);
  // Headers go out now, so a stream's first event is not held back until its first chunk.
  res.flushHeaders();
  exchange?.response(res.statusCode, res.statusMessage, writtenHeaders(res));
  // A HEAD answer has no body: end the handler's stream (an SSE feed, say) instead of leaking it.
  if (method === 'HEAD' || !response.body) {
    await response.body?.cancel().catch(() => {});
    res.end();
    exchange?.end(0);
    return;
  }
  const reader = response.body.getReader();
  options.stream.reader = reader;
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done || res.destroyed) break;
      size += value.byteLength;
      exchange?.chunk(value);
      if (!res.write(value)) {
        await new Promise<void>((resolve) => {
          res.once('drain', resolve);
          res.once('close', resolve);
        });
      }
    }
  } catch (error) {
    if (!res.destroyed) {
      options.onBodyError(error);
      res.destroy();
    }
    return;
  }
  if (res.destroyed) return;
  res.end();
  exchange?.end(size);
}
