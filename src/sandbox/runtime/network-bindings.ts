/**
 * What reader code sees instead of the browser's networking globals: a `fetch`, `WebSocket`,
 * `EventSource` and `Response` that mark who sent each request, and carry across the in-page network
 * what browsers forbid code to set or read (Cookie on a request, Set-Cookie on a response) when the
 * code plays a server.
 */
import { EventSource as FetchEventSource } from 'eventsource';
import type { HeaderList } from '../trace/events';
import { append, apply, byteLength, jsonStringify } from '../trace/intrinsics';
import {
  OriginalHeaders,
  OriginalRequest,
  OriginalResponse,
  OriginalWeakMap,
  getSetCookie,
  headersAppend,
  headersGet,
  headersHas,
  headersSet,
  isStream,
  jsonParse,
  requestHeaders,
  responseBody,
  responseHeaders,
  responseStatus,
  responseStatusText,
  setHas,
  urlHost,
  weakGet,
  weakSet,
} from './intrinsics';

/** Headers.prototype.forEach as the worker started, before reader code could replace it. */
const forEachHeader = Headers.prototype.forEach;
/** The headers of responses passed on to a host's code, Set-Cookie lines and all (withSetCookies). */
const carried = new OriginalWeakMap<Response, Headers>();

/** The headers `response` carries, read with the engine's getter (or kept when it was passed on). */
export const headersOf = (response: Response): Headers =>
  weakGet(carried, response) ?? responseHeaders(response);

/**
 * A Headers object's name/value pairs, as iterating it gives them (lower-case names, Set-Cookie
 * lines apart), read with the built-in captured at start so reader code cannot change what is traced.
 */
export function headerPairs(headers: Headers): HeaderList {
  const pairs: HeaderList = [];
  apply(forEachHeader, headers, [(value: string, name: string) => append(pairs, [name, value])]);
  return pairs;
}

/** Internal marker: which host sent a request. Stripped before anything sees the request. */
export const FROM_HEADER = 'x-sandbox-from';
/**
 * Internal carriers for what browsers forbid code to set or read (Cookie on a Request, Set-Cookie on
 * a Response). Hosts are servers, not browsers: they may forward cookies and must see Set-Cookie.
 */
export const COOKIE_HEADER = 'x-sandbox-cookie';
export const SET_COOKIE_HEADER = 'x-sandbox-set-cookie';
export const INTERNAL_HEADERS = new Set([FROM_HEADER, COOKIE_HEADER, SET_COOKIE_HEADER]);

/** What one host's code sees instead of the browser's networking globals. */
export interface NetworkBindings {
  fetch: typeof fetch;
  WebSocket: typeof WebSocket;
  EventSource: typeof EventSource;
  Response: typeof Response;
}

/** What a sandbox Response saw when code made it: what a browser would hide. */
export interface MadeResponse {
  setCookies: string[];
  streaming: boolean;
}

/**
 * A Response class that remembers, in `made`, what a browser would hide: `Set-Cookie` (a forbidden
 * response header in constructed responses) and whether the body is a stream (sent chunked) or fixed
 * (Content-Length).
 */
export function sandboxResponseClass(made: WeakMap<Response, MadeResponse>): typeof Response {
  class SandboxResponse extends Response {
    constructor(body?: BodyInit | null, init?: ResponseInit) {
      super(body, init);
      weakSet(made, this, {
        setCookies: getSetCookie(new OriginalHeaders(init?.headers)),
        streaming: isStream(body),
      });
    }
    static override json(data: unknown, init?: ResponseInit): Response {
      const headers = new OriginalHeaders(init?.headers);
      if (!headersHas(headers, 'content-type'))
        headersSet(headers, 'content-type', 'application/json');
      return new SandboxResponse(jsonStringify(data), { ...init, headers });
    }
    static override redirect(url: string | URL, status = 302): Response {
      return new SandboxResponse(null, { status, headers: { location: String(url) } });
    }
  }
  return SandboxResponse;
}

