/**
 * A host's WebSocket connections: the upgrade handed to `ws`, the host's hooks called with a peer,
 * and every frame and close reported to the wire observer. Part of the StackBlitz project
 * (host-websocket.ts).
 */
import type http from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { WebSocket as WsSocket } from 'ws';
import { formatError, inHost } from './run-scope.ts';
import type { SandboxPeer, SandboxWebSocketHooks } from '../contract/sandbox.ts';
import { FROM_HEADER, type SocketObserver } from './run-types.ts';
import { headerValue, withoutHeader, type HostContext } from './raw-headers.ts';

const webSocketServers = new WeakMap<http.Server, WebSocketServer>();
const responseHeads = new WeakMap<IncomingMessage, string[]>();

/** Open WebSocket connections of a host server. */
export const openSockets = (server: http.Server): number =>
  webSocketServers.get(server)?.clients.size ?? 0;

/** Ends every WebSocket connection of a host server at once, without a closing handshake. */
export function terminateSockets(server: http.Server): void {
  for (const client of webSocketServers.get(server)?.clients ?? []) client.terminate();
  webSocketServers.get(server)?.close();
}

/** The `ws` server of a host, made on its first upgrade; it keeps each 101 head for the trace. */
function socketServer(server: http.Server): WebSocketServer {
  let wss = webSocketServers.get(server);
  if (!wss) {
    wss = new WebSocketServer({ noServer: true });
    // The 101 response head as `ws` writes it, kept for the trace until the upgrade completes.
    wss.on('headers', (lines: string[], request: IncomingMessage) =>
      responseHeads.set(request, lines),
    );
    webSocketServers.set(server, wss);
  }
  return wss;
}

/**
 * Completes a WebSocket upgrade to the host, or refuses it with 400 when the host has no hooks.
 *
 * @example
 * server.on('upgrade', (req, socket, head) => acceptWebSocket(context, server, req, socket, head));
 */
export function acceptWebSocket(
  context: HostContext,
  server: http.Server,
  upgrade: { req: IncomingMessage; socket: Duplex; head: Buffer },
): void {
  const { req, socket, head } = upgrade;
  const hooks = context.getModule().websocket;
  if (!hooks || !context.takesUpgrade(req)) {
    socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\nUnsupported upgrade\n');
    return;
  }
  socketServer(server).handleUpgrade(req, socket, head, (ws: WsSocket) => {
    const url = new URL(req.url ?? '/', context.ownUrl(req));
    url.protocol = 'ws:';
    const watcher = context.observer?.socket({
      host: context.host,
      from: headerValue(req.rawHeaders, FROM_HEADER) ?? 'external',
      url: url.href,
      rawHeaders: withoutHeader(req.rawHeaders, FROM_HEADER),
      response: parseResponseHead(responseHeads.get(req) ?? []),
    });
    connectHooks(context, { ws, req, url, hooks, watcher });
  });
}

let peers = 0;

/** Runs the host's hooks on an open connection, with a peer that sends and closes it. */
function connectHooks(
  context: HostContext,
  link: {
    ws: WsSocket;
    req: IncomingMessage;
    url: URL;
    hooks: SandboxWebSocketHooks;
    watcher: SocketObserver | undefined;
  },
): void {
  const { ws, req, url, hooks, watcher } = link;
  const { run, host, getEnv } = context;
  let closedByHost = false;
  const peer: SandboxPeer = {
    id: watcher?.id ?? `peer-${++peers}`,
    url,
    headers: handshakeHeaders(req.rawHeaders),
    send(data) {
      if (ws.readyState !== ws.OPEN) return;
      const binary = typeof data !== 'string';
      const bytes =
        typeof data === 'string' ? data : data instanceof Uint8Array ? data : new Uint8Array(data);
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
        .catch((error: unknown) => console.error(`websocket.${name} threw: ${formatError(error)}`));
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
}

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

/** The upgrade request's headers as a host sees them: the harness's own "which client" header left out. */
function handshakeHeaders(rawHeaders: string[]): Headers {
  const headers = new Headers();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] ?? '';
    if (name.toLowerCase() !== FROM_HEADER) headers.append(name, rawHeaders[i + 1] ?? '');
  }
  return headers;
}
