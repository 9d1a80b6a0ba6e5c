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
      /** The body's bytes, base64, within {@link BODY_BYTES}; absent when there is no body. */
      bodyBase64?: string;
    })
  | (TraceBase & { kind: 'response'; status: number; statusText: string; headers: HeaderList })
  | (TraceBase & {
      kind: 'body-chunk';
      size: number;
      preview: string;
      /** These bytes, base64, within {@link BODY_BYTES} (absent in traces from before it existed). */
      base64?: string;
    })
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
  | (TraceBase & {
      kind: 'ws-message';
      size: number;
      preview: string;
      binary: boolean;
      /** The message's bytes (a text frame's UTF-8), base64, within {@link BODY_BYTES}. */
      base64?: string;
    })
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

/**
 * How many bytes of bodies the trace keeps exactly, next to the previews: a HAR export writes these,
 * so a binary body leaves as the bytes that crossed. Past either cap an event keeps only the first of
 * its bytes, or none (`""`), and its base64 decodes to fewer bytes than its `size`.
 */
export const BODY_BYTES = {
  /** Per body: a request's, a response's over all its chunks, one WebSocket message's. */
  body: 64 * 1024,
  /** Per run, over all bodies. */
  run: 1024 * 1024,
} as const;

/** Characters of the base64 of `count` bytes. */
export const base64Length = (count: number): number => ((count + 2 - ((count + 2) % 3)) / 3) * 4;

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * Base64 of the first `count` bytes of `bytes`, by table (no btoa or String.fromCharCode: reader
 * code shares the page's worker and may replace those).
 *
 * @example
 * base64Of(new Uint8Array([0, 255]), 2) // 'AP8='
 */
export function base64Of(bytes: Uint8Array, count: number): string {
  let out = '';
  for (let i = 0; i < count; i += 3) {
    const a = bytes[i] ?? 0;
    const b = i + 1 < count ? (bytes[i + 1] ?? 0) : 0;
    const c = i + 2 < count ? (bytes[i + 2] ?? 0) : 0;
    out += BASE64[a >> 2] ?? '';
    out += BASE64[((a & 3) << 4) | (b >> 4)] ?? '';
    out += i + 1 < count ? (BASE64[((b & 15) << 2) | (c >> 6)] ?? '') : '=';
    out += i + 2 < count ? (BASE64[c & 63] ?? '') : '=';
  }
  return out;
}

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
