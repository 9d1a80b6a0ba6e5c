import { FetchInterceptor } from '@mswjs/interceptors/fetch';
import { WebSocketInterceptor } from '@mswjs/interceptors/WebSocket';
import { createCookieJar, type CookieJar, type CookiePlace } from '../http/cookie-jar';
import { handshakeHeaders } from '../http/websocket-handshake';
import { clientOrigin } from '../contract/sandbox';
import { createTraceRecorder, type Route, type TraceRecorder } from '../trace/recorder';
import type { VirtualNetworkOptions } from './network-types';
import { connectVirtualSocket, type InterceptedSocket } from './virtual-socket';
import { answer, type AnswerContext } from './virtual-response';
import { callHost, errorText } from './host-handler';
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
import {
  OriginalRequest,
  OriginalTypeError,
  OriginalUint8Array,
  OriginalURL,
  arrayIncludes,
  headersGet,
  listen,
  mapDelete,
  mapGet,
  mapSet,
  pin,
  regexpExec,
  reflectDefine,
  requestBytes,
  requestHeaders,
  requestMethod,
  requestRedirect,
  requestSignal,
  requestUrl,
  responseBody,
  responseType,
  setAdd,
  setDelete,
  setForEach,
  setHas,
  streamCancel,
  stringSlice,
  urlHostname,
  urlHref,
  urlOrigin,
  urlPathname,
  weakGet,
} from './intrinsics';

type Controller = { respondWith(response: Response): void; errorWith(reason?: unknown): void };
/** How far one exchange got, so a failure can end it in the trace. */
type Progress = { from: string; back?: Route };

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

/**
 * Makes the next network's interceptors and applies them now, while a spare worker waits: nothing
 * calls `fetch` or opens a WebSocket before the run's code does, and its `start()` only adds the
 * listeners (applying patched the globals and logged, about 6 ms of a run's start in a profile).
 */
