/**
 * run.ts — runs this sandbox on your machine: each host in sandbox.json is served on a real port with
 * node:http (plus the `ws` package for WebSocket hooks), then each client's main() runs against it
 * with fetch (and a cookie jar, as a browser keeps one), EventSource and WebSocket, and every line
 * it prints is labelled with the host that printed it.
 *
 * The same file is the Node harness's wiring in the site's repository (src/sandbox/node/harness.ts
 * adds tracing on top), so the StackBlitz project and the tests run exactly the same code.
 * It must run on Node 20 through tsx: erasable TypeScript only, no Node 22+ APIs without a fallback.
 */
import http from 'node:http';
import nodeModule from 'node:module';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AsyncLocalStorage, AsyncResource } from 'node:async_hooks';
import { realpathSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { formatWithOptions } from 'node:util';
import { WebSocketServer, WebSocket as WsWebSocket } from 'ws';
import type { WebSocket as WsSocket } from 'ws';
import { EventSource as FetchEventSource } from 'eventsource';
import { defaultParams, type SandboxManifest } from '../contract/manifest.ts';
import type {
  SandboxClientMain,
  SandboxEnv,
  SandboxHostModule,
  SandboxPeer,
} from '../contract/sandbox.ts';
import { createCookieJar, type CookieJar } from '../http/cookie-jar.ts';

export type Level = 'log' | 'info' | 'warn' | 'error';

/** sandbox.json as run.ts reads it: which file is which host or client, and the params. */
export type RunManifest = Pick<SandboxManifest, 'hosts' | 'clients' | 'target' | 'params'>;

/** Observes one HTTP exchange at the socket (the harness records it as a trace). */
export interface ExchangeObserver {
  response(status: number, statusText: string, headers: Array<[string, string]>): void;
  chunk(bytes: Uint8Array): void;
  end(size: number): void;
  abort(): void;
  error(message: string): void;
}

/** Observes one WebSocket connection at the socket. */
export interface SocketObserver {
  readonly id?: string;
  message(direction: 'in' | 'out', data: string | Uint8Array, binary: boolean): void;
  close(by: 'client' | 'host', code: number, reason: string): void;
}

/** Optional wire observer: the harness passes one; run.ts on its own does not. */
export interface WireObserver {
  request(info: {
    host: string;
    from: string;
    method: string;
    url: string;
    rawHeaders: string[];
    body: Uint8Array;
  }): ExchangeObserver | undefined;
  socket(info: { host: string; from: string; url: string }): SocketObserver | undefined;
}

/** Which host made a request; the wiring adds it and the server removes it before the handler sees it. */
export const FROM_HEADER = 'x-sandbox-from';

// Cookies: one jar per client (see ./cookie-jar.ts, shared with the in-page runtime).

// ---------------------------------------------------------------------------------------------
// The run scope: which run and which host the current code belongs to. AsyncLocalStorage carries
// it through awaits and callbacks, so console output and network calls are labelled correctly
// even when several hosts (or several runs, in tests) are active at once.

/** Everything one run owns. */
export interface RunScope {
  log(host: string, level: Level, text: string): void;
  /**
   * One cookie jar per client, as each client plays a browser. Hosts have none: like server-side
   * fetch, they send the Cookie headers they set and see every Set-Cookie.
   */
  jars: Map<string, CookieJar>;
  /** Origins of this run's hosts; only requests to these carry the "which host" header. */
  origins: Set<string>;
  /** Client-side EventSources and WebSockets, closed when the run ends. */
  closeables: Set<{ close(): void }>;
}

const scope = new AsyncLocalStorage<{ host: string; run: RunScope }>();

/**
 * Runs `fn` as `host` of `run`: its console output and network calls are attributed to that host.
 *
 * @example
 * inHost(run, 'server', () => console.log('hi')); // run.log('server', 'log', 'hi')
 */
export function inHost<T>(run: RunScope, host: string, fn: () => T): T {
  return scope.run({ host, run }, fn);
}

const nativeFetch = globalThis.fetch.bind(globalThis);

/**
 * fetch with the sender's cookie jar (clients only): sends stored cookies to the same origin, stores Set-Cookie,
 * and follows redirects itself so cookies set on a redirect are kept, as a browser would.
 *
 * @example
 * const response = await jarFetch(run, 'client', 'http://127.0.0.1:3000/login', { method: 'POST' });
 */
export async function jarFetch(
  run: RunScope,
  from: string,
  input: string | URL | Request,
  init?: RequestInit,
): Promise<Response> {
  const first = new Request(input, init);
  const body =
    first.body && first.method !== 'GET' && first.method !== 'HEAD'
      ? await first.arrayBuffer()
      : undefined;
  let url = new URL(first.url);
  let method = first.method;
  let sendBody: ArrayBuffer | undefined = body;
  const headers = new Headers(first.headers);
  const jar = run.jars.get(from);
  // A browser never lets page code set Cookie; the jar decides.
  if (jar) headers.delete('cookie');
  for (let hop = 0; ; hop++) {
    const hopHeaders = new Headers(headers);
    const cookie = jar?.header(url);
    if (cookie) hopHeaders.set('cookie', cookie);
    if (run.origins.has(url.origin)) hopHeaders.set(FROM_HEADER, from);
    const response = await nativeFetch(url, {
      method,
      headers: hopHeaders,
      body: sendBody,
      signal: first.signal,
      redirect: 'manual',
    });
    jar?.store(url, response.headers.getSetCookie());
    const location = response.headers.get('location');
    const isRedirect = [301, 302, 303, 307, 308].includes(response.status) && location !== null;
    if (!isRedirect || first.redirect === 'manual') return response;
    if (first.redirect === 'error') throw new TypeError(`fetch: redirect to ${location} refused`);
    if (hop >= 20) throw new TypeError('fetch: too many redirects');
    await response.body?.cancel();
    url = new URL(location, url);
    if (
      response.status === 303 ||
      ((response.status === 301 || response.status === 302) && method === 'POST')
    ) {
      if (method !== 'HEAD') method = 'GET';
      sendBody = undefined;
      headers.delete('content-type');
      headers.delete('content-length');
    }
  }
}

let installed = false;

/**
 * Relative imports of a sandbox module inherit its `?sandbox-run=…` query, so a sibling file is
 * instantiated per run and per host, not shared. Needs `module.registerHooks` (Node 22.15+); on older
 * Node (StackBlitz) siblings are shared, which only matters for module-level state in them.
 */
function isolateSandboxImports(): void {
  const { registerHooks } = nodeModule as unknown as {
    registerHooks?: (hooks: {
      resolve: (
        specifier: string,
        context: { parentURL?: string },
        next: (specifier: string, context: unknown) => { url: string },
      ) => { url: string };
    }) => void;
  };
  registerHooks?.({
    resolve(specifier, context, next) {
      const result = next(specifier, context);
      const parent = context.parentURL ?? '';
      const at = parent.indexOf('?sandbox-run=');
      if (at < 0 || !specifier.startsWith('.') || !result.url.startsWith('file:')) return result;
      return { ...result, url: `${result.url.split('?')[0]}${parent.slice(at)}` };
    },
  });
}

/**
 * Makes console, fetch, EventSource and WebSocket aware of the run scope. Outside a run they behave
 * as before. Safe to call more than once.
 *
 * @example
 * installRunGlobals();
 */
export function installRunGlobals(): void {
  if (installed) return;
  installed = true;
  isolateSandboxImports();

  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    const original = console[level].bind(console);
    console[level] = (...args: unknown[]) => {
      const current = scope.getStore();
      if (!current) return original(...args);
      const text = formatWithOptions(
        { breakLength: Number.POSITIVE_INFINITY, colors: false },
        ...args,
      );
      // The sink runs outside the scope, so a sink that prints with console does not loop.
      scope.exit(() => current.run.log(current.host, level === 'debug' ? 'log' : level, text));
    };
  }

  globalThis.fetch = ((input: string | URL | Request, init?: RequestInit) => {
    const current = scope.getStore();
    if (!current) return nativeFetch(input, init);
    return jarFetch(current.run, current.host, input, init);
  }) as typeof fetch;

  // The `eventsource` package is fetch-based, so cookies and the host label apply to it too
  // (Node's own EventSource needs --experimental-eventsource and takes no custom fetch).
  class RunEventSource extends FetchEventSource {
    constructor(url: string | URL, init?: { withCredentials?: boolean }) {
      const current = scope.getStore();
      super(url, {
        ...init,
        ...(current
          ? {
              fetch: (input: string | URL, options?: RequestInit) =>
                jarFetch(current.run, current.host, input, options),
            }
          : {}),
      });
      current?.run.closeables.add(this);
    }
  }
  Object.defineProperty(globalThis, 'EventSource', {
    value: RunEventSource,
    writable: true,
    configurable: true,
  });

  // Node 22+ has a global WebSocket; older Node (StackBlitz) gets the `ws` package's one.
  const NativeWebSocket = (globalThis as { WebSocket?: typeof WebSocket }).WebSocket;
  type Listener = ((event: unknown) => void) | null;
  interface SocketBase {
    close(): void;
    addEventListener(type: string, listener: Listener, options?: unknown): void;
    removeEventListener(type: string, listener: Listener, options?: unknown): void;
    get onopen(): Listener;
    set onopen(listener: Listener);
    get onmessage(): Listener;
    set onmessage(listener: Listener);
    get onclose(): Listener;
    set onclose(listener: Listener);
    get onerror(): Listener;
    set onerror(listener: Listener);
  }
  const Base = (NativeWebSocket ?? WsWebSocket) as unknown as new (
    ...args: unknown[]
  ) => SocketBase;
  // Socket events fire in the async context of whichever pooled connection carried the upgrade, so
  // listeners are bound to the context that registered them: output stays labelled by its client.
  const bound = new WeakMap<object, Listener>();
  const bind = (listener: Listener): Listener => {
    if (typeof listener !== 'function') return listener;
    let wrapped = bound.get(listener);
    if (!wrapped) bound.set(listener, (wrapped = AsyncResource.bind(listener)));
    return wrapped;
  };
  class RunWebSocket extends Base {
    override addEventListener(type: string, listener: Listener, options?: unknown): void {
      super.addEventListener(type, bind(listener), options);
    }
    override removeEventListener(type: string, listener: Listener, options?: unknown): void {
      super.removeEventListener(type, (listener && bound.get(listener)) ?? listener, options);
    }
    override get onopen(): Listener {
      return super.onopen;
    }
    override set onopen(listener: Listener) {
      super.onopen = bind(listener);
    }
    override get onmessage(): Listener {
      return super.onmessage;
    }
    override set onmessage(listener: Listener) {
      super.onmessage = bind(listener);
    }
    override get onclose(): Listener {
      return super.onclose;
    }
    override set onclose(listener: Listener) {
      super.onclose = bind(listener);
    }
    override get onerror(): Listener {
      return super.onerror;
    }
    override set onerror(listener: Listener) {
      super.onerror = bind(listener);
    }
    constructor(url: string | URL, protocols?: string | string[]) {
      const current = scope.getStore();
      const headers: Record<string, string> = {};
      if (current) {
        const target = new URL(url);
        const origin = new URL(`${target.protocol === 'wss:' ? 'https:' : 'http:'}//${target.host}`)
          .origin;
        if (current.run.origins.has(origin)) headers[FROM_HEADER] = current.host;
        const cookie = current.run.jars.get(current.host)?.header(new URL(target.pathname, origin));
        if (cookie) headers.cookie = cookie;
      }
      if (NativeWebSocket)
        super(url, { ...(protocols === undefined ? {} : { protocols }), headers });
      else super(url, protocols, { headers });
      current?.run.closeables.add(this);
    }
  }
  for (const [name, value] of Object.entries({ CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 })) {
    Object.defineProperty(RunWebSocket, name, { value });
  }
  Object.defineProperty(globalThis, 'WebSocket', {
    value: RunWebSocket,
    writable: true,
    configurable: true,
  });
}

