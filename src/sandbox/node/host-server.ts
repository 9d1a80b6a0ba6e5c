/**
 * Serving a host: node:http request → web Request, web Response → node:http response (see
 * send-response.ts), and WebSocket upgrades to the host's hooks (host-websocket.ts). Part of the
 * StackBlitz project (host-server.ts).
 */
import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { formatError, inHost, type RunScope } from './run-scope.ts';
import type { SandboxEnv, SandboxHostModule } from '../contract/sandbox.ts';
import { FROM_HEADER, type ExchangeObserver, type WireObserver } from './run-types.ts';
import { sendResponse } from './send-response.ts';
import { acceptWebSocket, openSockets, terminateSockets } from './host-websocket.ts';
import { headerValue, withoutHeader, type HostContext } from './raw-headers.ts';

const activeResponses = new WeakMap<http.Server, Set<ServerResponse>>();

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
  const { host, run, getModule, getEnv } = options;
  const context: HostContext = {
    ...options,
    // As in the page, request.url starts with env.hosts[<this host>].
    ownUrl: (req) => getEnv().hosts[host] ?? `http://${req.headers.host ?? '127.0.0.1'}`,
    // Only a WebSocket upgrade to a host with WebSocket hooks is taken. Any other Upgrade (curl
    // --http2 asks for h2c) is ignored and answered over HTTP/1.1, as RFC 9110 §7.8 allows (Node
    // 24.9+; older Node hands every upgrade to the 'upgrade' listener below).
    takesUpgrade: (req) =>
      getModule().websocket !== undefined && /^websocket$/i.test(req.headers.upgrade ?? ''),
  };
  const inFlight = new Set<ServerResponse>();
  const server = http.createServer({ shouldUpgradeCallback: context.takesUpgrade }, (req, res) => {
    void serveRequest(context, inFlight, req, res).catch((error: unknown) => {
      run.log(host, 'error', `wiring error: ${formatError(error)}`);
      res.destroy();
    });
  });
  activeResponses.set(server, inFlight);
  server.on('upgrade', (req: IncomingMessage, socket, head: Buffer) =>
    acceptWebSocket(context, server, { req, socket, head }),
  );
  return server;
}

/** The request's body, read to its end (its type inferred: Node 20's and 24's Buffer types differ). */
async function readBody(req: IncomingMessage) {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The raw headers as a Fetch Headers object, without what the Fetch API refuses. */
function fetchHeaders(rawHeaders: string[]): Headers {
  const headers = new Headers();
  for (let i = 0; i < rawHeaders.length; i += 2) {
    try {
      headers.append(rawHeaders[i] ?? '', rawHeaders[i + 1] ?? '');
    } catch {
      // A header the Fetch API refuses is dropped, as a browser-side server would never see it.
    }
  }
  return headers;
}

/** One request on its way through the host: what ends it early, and the stream being sent. */
interface InFlight {
  controller: AbortController;
  stream: { reader?: ReadableStreamDefaultReader<Uint8Array> };
  /** The host dropped the connection itself (Response.error()): not the client's abort. */
  dropped: boolean;
}

/**
 * Watches `res` until it ends: a connection closed before the answer was written is the client's
 * abort, traced, and passed to the handler's signal and its stream.
 */
function watchClose(
  context: HostContext,
  res: ServerResponse,
  inFlight: Set<ServerResponse>,
  exchange: ExchangeObserver | undefined,
): InFlight {
  const state: InFlight = { controller: new AbortController(), stream: {}, dropped: false };
  inFlight.add(res);
  res.on('finish', () => inFlight.delete(res));
  res.on('close', () => {
    inFlight.delete(res);
    if (res.writableFinished || state.dropped) return;
    exchange?.abort();
    // The handler's abort listeners and its stream's cancel() run as the host, so what they
    // print is labelled.
    inHost(context.run, context.host, () => {
      state.controller.abort();
      void state.stream.reader?.cancel().catch(() => {});
    });
  });
  return state;
}

/** The host's answer, or a 500 (traced as an error first) when its handler throws. */
async function callHandler(
  context: HostContext,
  request: Request,
  exchange: ExchangeObserver | undefined,
): Promise<Response> {
  const { run, host } = context;
  try {
    const response = await inHost(run, host, () =>
      context.getModule().fetch(request, context.getEnv()),
    );
    if (!(response instanceof Response)) throw new TypeError('fetch() must return a Response');
    return response;
  } catch (error) {
    inHost(run, host, () => console.error(formatError(error)));
    exchange?.error(`${host} threw: ${error instanceof Error ? error.message : String(error)}`);
    return new Response('Internal Server Error', {
      status: 500,
      headers: { 'content-type': 'text/plain' },
    });
  }
}

/** Reads one request off the socket, runs the host's handler and writes its answer back. */
async function serveRequest(
  context: HostContext,
  inFlight: Set<ServerResponse>,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const { run, host } = context;
  const body = await readBody(req);
  const from = headerValue(req.rawHeaders, FROM_HEADER) ?? 'external';
  const rawHeaders = withoutHeader(req.rawHeaders, FROM_HEADER);
  const url = new URL(req.url ?? '/', context.ownUrl(req));
  const method = req.method ?? 'GET';
  const exchange = context.observer?.request({
    host,
    from,
    method,
    url: url.href,
    rawHeaders,
    body,
  });
  const state = watchClose(context, res, inFlight, exchange);
  const hasBody = method !== 'GET' && method !== 'HEAD';
  const request = new Request(url, {
    method,
    headers: fetchHeaders(rawHeaders),
    body: hasBody ? body : undefined,
    signal: state.controller.signal,
  });
  const response = await callHandler(context, request, exchange);
  if (res.destroyed) {
    await response.body?.cancel().catch(() => {});
    return;
  }
  // Response.error() is how a host drops the connection: no answer, the caller's fetch fails.
  if (response.type === 'error') {
    state.dropped = true;
    exchange?.error(`${host} dropped the connection`);
    res.destroy();
    return;
  }
  await sendResponse(res, response, {
    method,
    exchange,
    stream: state.stream,
    onBodyError(error) {
      inHost(run, host, () => console.error(`response body failed: ${formatError(error)}`));
      exchange?.error(
        `response body failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    },
  });
}

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
    const sockets = openSockets(server);
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
  terminateSockets(server);
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
