/**
 * The sandbox worker: compiles the reader's files, starts each host and client with its own console
 * and network bindings, and streams console output and the network trace to the frame.
 * It is evaluated by a tiny `data:` bootstrap, so it runs in a secure context with no origin.
 */
import { formatConsoleArgs } from './console-format';
import {
  MAX_CONSOLE_LINES,
  MAX_LINE,
  MAX_TRACE_EVENTS,
  takeBatches,
  type ConsoleEntry,
  type ConsoleLevel,
  type PageMessage,
  type WorkerMessage,
} from './protocol';
import { defaultParams } from '../contract/manifest';
import { installBufferCeiling } from './memory-ceiling';
import {
  originalPosition,
  SandboxSyntaxError,
  toCompiledFile,
  type CompiledFile,
} from './source-positions';
import type { transpile } from './transpile';
import { virtualHostUrl, type SandboxEnv, type SandboxHostModule } from '../contract/sandbox';
import { traceTime, type TraceEvent } from '../trace/events';
import {
  prepareInterceptors,
  VirtualNetwork,
  type NetworkBindings,
  type TraceDraft,
} from './virtual-network';

/** The private port to the frame, handed over by the bootstrap before any reader code exists. */
declare const BCP_PORT: MessagePort;
const framePort = BCP_PORT;
// Bound now, so reader code that later replaces MessagePort.prototype.postMessage never sees this port.
const post = MessagePort.prototype.postMessage.bind(framePort) as (message: WorkerMessage) => void;

/** Chromium's performance.memory getter, taken before reader code could replace it. */
const memoryGetter = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(performance), 'memory')
  ?.get as (() => { usedJSHeapSize: number }) | undefined;
const apply = Reflect.apply;
/** JS heap in use, where the engine reports it (Chromium); else undefined. */
const heapBytes = (): number | undefined =>
  memoryGetter ? apply(memoryGetter, performance, []).usedJSHeapSize : undefined;

// The frame's watchdog hears these from the worker's creation on: a silence means the loop is blocked.
const beat = (): void => post({ type: 'beat', heapBytes: heapBytes() });
// Before the first beat, which tells the page this worker is ready: a run then starts at once.
prepareInterceptors();
beat();
setInterval(beat, 100);

installBufferCeiling(() => post({ type: 'over-memory' }));

// In an opaque origin these throw or misbehave on access; reader code gets a clear `undefined`
// instead. Nested workers are not offered: they would escape the watchdog.
for (const name of [
  'indexedDB',
  'caches',
  'localStorage',
  'sessionStorage',
  'Worker',
  'SharedWorker',
]) {
  try {
    Object.defineProperty(self, name, { value: undefined, configurable: true });
  } catch {
    // Not configurable in this browser: leave it.
  }
}

const FLUSH_MS = 40;
const WRAPPER_PARAMS = [
  'exports',
  'require',
  'module',
  'console',
  'fetch',
  'WebSocket',
  'EventSource',
  'Response',
];
const WRAPPER_PREFIX = `(function (${WRAPPER_PARAMS.join(', ')}) {`;

let runId = 0;
let startedAt = performance.now();
let consoleQueue: ConsoleEntry[] = [];
let consoleCount = 0;
let dropped = 0;
let traceQueue: TraceEvent[] = [];
let traceCount = 0;
let flushTimer: ReturnType<typeof setTimeout> | undefined;
let network: VirtualNetwork | undefined;
let compiled = new Map<string, CompiledFile>();
/** file → host that owns it, to label errors whose stack names only a file. */
const fileOwner = new Map<string, string>();
let hostModules = new Map<string, SandboxHostModule | undefined>();
let restartHost: (name: string) => void = () => undefined;

const now = (): number => traceTime(performance.now() - startedAt);

let lastFlush = -Infinity;

/** The first message after a quiet spell goes out at once; after that, at most one batch per FLUSH_MS. */
function scheduleFlush(): void {
  flushTimer ??= setTimeout(flush, Math.max(0, lastFlush + FLUSH_MS - performance.now()));
}

function flush(): void {
  flushTimer = undefined;
  lastFlush = performance.now();
  for (const entries of takeBatches(consoleQueue)) post({ type: 'console', entries });
  if (dropped > 0) post({ type: 'dropped', count: dropped });
  for (const events of takeBatches(traceQueue)) post({ type: 'trace', events });
  if (consoleQueue.length > 0 || traceQueue.length > 0) scheduleFlush();
}

function write(host: string, level: ConsoleLevel, text: string): void {
  if (consoleCount >= MAX_CONSOLE_LINES) {
    dropped += 1;
    scheduleFlush();
    return;
  }
  consoleCount += 1;
  const clipped =
    text.length > MAX_LINE
      ? `${text.slice(0, MAX_LINE)}… (${text.length - MAX_LINE} more characters)`
      : text;
  consoleQueue.push({ host, level, text: clipped, t: now() });
  scheduleFlush();
}

