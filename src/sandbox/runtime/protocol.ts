import type { PrecompiledFile } from './source-positions';
import type { SandboxManifest } from '../contract/manifest';
import type { TraceEvent } from '../trace/events';

/** Console levels the sandbox shows. */
export type ConsoleLevel = 'log' | 'info' | 'warn' | 'error';

export interface ConsoleEntry {
  /** Host or client name, or "sandbox" for messages from the runtime itself. */
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

/** Worker → frame → page (the frame forwards these unchanged, and adds `killed`). */
export type RunnerMessage =
  | { type: 'ready' }
  | { type: 'started'; run: number }
  | { type: 'console'; run: number; entries: ConsoleEntry[] }
  | { type: 'dropped'; run: number; count: number }
  | { type: 'trace'; run: number; events: TraceEvent[] }
  | { type: 'finished'; run: number; ok: boolean }
  | { type: 'killed'; run: number; reason: string };

/** Most console entries or trace events one message may carry; anything bigger is a bug or an attack. */
export const MAX_BATCH = 5000;
/** Longest console line kept, in characters. */
export const MAX_LINE = 10_000;

const LEVELS = new Set(['log', 'info', 'warn', 'error']);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isRunId = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value > 0;

function isConsoleEntry(value: unknown): value is ConsoleEntry {
  return (
    isRecord(value) &&
    typeof value.host === 'string' &&
    value.host.length <= 64 &&
    typeof value.level === 'string' &&
    LEVELS.has(value.level) &&
    typeof value.text === 'string' &&
    value.text.length <= MAX_LINE + 64 &&
    typeof value.t === 'number'
  );
}

function isTraceEvent(value: unknown): value is TraceEvent {
  return (
    isRecord(value) &&
    typeof value.kind === 'string' &&
    typeof value.exchange === 'string' &&
    typeof value.from === 'string' &&
    typeof value.to === 'string' &&
    typeof value.t === 'number'
  );
}

/**
 * Checks a message that arrived from the sandbox frame. Returns it typed, or undefined for anything
 * that is not exactly one of the shapes above: the frame runs untrusted code's neighbours, so the page
 * trusts nothing it sends.
 */
export function parseRunnerMessage(data: unknown): RunnerMessage | undefined {
  if (!isRecord(data) || typeof data.type !== 'string') return undefined;
  switch (data.type) {
    case 'ready':
      return { type: 'ready' };
    case 'started':
      return isRunId(data.run) ? { type: 'started', run: data.run } : undefined;
    case 'console':
      return isRunId(data.run) &&
        Array.isArray(data.entries) &&
        data.entries.length <= MAX_BATCH &&
        data.entries.every(isConsoleEntry)
        ? { type: 'console', run: data.run, entries: data.entries }
        : undefined;
    case 'dropped':
      return isRunId(data.run) && typeof data.count === 'number' && data.count >= 0
        ? { type: 'dropped', run: data.run, count: data.count }
        : undefined;
    case 'trace':
      return isRunId(data.run) &&
        Array.isArray(data.events) &&
        data.events.length <= MAX_BATCH &&
        data.events.every(isTraceEvent)
        ? { type: 'trace', run: data.run, events: data.events }
        : undefined;
    case 'finished':
      return isRunId(data.run) && typeof data.ok === 'boolean'
        ? { type: 'finished', run: data.run, ok: data.ok }
        : undefined;
    case 'killed':
      return isRunId(data.run) && typeof data.reason === 'string' && data.reason.length < 500
        ? { type: 'killed', run: data.run, reason: data.reason }
        : undefined;
    default:
      return undefined;
  }
}
