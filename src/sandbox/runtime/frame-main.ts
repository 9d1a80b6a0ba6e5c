/**
 * The runner frame: `_sandbox/runner-<hash>.html#<secret>` in an `<iframe sandbox="allow-scripts">`
 * of the docs page, so it has an opaque origin. Its lifecycle (threat model: decisions/0025):
 *
 * 1. Start only as the direct child of a page of its own site, with a secret in the URL fragment.
 * 2. Create the page channel and post one end to `parent`, addressed to the site's origin only,
 *    with the secret: the page accepts the channel only from its own frame and with that secret.
 * 3. Keep one spare worker warm. Each run gets a fresh worker and a private MessagePort handed over
 *    before reader code exists; messages a worker posts any other way are dropped here.
 * 4. Watch each run: a worker silent for SILENCE_LIMIT_MS, over the memory ceiling, or dead is
 *    ended, and the page is told why (a cause, never text from the worker).
 * 5. Beat to the page every FRAME_BEAT_MS, so the page notices when this frame dies.
 */
import {
  FRAME_BEAT_MS,
  isWorkerMessage,
  type PageMessage,
  type ReadyMessage,
  type RunnerMessage,
  type StopCause,
  type WorkerMessage,
} from './protocol';

declare const SANDBOX_WORKER_SOURCE: string;

/**
 * A `data:` worker is a secure context (WebCrypto works). It evaluates the runtime it is sent, which
 * is a function taking the private port that came with the same message.
 */
const BOOTSTRAP = 'data:text/javascript,onmessage=e=>{onmessage=null;(0,eval)(e.data)(e.ports[0])}';
/**
 * A legitimate 1.5 s computation must finish; an endless loop must end within 2 s. The margin goes
 * to the first: on a loaded machine the beats around a 1.5 s loop arrive late (1,700 stopped one).
 */
const SILENCE_LIMIT_MS = 1800;
/** A worker never heard from (a crash while loading) is ended after this long. */
const START_LIMIT_MS = 10_000;
/** JS heap a run may use, where the engine reports it (Chromium); well below the process's limit. */
export const HEAP_LIMIT_BYTES = 1024 * 1024 * 1024;

/** A worker and what the frame knows about its liveness, from its creation on. */
interface WatchedWorker {
  worker: Worker;
  port: MessagePort;
  createdAt: number;
  /** When it last beat; undefined until its first beat. */
  lastBeat?: number;
  heapBytes: number;
  /** The run it serves, once it has one. */
  run?: number;
}

let page: MessagePort | undefined;
let lastPageBeat = -Infinity;
let spare: WatchedWorker | undefined;
const runs = new Map<number, WatchedWorker>();

function send(message: RunnerMessage): void {
  page?.postMessage(message);
}

function beatToPage(): void {
  lastPageBeat = performance.now();
  send({ type: 'beat', spare: spare?.lastBeat !== undefined });
}

function createWorker(): WatchedWorker {
  const worker = new Worker(BOOTSTRAP);
  // Anything reader code posts with self.postMessage lands here and is dropped.
  worker.onmessage = null;
  const channel = new MessageChannel();
  const watched: WatchedWorker = {
    worker,
    port: channel.port1,
    createdAt: performance.now(),
    heapBytes: 0,
  };
  channel.port1.onmessage = (event: MessageEvent) => onWorkerMessage(watched, event.data);
  worker.onerror = (event) => {
    event.preventDefault();
    if (watched.run !== undefined) end(watched.run, 'crash');
    else if (spare === watched) spare = undefined;
  };
  worker.postMessage(`(${SANDBOX_WORKER_SOURCE})\n//# sourceURL=sandbox-runtime.js`, [
    channel.port2,
  ]);
  return watched;
}

