/**
 * The Node harness: runs a sandbox folder on real loopback sockets and records the same trace the
 * in-page runtime records, so tests can assert a pattern's promise over a real network.
 * The wiring (servers, cookie jar, globals) is shared with the StackBlitz project's run.ts.
 */
import { readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { parseManifest } from '../contract/manifest.ts';
import { createSseParser } from '../http/sse-parser.ts';
import { bodyPreview, traceTime } from '../trace/events.ts';
import type { SandboxManifest } from '../contract/manifest.ts';
import type { SandboxHostModule } from '../contract/sandbox.ts';
import type { HeaderList, TraceEvent } from '../trace/events.ts';
import { startSandbox } from './stackblitz-run.ts';
import type { Server } from 'node:http';
import type {
  ExchangeObserver,
  Level,
  RunManifest,
  SocketObserver,
  WireObserver,
} from './stackblitz-run.ts';

/**
 * How long a run waits for the closes its clients started to reach the servers (it returns as soon
 * as they have). 250 ms lost an EventSource's close on a loaded 2-core machine, so the Node trace
 * missed the `abort` the page recorded.
 */
const CLOSE_SETTLE_MS = 2000;

export interface HarnessLog {
  host: string;
  level: Level;
  text: string;
}

export interface HarnessOptions {
  /** How long the clients may run before the run is ended (default 10 s). */
  timeoutMs?: number;
  /** Called with each log line as it happens, e.g. to print it. */
  log?: (line: HarnessLog) => void;
  /** Called with each trace event as it happens. */
  onTrace?: (event: TraceEvent) => void;
  /** Host name → port to listen on (default: a free port per host). */
  ports?: Record<string, number>;
  /** Values for the sandbox's params, as a reader would set them in the page (default: their defaults). */
  params?: Record<string, number>;
  /** Wraps each host module as it is loaded (serve mode adds CORS headers this way). */
  wrapHost?: (module: SandboxHostModule) => SandboxHostModule;
}

export interface HarnessResult {
  logs: HarnessLog[];
  trace: TraceEvent[];
  ports: Record<string, number>;
}

export interface ServingSandbox extends HarnessResult {
  manifest: Required<SandboxManifest>;
  urls: Record<string, URL>;
  /** Runs every client once more against the same servers (the trace and logs keep growing). */
  runClients(): Promise<void>;
  /** Ends the run: closes client EventSources and WebSockets, servers and every open socket. */
  close(): Promise<void>;
  /** Each host's node:http server. */
  servers: Record<string, Server>;
  /** Closes the clients' streams and sockets, then imports every host afresh on the same ports. */
  restartHosts(): Promise<void>;
}

/** node:http's flat `rawHeaders` as name/value pairs, order and case kept. */
function pairs(rawHeaders: string[]): HeaderList {
  const headers: HeaderList = [];
  for (let i = 0; i < rawHeaders.length; i += 2)
    headers.push([rawHeaders[i] ?? '', rawHeaders[i + 1] ?? '']);
  return headers;
}

// Each run imports the sandbox's modules under a new `?sandbox-run=N` query, so module state starts fresh.
let runCounter = 0;

/**
 * Starts the sandbox in `dir` on real loopback ports and leaves it listening (for `--serve`);
 * call `runClients()` to run its clients and `close()` to end it.
 *
 * @example
 * const sandbox = await startSandboxInNode('sandboxes/request-response');
 * await sandbox.runClients();
 * console.log(sandbox.urls.server.href); // try it with curl
 * await sandbox.close();
 */
export async function startSandboxInNode(
  dir: string,
  options: HarnessOptions = {},
): Promise<ServingSandbox> {
  const folder = resolve(dir);
  const id = basename(folder);
  const raw: unknown = JSON.parse(await readFile(join(folder, 'sandbox.json'), 'utf8'));
  const manifest = parseManifest(raw, id);
  const logs: HarnessLog[] = [];
  const trace: TraceEvent[] = [];
  const started = performance.now();
  let ended = false;
  let nextHttp = 0;
  let nextWs = 0;

  const record = (event: TraceEvent): void => {
    // Events after the run ended come from closing it (servers, sockets), not from the sandbox.
    if (ended) return;
    trace.push(event);
    options.onTrace?.(event);
  };
  const now = (): number => traceTime(performance.now() - started);

  const observer: WireObserver = {
    request({ host, from, method, url, rawHeaders, body }): ExchangeObserver {
      const exchange = `h${++nextHttp}`;
      const headers = pairs(rawHeaders);
      record({
        kind: 'request',
        t: now(),
        exchange,
        from,
        to: host,
        method,
        url,
        headers,
        bodySize: body.byteLength,
        bodyPreview: bodyPreview(body),
      });
      const back = { exchange, from: host, to: from };
      let sse: ReturnType<typeof createSseParser> | undefined;
      const decoder = new TextDecoder();
      return {
        response(status, statusText, responseHeaders) {
          record({
            kind: 'response',
            t: now(),
            ...back,
            status,
            statusText,
            headers: responseHeaders,
          });
          const type =
            responseHeaders.find(([name]) => name.toLowerCase() === 'content-type')?.[1] ?? '';
          if (/^text\/event-stream\b/i.test(type)) {
            sse = createSseParser((event) =>
              record({ kind: 'sse-event', t: now(), ...back, ...event }),
            );
          }
        },
        chunk(bytes) {
          record({
            kind: 'body-chunk',
            t: now(),
            ...back,
            size: bytes.byteLength,
            preview: bodyPreview(bytes),
          });
          sse?.push(decoder.decode(bytes, { stream: true }));
        },
        end(size) {
          record({ kind: 'body-end', t: now(), ...back, size });
        },
        abort() {
          record({ kind: 'abort', t: now(), exchange, from, to: host });
        },
        error(message) {
          record({ kind: 'error', t: now(), ...back, message });
        },
      };
    },
    socket({ host, from, url, rawHeaders, response }): SocketObserver {
      const exchange = `w${++nextWs}`;
      const t = now();
      record({ kind: 'ws-open', t, exchange, from, to: host, url, headers: pairs(rawHeaders) });
      record({ kind: 'response', t, exchange, from: host, to: from, ...response });
      return {
        id: exchange,
        message(direction, data, binary) {
          const size =
            typeof data === 'string' ? new TextEncoder().encode(data).byteLength : data.byteLength;
          const route = direction === 'in' ? { from, to: host } : { from: host, to: from };
          record({
            kind: 'ws-message',
            t: now(),
            exchange,
            ...route,
            size,
            preview: bodyPreview(data),
            binary,
          });
        },
        close(by, code, reason) {
          const route = by === 'client' ? { from, to: host } : { from: host, to: from };
          record({ kind: 'ws-close', t: now(), exchange, ...route, code, reason });
        },
      };
    },
  };

  const sandbox = await startSandbox({
    dir: folder,
    // Params come from the file as written, whatever parseManifest keeps of them.
    manifest: { ...manifest, params: (raw as { params?: RunManifest['params'] }).params },
    observer,
    runId: ++runCounter,
    ports: options.ports,
    params: options.params,
    wrapHost: options.wrapHost,
    log(host, level, text) {
      const line = { host, level, text };
      logs.push(line);
      options.log?.(line);
    },
  });

  return {
    manifest,
    logs,
    trace,
    ports: sandbox.ports,
    urls: sandbox.env.hosts,
    runClients: () => sandbox.runClients(options.timeoutMs ?? 10_000),
    servers: sandbox.servers,
    async restartHosts() {
      await sandbox.closeClients(CLOSE_SETTLE_MS);
      await sandbox.restartHosts();
    },
    async close() {
      // Client-side closes (a WebSocket close frame, an EventSource going away) belong to the run.
      await sandbox.closeClients(CLOSE_SETTLE_MS);
      ended = true;
      await sandbox.close();
    },
  };
}

/**
 * Runs the sandbox in `dir` once on real loopback ports: serves every host, runs every client's
 * main() until it settles, closes everything, and returns the logs (by host), the trace and the ports.
 *
 * @example
 * const { logs, trace } = await runSandboxInNode('sandboxes/request-response');
 * trace.filter((event) => event.kind === 'response').map((event) => event.status); // [201, 400]
 */
export async function runSandboxInNode(
  dir: string,
  options: HarnessOptions = {},
): Promise<HarnessResult> {
  const sandbox = await startSandboxInNode(dir, options);
  try {
    await sandbox.runClients();
  } finally {
    await sandbox.close();
  }
  return { logs: sandbox.logs, trace: sandbox.trace, ports: sandbox.ports };
}
