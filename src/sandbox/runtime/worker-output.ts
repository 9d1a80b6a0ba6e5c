/**
 * What the sandbox worker tells the frame about a run: console lines, trace events, coded notices and
 * the run's end. Reader code shares this worker, so everything here uses built-ins captured before it
 * ran (`intrinsics.ts`): the queues are lists with no prototype, batches are taken with the engine's
 * own `splice`, and the port's `postMessage` was bound when the runtime loaded (decisions/0068).
 */
import {
  MAX_CONSOLE_LINES,
  MAX_LINE,
  MAX_TRACE_EVENTS,
  POST_BATCH,
  POSTS_PER_FLUSH,
  type ConsoleEntry,
  type ConsoleLevel,
  type NoticeCode,
  type WorkerMessage,
} from './protocol';
import {
  append,
  later,
  mathMax,
  now,
  OriginalSet,
  safeList,
  setAdd,
  setHas,
  stringSlice,
  takeFront,
  type SafeList,
} from './intrinsics';
import { traceTime, type TraceEvent } from '../trace/events';

const FLUSH_MS = 40;

let post: (message: WorkerMessage) => void = () => undefined;
let names: Set<unknown> = new OriginalSet();
let fallbackHost = 'client';
let startedAt = now();
const consoleQueue: SafeList<ConsoleEntry> = safeList();
const traceQueue: SafeList<TraceEvent> = safeList();
let consoleCount = 0;
let dropped = 0;
let traceCount = 0;
let flushTimer: ReturnType<typeof setTimeout> | undefined;
let lastFlush = -Infinity;
let finished = false;

/**
 * Starts a run's output: `hosts` are the names console lines may carry (the manifest's hosts and
 * clients); a line for any other name is shown as `fallback`'s.
 */
export function openOutput(
  send: (message: WorkerMessage) => void,
  hosts: string[],
  fallback: string,
): void {
  post = send;
  takeFront(consoleQueue, consoleQueue.length);
  takeFront(traceQueue, traceQueue.length);
  consoleCount = dropped = traceCount = 0;
  finished = false;
  names = new OriginalSet();
  for (let index = 0; index < hosts.length; index += 1) setAdd(names, hosts[index]);
  fallbackHost = fallback;
  startedAt = now();
}

/**
 * Milliseconds since the run started, unrounded: the clock of the run's trace recorder, which rounds
 * each event's time once (traceTime), as the Node harness's recorder does.
 */
export function runClock(): number {
  return now() - startedAt;
}

/** Milliseconds since the run started, rounded as the trace keeps them (0.1 ms). */
export function runTime(): number {
  return traceTime(runClock());
}

/** The first message after a quiet spell goes out at once; after that, at most one batch per FLUSH_MS. */
function scheduleFlush(): void {
  flushTimer ??= later(flush, mathMax(0, lastFlush + FLUSH_MS - now()));
}

/** Posts up to POSTS_PER_FLUSH messages of at most POST_BATCH items off the front of `queue`. */
function postBatches(
  queue: SafeList<ConsoleEntry> | SafeList<TraceEvent>,
  kind: 'console' | 'trace',
): void {
  for (let count = 0; count < POSTS_PER_FLUSH && queue.length > 0; count += 1) {
    const batch = takeFront<ConsoleEntry | TraceEvent>(queue, POST_BATCH);
    post(
      kind === 'console'
        ? { type: 'console', entries: batch as ConsoleEntry[] }
        : { type: 'trace', events: batch as TraceEvent[] },
    );
  }
}

export function flush(): void {
  flushTimer = undefined;
  lastFlush = now();
  postBatches(consoleQueue, 'console');
  if (dropped > 0) post({ type: 'dropped', count: dropped });
  postBatches(traceQueue, 'trace');
  if (consoleQueue.length > 0 || traceQueue.length > 0) scheduleFlush();
}

/** Queues one console line of `host` (a name of this run's manifest). */
export function write(host: string, level: ConsoleLevel, text: unknown): void {
  if (consoleCount >= MAX_CONSOLE_LINES) {
    dropped += 1;
    scheduleFlush();
    return;
  }
  consoleCount += 1;
  const line = typeof text === 'string' ? text : '';
  const clipped =
    line.length > MAX_LINE
      ? `${stringSlice(line, 0, MAX_LINE)}… (${line.length - MAX_LINE} more characters)`
      : line;
  const from = typeof host === 'string' && setHas(names, host) ? host : fallbackHost;
  append(consoleQueue, { host: from, level, text: clipped, t: runTime() });
  scheduleFlush();
}

/** A message from the runtime itself: the page words it, so reader code can never speak as it. */
export function notice(code: NoticeCode, host?: string): void {
  flush();
  post(host === undefined ? { type: 'notice', code } : { type: 'notice', code, host });
}

/**
 * Queues one trace event as the recorder stamped it (on {@link runClock}): stamping it again would
 * give the page's times a second rounding and another origin than Node's. Past MAX_TRACE_EVENTS,
 * events are not kept.
 */
export function record(event: TraceEvent): void {
  if (traceCount >= MAX_TRACE_EVENTS) return;
  traceCount += 1;
  append(traceQueue, event);
  if (traceCount === MAX_TRACE_EVENTS) notice('trace-cap');
  scheduleFlush();
}

/** Posts the run's end once, after what is still queued. */
export function finishRun(ok: boolean): void {
  if (finished) return;
  finished = true;
  // Let responses already on the wire reach the trace before the frame ends this worker.
  later(() => {
    flush();
    post({ type: 'finished', ok: ok === true });
  }, 30);
}
