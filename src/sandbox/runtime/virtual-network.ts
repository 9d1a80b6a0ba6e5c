import { FetchInterceptor } from '@mswjs/interceptors/fetch';
import { WebSocketInterceptor } from '@mswjs/interceptors/WebSocket';
import { createCookieJar, type CookieJar } from '../http/cookie-jar';
import { reasonPhrase } from '../http/reason-phrases';
import { handshakeHeaders } from '../http/websocket-handshake';
import { clientOrigin } from '../contract/sandbox';
import { bodyPreview, type HeaderList } from '../trace/events';
import type { TraceDraft, VirtualNetworkOptions } from './network-types';
import { connectVirtualSocket, type InterceptedSocket } from './virtual-socket';
import { tapStream } from './virtual-stream';
import { ConnectionPool } from './connection-pool';
import {
  FROM_HEADER,
  INTERNAL_HEADERS,
  SET_COOKIE_HEADER,
  carriedCookie,
  networkBindings,
  sandboxResponseClass,
  type MadeResponse,
  type NetworkBindings,
  wireRequestHeaders,
} from './network-bindings';

export type { NetworkBindings } from './network-bindings';

export type { TraceDraft, VirtualNetworkOptions } from './network-types';

const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);

/**
 * The sandbox's network: every request and WebSocket from reader code is intercepted (MSW's
 * interceptors), routed to the host module it names, delayed by the configured latency, traced, and
 * given a per-run cookie jar. Nothing leaves the worker.
 */
type Interceptors = { fetch: FetchInterceptor; socket: WebSocketInterceptor };
/** Made before a run arrives (a spare worker waits for one), so the run does not pay for it. */
let prepared: Interceptors | undefined;

/** Makes the next network's interceptors now; they are not applied until its `start()`. */
export function prepareInterceptors(): Interceptors {
  return (prepared ??= { fetch: new FetchInterceptor(), socket: new WebSocketInterceptor() });
}

export class VirtualNetwork {
  private readonly fetchInterceptor: FetchInterceptor;
  private readonly socketInterceptor: WebSocketInterceptor;
  private readonly socketOrigin = new WeakMap<object, string>();
  /** What the sandbox's Response saw when host code made one: what a browser would hide. */
  private readonly made = new WeakMap<Response, MadeResponse>();
  /** One cookie jar per client, as each client plays a browser. */
  private readonly jars = new Map<string, CookieJar>();
  /** Open streamed responses and sockets, by the host that serves them, so faults can cut them. */
  private readonly open = new Map<string, Set<(reason: string) => void>>();
  private exchanges = { http: 0, ws: 0 };
  /** Exchanges whose body ended or was aborted: each gets one ending in the trace. */
  private readonly ended = new Set<string>();
  private readonly releases = new Map<string, () => void>();
  /** Ways to cancel a streamed response body, by exchange, for when its client aborts. */
  private readonly cancels = new Map<string, () => void>();
  private latencyMs: number;
  private readonly pool: ConnectionPool;

  /** The Response class host code gets, for answers the network itself makes. */
  private readonly InternalResponse = sandboxResponseClass(this.made);

  constructor(private readonly options: VirtualNetworkOptions) {
    ({ fetch: this.fetchInterceptor, socket: this.socketInterceptor } = prepareInterceptors());
    prepared = undefined;
    this.latencyMs = options.latencyMs;
    this.pool = new ConnectionPool(options.connectionLimit);
  }

  start(): void {
    this.fetchInterceptor.apply();
    this.socketInterceptor.apply();
    this.fetchInterceptor.on('request', ({ request, controller }) =>
      this.handleRequest(request, controller),
    );
    this.socketInterceptor.on('connection', ({ client, info }) =>
      this.handleSocket(client, info.protocols),
    );
  }

  setLatency(latencyMs: number): void {
    this.latencyMs = latencyMs;
  }

  /** Networking globals for code running as `from`: requests it makes are traced as sent by it. */
  bindings(from: string): NetworkBindings {
    const isHost = this.options.hosts.includes(from);
    return networkBindings({ from, isHost, socketOrigin: this.socketOrigin, made: this.made });
  }

