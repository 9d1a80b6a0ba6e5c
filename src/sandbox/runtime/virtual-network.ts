import { FetchInterceptor } from '@mswjs/interceptors/fetch';
import { WebSocketInterceptor } from '@mswjs/interceptors/WebSocket';
import { EventSource as FetchEventSource } from 'eventsource';
import { createCookieJar, type CookieJar } from '../http/cookie-jar';
import { createSseParser } from '../http/sse-parser';
import { reasonPhrase } from '../http/reason-phrases';
import { handshakeHeaders } from '../http/websocket-handshake';
import {
  clientOrigin,
  type SandboxEnv,
  type SandboxHostModule,
  type SandboxPeer,
} from '../contract/sandbox';
import { bodyPreview, type HeaderList, type TraceEvent } from '../trace/events';

/** Internal marker: which host sent a request. Stripped before anything sees the request. */
const FROM_HEADER = 'x-sandbox-from';
/**
 * Internal carriers for what browsers forbid code to set or read (Cookie on a Request, Set-Cookie on
 * a Response). Hosts are servers, not browsers: they may forward cookies and must see Set-Cookie.
 */
const COOKIE_HEADER = 'x-sandbox-cookie';
const SET_COOKIE_HEADER = 'x-sandbox-set-cookie';
const INTERNAL_HEADERS = new Set([FROM_HEADER, COOKIE_HEADER, SET_COOKIE_HEADER]);

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type TraceDraft = DistributiveOmit<TraceEvent, 't'>;

export interface VirtualNetworkOptions {
  /** Host names in this run; each answers at `http://<name>.test/`. */
  hosts: string[];
  /** Client names: they play browsers, with a cookie jar each; hosts handle cookies themselves. */
  clients: string[];
  /** The host's module as it is now (a restart swaps it). */
  getHost(name: string): SandboxHostModule | undefined;
  env: SandboxEnv;
  latencyMs: number;
  /** Open HTTP exchanges allowed per client→host pair (0: unlimited), like a browser's HTTP/1.1 pool. */
  connectionLimit: number;
  record(event: TraceDraft): void;
  /** Reports an exception thrown by a host's code while it handled network traffic. */
  reportError(host: string, error: unknown): void;
  /** Writes a message from the network itself to the sandbox console. */
  log(host: string, level: 'warn' | 'error', text: string): void;
}

/** What one host's code sees instead of the browser's networking globals. */
export interface NetworkBindings {
  fetch: typeof fetch;
  WebSocket: typeof WebSocket;
  EventSource: typeof EventSource;
  Response: typeof Response;
}

const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);

/**
 * The sandbox's network: every request and WebSocket from reader code is intercepted (MSW's
 * interceptors), routed to the host module it names, delayed by the configured latency, traced, and
 * given a per-run cookie jar. Nothing leaves the worker.
 */
export class VirtualNetwork {
  private readonly fetchInterceptor = new FetchInterceptor();
  private readonly socketInterceptor = new WebSocketInterceptor();
  private readonly socketOrigin = new WeakMap<object, string>();
  /** What the sandbox's Response saw when host code made one: what a browser would hide. */
  private readonly made = new WeakMap<Response, { setCookies: string[]; streaming: boolean }>();
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
  /** Open HTTP exchanges per "from→to" pair, and the requests waiting for one to finish. */
  private readonly slots = new Map<string, { open: number; waiting: Array<() => void> }>();

  /** The Response class host code gets, for answers the network itself makes. */
  private readonly InternalResponse = this.responseClass();

  constructor(private readonly options: VirtualNetworkOptions) {
    this.latencyMs = options.latencyMs;
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

  /** Waits for a free connection when the pair is at its limit; returns the release function. */
  private async acquireConnection(pair: string): Promise<() => void> {
    const limit = this.options.connectionLimit;
    if (limit <= 0) return () => undefined;
    let slot = this.slots.get(pair);
    if (!slot) this.slots.set(pair, (slot = { open: 0, waiting: [] }));
    const current = slot;
    if (current.open >= limit) await new Promise<void>((resolve) => current.waiting.push(resolve));
    else current.open += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      // Hand the connection straight to the next waiting request, or free it.
      const next = current.waiting.shift();
      if (next) next();
      else current.open -= 1;
    };
  }

