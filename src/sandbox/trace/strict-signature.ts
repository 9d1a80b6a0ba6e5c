/**
 * The strict form of {@link traceSignature}: per exchange, everything that should be the same on
 * the wire in the page and over real sockets, timings and time-bearing values aside. Method and
 * target, header names (without the ones an HTTP agent adds by itself), status with its reason
 * phrase, framing (Content-Length or chunked) and whether the body matched it, body byte counts,
 * every SSE field with its id, event and retry values, every WebSocket frame's direction, kind and
 * size, the close code, and error and abort events.
 */
import type { HeaderList, TraceEvent } from './events';
import { header, requestTarget, utf8Length } from './wire-bytes';

/** Headers that differ between agents or runs without the sandbox's code asking for them. */
const VOLATILE = new Set([
  'date',
  'host',
  'connection',
  'keep-alive',
  'user-agent',
  'accept-language',
  'accept-encoding',
  'sec-fetch-mode',
  'content-length',
  'transfer-encoding',
]);

const NO_CACHE = new Set(['cache-control', 'pragma']);

const names = (headers: HeaderList, request = false): string =>
  [...new Set(headers.map(([name]) => name.toLowerCase()))]
    .filter((name) => !VOLATILE.has(name))
    // Agents add these by themselves: `accept: */*`, and `cache-control`/`pragma: no-cache` on a
    // conditional request (Fetch standard, HTTP-network-or-cache fetch). Values the code chose count.
    .filter((name) => !request || name !== 'accept' || header(headers, 'accept') !== '*/*')
    .filter((name) => !request || !NO_CACHE.has(name) || header(headers, name) !== 'no-cache')
    .sort()
    .join(',');

/**
 * What in a body changes from run to run, or from the page to Node, without the code changing: a
 * host's origin (`http://server.test` in the page, `http://127.0.0.1:40123` in Node), numbers
 * (times, durations, counters), random ids (UUIDs) and long hex or base64url tokens (signatures,
 * keys, nonces).
 */
const VOLATILE_TEXT =
  /(?:https?|wss?):\/\/[^/\s"'<>]+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{16,}|[\w-]{32,}|\d+(?:\.\d+)?/gi;

/**
 * The bytes a body or message counts for in the signature: its size with each volatile run of text
 * counted as one byte, when the trace kept all of it (else its size as it is).
 *
 * @example
 * stableBytes('{"at":1733461200123}', 20); // 9: '{"at":#}'
 */
export function stableBytes(preview: string, size: number): number {
  if (utf8Length(preview) !== size) return size;
  return utf8Length(preview.replace(VOLATILE_TEXT, '#'));
}

/** How a body was framed: its declared length, chunked, or neither. */
function framing(headers: HeaderList): string {
  if (/chunked/i.test(header(headers, 'transfer-encoding') ?? '')) return 'chunked';
  const length = header(headers, 'content-length');
  return length === undefined ? 'unframed' : 'content-length';
}

interface Exchange {
  client: string;
  parts: string[];
  /** Bytes of the response body, and the same with volatile text counted as one byte a run. */
  body: number;
  stable: number;
  /** The response's Content-Length, if it declared one. */
  declared?: number;
  /** WebSocket frames, kept per direction: how the two directions interleave is a matter of timing. */
  up: string[];
  down: string[];
  /** The close frames, after every message. */
  closes: string[];
}

/** The body's size (volatile text aside), and whether it matched the length the head declared. */
function bodyAgreement(exchange: Exchange): string {
  const bytes = exchange.body > 0 ? `body ${exchange.stable} B` : 'empty body';
  if (exchange.declared === undefined) return bytes;
  return exchange.declared === exchange.body
    ? `${bytes} as declared`
    : `${bytes}: ${exchange.body} ≠ declared ${exchange.declared}`;
}

/**
 * @example
 * strictSignature(events); // ["client → server POST /uploads [content-type] with body 40 B → 201 Created [content-type,location] content-length body 47 B as declared"]
 */
export function strictSignature(events: readonly TraceEvent[]): string[] {
  const order: Exchange[] = [];
  const byId = new Map<string, Exchange>();
  for (const event of events) {
    let exchange = byId.get(event.exchange);
    if (!exchange && (event.kind === 'request' || event.kind === 'ws-open')) {
      exchange = {
        client: event.from,
        parts: [],
        body: 0,
        stable: 0,
        up: [],
        down: [],
        closes: [],
      };
      byId.set(event.exchange, exchange);
      order.push(exchange);
    }
    if (exchange) exchange.parts.push(describe(event, exchange));
  }
  const line = (exchange: Exchange): string =>
    [
      ...exchange.parts,
      exchange.up.length > 0 ? `↑[${exchange.up.join(' ')}]` : '',
      exchange.down.length > 0 ? `↓[${exchange.down.join(' ')}]` : '',
      ...exchange.closes,
    ]
      .filter(Boolean)
      .join(' ');
  const clients = [...new Set(order.map((exchange) => exchange.client))].sort();
  return clients.flatMap((client) =>
    order.filter((exchange) => exchange.client === client).map(line),
  );
}

function sseFields(event: Extract<TraceEvent, { kind: 'sse-event' }>): string {
  if (event.comment !== undefined) return 'comment';
  const fields = [
    event.event !== undefined && `event=${event.event}`,
    event.id !== undefined && `id=${event.id}`,
    event.retry !== undefined && `retry=${event.retry}`,
    `data ${stableBytes(event.data, utf8Length(event.data))} B`,
  ];
  return fields.filter(Boolean).join(' ');
}

function describe(event: TraceEvent, exchange: Exchange): string {
  const up = event.from === exchange.client;
  switch (event.kind) {
    case 'request': {
      const body =
        event.bodySize > 0 ? ` with body ${stableBytes(event.bodyPreview, event.bodySize)} B` : '';
      return `${event.from} → ${event.to} ${event.method} ${requestTarget(event.url)} [${names(event.headers, true)}]${body}`;
    }
    case 'response': {
      const length = header(event.headers, 'content-length');
      if (length !== undefined) exchange.declared = Number(length);
      return `→ ${event.status} ${event.statusText} [${names(event.headers)}] ${framing(event.headers)}`;
    }
    case 'body-chunk':
      exchange.body += event.size;
      exchange.stable += stableBytes(event.preview, event.size);
      return '';
    case 'body-end':
      return bodyAgreement(exchange);
    case 'sse-event':
      return `sse(${sseFields(event)})`;
    case 'ws-open':
      // Names only: Sec-WebSocket-Key (and so the 101's Sec-WebSocket-Accept) is random per socket.
      return `${event.from} ⇄ ${event.to} WebSocket ${requestTarget(event.url)} [${names(event.headers, true)}]`;
    case 'ws-message':
      (up ? exchange.up : exchange.down).push(
        `${event.binary ? 'binary' : 'text'} ${stableBytes(event.preview, event.size)} B`,
      );
      return '';
    case 'ws-close':
      exchange.closes.push(`${up ? '↑' : '↓'}close ${event.code}`);
      return '';
    case 'error':
      return 'error';
    case 'abort':
      return 'abort';
  }
}