function record(event: TraceDraft): void {
  if (traceCount >= MAX_TRACE_EVENTS) return;
  traceCount += 1;
  if (traceCount === MAX_TRACE_EVENTS) {
    write(
      'sandbox',
      'warn',
      `The trace keeps the first ${MAX_TRACE_EVENTS} network events; later ones are not recorded.`,
    );
  }
  traceQueue.push({ ...event, t: now() } as TraceEvent);
  scheduleFlush();
}

function consoleFor(host: string): Console {
  const at =
    (level: ConsoleLevel) =>
    (...args: unknown[]) =>
      write(host, level, formatConsoleArgs(args));
  const log = at('log');
  return {
    ...console,
    log,
    debug: log,
    trace: log,
    dir: (value: unknown) => log(value),
    table: (value: unknown) => log(value),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    assert: (condition: unknown, ...args: unknown[]) => {
      if (!condition) at('error')('Assertion failed', ...args);
    },
  } as Console;
}

/** An error as the reader should see it: message, then only the frames in their files, at TypeScript positions. */
function describeError(error: unknown): string {
  if (error instanceof SandboxSyntaxError) return error.message;
  if (!(error instanceof Error)) return `Uncaught ${formatConsoleArgs([error])}`;
  const frames: string[] = [];
  let where = '';
  for (const line of (error.stack ?? '').split('\n').slice(1)) {
    const match = /^\s*at (?:(.*?) \()?([\w.-]+\.ts):(\d+):(\d+)\)?$/.exec(line);
    if (!match) continue;
    const [, name, file = '', lineText = '0', columnText = '0'] = match;
    const unit = compiled.get(file);
    if (!unit) continue;
    const generatedLine = Number(lineText);
    // The module wrapper shares line 1, so columns there are shifted by its length.
    const generatedColumn = Number(columnText) - (generatedLine === 1 ? WRAPPER_PREFIX.length : 0);
    const position = originalPosition(unit, generatedLine, generatedColumn);
    const location = `${file}:${position.line}:${position.column}`;
    where ||= location;
    frames.push(`    at ${name ? `${name} (${location})` : location}`);
  }
  const head = `${error.name}: ${error.message}`;
  return [where ? `${where} ${head}` : head, ...frames].join('\n');
}

function ownerOf(error: unknown): string | undefined {
  if (error instanceof SandboxSyntaxError) return fileOwner.get(error.file);
  const match = error instanceof Error ? /([\w.-]+\.ts):\d+:\d+/.exec(error.stack ?? '') : null;
  return match?.[1] ? fileOwner.get(match[1]) : undefined;
}

function reportError(host: string, error: unknown, prefix = ''): void {
  write(host, 'error', `${prefix}${describeError(error)}`);
}

self.addEventListener('error', (event) => {
  event.preventDefault();
  reportError(ownerOf(event.error) ?? 'sandbox', event.error ?? event.message, 'Uncaught ');
});
self.addEventListener('unhandledrejection', (event) => {
  event.preventDefault();
  reportError(ownerOf(event.reason) ?? 'sandbox', event.reason, 'Uncaught (in promise) ');
});

