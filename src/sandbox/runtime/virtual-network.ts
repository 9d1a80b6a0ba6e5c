import { FetchInterceptor } from '@mswjs/interceptors/fetch';
import { WebSocketInterceptor } from '@mswjs/interceptors/WebSocket';
import { createCookieJar, type CookieJar } from '../http/cookie-jar';
import { handshakeHeaders } from '../http/websocket-handshake';
import { clientOrigin } from '../contract/sandbox';
import { createTraceRecorder, type Route, type TraceRecorder } from '../trace/recorder';
import type { VirtualNetworkOptions } from './network-types';
import { connectVirtualSocket, type InterceptedSocket } from './virtual-socket';
import { answer, type AnswerContext } from './virtual-response';
import { callHost } from './host-handler';
import { ConnectionPool } from './connection-pool';
import {
  FROM_HEADER,
  carriedCookie,
  headerPairs,
  networkBindings,
  sandboxResponseClass,
  type MadeResponse,
  type NetworkBindings,
  wireRequestHeaders,
} from './network-bindings';

export type { NetworkBindings } from './network-bindings';

export type { TraceDraft, VirtualNetworkOptions } from './network-types';

/** performance.now as the worker started: the trace's clock is not reader code's to change. */
const clock = performance.now.bind(performance);

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
  /** Numbers the exchanges, stamps, builds, checks and hands on every trace event. */
  private readonly recorder: TraceRecorder;
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
    const started = clock();
    this.recorder = createTraceRecorder({
      now: options.now ?? (() => clock() - started),
      emit: (event) => options.record(event),
      refused: (problem) => options.log('sandbox', 'error', `trace: ${problem}`),
    });
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
    const exchange = this.recorder.nextExchange('http');
    this.releases.set(exchange, release);
    const route = { exchange, from, to };
    const back = { exchange, from: to, to: from };
    const hasBody = incoming.method !== 'GET' && incoming.method !== 'HEAD';
    const body = hasBody ? new Uint8Array(await incoming.arrayBuffer()) : null;

    const isClient = this.options.clients.includes(from);
    // A client's cookies come from its jar (a browser's); a host's are what its code set.
    const cookie = isClient ? this.jarOf(from).header(url) : carriedCookie(incoming);
    const headers = wireRequestHeaders(incoming, url, cookie, body);
    const { method } = incoming;
    this.recorder.request(route, { method, url: url.href, headers: headerPairs(headers), body });

    const aborted = new AbortController();
    incoming.signal.addEventListener('abort', () => {
      aborted.abort(incoming.signal.reason);
      this.endExchange(exchange, () => this.recorder.abort(route));
      this.cancels.get(exchange)?.();
    });

    // Until its answer starts, the exchange is an open connection: a dropped connection fails it,
    // and a host that has not received it yet never does.
    let cut = false;
    const untrack = this.trackOpen([from, to], (reason) => {
      cut = true;
      this.endExchange(exchange, () => this.recorder.error(back, reason));
      aborted.abort(new Error(reason));
      controller.errorWith(new TypeError(`network error: ${reason}`));
    });
    await this.delay();
    if (cut) return;
    const request = new Request(url, { method, body, signal: aborted.signal, redirect: 'manual' });
    // Constructed requests drop forbidden headers (Cookie, Host…); a server must see them all.
    Object.defineProperty(request, 'headers', { value: headers });

    const response = await callHost(to, request, back, {
      module: this.options.getHost(to),
      env: this.options.env,
      recorder: this.recorder,
      reportError: (error) => this.options.reportError(to, error),
      Response: this.InternalResponse,
    });
    untrack();
    // The caller gave up while the host worked: like a real socket, nothing reaches it any more.
    if (this.ended.has(exchange)) {
      await response.body?.cancel().catch(() => undefined);
      return;
    }
    // Response.error() is how a host drops the connection: no answer, the caller's fetch fails.
    if (response.type === 'error') {
      const reason = `${to} dropped the connection`;
      this.endExchange(exchange, () => this.recorder.error(back, reason));
      controller.errorWith(new TypeError(`network error: ${reason}`));
      return;
    }
    const jar = isClient ? this.jarOf(from) : undefined;
    await answer({ back, url, jar }, response, this.answerContext(back), (answered) =>
      controller.respondWith(answered),
    );
  }

  /** What answering an exchange needs from this network; `back` runs from the host to the asker. */
  private answerContext(back: Route): AnswerContext {
    const { exchange, from: host, to: asker } = back;
    return {
      recorder: this.recorder,
      made: this.made,
      delay: () => this.delay(),
      end: (trace) => this.endExchange(exchange, trace),
      stream: {
        reportError: (error) => this.options.reportError(host, error),
        latencyMs: () => this.latencyMs,
        trackOpen: (cut) => this.trackOpen([host, asker], cut),
        onClientAbort: (stop) =>
          stop ? this.cancels.set(exchange, stop) : this.cancels.delete(exchange),
      },
    };
  }

  /** Ends an exchange once: its connection slot is freed and `trace` records its last event. */
  private endExchange(exchange: string, trace: () => void): void {
    if (this.ended.has(exchange)) return;
    this.ended.add(exchange);
    this.releases.get(exchange)?.();
    this.releases.delete(exchange);
    trace();
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
      exchange: this.recorder.nextExchange('ws'),
      from,
      to,
      url,
      hooks,
      // No handshake crosses the in-page network; host and trace see the one a real socket would carry.
      handshake: this.handshake(from, url, protocols),
      env: this.options.env,
      recorder: this.recorder,
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
