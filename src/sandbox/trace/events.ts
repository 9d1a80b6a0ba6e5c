/**
 * The trace event schema: what the page (at the virtual network) and Node (at the real socket) record
 * for every message, through the one recorder (recorder.ts). Environment-neutral: types, bounds and
 * tiny pure helpers only, written with captured built-ins (intrinsics.ts) as the recorder uses them.
 */
import {
  TextDecoderConstructor,
  Uint8ArrayConstructor,
  byteLength,
  byteOffset,
  decode,
  mathMin,
  mathRound,
  stringSlice,
  viewBuffer,
} from './intrinsics.ts';

/** A header as sent: name as written, value as written. Order is kept, duplicates allowed. */
export type HeaderList = Array<[name: string, value: string]>;

interface TraceBase {
  /** Milliseconds since the run started. */
  t: number;
  /** The exchange (HTTP request/response or WebSocket connection) this event belongs to, e.g. "h3" or "w1". */
  exchange: string;
  /** Host that sent this message. */
  from: string;
  /** Host that receives it. */
  to: string;
  /**
   * Some text of this event was longer than the trace keeps ({@link TRACE_LIMITS}) and was cut, or
   * a header list had more entries than it keeps: what is shown is the start of what was sent.
   */
  clipped?: true;
}

/**
 * One event at the network boundary. The page records these at the virtual network, the Node harness
 * at the real socket, in the same shape: a test compares the two sequences.
 */
export type TraceEvent =
  | (TraceBase & {
      kind: 'request';
      method: string;
      url: string;
      headers: HeaderList;
      bodySize: number;
      bodyPreview: string;
    })
  | (TraceBase & { kind: 'response'; status: number; statusText: string; headers: HeaderList })
  | (TraceBase & { kind: 'body-chunk'; size: number; preview: string })
  | (TraceBase & { kind: 'body-end'; size: number })
  | (TraceBase & {
      kind: 'sse-event';
      id?: string;
      event?: string;
      data: string;
      retry?: number;
      comment?: string;
    })
  | (TraceBase & {
      kind: 'ws-open';
      url: string;
      /**
       * The opening handshake's request headers (`Upgrade: websocket`, `Sec-WebSocket-Key` …); the
       * server's `101 Switching Protocols` follows as a `response` event of the same exchange.
       */
      headers: HeaderList;
    })
  | (TraceBase & { kind: 'ws-message'; size: number; preview: string; binary: boolean })
  | (TraceBase & { kind: 'ws-close'; code: number; reason: string })
  | (TraceBase & { kind: 'error'; message: string })
  | (TraceBase & { kind: 'abort' });

export type TraceKind = TraceEvent['kind'];

/** Longest body preview kept per event, in characters. */
export const PREVIEW_LIMIT = 2048;

/**
 * What one event may hold: the validator refuses more, and the recorder cuts longer fields to these
 * bounds (marking the event `clipped`) so an oversized message is traced, not lost.
 */
export const TRACE_LIMITS = {
  /** Longest host name, exchange id, method, header name or status text kept. */
  name: 256,
  /** Longest URL, header value, SSE field, error message or close reason kept. */
  text: 64 * 1024,
  /** Most headers one request or response may list. */
  headers: 500,
} as const;

const decoder = new TextDecoderConstructor();

/**
 * The preview of a body or message that the trace keeps, the same in the page and in Node: the
 * first PREVIEW_LIMIT characters, with "…" when there was more. Bytes that are not UTF-8 show as U+FFFD.
 *
 * @example
 * bodyPreview(new TextEncoder().encode('{"id":1}')) // '{"id":1}'
 */
export function bodyPreview(data: string | Uint8Array): string {
  const text =
    typeof data === 'string'
      ? data
      : decode(
          decoder,
          new Uint8ArrayConstructor(
            viewBuffer(data),
            byteOffset(data),
            mathMin(byteLength(data), PREVIEW_LIMIT * 4),
          ),
        );
  return text.length > PREVIEW_LIMIT ? `${stringSlice(text, 0, PREVIEW_LIMIT)}…` : text;
}

/**
 * A trace timestamp: milliseconds since the run started, rounded to 0.1 ms, the same in the page and
 * in Node (finer digits are noise next to timer and scheduling jitter).
 *
 * @example
 * traceTime(12.3456) // 12.3
 */
export function traceTime(ms: number): number {
  return mathRound(ms * 10) / 10;
}
