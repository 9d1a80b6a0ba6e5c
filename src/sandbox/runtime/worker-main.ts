/**
 * The sandbox worker: compiles the reader's files, starts each host and client with its own console
 * and network bindings, and streams console output and the network trace to the frame
 * (`worker-output.ts`). It is evaluated by a tiny `data:` bootstrap, so it runs in a secure context
 * with no origin. Reader code shares this worker's globals: once the first host's module has run,
 * the runtime uses only built-ins captured before it (`intrinsics.ts`, decisions/0068).
 */
import { formatConsoleArgs } from './console-format';
import type { ConsoleLevel, PageMessage, WorkerMessage } from './protocol';
import { defaultParams } from '../contract/manifest';
import { describeError, ownerOf } from './error-text';
import {
  apply,
  dataOf,
  evaluate,
  every,
  getOwnPropertyDescriptor,
  getPrototypeOf,
  mapGet,
  mapHas,
  mapSet,
  objectEntries,
  objectKeys,
  OriginalError,
  OriginalMap,
  preventDefault,
  regexpExec,
  settle,
} from './intrinsics';
import { installBufferCeiling } from './memory-ceiling';
import { SandboxSyntaxError, toCompiledFile, type CompiledFile } from './source-positions';
import type { transpile } from './transpile';
import { virtualHostUrl, type SandboxEnv, type SandboxHostModule } from '../contract/sandbox';
import { prepareInterceptors, VirtualNetwork, type NetworkBindings } from './virtual-network';
import { finishRun, notice, openOutput, record, runClock, write } from './worker-output';

type RunMessage = Extract<PageMessage, { type: 'run' }>;

/** The private port to the frame, handed over by the bootstrap before any reader code exists. */
declare const BCP_PORT: MessagePort;
const framePort = BCP_PORT;
// Bound now, so reader code that later replaces MessagePort.prototype.postMessage never sees this port.
const post = MessagePort.prototype.postMessage.bind(framePort) as (message: WorkerMessage) => void;

/** Chromium's performance.memory getter, taken before reader code could replace it. */
const memoryGetter = getOwnPropertyDescriptor(getPrototypeOf(performance) as object, 'memory')
  ?.get as (() => { usedJSHeapSize: number }) | undefined;
const clock = performance;
/** JS heap in use, where the engine reports it (Chromium); else undefined. */
const heapBytes = (): number | undefined =>
  memoryGetter
    ? (apply(memoryGetter, clock, []) as { usedJSHeapSize: number }).usedJSHeapSize
    : undefined;

// The frame's watchdog hears these from the worker's creation on: a silence means the loop is blocked.
const beat = (): void => post({ type: 'beat', heapBytes: heapBytes() });
// Before the first beat, which tells the page this worker is ready: a run then starts at once.
prepareInterceptors();
beat();
every(beat, 100);

installBufferCeiling(() => post({ type: 'over-memory' }));

// In an opaque origin these throw or misbehave on access; reader code gets a clear `undefined`
// instead. Nested workers are not offered: they would escape the watchdog; nor are WebAssembly
// memories and image buffers, which allocate outside the memory ceiling (decisions/0069).
for (const name of [
  'indexedDB',
  'caches',
  'localStorage',
  'sessionStorage',
  'Worker',
  'SharedWorker',
  'WebAssembly',
  'OffscreenCanvas',
  'ImageData',
]) {
  try {
    Object.defineProperty(self, name, { value: undefined, configurable: true });
  } catch {
    // Not configurable in this browser: leave it.
  }
}

const baseConsole = console;
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
let network: VirtualNetwork | undefined;
let compiled = new OriginalMap<string, CompiledFile>();
/** file → host that owns it, to label errors whose stack names only a file. */
const fileOwner = new OriginalMap<string, string>();
const hostModules = new OriginalMap<string, SandboxHostModule | undefined>();
/** Who an error no file can be traced to is shown as: the first client (never the runtime). */
let fallbackHost = 'client';
let restartHost: (name: string) => void = () => undefined;

