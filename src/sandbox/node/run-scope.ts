/**
 * The run scope: which run and which host the current code belongs to, and the globals (console,
 * fetch, EventSource, WebSocket, Response) that follow it. AsyncLocalStorage carries the scope through
 * awaits and callbacks, so console output and network calls are labelled correctly even when several
 * hosts (or several runs, in tests) are active at once. Part of the StackBlitz project (run-scope.ts).
 */
import nodeModule from 'node:module';
import { AsyncLocalStorage, AsyncResource } from 'node:async_hooks';
import { formatWithOptions } from 'node:util';
import { WebSocket as WsWebSocket } from 'ws';
import { EventSource as FetchEventSource } from 'eventsource';
import type { CookieJar } from '../http/cookie-jar.ts';
import { clientOrigin } from '../contract/sandbox.ts';
import { FROM_HEADER, type Level } from './run-types.ts';
import { installResponseClass } from './send-response.ts';

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
  // The caller's own signal, not first.signal: Node's Request links its signal to the caller's
  // through a weak reference that dies with `first` once this returns, and a garbage collection
  // then loses every later abort (an EventSource's close() left its stream running on the server).
  const signal =
    init?.signal !== undefined ? init.signal : input instanceof Request ? input.signal : null;
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
      signal,
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
  installResponseClass();
  installConsole();
  globalThis.fetch = ((input: string | URL | Request, init?: RequestInit) => {
    const current = scope.getStore();
    if (!current) return nativeFetch(input, init);
    return jarFetch(current.run, current.host, input, init);
  }) as typeof fetch;
  defineGlobal('EventSource', runEventSourceClass());
  defineGlobal('WebSocket', runWebSocketClass());
}

function defineGlobal(name: string, value: unknown): void {
  Object.defineProperty(globalThis, name, { value, writable: true, configurable: true });
}

/** console.log and friends write to the run's log, labelled with the host, inside a run. */
function installConsole(): void {
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
}

/**
 * The `eventsource` package's EventSource, fetch-based, so cookies and the host label apply to it
 * too (Node's own EventSource needs --experimental-eventsource and takes no custom fetch).
 */
function runEventSourceClass(): unknown {
  return class RunEventSource extends FetchEventSource {
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
  };
}

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

/** The opening handshake's headers for a socket opened inside a run: which host, Origin, cookies. */
function handshakeFor(url: string | URL): Record<string, string> {
  const current = scope.getStore();
  const headers: Record<string, string> = {};
  if (!current) return headers;
  const target = new URL(url);
  const origin = new URL(`${target.protocol === 'wss:' ? 'https:' : 'http:'}//${target.host}`)
    .origin;
  if (current.run.origins.has(origin)) headers[FROM_HEADER] = current.host;
  const jar = current.run.jars.get(current.host); // only clients have one: they play browsers
  if (jar) headers.origin = clientOrigin(current.host);
  const cookie = jar?.header(new URL(target.pathname, origin));
  if (cookie) headers.cookie = cookie;
  return headers;
}

/** Node 22+'s global WebSocket, or on older Node (StackBlitz) the `ws` package's, run-aware. */
function runWebSocketClass(): unknown {
  const NativeWebSocket = (globalThis as { WebSocket?: typeof WebSocket }).WebSocket;
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
      const headers = handshakeFor(url);
      if (NativeWebSocket)
        super(url, { ...(protocols === undefined ? {} : { protocols }), headers });
      else super(url, protocols, { headers });
      scope.getStore()?.run.closeables.add(this);
    }
  }
  for (const [name, value] of Object.entries({ CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 })) {
    Object.defineProperty(RunWebSocket, name, { value });
  }
  return RunWebSocket;
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
