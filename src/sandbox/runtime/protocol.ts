import type { PrecompiledFile } from './source-positions';
import type { SandboxManifest } from '../contract/manifest';
import type { TraceEvent } from '../trace/events';
import { isTraceEvent } from '../trace/validate';

/** Console levels the sandbox shows. */
export type ConsoleLevel = 'log' | 'info' | 'warn' | 'error';

export interface ConsoleEntry {
  /**
   * Host or client name from the run's manifest: the page refuses any other. The runtime's own
   * messages travel as coded notices, which the page words itself.
   */
  host: string;
  level: ConsoleLevel;
  text: string;
  /** Milliseconds since the run started. */
  t: number;
}

/** Page → frame. */
export type PageMessage =
  | {
      type: 'run';
      run: number;
      manifest: Required<SandboxManifest>;
      files: Record<string, string>;
      /** What the build compiled, for the files the reader has not edited. */
      compiled?: Record<string, PrecompiledFile>;
      /** The transpiler's source, sent only when some file has no compiled form (it was edited). */
      transpiler?: string;
      options: RunOptions;
    }
  | { type: 'stop'; run: number }
  | { type: 'control'; run: number; action: ControlAction };

export interface RunOptions {
  /** Added one-way latency per hop in milliseconds. */
  latencyMs: number;
  /** Values for the manifest's params, as the reader set them. */
  params: Record<string, number>;
}

/** Faults a reader can inject while a run goes on. */
export type ControlAction =
  | { kind: 'drop-connections'; host: string }
  | { kind: 'restart-host'; host: string }
  | { kind: 'set-latency'; latencyMs: number };

/**
 * Why the frame or the page ended a run. The page words each one itself, so no text from the
 * runner ever appears as the runtime speaking.
 */
export type StopCause =
  /** The reader pressed Stop, ran again, or reset. */
  | 'stop'
  /**
   * The worker's event loop stopped answering: an endless loop, or a heap so full that garbage
   * collection stalls it (the two cannot be told apart: decisions/0026).
   */
  | 'silent'
  /** The worker never answered after it was created. */
  | 'no-start'
  /** The worker died (an error outside reader code, or the engine ran out of memory). */
  | 'crash'
  /** The run went over the memory ceiling. */
  | 'memory'
  /** The page stopped hearing from the runner frame (its process died, or it was navigated away). */
  | 'runner-lost';

const STOP_CAUSES: ReadonlySet<string> = new Set<StopCause>([
  'stop',
  'silent',
  'no-start',
  'crash',
  'memory',
  'runner-lost',
]);

/** What the runtime itself tells the reader, as a code: the page words each one (runner-client.ts). */
export type NoticeCode =
  /** The trace reached MAX_TRACE_EVENTS; later events are not recorded. */
  | 'trace-cap'
  /** A host was restarted (a fault the reader injected): `host` names it. */
  | 'host-restarted';

export const NOTICE_CODES: ReadonlySet<string> = new Set<NoticeCode>([
  'trace-cap',
  'host-restarted',
]);

/** The handshake the runner frame posts to its parent window, with the page's end of the channel. */
export interface ReadyMessage {
  type: 'bcp-ready';
  /** The secret the page put in the runner URL's fragment: only the real runner document knows it. */
  secret: string;
}

/** Frame → page, over the private channel. `run` is always stamped by the frame, never by a worker. */
export type RunnerMessage =
  /**
   * The frame is alive; sent every FRAME_BEAT_MS whether or not a run is going on, and at once when
   * a spare worker has loaded the runtime. `spare`: a worker is ready, so a run starts without a boot.
   */
  | { type: 'beat'; spare?: boolean }
  | { type: 'started'; run: number }
  /** `malformed` (set by the page's check): items of the batch that failed it and were left out. */
  | { type: 'console'; run: number; entries: ConsoleEntry[]; malformed?: number }
  | { type: 'dropped'; run: number; count: number }
  | { type: 'trace'; run: number; events: TraceEvent[]; malformed?: number }
  | { type: 'notice'; run: number; code: NoticeCode; host?: string }
  | { type: 'finished'; run: number; ok: boolean }
  | { type: 'ended'; run: number; cause: StopCause };

/**
 * Worker → frame, over a MessagePort the frame hands the worker before any reader code exists.
 * Reader code shares the worker's global scope but never gets this port, so these cannot be forged
 * with `self.postMessage` (the frame drops everything that arrives that way).
 */
export type WorkerMessage =
  /** The worker's event loop is alive. `heapBytes`: JS heap in use, where the engine tells. */
  | { type: 'beat'; heapBytes?: number }
  | { type: 'console'; entries: ConsoleEntry[] }
  | { type: 'dropped'; count: number }
  | { type: 'trace'; events: TraceEvent[] }
  | { type: 'notice'; code: NoticeCode; host?: string }
  | { type: 'finished'; ok: boolean }
  /** The runtime refused an allocation over the memory ceiling. */
  | { type: 'over-memory' };

const WORKER_MESSAGE_TYPES: ReadonlySet<string> = new Set([
  'beat',
  'console',
  'dropped',
  'trace',
  'notice',
  'finished',
  'over-memory',
]);

/** How often the frame tells the page it is alive. */
export const FRAME_BEAT_MS = 250;
/** Most console entries or trace events one message may carry; anything bigger is a bug or an attack. */
export const MAX_BATCH = 5000;
/**
 * Most console entries or trace events the runner puts in one message, and messages per kind per
 * flush (`worker-output.ts`). The page validates and hands on each message in one task, so a flood
 * arrives as several short tasks instead of one long one (decisions/0063).
 */
