/**
 * The trace event schema: what the page (at the virtual network) and Node (at the real socket) record
 * for every message. Environment-neutral: types and tiny pure helpers only.
 */

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
 * The preview of a body or message that the trace keeps, the same in the page and in Node: the
 * first PREVIEW_LIMIT characters, with "…" when there was more. Bytes that are not UTF-8 show as U+FFFD.
 *
 * @example
 * bodyPreview(new TextEncoder().encode('{"id":1}')) // '{"id":1}'
 */
export function bodyPreview(data: string | Uint8Array): string {
  const text =
    typeof data === 'string' ? data : new TextDecoder().decode(data.subarray(0, PREVIEW_LIMIT * 4));
  return text.length > PREVIEW_LIMIT ? `${text.slice(0, PREVIEW_LIMIT)}…` : text;
}

/**
 * A trace timestamp: milliseconds since the run started, rounded to 0.1 ms, the same in the page and
 * in Node (finer digits are noise next to timer and scheduling jitter).
 *
 * @example
 * traceTime(12.3456) // 12.3
 */
export function traceTime(ms: number): number {
  return Math.round(ms * 10) / 10;
}