/**
 * Networking globals for code running as `from`: requests it makes are traced as sent by it, and
 * each WebSocket it opens is remembered in `socketOrigin` so the network knows who opened it.
 */
export function networkBindings(options: {
  from: string;
  /** A host plays a server: it may send Cookie and read Set-Cookie, which a browser may not. */
  isHost: boolean;
  socketOrigin: WeakMap<object, string>;
  made: WeakMap<Response, MadeResponse>;
}): NetworkBindings {
  const { from, isHost, socketOrigin } = options;
  const boundFetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    // Read Cookie before the Request constructor drops it (hosts only: a browser forbids it).
    const cookie = isHost
      ? new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined)).get(
          'cookie',
        )
      : null;
    const request = new OriginalRequest(input, init);
    headersSet(requestHeaders(request), FROM_HEADER, from);
    if (cookie) headersSet(requestHeaders(request), COOKIE_HEADER, cookie);
    const response = await globalThis.fetch(request);
    const lines = headersGet(headersOf(response), SET_COOKIE_HEADER);
    return isHost && lines ? withSetCookies(response, jsonParse(lines) as string[]) : response;
  }) as typeof fetch;
  const BaseSocket = globalThis.WebSocket;
  class SandboxWebSocket extends BaseSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      socketOrigin.set(this, from);
    }
  }
  class SandboxEventSource extends FetchEventSource {
    constructor(url: string | URL, init?: EventSourceInit) {
      super(url, { ...init, fetch: boundFetch });
    }
  }
  return {
    fetch: boundFetch,
    WebSocket: SandboxWebSocket,
    EventSource: SandboxEventSource as unknown as typeof EventSource,
    Response: sandboxResponseClass(options.made),
  };
}

/** The Cookie header a host's code set on a request, carried past the Request constructor. */
export function carriedCookie(request: Request): string | null {
  return headersGet(requestHeaders(request), COOKIE_HEADER);
}

/**
 * The headers a request puts on the wire, in the order HTTP/1.1 clients usually send them: Host
 * first, the code's own headers without the internal carriers, then Cookie and Content-Length.
 */
export function wireRequestHeaders(
  code: Headers,
  url: URL,
  cookie: string | null | undefined,
  body: Uint8Array | null,
): Headers {
  const headers = new OriginalHeaders();
  headersSet(headers, 'host', urlHost(url));
  copyHeaders(code, headers, (name) => !setHas(INTERNAL_HEADERS, name));
  if (cookie) headersSet(headers, 'cookie', cookie);
  if (body) headersSet(headers, 'content-length', `${byteLength(body)}`);
  return headers;
}

/** Appends to `to` each header of `from` that `keep` accepts, read and written with captured built-ins. */
export function copyHeaders(from: Headers, to: Headers, keep: (name: string) => boolean): void {
  const pairs = headerPairs(from);
  for (let i = 0; i < pairs.length; i++) {
    const pair = pairs[i];
    if (pair && keep(pair[0])) headersAppend(to, pair[0], pair[1]);
  }
}

/** A fetched Response whose headers show its Set-Cookie lines, as server-side fetch does. */
function withSetCookies(response: Response, lines: string[]): Response {
  const headers = new OriginalHeaders();
  copyHeaders(headersOf(response), headers, (name) => name !== SET_COOKIE_HEADER);
  for (let i = 0; i < lines.length; i++) headersAppend(headers, 'set-cookie', `${lines[i]}`);
  const copy = new OriginalResponse(responseBody(response), {
    status: responseStatus(response),
    statusText: responseStatusText(response),
  });
  // Response construction drops Set-Cookie; a free-standing Headers object keeps it.
  weakSet(carried, copy, headers);
  Object.defineProperties(copy, {
    headers: { value: headers },
    url: { value: response.url },
    redirected: { value: response.redirected },
  });
  return copy;
}
