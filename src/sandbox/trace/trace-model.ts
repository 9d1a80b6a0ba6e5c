/**
 * Folds a sandbox run's trace events into what the traffic view draws: messages (one arrow each),
 * exchanges, per-host counters and the HTTP/1.1 / WebSocket wire form of any message.
 * Pure and environment-neutral: used by the live view in the page, by the static diagram at build
 * time and by the differential test in Node.
 */
import type { TraceEvent } from './events';
import type {
  ExchangeState,
  HostCounters,
  MessageKind,
  TraceExchange,
  TraceMessage,
} from './model-types';
import {
  GROUP_MS,
  requestTarget,
  requestHeadBytes,
  responseHeadBytes,
  upgradeHeadBytes,
  chunkFraming,
  LAST_CHUNK_BYTES,
  wsFrameHeaderBytes,
  header,
  formatBytes,
  sseBytes,
  oneLine,
  sumSizes,
  closePayloadBytes,
} from './wire-bytes';

/** A new message made of `event` alone. */
const messageOf = (
  event: TraceEvent,
  kind: MessageKind,
  label: string,
  bytes: number,
): Omit<TraceMessage, 'index'> => ({
  kind,
  exchange: event.exchange,
  from: event.from,
  to: event.to,
  t: event.t,
  label,
  bytes,
  events: [event],
});

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
      case 'request':
        return this.foldRequest(event);
      case 'response':
        return this.foldResponse(event, exchange);
      case 'body-chunk':
        return this.foldBodyChunk(event, exchange);
      case 'body-end':
        return this.foldBodyEnd(event, exchange);
      case 'sse-event':
        return this.foldSseEvent(event);
      case 'ws-open':
        return this.foldWsOpen(event);
      case 'ws-message':
        return this.foldWsMessage(event, exchange);
      case 'ws-close':
        return this.foldWsClose(event, exchange);
      case 'error':
      case 'abort':
        return this.foldEnd(event, exchange);
    }
  }

  private foldRequest(event: Extract<TraceEvent, { kind: 'request' }>): void {
    const created = this.newExchange(event.exchange, 'http', event.from, event.to, event.t);
    created.request = event;
    const head = requestHeadBytes(event);
    this.host(event.from).requestsSent += 1;
    this.host(event.to).requestsReceived += 1;
    this.count(event.from, event.to, head, event.bodySize);
    const label = `${event.method} ${requestTarget(event.url)}`;
    this.push(messageOf(event, 'request', label, head + event.bodySize));
  }

  private foldResponse(
    event: Extract<TraceEvent, { kind: 'response' }>,
    exchange: TraceExchange | undefined,
  ): void {
    const head = responseHeadBytes(event);
    const statusClass = Math.min(4, Math.max(0, Math.floor(event.status / 100) - 1));
    const sent = this.host(event.from).responsesSent;
    const received = this.host(event.to).responsesReceived;
    sent[statusClass] = (sent[statusClass] ?? 0) + 1;
    received[statusClass] = (received[statusClass] ?? 0) + 1;
    this.count(event.from, event.to, head, 0);
    const label = `${event.status}${event.statusText ? ` ${event.statusText}` : ''}`;
    const message = this.push(messageOf(event, 'response', label, head));
    if (exchange) {
      exchange.response = event;
      exchange.responseMessage = message.index;
      // A WebSocket's 101 switches protocols: the connection stays open for frames, no body follows.
      if (exchange.protocol === 'ws') return;
      exchange.chunked = /chunked/i.test(header(event.headers, 'transfer-encoding') ?? '');
      exchange.sse = /^text\/event-stream/i.test(header(event.headers, 'content-type') ?? '');
      exchange.state = 'streaming';
    }
  }

  private foldBodyChunk(
    event: Extract<TraceEvent, { kind: 'body-chunk' }>,
    exchange: TraceExchange | undefined,
  ): void {
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
      exchange?.responseMessage !== undefined ? this.messages[exchange.responseMessage] : undefined;
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
    this.push(messageOf(event, 'chunks', `chunk, ${formatBytes(event.size)}`, bytes));
  }

  private foldBodyEnd(
    event: Extract<TraceEvent, { kind: 'body-end' }>,
    exchange: TraceExchange | undefined,
  ): void {
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
  }

  private foldSseEvent(event: Extract<TraceEvent, { kind: 'sse-event' }>): void {
    const label =
      event.comment !== undefined && event.data === ''
        ? `: ${oneLine(event.comment, 24)}`
        : `${event.event ?? 'message'}: ${oneLine(event.data, 28)}`;
    this.push(messageOf(event, 'sse', label, sseBytes(event)));
  }

  private foldWsOpen(event: Extract<TraceEvent, { kind: 'ws-open' }>): void {
    this.newExchange(event.exchange, 'ws', event.from, event.to, event.t);
    // The opening handshake is an HTTP request (RFC 6455 §4.1); its 101 answer is a response event.
    const head = upgradeHeadBytes(event);
    this.host(event.from).requestsSent += 1;
    this.host(event.to).requestsReceived += 1;
    this.count(event.from, event.to, head, 0);
    this.push(messageOf(event, 'ws-open', `WebSocket ${requestTarget(event.url)}`, head));
  }

  private foldWsMessage(
    event: Extract<TraceEvent, { kind: 'ws-message' }>,
    exchange: TraceExchange | undefined,
  ): void {
    const masked = exchange ? event.from === exchange.client : false;
    const head = wsFrameHeaderBytes(event.size, masked);
    this.count(event.from, event.to, head, event.size);
    this.host(event.from).wsMessagesSent += 1;
    this.host(event.to).wsMessagesReceived += 1;
    const label = event.binary
      ? `binary, ${formatBytes(event.size)}`
      : oneLine(event.preview, 32) || '(empty)';
    this.push(messageOf(event, 'ws-message', label, head + event.size));
  }

  private foldWsClose(
    event: Extract<TraceEvent, { kind: 'ws-close' }>,
    exchange: TraceExchange | undefined,
  ): void {
    const masked = exchange ? event.from === exchange.client : false;
    const payload = closePayloadBytes(event);
    const head = wsFrameHeaderBytes(payload, masked);
    this.count(event.from, event.to, head, payload);
    const reason = event.reason ? ` ${oneLine(event.reason, 20)}` : '';
    this.push(messageOf(event, 'ws-close', `close ${event.code}${reason}`, head + payload));
    if (exchange) this.close(exchange, event.t, 'done');
  }

  private foldEnd(
    event: Extract<TraceEvent, { kind: 'error' | 'abort' }>,
    exchange: TraceExchange | undefined,
  ): void {
    const label = event.kind === 'error' ? `error: ${oneLine(event.message, 28)}` : 'abort';
    this.push(messageOf(event, event.kind, label, 0));
    if (exchange) this.close(exchange, event.t, event.kind === 'error' ? 'error' : 'aborted');
  }
}