export function prepareInterceptors(): Interceptors {
  if (!prepared) {
    prepared = { fetch: new FetchInterceptor(), socket: new WebSocketInterceptor() };
    prepared.fetch.apply();
    prepared.socket.apply();
  }
  return prepared;
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
    const isHost = arrayIncludes(this.options.hosts, from);
    return networkBindings({ from, isHost, socketOrigin: this.socketOrigin, made: this.made });
  }

  /** Cuts every open stream and socket of `host` (server or client side), as a network failure would. */
  dropConnections(host: string, reason = 'connection dropped'): void {
    const cutters = mapGet(this.open, host);
    if (!cutters) return;
    mapDelete(this.open, host);
    setForEach(cutters, (cut) => (cut as (reason: string) => void)(reason));
  }

  private hostOf(url: URL): string | undefined {
    const match = regexpExec(/^([a-z][a-z0-9-]*)\.test$/, urlHostname(url));
    const name = match?.[1];
    return name && arrayIncludes(this.options.hosts, name) ? name : undefined;
  }

  private describeHosts(): string {
    return this.options.hosts.map((name) => `http://${name}.test/`).join(', ');
  }

  /** Registers a way to cut an open stream or socket under both of its ends. */
  private trackOpen(one: string, other: string, cut: (reason: string) => void): () => void {
    const at = (end: string): Set<(reason: string) => void> => {
      let set = mapGet(this.open, end);
      if (!set) mapSet(this.open, end, (set = new Set()));
      setAdd(set, cut);
      return set;
    };
    const first = at(one);
    const second = at(other);
    return () => {
      setDelete(first, cut);
      setDelete(second, cut);
    };
  }

  private delay(): Promise<void> {
    const ms = this.latencyMs;
    return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
  }

  /**
   * Carries one request; when what it reads fails (reader code handed over something that is no
   * Request or Response, or replaced a built-in the network relies on), the exchange ends with an
   * error in the trace and the caller's fetch fails, rather than hanging or failing unexplained.
   */
  private async handleRequest(incoming: Request, controller: Controller): Promise<void> {
    const progress: Progress = { from: 'client' };
    try {
      await this.carry(incoming, controller, progress);
    } catch (error) {
      const reason = `the sandbox network could not carry this request: ${errorText(error)}`;
      this.options.log(progress.from, 'error', reason);
      const { back } = progress;
      if (back) this.endExchange(back.exchange, () => this.recorder.error(back, reason));
      try {
        controller.errorWith(new OriginalTypeError(`network error: ${reason}`));
      } catch {
        // The caller was already answered.
      }
    }
  }

  private async carry(
    incoming: Request,
    controller: Controller,
    progress: Progress,
  ): Promise<void> {
    // Everything the trace records is read with the engine's own getters (decisions/0071).
    const code = requestHeaders(incoming);
    const from = (progress.from = headersGet(code, FROM_HEADER) ?? 'client');
    const url = new OriginalURL(requestUrl(incoming));
    const method = requestMethod(incoming);
    const href = urlHref(url);
    // The interceptors read these too (even to word an error): a replaced getter is never asked.
    pin(incoming, { method, url: href, redirect: requestRedirect(incoming) });
    const to = this.hostOf(url);
    if (!to) {
      const message = `${method} ${href} was blocked: this sandbox reaches only ${this.describeHosts()}`;
      this.options.log(from, 'error', message);
      controller.errorWith(new TypeError(`Failed to fetch: ${message}`));
      return;
    }
    // Like a browser's HTTP/1.1 pool: past the limit, a request waits before it goes on the wire.
    const release = await this.pool.acquire(`${from}→${to}`);
    const exchange = this.recorder.nextExchange('http');
    mapSet(this.releases, exchange, release);
    const route = { exchange, from, to };
    const back = (progress.back = { exchange, from: to, to: from });
    const hasBody = method !== 'GET' && method !== 'HEAD';
    const body = hasBody ? new OriginalUint8Array(await requestBytes(incoming)) : null;

    const isClient = arrayIncludes(this.options.clients, from);
    // A client's cookies come from its jar (a browser's); a host's are what its code set.
    const place = placeOf(url);
    const cookie = isClient ? this.jarOf(from).header(place) : carriedCookie(incoming);
    const headers = wireRequestHeaders(code, url, cookie, body);
    this.recorder.request(route, {
      method,
      url: href,
      headers: headerPairs(headers),
      body,
    });

    const aborted = this.followAbort(incoming, route);

    // Until its answer starts, the exchange is an open connection: a dropped connection fails it,
    // and a host that has not received it yet never does.
    let cut = false;
    const untrack = this.trackOpen(from, to, (reason) => {
      cut = true;
      this.endExchange(exchange, () => this.recorder.error(back, reason));
      aborted.abort(new Error(reason));
      controller.errorWith(new TypeError(`network error: ${reason}`));
    });
    await this.delay();
    if (cut) return;
    const request = new OriginalRequest(url, {
      method,
      body,
      signal: aborted.signal,
      redirect: 'manual',
    });
    // Constructed requests drop forbidden headers (Cookie, Host…); a server must see them all.
    reflectDefine(request, 'headers', { value: headers });

    const response = await callHost(to, request, back, {
      module: this.options.getHost(to),
      env: this.options.env,
      recorder: this.recorder,
      reportError: (error) => this.options.reportError(to, error),
      Response: this.InternalResponse,
    });
    untrack();
    // The caller gave up while the host worked: like a real socket, nothing reaches it any more.
    if (setHas(this.ended, exchange)) {
      const rest = responseBody(response);
      if (rest) await streamCancel(rest).catch(() => undefined);
      return;
    }
    // Response.error() is how a host drops the connection: no answer, the caller's fetch fails.
    if (responseType(response) === 'error') {
      const reason = `${to} dropped the connection`;
      this.endExchange(exchange, () => this.recorder.error(back, reason));
      controller.errorWith(new TypeError(`network error: ${reason}`));
      return;
    }
    const jar = isClient ? this.jarOf(from) : undefined;
    await answer({ back, url: place, jar }, response, this.answerContext(back), (answered) =>
      controller.respondWith(answered),
    );
  }

  /** An abort of the caller's request ends the exchange and aborts what the host was given. */
  private followAbort(incoming: Request, route: Route): AbortController {
    const aborted = new AbortController();
    const signal = requestSignal(incoming);
    listen(signal, 'abort', () => {
      aborted.abort(signal.reason);
      this.endExchange(route.exchange, () => this.recorder.abort(route));
      mapGet(this.cancels, route.exchange)?.();
    });
    return aborted;
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
        trackOpen: (cut) => this.trackOpen(host, asker, cut),
        onClientAbort: (stop) =>
          stop ? mapSet(this.cancels, exchange, stop) : mapDelete(this.cancels, exchange),
      },
    };
  }

  /** Ends an exchange once: its connection slot is freed and `trace` records its last event. */
  private endExchange(exchange: string, trace: () => void): void {
    if (setHas(this.ended, exchange)) return;
    setAdd(this.ended, exchange);
    mapGet(this.releases, exchange)?.();
    mapDelete(this.releases, exchange);
    trace();
  }

  private handleSocket(client: InterceptedSocket, protocols?: string | string[]): void {
    const from = weakGet(this.socketOrigin, client.socket) ?? 'client';
    const url = new OriginalURL(client.url);
    const to = this.hostOf(url);
    if (!to) {
      throw new Error(
        `WebSocket to ${urlHref(url)} was blocked: this sandbox reaches only ${this.describeHosts()}`,
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
      trackOpen: (cut) => this.trackOpen(to, from, cut),
    });
  }

  /** The opening handshake of a socket from `from`; a client (a browser) adds Origin and its cookies. */
  private handshake(
    from: string,
    url: URL,
    protocols: string | string[] | undefined,
  ): ReturnType<typeof handshakeHeaders> {
    const offered = typeof protocols === 'string' ? [protocols] : protocols;
    if (!arrayIncludes(this.options.clients, from))
      return handshakeHeaders({ url, protocols: offered });
    // Cookies are kept per http(s) origin; a ws: URL shares them with its http: twin.
    const cookie = this.jarOf(from).header(
      placeOf(new OriginalURL(`http${stringSlice(urlHref(url), 2)}`)),
    );
    return handshakeHeaders({ url, protocols: offered, origin: clientOrigin(from), cookie });
  }

  private jarOf(client: string): CookieJar {
    let jar = mapGet(this.jars, client);
    if (!jar) mapSet(this.jars, client, (jar = createCookieJar()));
    return jar;
  }
}

/** What the cookie jar needs of a URL, read with the engine's getters. */
const placeOf = (url: URL): CookiePlace => ({ origin: urlOrigin(url), pathname: urlPathname(url) });
