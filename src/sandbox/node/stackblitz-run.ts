/**
 * run.ts — runs this sandbox on your machine: each host in sandbox.json is served on a real port with
 * node:http (plus the `ws` package for WebSocket hooks), then each client's main() runs against it
 * with fetch (and a cookie jar, as a browser keeps one), EventSource and WebSocket, and every line
 * it prints is labelled with the host that printed it.
 *
 * The same file is the Node harness's wiring in the site's repository (src/sandbox/node/harness.ts
 * adds tracing on top), so the StackBlitz project and the tests run exactly the same code.
 * It must run on Node 20 through tsx: erasable TypeScript only, no Node 22+ APIs without a fallback.
 */
import http from 'node:http';
import { realpathSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createCookieJar } from '../http/cookie-jar.ts';
import { closeHostServer, createHostServer, settleHostServer } from './host-server.ts';
import { formatError, inHost, installRunGlobals, type RunScope } from './run-scope.ts';
import { defaultParams } from '../contract/manifest.ts';
import type { SandboxClientMain, SandboxEnv, SandboxHostModule } from '../contract/sandbox.ts';
import type { Level, RunManifest, WireObserver } from './run-types.ts';

export * from './run-types.ts';
export { closeHostServer, createHostServer, settleHostServer } from './host-server.ts';
export { formatError, inHost, installRunGlobals, jarFetch, type RunScope } from './run-scope.ts';

// ---------------------------------------------------------------------------------------------
// A whole run: serve every host, run every client, close everything.

export interface StartedSandbox {
  ports: Record<string, number>;
  env: SandboxEnv;
  /** Runs every client's main() and resolves when all have settled (or the timeout passed). */
  runClients(timeoutMs?: number): Promise<void>;
  /** Closes client EventSources and WebSockets, and waits up to `ms` for servers to see it. */
  closeClients(ms?: number): Promise<void>;
  /** Closes client EventSources and WebSockets, then every server and every open socket. */
  close(): Promise<void>;
  /** Each host's node:http server (for a second listener, such as an HTTP/2 endpoint). */
  servers: Record<string, http.Server>;
  /** Imports every host module afresh: the same ports, new state (serve mode, after the demo). */
  restartHosts(): Promise<void>;
}

/** What startSandbox is given. */
export interface StartOptions {
  dir: string;
  manifest: RunManifest;
  log(host: string, level: Level, text: string): void;
  observer?: WireObserver;
  /** Part of the module URLs' query, so every run imports fresh modules. */
  runId?: number;
  /** Host name → port; 0 or absent picks a free port. */
  ports?: Record<string, number>;
  /** Param values that override the manifest's defaults. */
  params?: Record<string, number>;
  /** Wraps each host module as it is loaded (serve mode adds CORS headers this way). */
  wrapHost?: (module: SandboxHostModule) => SandboxHostModule;
}

/**
 * Serves the hosts of the sandbox in `dir` on loopback ports and prepares its clients.
 *
 * @example
 * const sandbox = await startSandbox({ dir, manifest, log: (host, level, text) => console.log(host, text) });
 * await sandbox.runClients();
 * await sandbox.close();
 */
