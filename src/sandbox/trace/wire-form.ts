/** The HTTP/1.1 or WebSocket wire form of one message of a folded trace, part by part with byte counts. */
import type { HeaderList, TraceEvent } from './events';
import type { TraceMessage, WireForm, WirePart } from './model-types';
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
        'WebSocket opening handshake (RFC 6455)',
        [
          line('start-line', `GET ${requestTarget(first.url)} HTTP/1.1`),
          ...headerParts(first.headers),
          line('blank', ''),
        ],
        first.headers.length === 0
          ? 'This trace did not record the handshake header by header.'
          : 'The server answers 101 Switching Protocols; from then on the connection carries frames.',
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