function onWorkerMessage(watched: WatchedWorker, data: unknown): void {
  if (!isWorkerMessage(data)) return;
  const message: WorkerMessage = data;
  if (message.type === 'beat') {
    const first = watched.lastBeat === undefined;
    watched.lastBeat = performance.now();
    // A spare that just loaded the runtime is news for the page (a Run now starts at once); and
    // liveness is passed on from worker beats too: some engines (WebKit) throttle an invisible
    // frame's timers.
    if ((first && watched === spare) || watched.lastBeat - lastPageBeat >= FRAME_BEAT_MS) {
      beatToPage();
    }
    if (typeof message.heapBytes === 'number') watched.heapBytes = message.heapBytes;
    return;
  }
  const run = watched.run;
  if (run === undefined || runs.get(run) !== watched) return;
  switch (message.type) {
    case 'console':
      return send({ type: 'console', run, entries: message.entries });
    case 'dropped':
      return send({ type: 'dropped', run, count: message.count });
    case 'trace':
      return send({ type: 'trace', run, events: message.events });
    case 'notice':
      return send({ type: 'notice', run, code: message.code, host: message.host });
    case 'over-memory':
      return end(run, 'memory');
    case 'finished':
      send({ type: 'finished', run, ok: message.ok === true });
      return end(run);
  }
}

/** Ends a run's worker; with a cause, the page is told the run was ended from outside. */
function end(run: number, cause?: StopCause): void {
  const watched = runs.get(run);
  if (!watched) return;
  runs.delete(run);
  watched.worker.terminate();
  watched.port.close();
  if (cause) send({ type: 'ended', run, cause });
}

function startRun(message: Extract<PageMessage, { type: 'run' }>): void {
  const watched = spare ?? createWorker();
  spare = undefined;
  watched.run = message.run;
  runs.set(message.run, watched);
  send({ type: 'started', run: message.run });
  watched.port.postMessage(message);
  // Warm the next worker once this run has had a moment to start.
  setTimeout(() => {
    spare ??= createWorker();
  }, 300);
}

/** Why a watched worker must end now, if it must. */
function verdict(watched: WatchedWorker, now: number): StopCause | undefined {
  if (watched.heapBytes > HEAP_LIMIT_BYTES) return 'memory';
  // A worker that beat before (a warm spare) is held to the silence limit from the moment its run
  // began, so code that blocks it at once is caught as fast as on a fresh worker.
  if (watched.lastBeat === undefined) {
    return now - watched.createdAt > START_LIMIT_MS ? 'no-start' : undefined;
  }
  return now - watched.lastBeat > SILENCE_LIMIT_MS ? 'silent' : undefined;
}

function watch(): void {
  const now = performance.now();
  for (const [run, watched] of runs) {
    const cause = verdict(watched, now);
    if (cause) end(run, cause);
  }
}

function onPageMessage(event: MessageEvent<PageMessage>): void {
  const message = event.data;
  if (typeof message !== 'object' || message === null) return;
  if (message.type === 'run') startRun(message);
  else if (message.type === 'stop') end(message.run, 'stop');
  else if (message.type === 'control') runs.get(message.run)?.port.postMessage(message);
}

/** The secret from this frame's URL fragment, if it is well formed. */
function secretFromUrl(): string | undefined {
  const secret = location.hash.slice(1);
  return /^[0-9a-f]{32,128}$/.test(secret) ? secret : undefined;
}

/**
 * True when this document is the direct child of a page served from the runner's own site. Where
 * the engine lists ancestor origins (Chromium, WebKit) they are checked; everywhere the handshake
 * is addressed to the site's origin, so a parent from elsewhere never receives it.
 */
function framedBySite(): boolean {
  if (window.parent === window) return false;
  const ancestors = (location as Location & { ancestorOrigins?: DOMStringList }).ancestorOrigins;
  return !ancestors || ancestors[0] === location.origin;
}

function connect(): void {
  const secret = secretFromUrl();
  if (!secret || !framedBySite()) return;
  const channel = new MessageChannel();
  page = channel.port1;
  page.onmessage = onPageMessage;
  spare = createWorker();
  const ready: ReadyMessage = { type: 'bcp-ready', secret };
  // location.origin is the runner URL's origin (the docs site), unlike this document's opaque one.
  window.parent.postMessage(ready, location.origin, [channel.port2]);
  setInterval(watch, 50);
  setInterval(beatToPage, FRAME_BEAT_MS);
}

connect();