// ---------------------------------------------------------------------------------------------
// Serving a host: node:http request → web Request, web Response (streamed) → node:http response.

/**
 * Creates a node:http server that serves `getModule()` as `host`, with WebSocket hooks when the
 * module has them. `getEnv` is read per request because ports are known only after every host listens.
 *
 * @example
 * const server = createHostServer({ host: 'server', run, getModule: () => mod, getEnv: () => env });
 * server.listen(0, '127.0.0.1');
 */
export function createHostServer(options: {
  host: string;
  run: RunScope;
  getModule: () => SandboxHostModule;
  getEnv: () => SandboxEnv;
  observer?: WireObserver;
}): http.Server {
  const { host, run, getModule, getEnv, observer } = options;
  const inFlight = new Set<ServerResponse>();
  // Only a WebSocket upgrade to a host with WebSocket hooks is taken. Any other Upgrade (curl --http2
  // asks for h2c) is ignored and answered over HTTP/1.1, as RFC 9110 §7.8 allows (Node 24.9+; older
  // Node hands every upgrade to the 'upgrade' listener below).
  const takesUpgrade = (req: IncomingMessage): boolean =>
    getModule().websocket !== undefined && /^websocket$/i.test(req.headers.upgrade ?? '');
  const server = http.createServer({ shouldUpgradeCallback: takesUpgrade }, (req, res) => {
    void handleRequest(req, res).catch((error: unknown) => {
      run.log(host, 'error', `wiring error: ${formatError(error)}`);
      res.destroy();
    });
  });

  async function handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const from = headerValue(req.rawHeaders, FROM_HEADER) ?? 'external';
    const rawHeaders = withoutHeader(req.rawHeaders, FROM_HEADER);
    // The host's own URL, whatever name the caller used (localhost or 127.0.0.1): as in the page,
    // request.url starts with env.hosts[<this host>].
    const url = new URL(req.url ?? '/', ownUrl(req));
    const method = req.method ?? 'GET';
    const exchange = observer?.request({ host, from, method, url: url.href, rawHeaders, body });

    const controller = new AbortController();
    let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
    inFlight.add(res);
    res.on('finish', () => inFlight.delete(res));
    let dropped = false;
    res.on('close', () => {
      inFlight.delete(res);
      if (res.writableFinished || dropped) return;
      exchange?.abort();
      // The handler's abort listeners and its stream's cancel() run as the host, so what they
      // print is labelled.
      inHost(run, host, () => {
        controller.abort();
        void reader?.cancel().catch(() => {});
      });
    });

    const headers = new Headers();
    for (let i = 0; i < rawHeaders.length; i += 2) {
      try {
        headers.append(rawHeaders[i] ?? '', rawHeaders[i + 1] ?? '');
      } catch {
        // A header the Fetch API refuses is dropped, as a browser-side server would never see it.
      }
    }
    const hasBody = method !== 'GET' && method !== 'HEAD';
    const request = new Request(url, {
      method,
      headers,
      body: hasBody ? body : undefined,
      signal: controller.signal,
    });

    let response: Response;
    try {
      response = await inHost(run, host, () => getModule().fetch(request, getEnv()));
      if (!(response instanceof Response)) throw new TypeError('fetch() must return a Response');
    } catch (error) {
      inHost(run, host, () => console.error(formatError(error)));
      exchange?.error(`${host} threw: ${error instanceof Error ? error.message : String(error)}`);
      response = new Response('Internal Server Error', {
        status: 500,
        headers: { 'content-type': 'text/plain' },
      });
    }
    if (res.destroyed) {
      await response.body?.cancel().catch(() => {});
      return;
    }
    // Response.error() is how a host drops the connection: no answer, the caller's fetch fails.
    if (response.type === 'error') {
      dropped = true;
      exchange?.error(`${host} dropped the connection`);
      res.destroy();
      return;
    }

    res.statusCode = response.status;
    res.statusMessage = response.statusText || http.STATUS_CODES[response.status] || '';
    for (const [name, value] of response.headers) {
      if (name !== 'set-cookie') res.setHeader(name, value);
    }
    const setCookies = response.headers.getSetCookie();
    if (setCookies.length > 0) res.setHeader('set-cookie', setCookies);
    // Headers go out now, so a stream's first event is not held back until its first chunk.
    res.flushHeaders();
    exchange?.response(res.statusCode, res.statusMessage, writtenHeaders(res));

    let size = 0;
    // A HEAD answer has no body: end the handler's stream (an SSE feed, say) instead of leaking it.
    if (method === 'HEAD') await response.body?.cancel().catch(() => {});
    if (response.body && method !== 'HEAD') {
      reader = response.body.getReader();
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
          inHost(run, host, () => console.error(`response body failed: ${formatError(error)}`));
          exchange?.error(
            `response body failed: ${error instanceof Error ? error.message : String(error)}`,
          );
          res.destroy();
        }
        return;
      }
    }
    if (res.destroyed) return;
    res.end();
    exchange?.end(size);
  }

  const ownUrl = (req: IncomingMessage): URL | string =>
    getEnv().hosts[host] ?? `http://${req.headers.host ?? '127.0.0.1'}`;

  activeResponses.set(server, inFlight);
  let peers = 0;
  server.on('upgrade', (req: IncomingMessage, socket, head: Buffer) => {
    const hooks = getModule().websocket;
    if (!hooks || !takesUpgrade(req)) {
      socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\nUnsupported upgrade\n');
      return;
    }
    const wss = webSocketServers.get(server) ?? new WebSocketServer({ noServer: true });
    webSocketServers.set(server, wss);
    wss.handleUpgrade(req, socket, head, (ws: WsSocket) => {
      const from = headerValue(req.rawHeaders, FROM_HEADER) ?? 'external';
      const url = new URL(req.url ?? '/', ownUrl(req));
      url.protocol = 'ws:';
      const watcher = observer?.socket({ host, from, url: url.href });
      let closedByHost = false;
      const peer: SandboxPeer = {
        id: watcher?.id ?? `peer-${++peers}`,
        url,
        send(data) {
          if (ws.readyState !== ws.OPEN) return;
          const binary = typeof data !== 'string';
          const bytes =
            typeof data === 'string'
              ? data
              : data instanceof Uint8Array
                ? data
                : new Uint8Array(data);
          watcher?.message('out', bytes, binary);
          ws.send(bytes, { binary });
        },
        close(code, reason) {
          closedByHost = true;
          ws.close(code, reason);
        },
      };
      const call = (name: string, fn: () => unknown): void => {
        inHost(run, host, () => {
          Promise.resolve()
            .then(fn)
            .catch((error: unknown) =>
              console.error(`websocket.${name} threw: ${formatError(error)}`),
            );
        });
      };
      ws.on('message', (data: Buffer, isBinary: boolean) => {
        const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
        watcher?.message('in', isBinary ? bytes : data.toString('utf8'), isBinary);
        const value = isBinary ? bytes.slice().buffer : data.toString('utf8');
        call('message', () => hooks.message?.(peer, value, getEnv()));
      });
      ws.on('close', (code: number, reason: Buffer) => {
        watcher?.close(closedByHost ? 'host' : 'client', code, reason.toString('utf8'));
        call('close', () => hooks.close?.(peer, code, reason.toString('utf8'), getEnv()));
      });
      ws.on('error', () => {});
      call('open', () => hooks.open?.(peer, getEnv()));
    });
  });
  return server;
}

