/** What folding a trace produces: messages, exchanges, per-host counters and wire forms. */
import type { TraceEvent } from './events';

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
