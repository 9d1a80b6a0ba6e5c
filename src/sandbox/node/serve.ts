/**
 * Serve mode (`npm run sandbox -- <id> --serve`): the demo runs once, then every host stays up for
 * clients nobody here wrote (curl, a browser, `ws`, Node's http2 client). See decision 0013.
 * - The hosts restart with fresh state after the demo: a demo may end with a shutdown (push's
 *   newsroom signs off, pub-sub's broker stops), and a reader's own client must still be served.
 * - Every answer carries CORS headers (./serve-cors.ts), so a page on another origin can use it.
 * - Every host also speaks HTTP/2 on a second port (./serve-http2.ts).
 */
import { startSandboxInNode } from './harness.ts';
import type { HarnessOptions, ServingSandbox } from './harness.ts';
import { withCors } from './serve-cors.ts';
import { offerHttp2 } from './serve-http2.ts';

export interface ServedSandbox {
  /** Host name → its HTTP/2 (cleartext, prior knowledge) endpoint. */
  http2: Record<string, URL>;
  /** Stops the HTTP/2 endpoints and the sandbox. */
  close(): Promise<void>;
}

/**
 * Starts the sandbox in `dir` as serve mode does: like startSandboxInNode, with CORS headers.
 *
 * @example
 * const sandbox = await startServing('sandboxes/push');
 * await sandbox.runClients(); // the demo
 * const served = await keepServing(sandbox);
 */
export function startServing(dir: string, options: HarnessOptions = {}): Promise<ServingSandbox> {
  return startSandboxInNode(dir, { ...options, wrapHost: withCors });
}

/**
 * After the demo: restarts every host with fresh state on the same ports and opens an HTTP/2
 * endpoint beside each (on `http2Ports[host]`, or a free port).
 */
export async function keepServing(
  sandbox: ServingSandbox,
  http2Ports: Record<string, number> = {},
): Promise<ServedSandbox> {
  await sandbox.restartHosts();
  const endpoints = await Promise.all(
    Object.entries(sandbox.servers).map(
      async ([host, server]) => [host, await offerHttp2(server, http2Ports[host])] as const,
    ),
  );
  return {
    http2: Object.fromEntries(endpoints.map(([host, endpoint]) => [host, endpoint.url])),
    async close() {
      await Promise.all(endpoints.map(([, endpoint]) => endpoint.close()));
      await sandbox.close();
    },
  };
}
