/**
 * What a sandbox's code sees, declared once: a host module's shape, a client's `main`, the `env`
 * both receive and the WebSocket peer. The page's runtime, the Node wiring, the StackBlitz project
 * and sandboxes/sandbox-env.d.ts all take these types from here. Environment-neutral: types and
 * tiny pure helpers only (checked with src/sandbox/tsconfig.neutral.json).
 */

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
  /**
   * The opening handshake's request headers, as the server received them. A client (it plays a
   * browser) sends `Origin` ({@link clientOrigin}) and the cookies its jar holds for the host.
   */
  readonly headers: Headers;
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

/**
 * The origin of the page a client plays: its WebSocket handshakes carry it as `Origin`, in the page
 * and in Node alike, and client code cannot change it (a browser sets Origin, not the script).
 */
export const clientOrigin = (client: string): string => `http://${client}.test`;

/** Virtual host names in the page resolve to `http://<name>.test/` (RFC 2606 reserves `.test`). */
export const virtualHostUrl = (name: string): URL => new URL(`http://${name}.test/`);
