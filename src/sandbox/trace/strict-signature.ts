/**
 * The strict form of {@link traceSignature}: per exchange, everything that should be the same on
 * the wire in the page and over real sockets, timings and time-bearing values aside. Method and target, header names
 * (without the ones an HTTP agent adds by itself), status with its reason phrase, framing
 * (Content-Length or chunked) and whether the body matched it, every SSE field, every WebSocket frame's direction and
 * size, the close code, and error and abort events.
 */
import type { HeaderList, TraceEvent } from './events';
import { requestTarget } from './wire-bytes';

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

const value = (headers: HeaderList, name: string): string | undefined =>
  headers.find(([key]) => key.toLowerCase() === name)?.[1];

const names = (headers: HeaderList, request = false): string =>
  [...new Set(headers.map(([name]) => name.toLowerCase()))]
    .filter((name) => !VOLATILE.has(name))
    // Agents add these by themselves: `accept: */*`, and `cache-control`/`pragma: no-cache` on a
    // conditional request (Fetch standard, HTTP-network-or-cache fetch). Values the code chose count.
    .filter((name) => !request || name !== 'accept' || value(headers, 'accept') !== '*/*')
    .filter((name) => !request || !NO_CACHE.has(name) || value(headers, name) !== 'no-cache')
    .sort()
    .join(',');

/** How a body was framed: its declared length, chunked, or neither. */
function framing(headers: HeaderList): string {
  if (/chunked/i.test(value(headers, 'transfer-encoding') ?? '')) return 'chunked';
  const length = value(headers, 'content-length');
  return length === undefined ? 'unframed' : 'content-length';
}

interface Exchange {
  client: string;
  parts: string[];
  body: number;
  /** The response's Content-Length, if it declared one. */
  declared?: number;
}

/**
 * Bodies often carry times and counters (a timestamp, a duration), so their sizes differ from run to
 * run by a digit or two: a body is compared by its framing and whether it matched what it declared.
 */
function bodyAgreement(exchange: Exchange): string {
  if (exchange.declared === undefined) return exchange.body > 0 ? 'body' : 'empty body';
  return exchange.declared === exchange.body
    ? 'body as declared'
    : `body ${exchange.body} ≠ declared ${exchange.declared}`;
}

/**
 * @example
 * strictSignature(events); // ["client → server POST /uploads [content-type] with body → 201 Created [content-type,location] content-length body as declared"]
 */
export function strictSignature(events: readonly TraceEvent[]): string[] {
  const order: Exchange[] = [];
  const byId = new Map<string, Exchange>();
  for (const event of events) {
    let exchange = byId.get(event.exchange);
    if (!exchange && (event.kind === 'request' || event.kind === 'ws-open')) {
      exchange = { client: event.from, parts: [], body: 0 };
      byId.set(event.exchange, exchange);
      order.push(exchange);
    }
    if (!exchange) continue;
    exchange.parts.push(describe(event, exchange));
  }
  const clients = [...new Set(order.map((exchange) => exchange.client))].sort();
  return clients.flatMap((client) =>
    order
      .filter((exchange) => exchange.client === client)
      .map((exchange) => exchange.parts.filter(Boolean).join(' ')),
  );
}

function describe(event: TraceEvent, exchange: Exchange): string {
  const up = event.from === exchange.client ? '↑' : '↓';
  switch (event.kind) {
    case 'request':
      return `${event.from} → ${event.to} ${event.method} ${requestTarget(event.url)} [${names(event.headers, true)}]${event.bodySize > 0 ? ' with body' : ''}`;
    case 'response': {
      const length = value(event.headers, 'content-length');
      if (length !== undefined) exchange.declared = Number(length);
      return `→ ${event.status} ${event.statusText} [${names(event.headers)}] ${framing(event.headers)}`;
    }
    case 'body-chunk':
      exchange.body += event.size;
      return '';
    case 'body-end':
      return bodyAgreement(exchange);
    case 'sse-event':
      return `sse(${[
        event.event && `event=${event.event}`,
        event.id !== undefined && `id=${event.id}`,
        event.retry !== undefined && `retry=${event.retry}`,
        event.comment !== undefined ? 'comment' : 'data',
      ]
        .filter(Boolean)
        .join(' ')})`;
    case 'ws-open':
      // Names only: Sec-WebSocket-Key (and so the 101's Sec-WebSocket-Accept) is random per socket.
      return `${event.from} ⇄ ${event.to} WebSocket ${requestTarget(event.url)} [${names(event.headers, true)}]`;
    case 'ws-message':
      return `${up}${event.binary ? 'binary' : 'text'}`;
    case 'ws-close':
      return `${up}close ${event.code}`;
    case 'error':
      return 'error';
    case 'abort':
      return 'abort';
  }
}
