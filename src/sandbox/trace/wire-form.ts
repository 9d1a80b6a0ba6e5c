/** The HTTP/1.1 or WebSocket wire form of one message of a folded trace, part by part with byte counts. */
import type { HeaderList, TraceEvent } from './events';
import type { TraceExchange, TraceMessage, WireForm, WirePart } from './model-types';
import type { TraceModel } from './trace-model';
import {
  utf8Length,
  requestTarget,
  statusLine,
  wsFrameHeaderBytes,
  formatBytes,
  sseLines,
  sumSizes,
  closePayloadBytes,
} from './wire-bytes';

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

type EventOf<K extends TraceEvent['kind']> = Extract<TraceEvent, { kind: K }>;

/** `GET /feed HTTP/1.1`, the header lines and the blank line of a request or an upgrade. */
const requestHead = (startLine: string, headers: HeaderList): WirePart[] => [
  line('start-line', startLine),
  ...headerParts(headers),
  line('blank', ''),
];

function requestForm(event: EventOf<'request'>): WireForm {
  const parts = requestHead(`${event.method} ${requestTarget(event.url)} HTTP/1.1`, event.headers);
  if (event.bodySize > 0) parts.push(bodyPart(event.bodyPreview, event.bodySize));
  return finish('HTTP/1.1 request', parts);
}

function responseForm(
  event: EventOf<'response'>,
  message: TraceMessage,
  exchange: TraceExchange | undefined,
): WireForm {
  const parts = requestHead(statusLine(event), event.headers);
  const rest = message.events.slice(1);
  if (exchange?.chunked) parts.push(...chunkParts(rest));
  else {
    const chunks = rest.filter((item) => item.kind === 'body-chunk');
    if (chunks.length > 0) {
      const previewText = chunks.map((item) => item.preview).join('');
      parts.push(bodyPart(previewText, sumSizes(chunks)));
    }
  }
  const note = exchange?.sse
    ? 'The event stream follows as chunks; each SSE event is its own message.'
    : undefined;
  return finish('HTTP/1.1 response', parts, note);
}

function sseForm(event: EventOf<'sse-event'>): WireForm {
  const parts = sseLines(event).map((text) => line('sse-line', text, '\n'));
  parts.push(line('blank', '', '\n'));
  return finish(
    'Server-sent event',
    parts,
    'Lines shown in canonical "field: value" form, as the parser read them.',
  );
}

/** A frame's header part: FIN, opcode, mask bit and payload length, as RFC 6455 lays them out. */
function frameHeader(opcode: string, payload: number, masked: boolean): WirePart {
  return {
    role: 'frame-header',
    text: `FIN=1 opcode=${opcode} MASK=${masked ? 1 : 0} payload length=${payload}${masked ? ' + masking key' : ''}`,
    eol: '',
    bytes: wsFrameHeaderBytes(payload, masked),
  };
}

/** Frames from the client are masked (RFC 6455 §5.3). */
const isMasked = (event: TraceEvent, exchange: TraceExchange | undefined): boolean =>
  exchange ? event.from === exchange.client : false;

function wsMessageForm(
  event: EventOf<'ws-message'>,
  exchange: TraceExchange | undefined,
): WireForm {
  const opcode = event.binary ? '0x2 binary' : '0x1 text';
  return finish('WebSocket frame (RFC 6455)', [
    frameHeader(opcode, event.size, isMasked(event, exchange)),
    { ...bodyPart(event.preview, event.size), role: 'payload' },
  ]);
}

function wsCloseForm(event: EventOf<'ws-close'>, exchange: TraceExchange | undefined): WireForm {
  const payload = closePayloadBytes(event);
  const parts = [frameHeader('0x8 close', payload, isMasked(event, exchange))];
  if (payload > 0) {
    const text = `code ${event.code}${event.reason ? ` "${event.reason}"` : ''}`;
    parts.push({ role: 'payload', text, eol: '', bytes: payload });
  }
  const note =
    payload === 0
      ? `Code ${event.code} is never sent: the connection ended without a close frame.`
      : undefined;
  return finish('WebSocket close frame', parts, note);
}

function wsOpenForm(event: EventOf<'ws-open'>): WireForm {
  return finish(
    'WebSocket opening handshake (RFC 6455)',
    requestHead(`GET ${requestTarget(event.url)} HTTP/1.1`, event.headers),
    event.headers.length === 0
      ? 'This trace did not record the handshake header by header.'
      : 'The server answers 101 Switching Protocols; from then on the connection carries frames.',
  );
}

const note = (text: string): WirePart => ({ role: 'note', text, eol: '', bytes: 0 });

/** The wire form of a message by the kind of its first event. */
function formOf(message: TraceMessage, exchange: TraceExchange | undefined): WireForm | undefined {
  const first = message.events[0];
  switch (first?.kind) {
    case 'request':
      return requestForm(first);
    case 'response':
      return responseForm(first, message, exchange);
    case 'body-chunk':
      return finish('HTTP/1.1 chunked body', chunkParts(message.events));
    case 'sse-event':
      return sseForm(first);
    case 'ws-message':
      return wsMessageForm(first, exchange);
    case 'ws-close':
      return wsCloseForm(first, exchange);
    case 'ws-open':
      return wsOpenForm(first);
    case 'error':
      return finish('Network error', [note(first.message)], 'Nothing more crossed the wire.');
    case 'abort':
      return finish('Abort', [note('The receiver stopped reading; the connection was closed.')]);
    default:
      return undefined;
  }
}

/** Said under a wire form whose events the recorder had to cut to the trace's bounds. */
export const CLIPPED_NOTE = 'Parts of this message were longer than the trace keeps; they are cut.';

/**
 * The wire form of message `index`: HTTP/1.1 start line, header lines, blank line and body; SSE
 * event lines; or a WebSocket frame header and payload. Each part carries its exact byte count.
 */
export function wireForm(model: TraceModel, index: number): WireForm | undefined {
  const message = model.messages[index];
  if (!message) return undefined;
  const form = formOf(message, model.exchanges.get(message.exchange));
  if (!form || !message.events.some((event) => event.clipped)) return form;
  return { ...form, note: form.note ? `${form.note} ${CLIPPED_NOTE}` : CLIPPED_NOTE };
}

/** One line of the text alternative: "12.3 ms client → server POST /uploads 47 B". */
export function describeMessage(message: TraceMessage): string {
  return `${message.t.toFixed(1)} ms ${message.from} → ${message.to} ${message.label}${message.bytes > 0 ? ` ${formatBytes(message.bytes)}` : ''}`;
}