  /** Cuts every open stream and socket of `host` (server or client side), as a network failure would. */
  dropConnections(host: string, reason = 'connection dropped'): void {
    const cutters = this.open.get(host);
    if (!cutters) return;
    this.open.delete(host);
    for (const cut of cutters) cut(reason);
  }

  private hostOf(url: URL): string | undefined {
    const match = /^([a-z][a-z0-9-]*)\.test$/.exec(url.hostname);
    const name = match?.[1];
    return name && this.options.hosts.includes(name) ? name : undefined;
  }

  private describeHosts(): string {
    return this.options.hosts.map((name) => `http://${name}.test/`).join(', ');
  }

  /** Registers a way to cut an open stream or socket under both of its ends. */
  private trackOpen(ends: string[], cut: (reason: string) => void): () => void {
    const sets = ends.map((end) => {
      let set = this.open.get(end);
      if (!set) this.open.set(end, (set = new Set()));
      set.add(cut);
      return set;
    });
    return () => sets.forEach((set) => set.delete(cut));
  }

  private delay(): Promise<void> {
    const ms = this.latencyMs;
    return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
  }

  private async handleRequest(
    incoming: Request,
    controller: { respondWith(response: Response): void; errorWith(reason?: unknown): void },
  ): Promise<void> {
    const from = incoming.headers.get(FROM_HEADER) ?? 'client';
    const url = new URL(incoming.url);
    const to = this.hostOf(url);
    if (!to) {
      const message = `${incoming.method} ${url.href} was blocked: this sandbox reaches only ${this.describeHosts()}`;
      this.options.log(from, 'error', message);
      controller.errorWith(new TypeError(`Failed to fetch: ${message}`));
      return;
    }
    // Like a browser's HTTP/1.1 pool: past the limit, a request waits before it goes on the wire.
    const release = await this.pool.acquire(`${from}→${to}`);
    const exchange = `h${++this.exchanges.http}`;
    this.releases.set(exchange, release);
    const hasBody = incoming.method !== 'GET' && incoming.method !== 'HEAD';
    const body = hasBody ? new Uint8Array(await incoming.arrayBuffer()) : null;

    const isClient = this.options.clients.includes(from);
    // A client's cookies come from its jar (a browser's); a host's are what its code set.
    const cookie = isClient ? this.jarOf(from).header(url) : carriedCookie(incoming);
    const headers = wireRequestHeaders(incoming, url, cookie, body);

    this.options.record({
      kind: 'request',
      exchange,
      from,
      to,
      method: incoming.method,
      url: url.href,
      headers: [...headers],
      bodySize: body?.byteLength ?? 0,
      bodyPreview: body ? bodyPreview(body) : '',
    });

    const aborted = new AbortController();
    incoming.signal.addEventListener('abort', () => {
      aborted.abort(incoming.signal.reason);
      this.endExchange(exchange, { kind: 'abort', exchange, from, to });
      this.cancels.get(exchange)?.();
    });

    // Until its answer starts, the exchange is an open connection: a dropped connection fails it,
    // and a host that has not received it yet never does.
    let cut = false;
    const untrack = this.trackOpen([from, to], (reason) => {
      cut = true;
      this.endExchange(exchange, { kind: 'error', exchange, from: to, to: from, message: reason });
      aborted.abort(new Error(reason));
      controller.errorWith(new TypeError(`network error: ${reason}`));
    });
    await this.delay();
    if (cut) return;
    const request = new Request(url, {
      method: incoming.method,
      body,
      signal: aborted.signal,
      redirect: 'manual',
    });
    // Constructed requests drop forbidden headers (Cookie, Host…); a server must see them all.
    Object.defineProperty(request, 'headers', { value: headers });

    const response = await this.serve(to, request, { exchange, to: from });
    untrack();
    // The caller gave up while the host worked: like a real socket, nothing reaches it any more.
    if (this.ended.has(exchange)) {
      await response.body?.cancel().catch(() => undefined);
      return;
    }
    // Response.error() is how a host drops the connection: no answer, the caller's fetch fails.
    if (response.type === 'error') {
      const reason = `${to} dropped the connection`;
      this.endExchange(exchange, { kind: 'error', exchange, from: to, to: from, message: reason });
      controller.errorWith(new TypeError(`network error: ${reason}`));
      return;
    }
    await this.respond({ exchange, from, to, url, isClient }, response, controller);
  }

