/**
 * The Node harness: runs a sandbox folder on real loopback sockets and records the same trace the
 * in-page runtime records, so tests can assert a pattern's promise over a real network.
 * The wiring (servers, cookie jar, globals) is shared with the StackBlitz project's run.ts.
 */
import { readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { parseManifest } from '../contract/manifest.ts';
import { createTraceRecorder, type TraceRecorder } from '../trace/recorder.ts';
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

/** What the Node wiring sees at the sockets, reported to the run's trace recorder. */
function wireObserver(recorder: TraceRecorder): WireObserver {
  return {
    request({ host, from, method, url, rawHeaders, body }): ExchangeObserver {
      const exchange = recorder.nextExchange('http');
      const route = { exchange, from, to: host };
      recorder.request(route, { method, url, headers: pairs(rawHeaders), body });
      const back = { exchange, from: host, to: from };
      return {
        response: (status, statusText, headers) =>
          recorder.response(back, { status, statusText, headers }),
        chunk: (bytes) => recorder.bodyChunk(back, bytes),
        end: (size) => recorder.bodyEnd(back, size),
        abort: () => recorder.abort(route),
        error: (message) => recorder.error(back, message),
      };
    },
    socket({ host, from, url, rawHeaders, response }): SocketObserver {
      const exchange = recorder.nextExchange('ws');
      const up = { exchange, from, to: host };
      const down = { exchange, from: host, to: from };
      recorder.wsOpen(up, { url, headers: pairs(rawHeaders) });
      recorder.response(down, response);
      return {
        id: exchange,
        message: (direction, data, binary) =>
          recorder.wsMessage(direction === 'in' ? up : down, data, binary),
        close: (by, code, reason) => recorder.wsClose(by === 'client' ? up : down, code, reason),
      };
    },
  };
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
  const log = (line: HarnessLog): void => {
    logs.push(line);
    options.log?.(line);
  };
  const trace: TraceEvent[] = [];
  const started = performance.now();
  let ended = false;
  const recorder = createTraceRecorder({
    now: () => performance.now() - started,
    emit(event) {
      // Events after the run ended come from closing it (servers, sockets), not from the sandbox.
      if (ended) return;
      trace.push(event);
      options.onTrace?.(event);
    },
    refused: (problem) => log({ host: 'sandbox', level: 'error', text: `trace: ${problem}` }),
  });

  const observer = wireObserver(recorder);
  const sandbox = await startSandbox({
    dir: folder,
    // Params come from the file as written, whatever parseManifest keeps of them.
    manifest: { ...manifest, params: (raw as { params?: RunManifest['params'] }).params },
    observer,
    runId: ++runCounter,
    ports: options.ports,
    params: options.params,
    wrapHost: options.wrapHost,
    log: (host, level, text) => log({ host, level, text }),
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