export const POST_BATCH = 250;
export const POSTS_PER_FLUSH = 4;

/** Longest console line kept, in characters. */
export const MAX_LINE = 10_000;
/** Console lines shown per run; later ones are only counted (enforced in the worker and again in the page). */
export const MAX_CONSOLE_LINES = 1000;
/** Trace events kept per run; the diagram stays readable and memory bounded. */
export const MAX_TRACE_EVENTS = 50_000;
/** Distinct host names a run's trace may name; more would flood the diagram's lanes. */
export const MAX_TRACE_HOSTS = 64;
/**
 * Bytes of text (console and trace, estimated as below) the page keeps per run. The counts alone let
 * a run keep gigabytes (50,000 events of 500 headers of 64 KB each); the chapters' runs keep under
 * 100 KB, and a run at both count caps with ordinary events and full-length lines about 35 MB.
 */
export const MAX_RUN_BYTES = 64 * 2 ** 20;
/** What the page spends on one kept object beside its strings, in the estimates below. */
const OBJECT_BYTES = 64;

/** Estimated bytes a kept console entry costs the page (strings are UTF-16: 2 bytes a character). */
export function consoleEntryBytes(entry: ConsoleEntry): number {
  return OBJECT_BYTES + 2 * (entry.host.length + entry.text.length);
}

/** Estimated bytes a kept (validated) trace event costs the page, headers included. */
export function traceEventBytes(event: TraceEvent): number {
  let bytes = OBJECT_BYTES;
  for (const value of Object.values(event) as unknown[]) {
    if (typeof value === 'string') bytes += 2 * value.length;
    else if (Array.isArray(value)) {
      for (const [name, text] of value as Array<[string, string]>) {
        bytes += OBJECT_BYTES + 2 * (name.length + text.length);
      }
    } else bytes += 8;
  }
  return bytes;
}

const LEVELS = new Set(['log', 'info', 'warn', 'error']);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isRunId = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value > 0;

const isCount = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < 2 ** 40;

function isConsoleEntry(value: unknown): value is ConsoleEntry {
  return (
    isRecord(value) &&
    typeof value.host === 'string' &&
    value.host.length > 0 &&
    value.host.length <= 64 &&
    typeof value.level === 'string' &&
    LEVELS.has(value.level) &&
    typeof value.text === 'string' &&
    value.text.length <= MAX_LINE + 64 &&
    typeof value.t === 'number' &&
    Number.isFinite(value.t)
  );
}

/**
 * The items of a batch that pass `check`, and `{ malformed }` (how many did not) when any did not; a
 * batch over MAX_BATCH is refused whole.
 */
function sift<T>(
  batch: unknown,
  check: (item: unknown) => item is T,
): { items: T[]; counted: { malformed?: number } } | undefined {
  if (!Array.isArray(batch)) return undefined;
  if (batch.length > MAX_BATCH) return { items: [], counted: { malformed: batch.length } };
  const items: T[] = [];
  for (const item of batch as unknown[]) if (check(item)) items.push(item);
  const malformed = batch.length - items.length;
  return { items, counted: malformed > 0 ? { malformed } : {} };
}

/**
 * Checks a message that arrived from the runner frame. Returns it typed, or undefined for anything
 * that is not exactly one of the shapes above: the page trusts nothing the frame sends. A console or
 * trace batch keeps its valid items; the others are only counted (`malformed`).
 */
export function parseRunnerMessage(data: unknown): RunnerMessage | undefined {
  if (!isRecord(data) || typeof data.type !== 'string') return undefined;
  if (data.type === 'beat') return { type: 'beat', spare: data.spare === true };
  if (!isRunId(data.run)) return undefined;
  const run = data.run;
  switch (data.type) {
    case 'started':
      return { type: 'started', run };
    case 'console': {
      const sifted = sift(data.entries, isConsoleEntry);
      return sifted && { type: 'console', run, entries: sifted.items, ...sifted.counted };
    }
    case 'dropped':
      return isCount(data.count) ? { type: 'dropped', run, count: data.count } : undefined;
    case 'trace': {
      const sifted = sift(data.events, isTraceEvent);
      return sifted && { type: 'trace', run, events: sifted.items, ...sifted.counted };
    }
    case 'notice':
      return parseNotice(run, data);
    case 'finished':
      return typeof data.ok === 'boolean' ? { type: 'finished', run, ok: data.ok } : undefined;
    case 'ended':
      return typeof data.cause === 'string' && STOP_CAUSES.has(data.cause)
        ? { type: 'ended', run, cause: data.cause as StopCause }
        : undefined;
    default:
      return undefined;
  }
}

function parseNotice(run: number, data: Record<string, unknown>): RunnerMessage | undefined {
  if (typeof data.code !== 'string' || !NOTICE_CODES.has(data.code)) return undefined;
  const code = data.code as NoticeCode;
  if (data.host === undefined) return { type: 'notice', run, code };
  return typeof data.host === 'string' && data.host.length <= 64
    ? { type: 'notice', run, code, host: data.host }
    : undefined;
}

/** The frame's first filter on what a worker sends: a known type, or dropped. The page checks the rest. */
export function isWorkerMessage(data: unknown): data is WorkerMessage {
  return isRecord(data) && typeof data.type === 'string' && WORKER_MESSAGE_TYPES.has(data.type);
}