  /** Answers the caller with the host's response: cookies stored, headers traced, the body passed on. */
  private async respond(
    route: { exchange: string; from: string; to: string; url: URL; isClient: boolean },
    response: Response,
    controller: { respondWith(response: Response): void },
  ): Promise<void> {
    const { exchange, from, to, url, isClient } = route;
    const made = this.made.get(response);
    // A server that leaves statusText empty still sends a reason phrase on an HTTP/1.1 status line.
    const head = {
      status: response.status,
      statusText: response.statusText || reasonPhrase(response.status),
    };
    // A host's own Response keeps Set-Cookie in a side table; one it passes on from upstream has it
    // in its headers.
    const cookieLines = made?.setCookies ?? response.headers.getSetCookie();
    if (isClient) this.jarOf(from).store(url, cookieLines);
    const responseHeaders: HeaderList = [
      ...[...response.headers].filter(
        ([name]) => name !== 'set-cookie' && !INTERNAL_HEADERS.has(name),
      ),
      ...cookieLines.map((line): [string, string] => ['set-cookie', line]),
    ];
    const outgoing = new Headers(response.headers);
    outgoing.delete(SET_COOKIE_HEADER);
    if (!isClient && cookieLines.length > 0) {
      outgoing.set(SET_COOKIE_HEADER, JSON.stringify(cookieLines));
    }

    // A body built from a ReadableStream goes out chunked; a string or bytes gets a Content-Length.
    // For a Response from elsewhere (a proxied fetch), only a Content-Length header says which.
    const isStream =
      response.body !== null && (made ? made.streaming : !response.headers.has('content-length'));
    const nullBody = NULL_BODY_STATUS.has(response.status);

    if (nullBody || !isStream || response.body === null) {
      await this.respondFixed(
        route,
        response,
        { head, headers: responseHeaders, outgoing },
        controller,
      );
      return;
    }

    if (!response.headers.has('content-length'))
      responseHeaders.push(['transfer-encoding', 'chunked']);
    await this.sendHead(route, { head, headers: responseHeaders });
    controller.respondWith(
      new Response(
        tapStream({
          exchange,
          from: to,
          to: from,
          response,
          record: this.options.record,
          reportError: (error) => this.options.reportError(to, error),
          latencyMs: () => this.latencyMs,
          trackOpen: (cut) => this.trackOpen([to, from], cut),
          onClientAbort: (stop) =>
            stop ? this.cancels.set(exchange, stop) : this.cancels.delete(exchange),
          end: (event) => this.endExchange(exchange, event),
        }),
        { ...head, headers: outgoing },
      ),
    );
  }

  /** The answer's head goes out one latency after the host answered, and is traced as it leaves. */
  private async sendHead(
    route: { exchange: string; from: string; to: string },
    answer: { head: { status: number; statusText: string }; headers: HeaderList },
  ): Promise<void> {
    await this.delay();
    const { exchange, from, to } = route;
    this.options.record({
      kind: 'response',
      exchange,
      from: to,
      to: from,
      ...answer.head,
      headers: answer.headers,
    });
  }