export async function startSandbox(options: StartOptions): Promise<StartedSandbox> {
  installRunGlobals();
  const { dir, manifest, observer } = options;
  // Each host and client gets its own module instances, as separate processes would (and as the
  // page gives them); relative imports inherit the query through the resolve hook below.
  let generation = 0; // restartHosts() imports the host modules again under a new query
  const load = async <T>(file: string, name: string): Promise<T> => {
    const run = `${options.runId ?? 0}${generation > 0 ? `.${generation}` : ''}`;
    const query = `?sandbox-run=${run}&as=${encodeURIComponent(name)}`;
    const module = (await import(pathToFileURL(join(dir, file)).href + query)) as { default?: T };
    if (module.default === undefined) throw new Error(`${file} has no default export`);
    return module.default;
  };

  const run: RunScope = {
    log: options.log,
    jars: new Map(Object.keys(manifest.clients).map((name) => [name, createCookieJar()])),
    origins: new Set(),
    closeables: new Set(),
  };
  const hostNames = Object.keys(manifest.hosts);
  const modules: Record<string, SandboxHostModule> = {};
  const loadHosts = async (): Promise<void> => {
    for (const name of hostNames) {
      const module = await load<SandboxHostModule>(manifest.hosts[name] ?? '', name);
      modules[name] = options.wrapHost?.(module) ?? module;
    }
  };
  await loadHosts();
  const clients: Record<string, SandboxClientMain> = {};
  for (const [name, file] of Object.entries(manifest.clients))
    clients[name] = await load<SandboxClientMain>(file, name);

  const env: SandboxEnv = { hosts: {}, params: { ...defaultParams(manifest), ...options.params } };
  const ports: Record<string, number> = {};
  const servers: http.Server[] = [];
  for (const name of hostNames) {
    const server = createHostServer({
      host: name,
      run,
      getModule: () => modules[name] as SandboxHostModule,
      getEnv: () => env,
      observer,
    });
    servers.push(server);
    const port = await listen(server, options.ports?.[name] ?? 0);
    ports[name] = port;
    env.hosts[name] = new URL(`http://127.0.0.1:${port}/`);
    run.origins.add(`http://127.0.0.1:${port}`);
  }
  const target = manifest.target ?? hostNames[0] ?? '';
  const closeClients = (ms = 250): Promise<void> => closeRunClients(run, servers, ms);

  return {
    ports,
    env,
    runClients: (timeoutMs = 10_000) =>
      runClientsOnce(run, clients, { target: env.hosts[target], env, timeoutMs }),
    closeClients,
    async close() {
      await closeClients(0);
      await Promise.all(servers.map(closeHostServer));
      // Cancellation reaches a host's stream through its pipes a few ticks later; let it land
      // (and log) before the run's output is read.
      await new Promise((resolve) => setTimeout(resolve, 25));
    },
    servers: Object.fromEntries(hostNames.map((name, i) => [name, servers[i] as http.Server])),
    async restartHosts() {
      generation += 1;
      await loadHosts();
    },
  };
}

/** Closes the run's client EventSources and WebSockets, and waits up to `ms` for servers to see it. */
async function closeRunClients(run: RunScope, servers: http.Server[], ms: number): Promise<void> {
  for (const item of run.closeables) {
    try {
      item.close();
    } catch {
      // Already closed.
    }
  }
  run.closeables.clear();
  await Promise.all(servers.map((server) => settleHostServer(server, ms)));
}

/** Listens on `port` of 127.0.0.1 (0: a free one) and resolves with the port taken. */
async function listen(server: http.Server, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  return typeof address === 'object' && address ? address.port : 0;
}

/** Runs every client's main() once, each as its host; resolves when all settled or time ran out. */
async function runClientsOnce(
  run: RunScope,
  clients: Record<string, SandboxClientMain>,
  options: { target: URL | undefined; env: SandboxEnv; timeoutMs: number },
): Promise<void> {
  const { env, timeoutMs } = options;
  const pending = new Set(Object.keys(clients));
  const mains = Object.entries(clients).map(([name, main]) =>
    inHost(run, name, async () => {
      try {
        await main(new URL(options.target ?? 'http://127.0.0.1/'), env);
      } catch (error) {
        console.error(`Uncaught ${formatError(error)}`);
      } finally {
        pending.delete(name);
      }
    }),
  );
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      for (const name of pending) {
        run.log(name, 'error', `main() did not finish within ${timeoutMs} ms; the run was ended`);
      }
      resolve();
    }, timeoutMs);
  });
  await Promise.race([Promise.all(mains), timeout]);
  clearTimeout(timer);
}

// ---------------------------------------------------------------------------------------------
// `npm start` (tsx run.ts): run the sandbox next to this file and print labelled output.

async function main(): Promise<void> {
  const dir = dirname(fileURLToPath(import.meta.url));
  const manifest = JSON.parse(await readFile(join(dir, 'sandbox.json'), 'utf8')) as RunManifest;
  const width = Math.max(
    ...[...Object.keys(manifest.hosts), ...Object.keys(manifest.clients)].map((n) => n.length),
  );
  let errors = 0;
  const out = { log: console.log, info: console.info, warn: console.warn, error: console.error };
  const sandbox = await startSandbox({
    dir,
    manifest,
    log(host, level, text) {
      if (level === 'error') errors++;
      for (const line of text.split('\n')) out[level](`[${host.padEnd(width)}] ${line}`);
    },
  });
  for (const [name, port] of Object.entries(sandbox.ports))
    out.log(`${name} listening on http://127.0.0.1:${port}/`);
  await sandbox.runClients(Number(process.env.SANDBOX_TIMEOUT_MS ?? 30_000));
  await sandbox.close();
  process.exit(errors > 0 ? 1 : 0);
}

const entry = process.argv[1];
if (entry && import.meta.url === pathToFileURL(realpathSync(entry)).href) {
  main().catch((error: unknown) => {
    console.error(formatError(error));
    process.exit(1);
  });
}
