/** Byte counts and short labels of HTTP/1.1, SSE and WebSocket framing, as the trace model counts them. */
import type { HeaderList, TraceEvent } from './events';

/** Streamed chunks this close together (ms) are drawn as one message; slower ones get their own arrow. */
export const GROUP_MS = 5;

const encoder = new TextEncoder();
/** UTF-8 length of a string without allocating for plain ASCII. */
export function utf8Length(text: string): number {
  let ascii = true;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) > 0x7f) {
      ascii = false;
      break;
    }
  }
  return ascii ? text.length : encoder.encode(text).byteLength;
}

/** The request target as sent on an HTTP/1.1 start line: path and query. */
export function requestTarget(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.pathname}${parsed.search}`;
  } catch {
    return url;
  }
}

/** Bytes of a header block: every `name: value\r\n` line. */
export function headerBytes(headers: HeaderList): number {
  let total = 0;
  for (const [name, value] of headers) total += utf8Length(name) + 2 + utf8Length(value) + 2;
  return total;
}

/** A message head: its start line, its header lines and the blank line, each ending in CRLF. */
function headBytes(startLine: string, headers: HeaderList): number {
  return utf8Length(startLine) + 2 + headerBytes(headers) + 2;
}

/** `POST /uploads HTTP/1.1\r\n` + headers + `\r\n`. */
export function requestHeadBytes(event: Extract<TraceEvent, { kind: 'request' }>): number {
  return headBytes(`${event.method} ${requestTarget(event.url)} HTTP/1.1`, event.headers);
}

/** A WebSocket opening handshake's request: `GET /feed HTTP/1.1\r\n` + headers + `\r\n`. */
export function upgradeHeadBytes(event: Extract<TraceEvent, { kind: 'ws-open' }>): number {
  return headBytes(`GET ${requestTarget(event.url)} HTTP/1.1`, event.headers);
}

/** `HTTP/1.1 201 Created\r\n` + headers + `\r\n`. */
export function responseHeadBytes(event: Extract<TraceEvent, { kind: 'response' }>): number {
  return headBytes(statusLine(event), event.headers);
}

export function statusLine(event: Extract<TraceEvent, { kind: 'response' }>): string {
  return `HTTP/1.1 ${event.status}${event.statusText ? ` ${event.statusText}` : ''}`;
}

/** Bytes a chunk of `size` bytes adds around itself in chunked transfer coding: `hex\r\n` … `\r\n`. */
export function chunkFraming(size: number): number {
  return size.toString(16).length + 2 + 2;
}
/** The last chunk of a chunked body: `0\r\n\r\n`. */
export const LAST_CHUNK_BYTES = 5;

/** RFC 6455 frame header bytes: 2, 4 or 10 by payload length, plus a 4-byte mask from the client. */
export function wsFrameHeaderBytes(payloadLength: number, masked: boolean): number {
  const base = payloadLength < 126 ? 2 : payloadLength < 65536 ? 4 : 10;
  return base + (masked ? 4 : 0);
}

export const header = (headers: HeaderList, name: string): string | undefined =>
  headers.find(([key]) => key.toLowerCase() === name)?.[1];

export function formatBytes(bytes: number): string {
  return bytes < 10_000 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KB`;
}

/** The SSE event's lines in canonical `field: value` form. */
export function sseLines(event: Extract<TraceEvent, { kind: 'sse-event' }>): string[] {
  if (
    event.comment !== undefined &&
    event.data === '' &&
    event.id === undefined &&
    event.event === undefined
  ) {
    return [`: ${event.comment}`];
  }
  const lines: string[] = [];
  if (event.retry !== undefined) lines.push(`retry: ${event.retry}`);
  if (event.id !== undefined) lines.push(`id: ${event.id}`);
  if (event.event !== undefined) lines.push(`event: ${event.event}`);
  for (const line of event.data.split('\n')) lines.push(`data: ${line}`);
  return lines;
}

export function sseBytes(event: Extract<TraceEvent, { kind: 'sse-event' }>): number {
  let total = 1; // the blank line that dispatches the event
  for (const line of sseLines(event)) total += utf8Length(line) + 1;
  return total;
}

export function oneLine(text: string, max = 40): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export function sumSizes(events: TraceEvent[]): number {
  let total = 0;
  for (const event of events) if (event.kind === 'body-chunk') total += event.size;
  return total;
}

/** Close frame payload: a 2-byte code plus the UTF-8 reason (none for 1005/1006, which are never sent). */
export function closePayloadBytes(event: Extract<TraceEvent, { kind: 'ws-close' }>): number {
  if (event.code === 1005 || event.code === 1006) return 0;
  return 2 + utf8Length(event.reason);
}