function consoleFor(host: string): Console {
  const at =
    (level: ConsoleLevel) =>
    (...args: unknown[]) =>
      write(host, level, formatConsoleArgs(args));
  const log = at('log');
  return {
    ...baseConsole,
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

/** Writes an error to the console of `host` (or of the file it names); reader getters that throw are survived. */
function reportError(host: string | undefined, error: unknown, prefix = ''): void {
  let text: string;
  let owner = host;
  try {
    owner ??= ownerOf(error, fileOwner);
    text = `${prefix}${describeError(error, compiled, WRAPPER_PREFIX.length)}`;
  } catch {
    text = `${prefix}an error that could not be described`;
  }
  write(owner ?? fallbackHost, 'error', text);
}

self.addEventListener('error', (event) => {
  preventDefault(event);
  reportError(undefined, event.error ?? event.message, 'Uncaught ');
});
self.addEventListener('unhandledrejection', (event) => {
  preventDefault(event);
  reportError(undefined, event.reason, 'Uncaught (in promise) ');
});

/** `./name.ts`, `./name.js` or `./name` → `name.ts`, if the sandbox has that file. */
function requiredFile(specifier: unknown): string | undefined {
  const match =
    typeof specifier === 'string' ? regexpExec(/^\.\/(.+?)(?:\.ts|\.js)?$/, specifier) : null;
  const name = match ? `${match[1]}.ts` : undefined;
  return name !== undefined && mapHas(compiled, name) ? name : undefined;
}

/** Evaluates a host's or client's entry file and what it requires, with that host's bindings. */
function loadEntry(host: string, entry: string, bindings: NetworkBindings): unknown {
  const cache = new OriginalMap<string, { exports: Record<string, unknown> }>();
  const hostConsole = consoleFor(host);
  const load = (file: string): Record<string, unknown> => {
    const cached = mapGet(cache, file);
    if (cached) return cached.exports;
    const unit = mapGet(compiled, file);
    if (!unit) throw new OriginalError(`${file} is not a file of this sandbox`);
    const module = { exports: {} as Record<string, unknown> };
    mapSet(cache, file, module);
    const require = (specifier: string): unknown => {
      const name = requiredFile(specifier);
      if (name === undefined) {
        throw new OriginalError(
          `${file} imports "${String(specifier)}": sandbox files can import only each other (./name.ts)`,
        );
      }
      return load(name);
    };
    const factory = evaluate(`${WRAPPER_PREFIX}${unit.code}\n})\n//# sourceURL=${file}`) as (
      ...args: unknown[]
    ) => void;
    apply(factory, undefined, [
      module.exports,
      require,
      module,
      hostConsole,
      bindings.fetch,
      bindings.WebSocket,
      bindings.EventSource,
      bindings.Response,
    ]);
    return module.exports;
  };
  return load(entry).default;
}

/**
 * What the build compiled when the page sent it (the file is unedited), else the transpiler the page
 * sent along for edited files, evaluated once per worker.
 */
function compileForRun(file: string, source: string, message: RunMessage): CompiledFile {
  const precompiled = message.compiled?.[file];
  if (precompiled) return toCompiledFile(file, precompiled.code, precompiled.mappings);
  const scope = globalThis as { bcpTranspile?: typeof transpile };
  if (!scope.bcpTranspile && message.transpiler) evaluate(message.transpiler);
  if (!scope.bcpTranspile) throw new Error(`${file} was edited, but the transpiler did not load.`);
  const result = scope.bcpTranspile(file, source);
  if (!result.ok) throw new SandboxSyntaxError(file, result.line, result.column, result.message);
  return toCompiledFile(file, result.code, result.mappings);
}

/** Compiles every file; false (with the errors in the console) when one does not compile. */
function compileAll(message: RunMessage): boolean {
  let ok = true;
  compiled = new OriginalMap();
  for (const [file, source] of Object.entries(message.files)) {
    try {
      mapSet(compiled, file, compileForRun(file, source, message));
    } catch (error) {
      reportError(mapGet(fileOwner, file), error);
      ok = false;
    }
  }
  return ok;
}

function startHost(name: string, file: string, bindings: NetworkBindings): void {
  try {
    const module = loadEntry(name, file, bindings);
    if (
      typeof module !== 'object' ||
      module === null ||
      typeof (module as SandboxHostModule).fetch !== 'function'
    ) {
      throw new TypeError(`${file} must export default { fetch(request) { … } }`);
    }
    mapSet(hostModules, name, module as SandboxHostModule);
  } catch (error) {
    mapSet(hostModules, name, undefined);
    reportError(name, error);
  }
}

/** Runs one client's main(); `done` hears once whether it settled without an error. */
function startClient(
  name: string,
  file: string,
  bindings: NetworkBindings,
  args: [URL, SandboxEnv],
  done: (ok: boolean) => void,
): void {
  const failed = (error: unknown): void => {
    reportError(name, error, 'Uncaught ');
    done(false);
  };
  let result: unknown;
  try {
    const main = loadEntry(name, file, bindings);
    if (typeof main !== 'function') {
      throw new TypeError(`${file} must export default async function main(server: URL) { … }`);
    }
    // Compiling and starting the hosts took time: main() gets the whole silence limit from here.
    beat();
    result = apply(main as (...args: unknown[]) => unknown, undefined, args);
  } catch (error) {
    return failed(error);
  }
  settle(result, () => done(true), failed);
}

function startRun(message: RunMessage): void {
  runId = message.run;
  const { manifest } = message;
  const hosts = objectEntries(manifest.hosts);
  const clients = objectEntries(manifest.clients);
  fallbackHost = clients[0]?.[0] ?? hosts[0]?.[0] ?? 'client';
  openOutput(post, [...objectKeys(manifest.hosts), ...objectKeys(manifest.clients)], fallbackHost);
  for (const [host, file] of [...hosts, ...clients]) {
    if (!mapHas(fileOwner, file)) mapSet(fileOwner, file, host);
  }
  if (!compileAll(message)) return finishRun(false);

  const env: SandboxEnv = {
    hosts: Object.fromEntries(hosts.map(([name]) => [name, virtualHostUrl(name)])),
    params: { ...defaultParams(manifest), ...message.options.params },
  };
  const active = new VirtualNetwork({
    hosts: objectKeys(manifest.hosts),
    clients: objectKeys(manifest.clients),
    getHost: (name) => mapGet(hostModules, name),
    env,
    latencyMs: message.options.latencyMs,
    connectionLimit: manifest.connectionLimit,
    // The trace's clock is the run's, as console lines' (openOutput started it).
    now: runClock,
    record,
    reportError: (host, error) => reportError(host, error),
    log: write,
  });
  network = active;
  active.start();
  // Code that reaches for the globals directly still goes through the virtual network.
  Object.assign(self, { EventSource: active.bindings(clients[0]?.[0] ?? 'client').EventSource });
  // Everything the run needs is taken now: from the first host's module on, reader code has run.
  const plan = ([name, file]: [string, string]) => ({
    name,
    file,
    bindings: active.bindings(name),
  });
  const hostPlans = hosts.map(plan);
  const clientPlans = clients.map(plan);
  const args: [URL, SandboxEnv] = [virtualHostUrl(manifest.target), env];
  restartHost = (name) => {
    const file = manifest.hosts[name];
    if (typeof file !== 'string') return;
    active.dropConnections(name, `${name} restarted`);
    notice('host-restarted', name);
    startHost(name, file, active.bindings(name));
  };

  for (let index = 0; index < hostPlans.length; index += 1) {
    const host = hostPlans[index];
    if (host) startHost(host.name, host.file, host.bindings);
  }
  let pending = clientPlans.length;
  let allOk = true;
  const settled = (ok: boolean): void => {
    allOk &&= ok;
    pending -= 1;
    if (pending === 0) finishRun(allOk);
  };
  if (pending === 0) return finishRun(true);
  for (let index = 0; index < clientPlans.length; index += 1) {
    const client = clientPlans[index];
    if (client) startClient(client.name, client.file, client.bindings, args, settled);
  }
}

let started = false;
framePort.onmessage = (event: MessageEvent<PageMessage>) => {
  // Read with the engine's own getter: reader code may have replaced MessageEvent.prototype.data.
  const message = dataOf(event) as PageMessage;
  if (message.type === 'run') {
    if (started) return;
    started = true;
    // A spare worker last beat before its run arrived: beat now, before reader code can block us.
    beat();
    try {
      startRun(message);
    } catch (error) {
      reportError(undefined, error);
      finishRun(false);
    }
  } else if (message.type === 'control' && message.run === runId) {
    const action = message.action;
    if (action.kind === 'set-latency') network?.setLatency(action.latencyMs);
    else if (action.kind === 'drop-connections') network?.dropConnections(action.host);
    else if (action.kind === 'restart-host') restartHost(action.host);
  }
};
