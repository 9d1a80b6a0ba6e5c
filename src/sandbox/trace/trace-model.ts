/**
 * Folds a sandbox run's trace events into what the traffic view draws: messages (one arrow each),
 * exchanges, per-host counters and the HTTP/1.1 / WebSocket wire form of any message.
 * Pure and environment-neutral: used by the live view in the page, by the static diagram at build
 * time and by the differential test in Node.
 */
import type { HeaderList, TraceEvent } from './events';

export type MessageKind =
  | 'request'
  | 'response'
  | 'chunks'
  | 'sse'
  | 'ws-open'
  | 'ws-message'
  | 'ws-close'
  | 'error'
  | 'abort';

/** One arrow in the diagram and one row in the text list. */
export interface TraceMessage {
  /** Position in the run, from 0. */
  index: number;
  kind: MessageKind;
  exchange: string;
  from: string;
  to: string;
  /** Milliseconds since the run started (of the first event folded into this message). */
  t: number;
  /** Short label for the arrow, for example "POST /uploads" or "201 Created". */
  label: string;
  /** Bytes this message put on the wire (start line, headers, framing and body), as far as known. */
  bytes: number;
  /** The events folded into this message (a response also holds its body chunks). */
  events: TraceEvent[];
}

export type ExchangeState = 'waiting' | 'streaming' | 'open' | 'done' | 'aborted' | 'error';

/** An HTTP request/response pair or a WebSocket connection. */
export interface TraceExchange {
  id: string;
  protocol: 'http' | 'ws';
  /** The host that opened it (sent the request or the WebSocket handshake). */
  client: string;
  server: string;
  start: number;
  end?: number;
  state: ExchangeState;
  /** Index of the first and (so far) last message of this exchange. */
  firstMessage: number;
  lastMessage: number;
  request?: Extract<TraceEvent, { kind: 'request' }>;
  response?: Extract<TraceEvent, { kind: 'response' }>;
  responseMessage?: number;
  /** The response body is sent with `Transfer-Encoding: chunked`. */
  chunked: boolean;
  sse: boolean;
  bodyBytes: number;
  bodyChunks: number;
}

export interface ByteSplit {
  /** Start lines, header lines, the blank line, chunk-size lines and WebSocket frame headers. */
  headers: number;
  /** Payload: request and response bodies, WebSocket message payloads. */
  body: number;
}

export interface HostCounters {
  host: string;
  requestsSent: number;
  requestsReceived: number;
  /** Responses this host sent, by status class: index 0 is 1xx … index 4 is 5xx. */
  responsesSent: [number, number, number, number, number];
  responsesReceived: [number, number, number, number, number];
  sent: ByteSplit;
  received: ByteSplit;
  wsMessagesSent: number;
  wsMessagesReceived: number;
  /** Exchanges this host takes part in that are open now, and the most at once. */
  openNow: number;
  openPeak: number;
}

/** One part of a message's wire form: what is shown and how many bytes it is on the wire. */
export interface WirePart {
  role:
    | 'start-line'
    | 'header'
    | 'blank'
    | 'body'
    | 'chunk-size'
    | 'chunk-end'
    | 'sse-line'
    | 'frame-header'
    | 'payload'
    | 'note';
  /** The text of this part without its line ending; bodies may be a preview. */
  text: string;
  /** The line ending shown after the text ("\r\n", "\n" or ""). */
  eol: string;
  /** Bytes on the wire, line ending included. */
  bytes: number;
  /** The text is cut short of what was sent (a body preview). */
  truncated?: boolean;
}

export interface WireForm {
  /** What kind of wire form this is, for a heading: "HTTP/1.1 request", "WebSocket frame" … */
  title: string;
  parts: WirePart[];
  /** Sum of the parts' bytes. */
  total: number;
  /** Something the reader should know about this wire form (for example, reconstructed lines). */
  note?: string;
}

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

/** `POST /uploads HTTP/1.1\r\n` + headers + `\r\n`. */
export function requestHeadBytes(event: Extract<TraceEvent, { kind: 'request' }>): number {
  return (
    utf8Length(`${event.method} ${requestTarget(event.url)} HTTP/1.1`) +
    2 +
    headerBytes(event.headers) +
    2
  );
}