/** Evaluates a host's or client's entry file and what it requires, with that host's bindings. */
function loadEntry(host: string, entry: string, bindings: NetworkBindings): unknown {
  const cache = new Map<string, { exports: Record<string, unknown> }>();
  const hostConsole = consoleFor(host);
  const load = (file: string): Record<string, unknown> => {
    const cached = cache.get(file);
    if (cached) return cached.exports;
    const unit = compiled.get(file);
    if (!unit) throw new Error(`${file} is not a file of this sandbox`);
    const module = { exports: {} as Record<string, unknown> };
    cache.set(file, module);
    const require = (specifier: string): unknown => {
      const name = specifier.replace(/^\.\//, '').replace(/(\.ts|\.js)?$/, '.ts');
      if (!specifier.startsWith('./') || !compiled.has(name)) {
        throw new Error(
          `${file} imports "${specifier}": sandbox files can import only each other (./name.ts)`,
        );
      }
      return load(name);
    };
    const factory = (0, eval)(`${WRAPPER_PREFIX}${unit.code}\n})\n//# sourceURL=${file}`) as (
      ...args: unknown[]
    ) => void;
    factory(
      module.exports,
      require,
      module,
      hostConsole,
      bindings.fetch,
      bindings.WebSocket,
      bindings.EventSource,
      bindings.Response,
    );
    return module.exports;
  };
  return load(entry).default;
}

/**
 * What the build compiled when the page sent it (the file is unedited), else the transpiler the page
 * sent along for edited files, evaluated once per worker.
 */
function compileForRun(
  file: string,
  source: string,
  message: Extract<PageMessage, { type: 'run' }>,
): CompiledFile {
  const precompiled = message.compiled?.[file];
  if (precompiled) return toCompiledFile(file, precompiled.code, precompiled.mappings);
  const scope = globalThis as { bcpTranspile?: typeof transpile };
  if (!scope.bcpTranspile && message.transpiler) (0, eval)(message.transpiler);
  if (!scope.bcpTranspile) throw new Error(`${file} was edited, but the transpiler did not load.`);
  const result = scope.bcpTranspile(file, source);
  if (!result.ok) throw new SandboxSyntaxError(file, result.line, result.column, result.message);
  return toCompiledFile(file, result.code, result.mappings);
}

async function startRun(message: Extract<PageMessage, { type: 'run' }>): Promise<void> {
  runId = message.run;
  startedAt = performance.now();
  const { manifest, files } = message;

  for (const [host, file] of [
    ...Object.entries(manifest.hosts),
    ...Object.entries(manifest.clients),
  ]) {
    if (!fileOwner.has(file)) fileOwner.set(file, host);
  }
  let ok = true;
  compiled = new Map();
  for (const [file, source] of Object.entries(files)) {
    try {
      compiled.set(file, compileForRun(file, source, message));
    } catch (error) {
      reportError(fileOwner.get(file) ?? 'sandbox', error);
      ok = false;
    }
  }
  if (!ok) return finish(false);

  const env: SandboxEnv = {
    hosts: Object.fromEntries(
      Object.keys(manifest.hosts).map((name) => [name, virtualHostUrl(name)]),
    ),
    params: { ...defaultParams(manifest), ...message.options.params },
  };
  network = new VirtualNetwork({
    hosts: Object.keys(manifest.hosts),
    clients: Object.keys(manifest.clients),
    getHost: (name) => hostModules.get(name),
    env,
    latencyMs: message.options.latencyMs,
    connectionLimit: manifest.connectionLimit,
    record,
    reportError: (host, error) => reportError(host, error),
    log: write,
  });
  network.start();
  const activeNetwork = network;
  const clientBindings = network.bindings(Object.keys(manifest.clients)[0] ?? 'client');
  // Code that reaches for the globals directly still goes through the virtual network.
  Object.assign(self, { EventSource: clientBindings.EventSource });

  const startHost = (name: string): void => {
    try {
      const module = loadEntry(name, manifest.hosts[name] ?? '', activeNetwork.bindings(name));
      if (
        typeof module !== 'object' ||
        module === null ||
        typeof (module as SandboxHostModule).fetch !== 'function'
      ) {
        throw new TypeError(`${manifest.hosts[name]} must export default { fetch(request) { … } }`);
      }
      hostModules.set(name, module as SandboxHostModule);
    } catch (error) {
      hostModules.set(name, undefined);
      reportError(name, error);
    }
  };
  restartHost = (name) => {
    network?.dropConnections(name, `${name} restarted`);
    write('sandbox', 'info', `${name} restarted: its memory (sessions, counters, queues) is gone.`);
    startHost(name);
  };
  hostModules = new Map();
  for (const name of Object.keys(manifest.hosts)) startHost(name);

  const target = virtualHostUrl(manifest.target);
  const results = await Promise.allSettled(
    Object.entries(manifest.clients).map(async ([name, file]) => {
      try {
        const main = loadEntry(name, file, activeNetwork.bindings(name));
        if (typeof main !== 'function') {
          throw new TypeError(`${file} must export default async function main(server: URL) { … }`);
        }
        await (main as (target: URL, env: SandboxEnv) => unknown)(target, env);
      } catch (error) {
        reportError(name, error, 'Uncaught ');
        throw error;
      }
    }),
  );
  finish(results.every((result) => result.status === 'fulfilled'));
}

function finish(ok: boolean): void {
  // Let responses already on the wire reach the trace before the frame ends this worker.
  setTimeout(() => {
    flush();
    post({ type: 'finished', ok });
  }, 30);
}

framePort.onmessage = (event: MessageEvent<PageMessage>) => {
  const message = event.data;
  if (message.type === 'run') {
    // A spare worker last beat before its run arrived: beat now, before reader code can block us.
    beat();
    consoleQueue = [];
    traceQueue = [];
    consoleCount = 0;
    traceCount = 0;
    dropped = 0;
    void startRun(message).catch((error: unknown) => {
      reportError('sandbox', error);
      finish(false);
    });
  } else if (message.type === 'control' && message.run === runId) {
    const action = message.action;
    if (action.kind === 'set-latency') network?.setLatency(action.latencyMs);
    else if (action.kind === 'drop-connections') network?.dropConnections(action.host);
    else if (action.kind === 'restart-host') restartHost(action.host);
  }
};