  /** Cuts every open stream and socket of `host` (server or client side), as a network failure would. */
  dropConnections(host: string, reason = 'connection dropped'): void {
    const cutters = this.open.get(host);
    if (!cutters) return;
    this.open.delete(host);
    for (const cut of cutters) cut(reason);
  }

  /** Networking globals for code running as `from`: requests it makes are traced as sent by it. */
  bindings(from: string): NetworkBindings {
    const isHost = this.options.hosts.includes(from);
    const boundFetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      // Read Cookie before the Request constructor drops it (hosts only: a browser forbids it).
      const cookie = isHost
        ? new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined)).get(
            'cookie',
          )
        : null;
      const request = new Request(input, init);
      request.headers.set(FROM_HEADER, from);
      if (cookie) request.headers.set(COOKIE_HEADER, cookie);
      const response = await globalThis.fetch(request);
      const carried = response.headers.get(SET_COOKIE_HEADER);
      return isHost && carried
        ? withSetCookies(response, JSON.parse(carried) as string[])
        : response;
    }) as typeof fetch;
    const socketOrigin = this.socketOrigin;
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
      Response: this.responseClass(),
    };
  }

  /**
   * A Response that remembers what a browser would hide: `Set-Cookie` (a forbidden response header
   * in constructed responses) and whether the body is a stream (sent chunked) or fixed (Content-Length).
   */
  private responseClass(): typeof Response {
    const made = this.made;
    class SandboxResponse extends Response {
      constructor(body?: BodyInit | null, init?: ResponseInit) {
        super(body, init);
        made.set(this, {
          setCookies: new Headers(init?.headers).getSetCookie(),
          streaming: body instanceof ReadableStream,
        });
      }
      static override json(data: unknown, init?: ResponseInit): Response {
        const headers = new Headers(init?.headers);
        if (!headers.has('content-type')) headers.set('content-type', 'application/json');
        return new SandboxResponse(JSON.stringify(data), { ...init, headers });
      }
      static override redirect(url: string | URL, status = 302): Response {
        return new SandboxResponse(null, { status, headers: { location: String(url) } });
      }
    }
    return SandboxResponse;
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
    const release = await this.acquireConnection(`${from}→${to}`);
    const exchange = `h${++this.exchanges.http}`;
    this.releases.set(exchange, release);
    const hasBody = incoming.method !== 'GET' && incoming.method !== 'HEAD';
    const body = hasBody ? new Uint8Array(await incoming.arrayBuffer()) : null;

    // The headers a browser would put on the wire, in the order HTTP/1.1 clients usually send them.
    const headers = new Headers();
    headers.set('host', url.host);
    for (const [name, value] of incoming.headers)
      if (!INTERNAL_HEADERS.has(name)) headers.append(name, value);
    const isClient = this.options.clients.includes(from);
    const cookie = isClient ? this.jarOf(from).header(url) : incoming.headers.get(COOKIE_HEADER);
    if (cookie) headers.set('cookie', cookie);
    if (body) headers.set('content-length', String(body.byteLength));

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
      const bytes = nullBody ? null : new Uint8Array(await response.arrayBuffer());
      if (bytes && !response.headers.has('content-length')) {
        responseHeaders.push(['content-length', String(bytes.byteLength)]);
        // The receiver sees the length as it would over a socket (a proxy passing headers on keeps it).
        outgoing.set('content-length', String(bytes.byteLength));
      }
      await this.delay();
      this.recordResponse(exchange, to, from, head, responseHeaders);
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
      return;
    }

    if (!response.headers.has('content-length'))
      responseHeaders.push(['transfer-encoding', 'chunked']);
    await this.delay();
    this.recordResponse(exchange, to, from, head, responseHeaders);
    controller.respondWith(
      new Response(this.tapStream(exchange, to, from, response), { ...head, headers: outgoing }),
    );
  }

  private endExchange(exchange: string, event: TraceDraft): void {
    if (this.ended.has(exchange)) return;
    this.ended.add(exchange);
    this.releases.get(exchange)?.();
    this.releases.delete(exchange);
    this.options.record(event);
  }

  private recordResponse(
    exchange: string,
    from: string,
    to: string,
    head: { status: number; statusText: string },
    headers: HeaderList,
  ): void {
    this.options.record({
      kind: 'response',
      exchange,
      from,
      to,
      ...head,
      headers,
    });
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

  /** Passes a streamed body through, tracing each chunk (and each SSE event) as it crosses the network. */
  private tapStream(
    exchange: string,
    from: string,
    to: string,
    response: Response,
  ): ReadableStream<Uint8Array> {
    if (!response.body) throw new TypeError('tapStream needs a response with a body');
    const reader = response.body.getReader();
    const isSse = (response.headers.get('content-type') ?? '').startsWith('text/event-stream');
    const decoder = new TextDecoder();
    const parser = isSse
      ? createSseParser((event) =>
          this.options.record({ kind: 'sse-event', exchange, from, to, ...event }),
        )
      : undefined;
    const record = this.options.record;
    let total = 0;
    let done = false;
    let lastDue = 0;
    /** Stops the flow both ways: the host's stream is cancelled, the client's one ends. */
    const stop = (reason: string, ending: TraceDraft, fail?: Error): void => {
      if (done) return;
      done = true;
      untrack();
      this.cancels.delete(exchange);
      this.endExchange(exchange, ending);
      if (fail) output?.error(fail);
      void reader.cancel(reason).catch(() => undefined);
    };
    let output: ReadableStreamDefaultController<Uint8Array> | undefined;
    const untrack = this.trackOpen([from, to], (reason) =>
      stop(
        reason,
        { kind: 'error', exchange, from, to, message: reason },
        new TypeError(`network error: ${reason}`),
      ),
    );
    // The client's abort (fetch signal, EventSource.close) cancels the host's stream, as a closed
    // socket would.
    this.cancels.set(exchange, () =>
      stop('the client went away', { kind: 'abort', exchange, from: to, to: from }),
    );

    // Chunks are read as soon as the host writes them and each is delivered one latency later, so
    // a burst arrives together, late, rather than spread out by the latency.
    const deliver = (
      controller: ReadableStreamDefaultController<Uint8Array>,
      chunk: ReadableStreamReadResult<Uint8Array>,
    ): void => {
      if (done) return;
      if (chunk.done) {
        done = true;
        untrack();
        this.cancels.delete(exchange);
        this.endExchange(exchange, { kind: 'body-end', exchange, from, to, size: total });
        controller.close();
        return;
      }
      const bytes =
        chunk.value instanceof Uint8Array
          ? chunk.value
          : new Uint8Array(chunk.value as ArrayBuffer);
      total += bytes.byteLength;
      record({
        kind: 'body-chunk',
        exchange,
        from,
        to,
        size: bytes.byteLength,
        preview: bodyPreview(bytes),
      });
      parser?.push(decoder.decode(bytes, { stream: true }));
      controller.enqueue(bytes);
    };
    const pump = async (controller: ReadableStreamDefaultController<Uint8Array>) => {
      for (;;) {
        const chunk = await reader
          .read()
          .catch((error: unknown): ReadableStreamReadResult<Uint8Array> => {
            if (!done) this.options.reportError(from, error);
            return { done: true, value: undefined };
          });
        if (done) return;
        // Due times only grow and timers fire in order, so chunks keep their order.
        const due = Math.max(lastDue, performance.now() + this.latencyMs);
        lastDue = due;
        const wait = due - performance.now();
        if (wait <= 0) deliver(controller, chunk);
        else setTimeout(() => deliver(controller, chunk), wait);
        if (chunk.done) return;
      }
    };
    return new ReadableStream<Uint8Array>({
      start: (controller) => {
        output = controller;
        void pump(controller);
      },
      cancel: () => stop('the client went away', { kind: 'abort', exchange, from: to, to: from }),
    });
  }

  private handleSocket(
    client: {
      socket: WebSocket;
      url: URL;
      send(data: string | ArrayBuffer | Blob | ArrayBufferView): void;
      close(code?: number, reason?: string): void;
      addEventListener(type: string, listener: (event: Event) => void): void;
    },
    protocols?: string | string[],
  ): void {
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
    const exchange = `w${++this.exchanges.ws}`;
    const record = this.options.record;
    /** The host or the client asked to close: no new messages. */
    let closed = false;
    /** The connection is down: nothing queued is delivered any more. */
    let gone = false;
    let lastDue = { up: 0, down: 0 };
    const later = (direction: 'up' | 'down', action: () => void): void => {
      const due = Math.max(lastDue[direction], performance.now() + this.latencyMs);
      lastDue = { ...lastDue, [direction]: due };
      setTimeout(action, Math.max(0, due - performance.now()));
    };
    const report = (promise: unknown): void => {
      if (promise instanceof Promise)
        promise.catch((error: unknown) => this.options.reportError(to, error));
    };
    const untrack = this.trackOpen([to, from], (reason) => {
      if (gone) return;
      closed = true;
      gone = true;
      untrack();
      record({ kind: 'ws-close', exchange, from: to, to: from, code: 1006, reason });
      client.close(4000, reason);
    });

    // No handshake crosses the in-page network; host and trace see the one a real socket would carry.
    const handshake = this.handshake(from, url, protocols);
    const peer: SandboxPeer = {
      id: exchange,
      url,
      headers: new Headers(handshake.request),
      send: (data) => {
        if (closed) return;
        const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : toBytes(data);
        record({
          kind: 'ws-message',
          exchange,
          from: to,
          to: from,
          size: bytes.byteLength,
          preview: bodyPreview(typeof data === 'string' ? data : bytes),
          binary: typeof data !== 'string',
        });
        // Delivered unless the connection itself is gone: a send just before close() still arrives.
        later('down', () => !gone && client.send(data));
      },
      close: (code = 1000, reason = '') => {
        if (closed) return;
        closed = true;
        untrack();
        record({ kind: 'ws-close', exchange, from: to, to: from, code, reason });
        later('down', () => client.close(code, reason));
      },
    };

    record({ kind: 'ws-open', exchange, from, to, url: url.href, headers: handshake.request });
    const [status, statusText] = [101, reasonPhrase(101)];
    record({
      kind: 'response',
      exchange,
      from: to,
      to: from,
      status,
      statusText,
      headers: handshake.response,
    });
    client.addEventListener('message', (event) => {
      const data = (event as MessageEvent).data as string | ArrayBuffer;
      const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : toBytes(data);
      record({
        kind: 'ws-message',
        exchange,
        from,
        to,
        size: bytes.byteLength,
        preview: bodyPreview(typeof data === 'string' ? data : bytes),
        binary: typeof data !== 'string',
      });
      later('up', () => {
        try {
          report(hooks.message?.(peer, data, this.options.env));
        } catch (error) {
          this.options.reportError(to, error);
        }
      });
    });
    client.addEventListener('close', (event) => {
      if (gone) return;
      gone = true;
      const { code, reason } = event as CloseEvent;
      if (!closed) {
        closed = true;
        untrack();
        record({ kind: 'ws-close', exchange, from, to, code, reason });
      }
      // As on a real server, the close hook runs whichever side closed.
      later('up', () => {
        try {
          report(hooks.close?.(peer, code, reason, this.options.env));
        } catch (error) {
          this.options.reportError(to, error);
        }
      });
    });
    try {
      report(hooks.open?.(peer, this.options.env));
    } catch (error) {
      this.options.reportError(to, error);
    }
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

/** A fetched Response whose headers show its Set-Cookie lines, as server-side fetch does. */
function withSetCookies(response: Response, lines: string[]): Response {
  const headers = new Headers();
  for (const [name, value] of response.headers) {
    if (name !== SET_COOKIE_HEADER) headers.append(name, value);
  }
  for (const line of lines) headers.append('set-cookie', line);
  const copy = new Response(response.body, {
    status: response.status,
    statusText: response.statusText,
  });
  // Response construction drops Set-Cookie; a free-standing Headers object keeps it.
  Object.defineProperties(copy, {
    headers: { value: headers },
    url: { value: response.url },
    redirected: { value: response.redirected },
  });
  return copy;
}

function toBytes(data: ArrayBuffer | ArrayBufferView | Blob | Uint8Array): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data))
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(0);
}