  /** A fixed body (or none): traced as one chunk, sent with its Content-Length. */
  private async respondFixed(
    route: { exchange: string; from: string; to: string },
    response: Response,
    answer: {
      head: { status: number; statusText: string };
      headers: HeaderList;
      outgoing: Headers;
    },
    controller: { respondWith(response: Response): void },
  ): Promise<void> {
    const { exchange, from, to } = route;
    const { head, headers, outgoing } = answer;
    const nullBody = NULL_BODY_STATUS.has(response.status);
    const bytes = nullBody ? null : new Uint8Array(await response.arrayBuffer());
    if (bytes && !response.headers.has('content-length')) {
      headers.push(['content-length', String(bytes.byteLength)]);
      // The receiver sees the length as it would over a socket (a proxy passing headers on keeps it).
      outgoing.set('content-length', String(bytes.byteLength));
    }
    await this.sendHead(route, { head, headers });
    if (bytes && bytes.byteLength > 0) {
      this.options.record({
        kind: 'body-chunk',
        exchange,
        from: to,
        to: from,
        size: bytes.byteLength,
        preview: bodyPreview(bytes),
      });
    }
    this.endExchange(exchange, {
      kind: 'body-end',
      exchange,
      from: to,
      to: from,
      size: bytes?.byteLength ?? 0,
    });
    controller.respondWith(new Response(bytes, { ...head, headers: outgoing }));
  }

  private endExchange(exchange: string, event: TraceDraft): void {
    if (this.ended.has(exchange)) return;
    this.ended.add(exchange);
    this.releases.get(exchange)?.();
    this.releases.delete(exchange);
    this.options.record(event);
  }

  /**
   * Runs the host's handler; a throw is traced as an error and becomes a 500, as in any server
   * framework (the Node wiring records the same two events).
   */
  private async serve(
    host: string,
    request: Request,
    route: { exchange: string; to: string },
  ): Promise<Response> {
    const module = this.options.getHost(host);
    try {
      if (!module || typeof module.fetch !== 'function') {
        throw new TypeError(
          `${host} has no fetch(request) handler: export default { fetch(request) { … } }`,
        );
      }
      const response: unknown = await module.fetch(request, this.options.env);
      if (!(response instanceof Response)) {
        throw new TypeError(
          `${host}'s fetch() must return a Response, but it returned ${typeof response}`,
        );
      }
      return response;
    } catch (error) {
      this.options.reportError(host, error);
      const message = `${host} threw: ${error instanceof Error ? error.message : String(error)}`;
      this.options.record({ kind: 'error', ...route, from: host, message });
      // Built like a host's own answer, so its fixed body goes out with a Content-Length.
      return new this.InternalResponse('Internal Server Error', {
        status: 500,
        headers: { 'content-type': 'text/plain' },
      });
    }
  }

  private handleSocket(client: InterceptedSocket, protocols?: string | string[]): void {
    const from = this.socketOrigin.get(client.socket) ?? 'client';
    const url = new URL(client.url);
    const to = this.hostOf(url);
    if (!to) {
      throw new Error(
        `WebSocket to ${url.href} was blocked: this sandbox reaches only ${this.describeHosts()}`,
      );
    }
    const hooks = this.options.getHost(to)?.websocket;
    if (!hooks) {
      throw new Error(
        `${to} does not accept WebSockets: export websocket: { open, message, close } next to fetch`,
      );
    }
    connectVirtualSocket({
      client,
      exchange: `w${++this.exchanges.ws}`,
      from,
      to,
      url,
      hooks,
      // No handshake crosses the in-page network; host and trace see the one a real socket would carry.
      handshake: this.handshake(from, url, protocols),
      env: this.options.env,
      record: this.options.record,
      reportError: (error) => this.options.reportError(to, error),
      latencyMs: () => this.latencyMs,
      trackOpen: (cut) => this.trackOpen([to, from], cut),
    });
  }

  /** The opening handshake of a socket from `from`; a client (a browser) adds Origin and its cookies. */
  private handshake(
    from: string,
    url: URL,
    protocols: string | string[] | undefined,
  ): ReturnType<typeof handshakeHeaders> {
    const offered = typeof protocols === 'string' ? [protocols] : protocols;
    if (!this.options.clients.includes(from)) return handshakeHeaders({ url, protocols: offered });
    // Cookies are kept per http(s) origin; a ws: URL shares them with its http: twin.
    const cookie = this.jarOf(from).header(new URL(url.href.replace(/^ws/, 'http')));
    return handshakeHeaders({ url, protocols: offered, origin: clientOrigin(from), cookie });
  }

  private jarOf(client: string): CookieJar {
    let jar = this.jars.get(client);
    if (!jar) this.jars.set(client, (jar = createCookieJar()));
    return jar;
  }
}