const webSocketServers = new WeakMap<http.Server, WebSocketServer>();
const activeResponses = new WeakMap<http.Server, Set<ServerResponse>>();

/**
 * Waits until a server has no response in progress and no open WebSocket, or `ms` passed, so the
 * close handshakes a client started just before its main() returned still reach the server.
 *
 * @example
 * await settleHostServer(server, 250);
 */
export async function settleHostServer(server: http.Server, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const sockets = webSocketServers.get(server)?.clients.size ?? 0;
    const responses = activeResponses.get(server)?.size ?? 0;
    if (sockets === 0 && responses === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * Closes a host server now: open WebSocket connections, streams and keep-alive sockets included.
 *
 * @example
 * await closeHostServer(server); // the port is free again
 */
export async function closeHostServer(server: http.Server): Promise<void> {
  for (const client of webSocketServers.get(server)?.clients ?? []) client.terminate();
  webSocketServers.get(server)?.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

function headerValue(rawHeaders: string[], name: string): string | undefined {
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (rawHeaders[i]?.toLowerCase() === name) return rawHeaders[i + 1];
  }
  return undefined;
}

function withoutHeader(rawHeaders: string[], name: string): string[] {
  const kept: string[] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (rawHeaders[i]?.toLowerCase() !== name)
      kept.push(rawHeaders[i] ?? '', rawHeaders[i + 1] ?? '');
  }
  return kept;
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

/**
 * An Error as one readable string (stack when there is one); JSON.stringify(error) would give "{}".
 *
 * @example
 * formatError(new Error('boom')); // 'Error: boom\n    at …'
 */
export function formatError(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}

// ---------------------------------------------------------------------------------------------
// A whole run: serve every host, run every client, close everything.

export interface StartedSandbox {
  ports: Record<string, number>;
  env: SandboxEnv;
  /** Runs every client's main() and resolves when all have settled (or the timeout passed). */
  runClients(timeoutMs?: number): Promise<void>;
  /** Closes client EventSources and WebSockets, and waits up to `ms` for servers to see it. */
  closeClients(ms?: number): Promise<void>;
  /** Closes client EventSources and WebSockets, then every server and every open socket. */
  close(): Promise<void>;
  /** Each host's node:http server (for a second listener, such as an HTTP/2 endpoint). */
  servers: Record<string, http.Server>;
  /** Imports every host module afresh: the same ports, new state (serve mode, after the demo). */
  restartHosts(): Promise<void>;
}

/**
 * Serves the hosts of the sandbox in `dir` on loopback ports and prepares its clients.
 *
 * @example
 * const sandbox = await startSandbox({ dir, manifest, log: (host, level, text) => console.log(host, text) });
 * await sandbox.runClients();
 * await sandbox.close();
 */
export async function startSandbox(options: {
  dir: string;
  manifest: RunManifest;
  log(host: string, level: Level, text: string): void;
  observer?: WireObserver;
  /** Part of the module URLs' query, so every run imports fresh modules. */
  runId?: number;
  /** Host name → port; 0 or absent picks a free port. */
  ports?: Record<string, number>;
  /** Param values that override the manifest's defaults. */
  params?: Record<string, number>;
  /** Wraps each host module as it is loaded (serve mode adds CORS headers this way). */
  wrapHost?: (module: SandboxHostModule) => SandboxHostModule;
}): Promise<StartedSandbox> {
  installRunGlobals();
  const { dir, manifest, observer } = options;
  // Each host and client gets its own module instances, as separate processes would (and as the
  // page gives them); relative imports inherit the query through the resolve hook below.
  let generation = 0; // restartHosts() imports the host modules again under a new query
  const load = async <T>(file: string, name: string): Promise<T> => {
    const run = `${options.runId ?? 0}${generation > 0 ? `.${generation}` : ''}`;
    const query = `?sandbox-run=${run}&as=${encodeURIComponent(name)}`;
    const module = (await import(pathToFileURL(join(dir, file)).href + query)) as { default?: T };
    if (module.default === undefined) throw new Error(`${file} has no default export`);
    return module.default;
  };

  const run: RunScope = {
    log: options.log,
    jars: new Map(Object.keys(manifest.clients).map((name) => [name, createCookieJar()])),
    origins: new Set(),
    closeables: new Set(),
  };
  const hostNames = Object.keys(manifest.hosts);
  const modules: Record<string, SandboxHostModule> = {};
  const loadHosts = async (): Promise<void> => {
    for (const name of hostNames) {
      const module = await load<SandboxHostModule>(manifest.hosts[name] ?? '', name);
      modules[name] = options.wrapHost?.(module) ?? module;
    }
  };
  await loadHosts();
  const clients: Record<string, SandboxClientMain> = {};
  for (const [name, file] of Object.entries(manifest.clients))
    clients[name] = await load<SandboxClientMain>(file, name);

  const env: SandboxEnv = { hosts: {}, params: { ...defaultParams(manifest), ...options.params } };
  const ports: Record<string, number> = {};
  const servers: http.Server[] = [];
  for (const name of hostNames) {
    const server = createHostServer({
      host: name,
      run,
      getModule: () => modules[name] as SandboxHostModule,
      getEnv: () => env,
      observer,
    });
    servers.push(server);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.ports?.[name] ?? 0, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    ports[name] = port;
    env.hosts[name] = new URL(`http://127.0.0.1:${port}/`);
    run.origins.add(`http://127.0.0.1:${port}`);
  }
  const target = manifest.target ?? hostNames[0] ?? '';
  const closeClients = async (ms = 250): Promise<void> => {
    for (const item of run.closeables) {
      try {
        item.close();
      } catch {
        // Already closed.
      }
    }
    run.closeables.clear();
    await Promise.all(servers.map((server) => settleHostServer(server, ms)));
  };

  return {
    ports,
    env,
    async runClients(timeoutMs = 10_000) {
      const pending = new Set(Object.keys(clients));
      const mains = Object.entries(clients).map(([name, main]) =>
        inHost(run, name, async () => {
          try {
            await main(new URL(env.hosts[target] ?? 'http://127.0.0.1/'), env);
          } catch (error) {
            console.error(`Uncaught ${formatError(error)}`);
          } finally {
            pending.delete(name);
          }
        }),
      );
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          for (const name of pending) {
            run.log(
              name,
              'error',
              `main() did not finish within ${timeoutMs} ms; the run was ended`,
            );
          }
          resolve();
        }, timeoutMs);
      });
      await Promise.race([Promise.all(mains), timeout]);
      clearTimeout(timer);
    },
    closeClients,
    async close() {
      await closeClients(0);
      await Promise.all(servers.map(closeHostServer));
      // Cancellation reaches a host's stream through its pipes a few ticks later; let it land
      // (and log) before the run's output is read.
      await new Promise((resolve) => setTimeout(resolve, 25));
    },
    servers: Object.fromEntries(hostNames.map((name, i) => [name, servers[i] as http.Server])),
    async restartHosts() {
      generation += 1;
      await loadHosts();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// `npm start` (tsx run.ts): run the sandbox next to this file and print labelled output.

async function main(): Promise<void> {
  const dir = dirname(fileURLToPath(import.meta.url));
  const manifest = JSON.parse(await readFile(join(dir, 'sandbox.json'), 'utf8')) as RunManifest;
  const width = Math.max(
    ...[...Object.keys(manifest.hosts), ...Object.keys(manifest.clients)].map((n) => n.length),
  );
  let errors = 0;
  const out = { log: console.log, info: console.info, warn: console.warn, error: console.error };
  const sandbox = await startSandbox({
    dir,
    manifest,
    log(host, level, text) {
      if (level === 'error') errors++;
      for (const line of text.split('\n')) out[level](`[${host.padEnd(width)}] ${line}`);
    },
  });
  for (const [name, port] of Object.entries(sandbox.ports))
    out.log(`${name} listening on http://127.0.0.1:${port}/`);
  await sandbox.runClients(Number(process.env.SANDBOX_TIMEOUT_MS ?? 30_000));
  await sandbox.close();
  process.exit(errors > 0 ? 1 : 0);
}

const entry = process.argv[1];
if (entry && import.meta.url === pathToFileURL(realpathSync(entry)).href) {
  main().catch((error: unknown) => {
    console.error(formatError(error));
    process.exit(1);
  });
}
