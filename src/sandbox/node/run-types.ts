/**
 * The shapes the Node wiring works with: what a host and a client export, sandbox.json, and the
 * observers through which the harness watches the wire. Part of the StackBlitz project (run-types.ts).
 */
import type { SandboxManifest } from '../contract/manifest.ts';

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
  /** A WebSocket opened: its upgrade request's raw headers and the 101 response head the server wrote. */
  socket(info: {
    host: string;
    from: string;
    url: string;
    rawHeaders: string[];
    response: { status: number; statusText: string; headers: Array<[string, string]> };
  }): SocketObserver | undefined;
}

/** Which host made a request; the wiring adds it and the server removes it before the handler sees it. */
export const FROM_HEADER = 'x-sandbox-from';
