/**
 * What a host server's request and WebSocket handling share: the host's context, and lookups in
 * node:http's flat `rawHeaders` (name, value, name, value …). Part of the StackBlitz project
 * (raw-headers.ts).
 */
import type { IncomingMessage } from 'node:http';
import type { SandboxEnv, SandboxHostModule } from '../contract/sandbox.ts';
import type { RunScope } from './run-scope.ts';
import type { WireObserver } from './run-types.ts';

/** One host as its server serves it. */
export interface HostContext {
  host: string;
  run: RunScope;
  getModule: () => SandboxHostModule;
  getEnv: () => SandboxEnv;
  observer?: WireObserver;
  /** The host's own URL, whatever name the caller used (localhost or 127.0.0.1). */
  ownUrl(req: IncomingMessage): URL | string;
  /** True for a WebSocket upgrade to a host with WebSocket hooks: the only upgrade taken. */
  takesUpgrade(req: IncomingMessage): boolean;
}

/** The first value of header `name` (lower case). */
export function headerValue(rawHeaders: string[], name: string): string | undefined {
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (rawHeaders[i]?.toLowerCase() === name) return rawHeaders[i + 1];
  }
  return undefined;
}

/** The raw headers without header `name` (lower case). */
export function withoutHeader(rawHeaders: string[], name: string): string[] {
  const kept: string[] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (rawHeaders[i]?.toLowerCase() !== name)
      kept.push(rawHeaders[i] ?? '', rawHeaders[i + 1] ?? '');
  }
  return kept;
}
