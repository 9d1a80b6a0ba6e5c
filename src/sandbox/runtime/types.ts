/**
 * The contract between sandbox folders, the in-page runtime and the Node harness.
 * This module is environment-neutral: it holds types and tiny pure helpers only.
 */

/** `sandboxes/<id>/sandbox.json`: which file is which host, and which files clients run. */
export interface SandboxManifest {
  /** One line shown above the code, for example "A client POSTs JSON; the server validates it". */
  title: string;
  /** Server-like hosts: host name → file. Each serves `fetch(request, env)` (and optional WebSocket hooks). */
  hosts: Record<string, string>;
  /** Clients: name → file. Each default-exports `main(target, env)`, run once per Run. */
  clients: Record<string, string>;
  /** The host each client's `target` URL points at. Defaults to the first host. */
  target?: string;
  /** Tab order of the files shown; defaults to clients, then hosts. */
  files?: string[];
  /**
   * Numbers the reader can turn in the page (a poll interval, a timeout) without editing code.
   * Code reads them as `env.params.<name>`; Node and StackBlitz runs use the defaults.
   */
  params?: Record<string, SandboxParam>;
  /** Fault buttons shown above the trace, for example "Drop the stream" or "Restart server". */
  faults?: SandboxFault[];
  /**
   * Emulates a browser's HTTP/1.1 limit of open connections per client and host (browsers use 6):
   * a request beyond it waits until one finishes. Unset means no limit.
   */
  connectionLimit?: number;
}

/** A number the reader can change before a run (see `SandboxManifest.params`). */
export interface SandboxParam {
  label: string;
  default: number;
  min: number;
  max: number;
  step?: number;
}

/** A fault button: cut every open connection of a host or client, or restart a host (its memory is lost). */
export interface SandboxFault {
  kind: 'drop-connections' | 'restart-host';
  host: string;
  label: string;
}

/** What every host and client receives besides its target: the URLs of all hosts in this run. */
export interface SandboxEnv {
  hosts: Record<string, URL>;
  /** The values of the manifest's `params`, by name (defaults outside the page). */
  params: Record<string, number>;
}

/** The server side of one WebSocket connection, handed to a host's `websocket` hooks. */
export interface SandboxPeer {
  readonly id: string;
  readonly url: URL;
  send(data: string | ArrayBuffer | Uint8Array): void;
  close(code?: number, reason?: string): void;
}

/** Optional WebSocket hooks a host module exports next to `fetch`. */
export interface SandboxWebSocketHooks {
  open?(peer: SandboxPeer, env: SandboxEnv): void | Promise<void>;
  message?(peer: SandboxPeer, data: string | ArrayBuffer, env: SandboxEnv): void | Promise<void>;
  close?(peer: SandboxPeer, code: number, reason: string, env: SandboxEnv): void | Promise<void>;
}

/** The default export of a host file. */
export interface SandboxHostModule {
  fetch(request: Request, env: SandboxEnv): Response | Promise<Response>;
  websocket?: SandboxWebSocketHooks;
}

/** The default export of a client file. */
export type SandboxClientMain = (target: URL, env: SandboxEnv) => unknown;

/** Virtual host names in the page resolve to `http://<name>.test/` (RFC 2606 reserves `.test`). */
export const virtualHostUrl = (name: string): URL => new URL(`http://${name}.test/`);
