/**
 * One WebSocket across the in-page network: the host's hooks get a peer, every frame and close is
 * traced, and each direction is delayed by the added latency in order. The network decides where a
 * socket goes and which handshake it carries; this module runs the connection from then on.
 */
import type { SandboxEnv, SandboxPeer, SandboxWebSocketHooks } from '../contract/sandbox';
import { reasonPhrase } from '../http/reason-phrases';
import type { HeaderList } from '../trace/events';
import type { TraceRecorder } from '../trace/recorder';
import { byteLength, byteOffset, viewBuffer } from '../trace/intrinsics';
import {
  OriginalUint8Array,
  bufferLength,
  dataOf,
  dataViewBuffer,
  dataViewLength,
  dataViewOffset,
  later as after,
  mathMax,
  now,
  urlHref,
} from './intrinsics';

/** The client end as MSW's WebSocket interceptor hands it over. */
export interface InterceptedSocket {
  socket: WebSocket;
  url: URL;
  send(data: string | ArrayBuffer | Blob | ArrayBufferView): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: string, listener: (event: Event) => void): void;
}

/** Everything one connection needs from the network that routed it. */
export interface SocketLink {
  client: InterceptedSocket;
  exchange: string;
  from: string;
  to: string;
  url: URL;
  hooks: SandboxWebSocketHooks;
  handshake: { request: HeaderList; response: HeaderList };
  env: SandboxEnv;
  /** The run's recorder: it traces the handshake, every frame and the close. */
  recorder: TraceRecorder;
  /** Reports an exception thrown by the host's hooks. */
  reportError(error: unknown): void;
  /** The added latency per hop now (the reader may change it mid-run). */
  latencyMs(): number;
  /** Registers how to cut this socket when an end is dropped; returns the way to unregister. */
  trackOpen(cut: (reason: string) => void): () => void;
}

/** Opens the connection: traces the handshake, wires both directions, and runs the host's open hook. */
export function connectVirtualSocket(link: SocketLink): void {
  const { client, exchange, from, to, url, hooks, handshake, env, recorder } = link;
  const up = { exchange, from, to };
  const down = { exchange, from: to, to: from };
  /** The host or the client asked to close: no new messages. */
  let closed = false;
  /** The connection is down: nothing queued is delivered any more. */
  let gone = false;
  let lastDue = { up: 0, down: 0 };
  const later = (direction: 'up' | 'down', action: () => void): void => {
    const due = mathMax(lastDue[direction], now() + link.latencyMs());
    lastDue = { ...lastDue, [direction]: due };
    after(action, mathMax(0, due - now()));
  };
  /** Runs a host hook; what it throws, now or later, is reported as the host's error. */
  const callHook = (hook: () => unknown): void => {
    try {
      const result = hook();
      if (result instanceof Promise) result.catch(link.reportError);
    } catch (error) {
      link.reportError(error);
    }
  };
  const traceFrame = (route: typeof up, data: unknown): void =>
    typeof data === 'string'
      ? recorder.wsMessage(route, data, false)
      : recorder.wsMessage(route, toBytes(data), true);
  const untrack = link.trackOpen((reason) => {
    if (gone) return;
    closed = true;
    gone = true;
    untrack();
    recorder.wsClose(down, 1006, reason);
    client.close(4000, reason);
  });

  const peer: SandboxPeer = {
    id: exchange,
    url,
    headers: new Headers(handshake.request),
    send: (data) => {
      if (closed) return;
      traceFrame(down, data);
      // Delivered unless the connection itself is gone: a send just before close() still arrives.
      later('down', () => !gone && client.send(data));
    },
    close: (code = 1000, reason = '') => {
      if (closed) return;
      closed = true;
      untrack();
      recorder.wsClose(down, code, reason);
      later('down', () => client.close(code, reason));
    },
  };

  recorder.wsOpen(up, { url: urlHref(url), headers: handshake.request });
  recorder.response(down, {
    status: 101,
    statusText: reasonPhrase(101),
    headers: handshake.response,
  });
  client.addEventListener('message', (event) => {
    // The engine's own getter: what the client sent, whatever reader code put on the prototype.
    const data = dataOf(event as MessageEvent) as string | ArrayBuffer;
    traceFrame(up, data);
    later('up', () => callHook(() => hooks.message?.(peer, data, env)));
  });
  client.addEventListener('close', (event) => {
    if (gone) return;
    gone = true;
    const { code, reason } = event as CloseEvent;
    if (!closed) {
      closed = true;
      untrack();
      recorder.wsClose(up, code, reason);
    }
    // As on a real server, the close hook runs whichever side closed.
    later('up', () => callHook(() => hooks.close?.(peer, code, reason, env)));
  });
  callHook(() => hooks.open?.(peer, env));
}

/**
 * The bytes of a message as sent: buffers and binary views as they are (a Blob is not traced), told
 * apart and read by the engine's own getters, which refuse an object of another kind.
 */
export function toBytes(data: unknown): Uint8Array {
  const readers: Array<() => Uint8Array> = [
    () => new OriginalUint8Array(data as ArrayBuffer, 0, bufferLength(data)),
    () => new OriginalUint8Array(viewBuffer(data), byteOffset(data), byteLength(data)),
    () => new OriginalUint8Array(dataViewBuffer(data), dataViewOffset(data), dataViewLength(data)),
  ];
  for (let i = 0; i < readers.length; i++) {
    try {
      return (readers[i] as () => Uint8Array)();
    } catch {
      // Not this kind of binary data.
    }
  }
  return new OriginalUint8Array(0);
}