/** `HTTP/1.1 201 Created\r\n` + headers + `\r\n`. */
export function responseHeadBytes(event: Extract<TraceEvent, { kind: 'response' }>): number {
  return utf8Length(statusLine(event)) + 2 + headerBytes(event.headers) + 2;
}

function statusLine(event: Extract<TraceEvent, { kind: 'response' }>): string {
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

const header = (headers: HeaderList, name: string): string | undefined =>
  headers.find(([key]) => key.toLowerCase() === name)?.[1];

function formatBytes(bytes: number): string {
  return bytes < 10_000 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KB`;
}

/** The SSE event's lines in canonical `field: value` form. */
function sseLines(event: Extract<TraceEvent, { kind: 'sse-event' }>): string[] {
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

function sseBytes(event: Extract<TraceEvent, { kind: 'sse-event' }>): number {
  let total = 1; // the blank line that dispatches the event
  for (const line of sseLines(event)) total += utf8Length(line) + 1;
  return total;
}

function oneLine(text: string, max = 40): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/**
 * The running state of one trace: feed it events in order with {@link TraceModel.add}; it keeps
 * messages, exchanges and counters up to date in time proportional to the events added.
 *
 * @example
 * const model = new TraceModel(['client', 'server']);
 * model.add(events);
 * model.messages[0]?.label; // "POST /uploads"
 * wireForm(model, 0).total; // bytes of the first request on the wire
 */
export class TraceModel {
  readonly messages: TraceMessage[] = [];
  readonly exchanges = new Map<string, TraceExchange>();
  readonly counters = new Map<string, HostCounters>();
  readonly events: TraceEvent[] = [];
  /** Hosts in lifeline order: the ones given first, then any that appear in the trace. */
  readonly hosts: string[] = [];
  /** Time of the latest event, in ms since the run started. */
  elapsed = 0;
  /** Exchanges open now (awaiting a response, streaming, or a WebSocket not closed). */
  openCount = 0;

  constructor(hosts: string[] = []) {
    for (const host of hosts) this.host(host);
  }

  /** Folds events (in the order they happened) into messages, exchanges and counters. */
  add(events: readonly TraceEvent[]): void {
    for (const event of events) this.fold(event);
  }

  /** Counters for a host (created on first use). */
  host(name: string): HostCounters {
    let counters = this.counters.get(name);
    if (!counters) {
      counters = {
        host: name,
        requestsSent: 0,
        requestsReceived: 0,
        responsesSent: [0, 0, 0, 0, 0],
        responsesReceived: [0, 0, 0, 0, 0],
        sent: { headers: 0, body: 0 },
        received: { headers: 0, body: 0 },
        wsMessagesSent: 0,
        wsMessagesReceived: 0,
        openNow: 0,
        openPeak: 0,
      };
      this.counters.set(name, counters);
      this.hosts.push(name);
    }
    return counters;
  }

  /** Exchanges that are still open (awaiting a response, streaming, or a WebSocket not closed). */
  openExchanges(): TraceExchange[] {
    return [...this.exchanges.values()].filter((exchange) => exchange.end === undefined);
  }

  private push(message: Omit<TraceMessage, 'index'>): TraceMessage {
    const full = { ...message, index: this.messages.length };
    this.messages.push(full);
    const exchange = this.exchanges.get(full.exchange);
    if (exchange) exchange.lastMessage = full.index;
    return full;
  }

  private count(from: string, to: string, headers: number, body: number): void {
    const sender = this.host(from);
    const receiver = this.host(to);
    sender.sent.headers += headers;
    sender.sent.body += body;
    receiver.received.headers += headers;
    receiver.received.body += body;
  }

  private openConnection(exchange: TraceExchange): void {
    this.openCount += 1;
    for (const name of new Set([exchange.client, exchange.server])) {
      const counters = this.host(name);
      counters.openNow += 1;
      counters.openPeak = Math.max(counters.openPeak, counters.openNow);
    }
  }

  private close(exchange: TraceExchange, t: number, state: ExchangeState): void {
    if (exchange.end !== undefined) return;
    exchange.end = t;
    exchange.state = state;
    this.openCount -= 1;
    for (const name of new Set([exchange.client, exchange.server])) this.host(name).openNow -= 1;
  }

  private newExchange(
    id: string,
    protocol: 'http' | 'ws',
    client: string,
    server: string,
    t: number,
  ): TraceExchange {
    const exchange: TraceExchange = {
      id,
      protocol,
      client,
      server,
      start: t,
      state: protocol === 'ws' ? 'open' : 'waiting',
      firstMessage: this.messages.length,
      lastMessage: this.messages.length,
      chunked: false,
      sse: false,
      bodyBytes: 0,
      bodyChunks: 0,
    };
    this.exchanges.set(id, exchange);
    this.openConnection(exchange);
    return exchange;
  }

  private fold(event: TraceEvent): void {
    this.events.push(event);
    this.elapsed = Math.max(this.elapsed, event.t);
    this.host(event.from);
    this.host(event.to);
    const exchange = this.exchanges.get(event.exchange);
    switch (event.kind) {
      case 'request': {
        const created = this.newExchange(event.exchange, 'http', event.from, event.to, event.t);
        created.request = event;
        const head = requestHeadBytes(event);
        this.host(event.from).requestsSent += 1;
        this.host(event.to).requestsReceived += 1;
        this.count(event.from, event.to, head, event.bodySize);
        this.push({
          kind: 'request',
          exchange: event.exchange,
          from: event.from,
          to: event.to,
          t: event.t,
          label: `${event.method} ${requestTarget(event.url)}`,
          bytes: head + event.bodySize,
          events: [event],
        });
        return;
      }
      case 'response': {
        const head = responseHeadBytes(event);
        const statusClass = Math.min(4, Math.max(0, Math.floor(event.status / 100) - 1));
        const sent = this.host(event.from).responsesSent;
        const received = this.host(event.to).responsesReceived;
        sent[statusClass] = (sent[statusClass] ?? 0) + 1;
        received[statusClass] = (received[statusClass] ?? 0) + 1;
        this.count(event.from, event.to, head, 0);
        const message = this.push({
          kind: 'response',
          exchange: event.exchange,
          from: event.from,
          to: event.to,
          t: event.t,
          label: `${event.status}${event.statusText ? ` ${event.statusText}` : ''}`,
          bytes: head,
          events: [event],
        });
        if (exchange) {
          exchange.response = event;
          exchange.responseMessage = message.index;
          exchange.chunked = /chunked/i.test(header(event.headers, 'transfer-encoding') ?? '');
          exchange.sse = /^text\/event-stream/i.test(header(event.headers, 'content-type') ?? '');
          exchange.state = 'streaming';
        }
        return;
      }
      case 'body-chunk': {
        const framing = exchange?.chunked ? chunkFraming(event.size) : 0;
        this.count(event.from, event.to, framing, event.size);
        const bytes = framing + event.size;
        if (exchange) {
          exchange.bodyBytes += event.size;
          exchange.bodyChunks += 1;
        }
        const last = this.messages.at(-1);
        // A fixed-length body belongs to its response; SSE streams show events, not chunks; other
        // streamed chunks join the response when nothing came between, then form "chunks" messages
        // (one per burst: chunks within GROUP_MS of each other).
        const host =
          exchange?.responseMessage !== undefined
            ? this.messages[exchange.responseMessage]
            : undefined;
        const sinceHost = host ? event.t - (host.events.at(-1)?.t ?? event.t) : Infinity;
        if (
          host &&
          exchange &&
          (!exchange.chunked ||
            exchange.sse ||
            (last === host && (host.events.length === 1 || sinceHost <= GROUP_MS)))
        ) {
          host.events.push(event);
          host.bytes += bytes;
          return;
        }
        if (
          last &&
          last.kind === 'chunks' &&
          last.exchange === event.exchange &&
          event.t - (last.events.at(-1)?.t ?? event.t) <= GROUP_MS
        ) {
          last.events.push(event);
          last.bytes += bytes;
          last.label = `${last.events.length} chunks, ${formatBytes(sumSizes(last.events))}`;
          return;
        }
        this.push({
          kind: 'chunks',
          exchange: event.exchange,
          from: event.from,
          to: event.to,
          t: event.t,
          label: `chunk, ${formatBytes(event.size)}`,
          bytes,
          events: [event],
        });
        return;
      }
      case 'body-end': {
        if (exchange?.chunked) {
          this.count(event.from, event.to, LAST_CHUNK_BYTES, 0);
          const host =
            exchange.responseMessage !== undefined
              ? this.messages[exchange.responseMessage]
              : undefined;
          const last = this.messages.at(-1);
          const target =
            last && last.exchange === event.exchange && last.kind === 'chunks' ? last : host;
          if (target) {
            target.events.push(event);
            target.bytes += LAST_CHUNK_BYTES;
          }
        } else if (exchange?.responseMessage !== undefined) {
          this.messages[exchange.responseMessage]?.events.push(event);
        }
        if (exchange) {
          this.close(exchange, event.t, 'done');
          exchange.lastMessage = Math.max(exchange.lastMessage, this.messages.length - 1);
        }
        return;
      }
      case 'sse-event': {
        const label =
          event.comment !== undefined && event.data === ''
            ? `: ${oneLine(event.comment, 24)}`
            : `${event.event ?? 'message'}: ${oneLine(event.data, 28)}`;
        this.push({
          kind: 'sse',
          exchange: event.exchange,
          from: event.from,
          to: event.to,
          t: event.t,
          label,
          bytes: sseBytes(event),
          events: [event],
        });
        return;
      }
      case 'ws-open': {
        this.newExchange(event.exchange, 'ws', event.from, event.to, event.t);
        this.push({
          kind: 'ws-open',
          exchange: event.exchange,
          from: event.from,
          to: event.to,
          t: event.t,
          label: `WebSocket ${requestTarget(event.url)}`,
          bytes: 0,
          events: [event],
        });
        return;
      }
      case 'ws-message': {
        const masked = exchange ? event.from === exchange.client : false;
        const head = wsFrameHeaderBytes(event.size, masked);
        this.count(event.from, event.to, head, event.size);
        this.host(event.from).wsMessagesSent += 1;
        this.host(event.to).wsMessagesReceived += 1;
        this.push({
          kind: 'ws-message',
          exchange: event.exchange,
          from: event.from,
          to: event.to,
          t: event.t,
          label: event.binary
            ? `binary, ${formatBytes(event.size)}`
            : oneLine(event.preview, 32) || '(empty)',
          bytes: head + event.size,
          events: [event],
        });
        return;
      }
      case 'ws-close': {
        const masked = exchange ? event.from === exchange.client : false;
        const payload = closePayloadBytes(event);
        const head = wsFrameHeaderBytes(payload, masked);
        this.count(event.from, event.to, head, payload);
        this.push({
          kind: 'ws-close',
          exchange: event.exchange,
          from: event.from,
          to: event.to,
          t: event.t,
          label: `close ${event.code}${event.reason ? ` ${oneLine(event.reason, 20)}` : ''}`,
          bytes: head + payload,
          events: [event],
        });
        if (exchange) this.close(exchange, event.t, 'done');
        return;
      }
      case 'error':
      case 'abort': {
        this.push({
          kind: event.kind,
          exchange: event.exchange,
          from: event.from,
          to: event.to,
          t: event.t,
          label: event.kind === 'error' ? `error: ${oneLine(event.message, 28)}` : 'abort',
          bytes: 0,
          events: [event],
        });
        if (exchange) this.close(exchange, event.t, event.kind === 'error' ? 'error' : 'aborted');
        return;
      }
    }
  }
}

function sumSizes(events: TraceEvent[]): number {
  let total = 0;
  for (const event of events) if (event.kind === 'body-chunk') total += event.size;
  return total;
}

/** Close frame payload: a 2-byte code plus the UTF-8 reason (none for 1005/1006, which are never sent). */
function closePayloadBytes(event: Extract<TraceEvent, { kind: 'ws-close' }>): number {
  if (event.code === 1005 || event.code === 1006) return 0;
  return 2 + utf8Length(event.reason);
}

const line = (role: WirePart['role'], text: string, eol = '\r\n'): WirePart => ({
  role,
  text,
  eol,
  bytes: utf8Length(text) + utf8Length(eol),
});

function headerParts(headers: HeaderList): WirePart[] {
  return headers.map(([name, value]) => line('header', `${name}: ${value}`));
}

function bodyPart(previewText: string, size: number): WirePart {
  const text =
    previewText.endsWith('…') && utf8Length(previewText) !== size
      ? previewText.slice(0, -1)
      : previewText;
  return { role: 'body', text, eol: '', bytes: size, truncated: utf8Length(text) < size };
}

function finish(title: string, parts: WirePart[], note?: string): WireForm {
  let total = 0;
  for (const part of parts) total += part.bytes;
  return note === undefined ? { title, parts, total } : { title, parts, total, note };
}

function chunkParts(events: TraceEvent[]): WirePart[] {
  const parts: WirePart[] = [];
  for (const event of events) {
    if (event.kind === 'body-chunk') {
      parts.push(line('chunk-size', event.size.toString(16)));
      const body = bodyPart(event.preview, event.size);
      parts.push({ ...body, eol: '\r\n', bytes: body.bytes + 2 });
    } else if (event.kind === 'body-end') {
      parts.push(line('chunk-end', '0'), line('blank', ''));
    }
  }
  return parts;
}

/**
 * The wire form of message `index`: HTTP/1.1 start line, header lines, blank line and body; SSE
 * event lines; or a WebSocket frame header and payload. Each part carries its exact byte count.
 */
export function wireForm(model: TraceModel, index: number): WireForm | undefined {
  const message = model.messages[index];
  if (!message) return undefined;
  const first = message.events[0];
  if (!first) return undefined;
  const exchange = model.exchanges.get(message.exchange);
  switch (first.kind) {
    case 'request': {
      const parts = [
        line('start-line', `${first.method} ${requestTarget(first.url)} HTTP/1.1`),
        ...headerParts(first.headers),
        line('blank', ''),
      ];
      if (first.bodySize > 0) parts.push(bodyPart(first.bodyPreview, first.bodySize));
      return finish('HTTP/1.1 request', parts);
    }
    case 'response': {
      const parts = [
        line('start-line', statusLine(first)),
        ...headerParts(first.headers),
        line('blank', ''),
      ];
      const rest = message.events.slice(1);
      if (exchange?.chunked) parts.push(...chunkParts(rest));
      else {
        const chunks = rest.filter((event) => event.kind === 'body-chunk');
        if (chunks.length > 0) {
          const previewText = chunks.map((event) => event.preview).join('');
          parts.push(bodyPart(previewText, sumSizes(chunks)));
        }
      }
      const note = exchange?.sse
        ? 'The event stream follows as chunks; each SSE event is its own message.'
        : undefined;
      return finish('HTTP/1.1 response', parts, note);
    }
    case 'body-chunk':
      return finish('HTTP/1.1 chunked body', chunkParts(message.events));
    case 'sse-event': {
      const parts = sseLines(first).map((text) => line('sse-line', text, '\n'));
      parts.push(line('blank', '', '\n'));
      return finish(
        'Server-sent event',
        parts,
        'Lines shown in canonical "field: value" form, as the parser read them.',
      );
    }
    case 'ws-message': {
      const masked = exchange ? first.from === exchange.client : false;
      const head = wsFrameHeaderBytes(first.size, masked);
      const opcode = first.binary ? '0x2 binary' : '0x1 text';
      const parts: WirePart[] = [
        {
          role: 'frame-header',
          text: `FIN=1 opcode=${opcode} MASK=${masked ? 1 : 0} payload length=${first.size}${masked ? ' + masking key' : ''}`,
          eol: '',
          bytes: head,
        },
        { ...bodyPart(first.preview, first.size), role: 'payload' },
      ];
      return finish('WebSocket frame (RFC 6455)', parts);
    }
    case 'ws-close': {
      const masked = exchange ? first.from === exchange.client : false;
      const payload = closePayloadBytes(first);
      const parts: WirePart[] = [
        {
          role: 'frame-header',
          text: `FIN=1 opcode=0x8 close MASK=${masked ? 1 : 0} payload length=${payload}${masked ? ' + masking key' : ''}`,
          eol: '',
          bytes: wsFrameHeaderBytes(payload, masked),
        },
      ];
      if (payload > 0) {
        parts.push({
          role: 'payload',
          text: `code ${first.code}${first.reason ? ` "${first.reason}"` : ''}`,
          eol: '',
          bytes: payload,
        });
      }
      const note =
        payload === 0
          ? `Code ${first.code} is never sent: the connection ended without a close frame.`
          : undefined;
      return finish('WebSocket close frame', parts, note);
    }
    case 'ws-open':
      return finish(
        'WebSocket opening handshake',
        [line('start-line', `GET ${requestTarget(first.url)} HTTP/1.1`)],
        'The handshake (Upgrade: websocket, then 101 Switching Protocols) is not recorded header by header.',
      );
    case 'error':
      return finish(
        'Network error',
        [{ role: 'note', text: first.message, eol: '', bytes: 0 }],
        'Nothing more crossed the wire.',
      );
    case 'abort':
      return finish('Abort', [
        {
          role: 'note',
          text: 'The receiver stopped reading; the connection was closed.',
          eol: '',
          bytes: 0,
        },
      ]);
    default:
      return undefined;
  }
}

/** One line of the text alternative: "12.3 ms client → server POST /uploads 47 B". */
export function describeMessage(message: TraceMessage): string {
  return `${message.t.toFixed(1)} ms ${message.from} → ${message.to} ${message.label}${message.bytes > 0 ? ` ${formatBytes(message.bytes)}` : ''}`;
}

/**
 * A timing-free summary of a trace for comparing two runs of the same sandbox: per client, in order,
 * each exchange's method, path and status with its SSE event count, or a WebSocket's message counts
 * each way. Clients are sorted by name, since concurrent clients interleave differently per run.
 *
 * @example
 * traceSignature(events); // ["client: POST /uploads → 201", "client: POST /uploads → 400"]
 */
export function traceSignature(events: readonly TraceEvent[]): string[] {
  interface Summary {
    client: string;
    text: string;
    sse: number;
    up: number;
    down: number;
    protocol: 'http' | 'ws';
    status?: number;
  }
  const order: Summary[] = [];
  const byExchange = new Map<string, Summary>();
  for (const event of events) {
    let summary = byExchange.get(event.exchange);
    if (event.kind === 'request' && !summary) {
      summary = {
        client: event.from,
        text: `${event.from} → ${event.to} ${event.method} ${requestTarget(event.url)}`,
        sse: 0,
        up: 0,
        down: 0,
        protocol: 'http',
      };
      byExchange.set(event.exchange, summary);
      order.push(summary);
    } else if (event.kind === 'ws-open' && !summary) {
      summary = {
        client: event.from,
        text: `${event.from} ⇄ ${event.to} WebSocket ${requestTarget(event.url)}`,
        sse: 0,
        up: 0,
        down: 0,
        protocol: 'ws',
      };
      byExchange.set(event.exchange, summary);
      order.push(summary);
    }
    if (!summary) continue;
    if (event.kind === 'response') summary.status = event.status;
    else if (event.kind === 'sse-event' && !(event.comment !== undefined && event.data === ''))
      summary.sse += 1;
    else if (event.kind === 'ws-message') {
      if (event.from === summary.client) summary.up += 1;
      else summary.down += 1;
    }
  }
  const lines = order.map((summary) => ({
    client: summary.client,
    text:
      summary.protocol === 'http'
        ? `${summary.text} → ${summary.status ?? 'no response'}${summary.sse > 0 ? `, ${summary.sse} SSE events` : ''}`
        : `${summary.text}: ${summary.up} sent, ${summary.down} received`,
  }));
  const clients = [...new Set(order.map((summary) => summary.client))].sort();
  return clients.flatMap((client) =>
    lines.filter((line) => line.client === client).map((line) => line.text),
  );
}
