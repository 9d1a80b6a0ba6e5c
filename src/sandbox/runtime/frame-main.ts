/**
 * The runner frame (an `<iframe sandbox="allow-scripts">`, so it has an opaque origin). It owns the
 * workers: one fresh worker per run, a spare kept warm, and a watchdog that ends a worker whose
 * event loop stops answering. It forwards messages between the page's MessagePort and the workers.
 */
import type { PageMessage, RunnerMessage } from './protocol';

declare const SANDBOX_WORKER_SOURCE: string;

/** A `data:` worker is a secure context (WebCrypto works); it evaluates the runtime it is sent. */
const BOOTSTRAP = 'data:text/javascript,onmessage=e=>{onmessage=null;(0,eval)(e.data)}';
/** A legitimate 1.5 s computation must finish; an endless loop must end within 2 s. */
const SILENCE_LIMIT_MS = 1700;
/** A worker that never starts (a crash while loading) is ended after this long. */
const START_LIMIT_MS = 10_000;

interface ActiveRun {
  worker: Worker;
  lastBeat: number;
  armed: boolean;
  createdAt: number;
}

let port: MessagePort | undefined;
let spare: Worker | undefined;
const runs = new Map<number, ActiveRun>();

function createWorker(): Worker {
  const worker = new Worker(BOOTSTRAP);
  worker.postMessage(`${SANDBOX_WORKER_SOURCE}\n//# sourceURL=sandbox-runtime.js`);
  return worker;
}

function send(message: RunnerMessage): void {
  port?.postMessage(message);
}

function end(run: number, reason?: string): void {
  const active = runs.get(run);
  if (!active) return;
  runs.delete(run);
  active.worker.terminate();
  if (reason) send({ type: 'killed', run, reason });
}

function startRun(message: Extract<PageMessage, { type: 'run' }>): void {
  const worker = spare ?? createWorker();
  spare = undefined;
  const active: ActiveRun = {
    worker,
    lastBeat: performance.now(),
    armed: false,
    createdAt: performance.now(),
  };
  runs.set(message.run, active);
  worker.onmessage = (event: MessageEvent<RunnerMessage | { type: 'heartbeat' }>) => {
    const data = event.data;
    if (data.type === 'heartbeat') {
      active.lastBeat = performance.now();
      active.armed = true;
      return;
    }
    send(data as RunnerMessage);
    if (data.type === 'finished') end(message.run);
  };
  worker.onerror = (event) => {
    event.preventDefault();
    end(
      message.run,
      `The sandbox crashed: ${event.message || 'the worker stopped unexpectedly (out of memory?)'}`,
    );
  };
  worker.postMessage(message);
  // Warm the next worker once this run has had a moment to start.
  setTimeout(() => {
    spare ??= createWorker();
  }, 300);
}

setInterval(() => {
  const now = performance.now();
  for (const [run, active] of runs) {
    if (active.armed && now - active.lastBeat > SILENCE_LIMIT_MS) {
      end(
        run,
        `Stopped: the code kept the sandbox busy for ${(SILENCE_LIMIT_MS / 1000).toFixed(1)} s without a break (an endless loop, or memory running out?). Everything this run started has ended; press Run to start again.`,
      );
    } else if (!active.armed && now - active.createdAt > START_LIMIT_MS) {
      end(run, 'The sandbox did not start within 10 s. Press Run to try again.');
    }
  }
}, 50);

function onPageMessage(event: MessageEvent<PageMessage>): void {
  const message = event.data;
  if (typeof message !== 'object' || message === null) return;
  if (message.type === 'run') startRun(message);
  else if (message.type === 'stop') end(message.run, 'Stopped.');
  else if (message.type === 'control') runs.get(message.run)?.worker.postMessage(message);
}

// The page hands over a private channel once; after that the frame never reads window messages again.
window.addEventListener('message', function connect(event: MessageEvent) {
  if (
    port ||
    event.source !== window.parent ||
    (event.data as { type?: string } | null)?.type !== 'bcp-connect'
  )
    return;
  const transferred = event.ports[0];
  if (!transferred) return;
  window.removeEventListener('message', connect);
  port = transferred;
  port.onmessage = onPageMessage;
  spare = createWorker();
  send({ type: 'ready' });
});
