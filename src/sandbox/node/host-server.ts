/**
 * Serving a host: node:http request → web Request, web Response → node:http response (see
 * send-response.ts), and WebSocket upgrades to the host's hooks. Part of the StackBlitz project
 * (host-server.ts).
 */
import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { WebSocketServer } from 'ws';
import type { WebSocket as WsSocket } from 'ws';
import { formatError, inHost, type RunScope } from './run-scope.ts';
import type { SandboxEnv, SandboxHostModule, SandboxPeer } from '../contract/sandbox.ts';
import { FROM_HEADER, type WireObserver } from './run-types.ts';
import { sendResponse } from './send-response.ts';

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
    const stream: { reader?: ReadableStreamDefaultReader<Uint8Array> } = {};
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
        void stream.reader?.cancel().catch(() => {});
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

    await sendResponse(res, response, {
      method,
      exchange,
      stream,
      onBodyError(error) {
        inHost(run, host, () => console.error(`response body failed: ${formatError(error)}`));
        exchange?.error(
          `response body failed: ${error instanceof Error ? error.message : String(error)}`,
        );
      },
    });
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
    let wss = webSocketServers.get(server);
    if (!wss) {
      wss = new WebSocketServer({ noServer: true });
      // The 101 response head as `ws` writes it, kept for the trace until the upgrade completes.
      wss.on('headers', (lines: string[], request: IncomingMessage) =>
        responseHeads.set(request, lines),
      );
      webSocketServers.set(server, wss);
    }
    wss.handleUpgrade(req, socket, head, (ws: WsSocket) => {
      const from = headerValue(req.rawHeaders, FROM_HEADER) ?? 'external';
      const url = new URL(req.url ?? '/', ownUrl(req));
      url.protocol = 'ws:';
      const watcher = observer?.socket({
        host,
        from,
        url: url.href,
        rawHeaders: withoutHeader(req.rawHeaders, FROM_HEADER),
        response: parseResponseHead(responseHeads.get(req) ?? []),
      });
      let closedByHost = false;
      const peer: SandboxPeer = {
        id: watcher?.id ?? `peer-${++peers}`,
        url,
        headers: handshakeHeaders(req.rawHeaders),
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
        close(code = 1000, reason = '') {
          // Once either side has closed, there is nothing left to close (the page ignores it too).
          if (closedByHost || ws.readyState !== ws.OPEN) return;
          closedByHost = true;
          // Traced when the host sends its close frame, with its own code and reason, as the page
          // does; the client's echo that ends the handshake is not a message of its own.
          watcher?.close('host', code, reason);
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
        if (!closedByHost) watcher?.close('client', code, reason.toString('utf8'));
        call('close', () => hooks.close?.(peer, code, reason.toString('utf8'), getEnv()));
      });
      ws.on('error', () => {});
      call('open', () => hooks.open?.(peer, getEnv()));
    });
  });
  return server;
}

const webSocketServers = new WeakMap<http.Server, WebSocketServer>();
const responseHeads = new WeakMap<IncomingMessage, string[]>();

/** `['HTTP/1.1 101 Switching Protocols', 'Upgrade: websocket', …]` as status, reason and headers. */
function parseResponseHead(lines: string[]): {
  status: number;
  statusText: string;
  headers: Array<[string, string]>;
} {
  const [start = '', ...fields] = lines;
  const status = /^HTTP\/1\.1 (\d{3}) ?(.*)$/.exec(start);
  return {
    status: Number(status?.[1] ?? 101),
    statusText: status?.[2] ?? 'Switching Protocols',
    headers: fields.map((field): [string, string] => {
      const colon = field.indexOf(':');
      return [field.slice(0, colon), field.slice(colon + 1).trim()];
    }),
  };
}
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

/** The upgrade request's headers as a host sees them: the harness's own "which client" header left out. */
function handshakeHeaders(rawHeaders: string[]): Headers {
  const headers = new Headers();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] ?? '';
    if (name.toLowerCase() !== FROM_HEADER) headers.append(name, rawHeaders[i + 1] ?? '');
  }
  return headers;
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
